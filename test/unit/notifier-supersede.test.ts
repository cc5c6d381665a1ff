/**
 * The rule that tells a pending owner notice the credential has outgrown (`notifier/supersede.ts`,
 * docs/notifications.md, "Drain summary"): a renewed expiry, a stale or orphan flag cleared or set anew, a use
 * after the stale flag, a deletion undone other than by restore or made anew. Instants compare as instants, and an
 * unreadable stored value never drops a notice.
 */
import { describe, expect, it } from 'vitest';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import type { EventType } from '../../lambdas/hygiene/events';
import { isSuperseded } from '../../lambdas/hygiene/notifier/supersede';
import { outboxEvent } from './outbox-fakes';

const E1 = '2026-12-03T09:00:00.000Z';
const QUEUED = '2026-11-26T02:00:00.000Z';
const DUE = '2026-12-10T02:00:00.000Z';

const expiryWarning = outboxEvent({ credentialId: 'pc-1', userId: 'ada', expiresTime: E1 });
const staleWarning = outboxEvent({
  credentialId: 'pc-1',
  userId: 'ada',
  type: 'stale-warning',
  occurredAt: QUEUED,
  deleteAfter: DUE,
});
const orphanFlagged = outboxEvent({
  credentialId: 'pc-1',
  userId: 'ada',
  type: 'orphan-flagged',
  occurredAt: QUEUED,
  deleteAfter: DUE,
});

const staleFlag = { [HYGIENE_ATTR.staleFlaggedAt]: QUEUED, [HYGIENE_ATTR.staleDeleteAfter]: DUE };
const orphanFlag = { [HYGIENE_ATTR.orphanedAt]: QUEUED, [HYGIENE_ATTR.orphanDeleteAfter]: DUE };

describe('an expiry warning', () => {
  it('is superseded once the item holds a later expiresTime (renewed)', () => {
    expect(isSuperseded(expiryWarning, { expiresTime: '2027-06-01T00:00:00.000Z' })).toBe(true);
  });

  it('is kept while the item holds the same expiry', () => {
    expect(isSuperseded(expiryWarning, { expiresTime: E1 })).toBe(false);
  });

  it('is kept for the same instant written in another form (compared as instants, not text)', () => {
    expect(isSuperseded(expiryWarning, { expiresTime: '2026-12-03T10:00:00+01:00' })).toBe(false);
    expect(isSuperseded(expiryWarning, { expiresTime: '2026-12-03T09:00:00Z' })).toBe(false);
  });

  it('is kept when the stored expiry cannot be read, is not text, or is absent (never dropped on doubt)', () => {
    for (const expiresTime of ['2026-12-33T09:00:00Z', 'next week', 1_780_000_000, undefined])
      expect(isSuperseded(expiryWarning, { expiresTime })).toBe(false);
  });

  it('is kept when its own expiresTime cannot be read', () => {
    const odd = { ...expiryWarning, expiresTime: 'soon' };
    expect(isSuperseded(odd, { expiresTime: '2027-06-01T00:00:00.000Z' })).toBe(false);
  });
});

describe('a stale warning', () => {
  it('is kept while the item carries the flag it announced', () => {
    expect(isSuperseded(staleWarning, staleFlag)).toBe(false);
    // The same flag stored in another form.
    const offset = {
      [HYGIENE_ATTR.staleFlaggedAt]: '2026-11-26T03:00:00+01:00',
      [HYGIENE_ATTR.staleDeleteAfter]: DUE,
    };
    expect(isSuperseded(staleWarning, offset)).toBe(false);
  });

  it('is superseded once the flag is cleared (used again, exempted)', () => {
    expect(isSuperseded(staleWarning, {})).toBe(true);
  });

  it('is superseded once the flag is set anew: another flaggedAt, or another deleteAfter', () => {
    const later = '2026-12-20T02:00:00.000Z';
    expect(isSuperseded(staleWarning, { ...staleFlag, [HYGIENE_ATTR.staleFlaggedAt]: later })).toBe(true);
    expect(isSuperseded(staleWarning, { ...staleFlag, [HYGIENE_ATTR.staleDeleteAfter]: later })).toBe(true);
  });

  it('is superseded when the credential was used after its flag, before a sweep cleared it', () => {
    expect(isSuperseded(staleWarning, { ...staleFlag, lastUsedAt: '2026-11-27T08:00:00.000Z' })).toBe(true);
    expect(isSuperseded(staleWarning, { ...staleFlag, lastUsedAt: '2026-07-01T00:00:00.000Z' })).toBe(false);
  });

  it('is kept when a flag value cannot be read, or only half the flag is stored', () => {
    for (const raw of [
      { ...staleFlag, [HYGIENE_ATTR.staleFlaggedAt]: 'yesterday' },
      { ...staleFlag, [HYGIENE_ATTR.staleDeleteAfter]: 42 },
      { [HYGIENE_ATTR.staleFlaggedAt]: QUEUED },
      { [HYGIENE_ATTR.staleDeleteAfter]: DUE },
      { ...staleFlag, lastUsedAt: 'recently' },
    ])
      expect(isSuperseded(staleWarning, raw)).toBe(false);
  });

  it('queued without a deleteAfter (an earlier version): judged on when it was flagged', () => {
    const { deleteAfter: _, ...older } = staleWarning;
    expect(isSuperseded(older, staleFlag)).toBe(false);
    expect(isSuperseded(older, { ...staleFlag, [HYGIENE_ATTR.staleFlaggedAt]: DUE })).toBe(true);
  });
});

