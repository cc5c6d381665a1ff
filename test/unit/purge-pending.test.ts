/**
 * The purge held back until a deletion notice is sent: where the transition
 * write puts the purge time, and how a drain that empties the outbox releases it.
 */
import { describe, expect, it } from 'vitest';
import { transitionUpdate } from '../../lambdas/aws/transition-write';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR, PURGE_PENDING_ATTR } from '../../lambdas/hygiene/data-contract';
import { eventsFor } from '../../lambdas/hygiene/events';
import { planPurgeRelease } from '../../lambdas/hygiene/outbox-item';
import type { Action } from '../../lambdas/hygiene/policy';
import { requireInstant } from '../../lambdas/hygiene/time';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const PURGE_AT = Math.floor(NOW / 1000) + 30 * 86_400;
const DELETED_AT = '2026-11-26T02:00:00.000Z';

describe('transitionUpdate with a purge configured', () => {
  const parsed = parseCredential({ id: 'pc-1', userId: 'u-1', expiresTime: '2026-11-01T00:00:00Z' });
  if (!parsed.ok) throw new Error('test credential is invalid');
  const credential = parsed.credential;
  const actions: Action[] = [{ type: 'delete-expired', expiresTime: '2026-11-01T00:00:00.000Z' }];
  const written = (withEvents: boolean) => {
    const input = transitionUpdate('t', {
      credential,
      actions,
      events: withEvents ? eventsFor(credential, actions, { runId: 'r', now: NOW }) : [],
      runId: 'r',
      now: NOW,
      purgeAt: PURGE_AT,
    });
    // The attributes the update writes (the condition names every decision field, these two included).
    const update = input?.UpdateExpression ?? '';
    const names = Object.entries(input?.ExpressionAttributeNames ?? {})
      .filter(([placeholder]) => new RegExp(`${placeholder}\\b`).test(update))
      .map(([, name]) => name);
    return { names, values: Object.values(input?.ExpressionAttributeValues ?? {}) };
  };

  it('holds the purge time in hygienePurgePending when the deletion queues a notice', () => {
    const { names, values } = written(true);
    expect(names).toContain(PURGE_PENDING_ATTR);
    expect(names).not.toContain(HYGIENE_ATTR.purgeAt);
    expect(values).toContain(PURGE_AT);
  });

  it('sets hygienePurgeAt directly when no notice is queued', () => {
    const { names, values } = written(false);
    expect(names).toContain(HYGIENE_ATTR.purgeAt);
    expect(names).not.toContain(PURGE_PENDING_ATTR);
    expect(values).toContain(PURGE_AT);
  });
});

describe('planPurgeRelease', () => {
  it('releases the held-back time when it is still ahead', () => {
    expect(planPurgeRelease({ id: 'a', deletedAt: DELETED_AT, [PURGE_PENDING_ATTR]: PURGE_AT }, NOW)).toEqual(
      {
        kind: 'release',
        pending: PURGE_AT,
        purgeAt: PURGE_AT,
      },
    );
  });

  it('purges from now (whole seconds) when the notice went out after the intended time', () => {
    const late = (PURGE_AT + 100) * 1000 + 999;
    expect(
      planPurgeRelease({ id: 'a', deletedAt: DELETED_AT, [PURGE_PENDING_ATTR]: PURGE_AT }, late),
    ).toEqual({
      kind: 'release',
      pending: PURGE_AT,
      purgeAt: PURGE_AT + 100,
    });
  });

  it('does nothing without a held-back purge, and leaves a malformed value alone', () => {
    expect(planPurgeRelease({ id: 'a' }, NOW)).toEqual({ kind: 'none' });
    for (const bad of ['1800000000', 1.5, -1, null, { n: 1 }]) {
      expect(planPurgeRelease({ id: 'a', [PURGE_PENDING_ATTR]: bad }, NOW)).toEqual({ kind: 'malformed' });
    }
  });

  it('never releases it on an item no longer soft-deleted (deletedAt absent, NULL or not a string)', () => {
    for (const deletedAt of [undefined, null, 1_800_000_000]) {
      const raw = { id: 'a', ...(deletedAt !== undefined && { deletedAt }), [PURGE_PENDING_ATTR]: PURGE_AT };
      expect(planPurgeRelease(raw, NOW)).toEqual({ kind: 'not-deleted' });
    }
  });
});
