/**
 * The one rule for "a deletion pc-hygiene made and its history records"
 * (`deletionRecord`, lambdas/hygiene/history.ts): the deletion `restore`
 * undoes and `exempt` refuses to push out of the history
 * (docs/data-model.md, "Restore"). Each way an item falls short is named,
 * so restore can say which.
 */
import { describe, expect, it } from 'vitest';
import { HISTORY_ATTR, HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { deletionRecord } from '../../lambdas/hygiene/history';

const DELETED_AT = '2026-03-01T00:00:00.000Z';
const RUN = 'run-42';

/** A credential the sweep's run RUN soft-deleted at DELETED_AT, its history recording it after older entries. */
function deletedItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'cred-1',
    deletedAt: DELETED_AT,
    [HYGIENE_ATTR.deletedReason]: 'expired',
    [HYGIENE_ATTR.deletedByRun]: RUN,
    [HISTORY_ATTR]: [
      { at: '2026-02-20T00:00:00.000Z', action: 'notify-expiry', runId: 'run-40' },
      { at: '2026-02-25T00:00:00.000Z', action: 'delete-expired', reason: 'expired', runId: 'run-41' },
      { at: DELETED_AT, action: 'delete-expired', reason: 'expired', runId: RUN },
      { at: '2026-03-02T00:00:00.000Z', action: 'exempt', by: 'alice', reason: 'audit' },
    ],
    ...overrides,
  };
}

describe('deletionRecord', () => {
  it('finds the run entry that records the current deletion, at deletedAt exactly', () => {
    expect(deletionRecord(deletedItem())).toEqual({
      kind: 'recorded',
      deletedReason: 'expired',
      deletedByRun: RUN,
      index: 2,
    });
  });

  it("takes the run's newest delete entry, not an older one of the same run", () => {
    const history = [
      { at: DELETED_AT, action: 'delete-stale', runId: RUN },
      { at: '2026-03-05T00:00:00.000Z', action: 'delete-expired', runId: RUN },
    ];
    expect(deletionRecord(deletedItem({ [HISTORY_ATTR]: history }))).toEqual({
      kind: 'other-instant',
      deletedByRun: RUN,
      entry: history[1],
    });
  });

  it('is not-deleted without a deletedAt, absent or stored NULL', () => {
    expect(deletionRecord(deletedItem({ deletedAt: undefined }))).toEqual({ kind: 'not-deleted' });
    expect(deletionRecord(deletedItem({ deletedAt: null }))).toEqual({ kind: 'not-deleted' });
  });

  it('is not-deleted for a live item even when its history has an entry with no instant', () => {
    const { deletedAt: _, ...live } = deletedItem({
      [HISTORY_ATTR]: [{ action: 'delete-expired', runId: RUN }],
    });
    expect(deletionRecord(live)).toEqual({ kind: 'not-deleted' });
  });

  it('is no-reason without a hygieneDeletedReason as text: not pc-hygiene’s deletion', () => {
    expect(deletionRecord(deletedItem({ [HYGIENE_ATTR.deletedReason]: undefined }))).toEqual({
      kind: 'no-reason',
    });
    expect(deletionRecord(deletedItem({ [HYGIENE_ATTR.deletedReason]: 7 }))).toEqual({ kind: 'no-reason' });
  });

  it('is no-run without a hygieneDeletedByRun as text', () => {
    expect(deletionRecord(deletedItem({ [HYGIENE_ATTR.deletedByRun]: undefined }))).toEqual({
      kind: 'no-run',
    });
    expect(deletionRecord(deletedItem({ [HYGIENE_ATTR.deletedByRun]: null }))).toEqual({ kind: 'no-run' });
  });

  it('is no-entry when the history has no delete entry of that run', () => {
    const history = [
      { at: DELETED_AT, action: 'delete-expired', runId: 'run-other' },
      { at: DELETED_AT, action: 'flag-stale', runId: RUN },
      null,
      'delete-expired',
    ];
    expect(deletionRecord(deletedItem({ [HISTORY_ATTR]: history }))).toEqual({
      kind: 'no-entry',
      deletedByRun: RUN,
    });
  });

  it('is no-entry when the history is absent or not a list', () => {
    for (const history of [undefined, { 0: { at: DELETED_AT, action: 'delete-expired', runId: RUN } }, 'x']) {
      expect(deletionRecord(deletedItem({ [HISTORY_ATTR]: history }))).toEqual({
        kind: 'no-entry',
        deletedByRun: RUN,
      });
    }
  });

  it('is other-instant when the run entry is at another instant than deletedAt (rewritten since)', () => {
    const rewritten = '2026-03-01T00:00:00Z';
    expect(deletionRecord(deletedItem({ deletedAt: rewritten }))).toEqual({
      kind: 'other-instant',
      deletedByRun: RUN,
      entry: { at: DELETED_AT, action: 'delete-expired', reason: 'expired', runId: RUN },
    });
  });

  it('is other-instant when the run entry has no instant', () => {
    const history = [{ action: 'delete-orphaned', runId: RUN }];
    expect(deletionRecord(deletedItem({ [HISTORY_ATTR]: history })).kind).toBe('other-instant');
  });
});