describe('an orphan-flagged notice', () => {
  it('is kept while the orphan flag it announced stands, superseded once it is cleared or set anew', () => {
    expect(isSuperseded(orphanFlagged, orphanFlag)).toBe(false);
    expect(isSuperseded(orphanFlagged, {})).toBe(true);
    expect(isSuperseded(orphanFlagged, { ...orphanFlag, [HYGIENE_ATTR.orphanedAt]: DUE })).toBe(true);
    expect(isSuperseded(orphanFlagged, { ...orphanFlag, [HYGIENE_ATTR.orphanedAt]: 'then' })).toBe(false);
  });
});

describe('a stale or orphan warning about a credential the worker soft-deleted since', () => {
  const deleted = { deletedAt: '2026-12-10T03:00:00.000Z', [HYGIENE_ATTR.deletedByRun]: 'run-delete' };

  it('is superseded, whatever else the item holds: its deletion notice tells the owner what happened', () => {
    // An expiry warning is kept: read after the expiry it says the credential expired, still true beside it.
    expect(isSuperseded(expiryWarning, { expiresTime: E1, ...deleted })).toBe(false);
    // The sweep's stale and orphan deletions keep the flag the warning announced.
    expect(isSuperseded(staleWarning, { ...staleFlag, ...deleted })).toBe(true);
    expect(isSuperseded(orphanFlagged, { ...orphanFlag, ...deleted })).toBe(true);
  });

  it('is kept for a deletedAt the worker did not write (no hygieneDeletedByRun: the platform revoking it)', () => {
    // Nothing clears the flag when the platform undoes its revoke: dropped, the warning would never be sent, and
    // the sweep would delete the credential at the warned date.
    const revoked = { deletedAt: deleted.deletedAt };
    expect(isSuperseded(expiryWarning, { expiresTime: E1, ...revoked })).toBe(false);
    expect(isSuperseded(staleWarning, { ...staleFlag, ...revoked })).toBe(false);
    expect(isSuperseded(orphanFlagged, { ...orphanFlag, ...revoked })).toBe(false);
  });

  it('is kept when deletedAt is absent, NULL or cannot be read (never dropped on doubt)', () => {
    const byRun = { [HYGIENE_ATTR.deletedByRun]: 'run-delete' };
    for (const deletedAt of [undefined, null, 'yesterday', 1_780_000_000]) {
      expect(isSuperseded(expiryWarning, { expiresTime: E1, deletedAt, ...byRun })).toBe(false);
      expect(isSuperseded(staleWarning, { ...staleFlag, deletedAt, ...byRun })).toBe(false);
      expect(isSuperseded(orphanFlagged, { ...orphanFlag, deletedAt, ...byRun })).toBe(false);
    }
  });
});

describe('deletion notices', () => {
  const DELETED_AT = '2026-11-26T02:00:00.000Z';
  const types: EventType[] = ['deleted-expired', 'deleted-stale', 'deleted-orphaned'];
  const notices = types.map((type) =>
    outboxEvent({ credentialId: 'pc-1', userId: 'ada', type, occurredAt: DELETED_AT, deleteAfter: DUE }),
  );

  it('are kept while the item holds the deletion they announced (deletedAt = occurredAt, as instants)', () => {
    for (const event of notices) {
      expect(isSuperseded(event, { deletedAt: DELETED_AT })).toBe(false);
      expect(isSuperseded(event, { deletedAt: '2026-11-26T03:00:00+01:00' })).toBe(false);
      // A renewal after the deletion says nothing about the deletion.
      expect(isSuperseded(event, { deletedAt: DELETED_AT, expiresTime: '2027-06-01T00:00:00.000Z' })).toBe(
        false,
      );
    }
  });

  it('are superseded once the credential is live again: deletedAt removed, or NULL, by anything but restore', () => {
    for (const event of notices) {
      expect(isSuperseded(event, {})).toBe(true);
      expect(isSuperseded(event, { deletedAt: null })).toBe(true);
    }
  });

  it('are superseded once a later run deleted the credential anew, at another instant (its own notice queued)', () => {
    const anew = { deletedAt: '2026-12-01T03:00:00.000Z' };
    for (const event of notices) {
      expect(isSuperseded(event, { ...anew, [HYGIENE_ATTR.deletedByRun]: 'run-later' })).toBe(true);
      // Moved by anyone else (the platform revoking it again, a rewrite): the credential is deleted and its purge
      // still waits for this notice, which nobody else sends — kept.
      expect(isSuperseded(event, { ...anew, [HYGIENE_ATTR.deletedByRun]: event.runId })).toBe(false);
      expect(isSuperseded(event, anew)).toBe(false);
      expect(isSuperseded(event, { deletedAt: '2026-11-26T02:00:00Z' })).toBe(false);
    }
  });

  it('are kept when deletedAt, or their own occurredAt, cannot be read (never dropped on doubt)', () => {
    for (const event of notices) {
      for (const deletedAt of ['', 'yesterday', '2026-11-33T02:00:00Z', 1_780_000_000, true])
        expect(isSuperseded(event, { deletedAt })).toBe(false);
      expect(isSuperseded({ ...event, occurredAt: 'then' }, { deletedAt: '2026-12-01T03:00:00.000Z' })).toBe(
        false,
      );
    }
  });
});
