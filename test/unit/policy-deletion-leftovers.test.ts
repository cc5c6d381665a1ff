/**
 * The leftovers rule (docs/rules.md, "Soft-delete"): a credential whose
 * `deletedAt` was removed by anything but `pc-hygiene restore` still carries
 * the soft-delete's reason, run, purge time (the table's TTL attribute) or
 * held-back purge, and the flags it left in place. Left alone, TTL would
 * hard-delete a live credential and the long-due flags would delete it again
 * with no warning; `decide` clears them all, silently, and the next run judges
 * the credential afresh.
 */
import { describe, expect, it } from 'vitest';
import { actionChanges } from '../../lambdas/hygiene/action-changes';
import { DEFAULT_CONFIG, parseConfig } from '../../lambdas/hygiene/config';
import { type Credential, parseCredential } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR, PURGE_PENDING_ATTR } from '../../lambdas/hygiene/data-contract';
import { eventsFor } from '../../lambdas/hygiene/events';
import { transitionHistory } from '../../lambdas/hygiene/history';
import { ownerStanding } from '../../lambdas/hygiene/owner-directory';
import { type Action, DELETION_LEFTOVERS, decide } from '../../lambdas/hygiene/policy';
import { DAY_MS, formatInstant } from '../../lambdas/hygiene/time';
import { at, credentialOf, rawCredential, T0 } from './support/raw-credential';

const run = { runId: 'run-2', now: T0 };

/** What a `delete-stale` wrote (purge configured, notice queued), with the stale flag it left in place. */
const staleDeletion = {
  lastUsedAt: at(-120),
  [HYGIENE_ATTR.staleFlaggedAt]: at(-30),
  [HYGIENE_ATTR.staleDeleteAfter]: at(-16),
  [HYGIENE_ATTR.deletedReason]: 'stale',
  [HYGIENE_ATTR.deletedByRun]: 'run-1',
  [PURGE_PENDING_ATTR]: Math.floor((T0 + 14 * DAY_MS) / 1000),
};

/** A raw item parsed, as the sweep parses it (valid, or the test is wrong). */
function parsed(item: Record<string, unknown>): Credential {
  const result = parseCredential(item);
  if (!result.ok) throw new Error(`test record is invalid: ${JSON.stringify(result.problems)}`);
  return result.credential;
}

/** The item as the clearing leaves it: `actionChanges` applied to the raw item. */
function applied(item: Record<string, unknown>, actions: readonly Action[]): Record<string, unknown> {
  const after = { ...item };
  for (const change of actionChanges(actions, run)) {
    if (change.kind === 'remove') delete after[change.attribute];
    else after[change.attribute] = change.value;
  }
  return after;
}

describe('decide: a soft-delete’s leftovers on a credential no longer soft-deleted', () => {
  it('clears a purge time left without deletedAt, instead of deciding nothing while TTL hard-deletes it', () => {
    const live = credentialOf({ [HYGIENE_ATTR.purgeAt]: Math.floor(T0 / 1000) + 3600 });

    expect(decide(live, DEFAULT_CONFIG, T0)).toEqual([
      { type: 'clear-deletion-leftovers', leftovers: [HYGIENE_ATTR.purgeAt] },
    ]);
  });

  it('clears the reason, run, held-back purge and the long-due flag, and deletes nothing this run', () => {
    const live = credentialOf(staleDeletion);

    expect(decide(live, DEFAULT_CONFIG, T0)).toEqual([
      {
        type: 'clear-deletion-leftovers',
        leftovers: [
          HYGIENE_ATTR.deletedReason,
          HYGIENE_ATTR.deletedByRun,
          PURGE_PENDING_ATTR,
          HYGIENE_ATTR.staleFlaggedAt,
          HYGIENE_ATTR.staleDeleteAfter,
        ],
      },
    ]);
  });

  it('clears an orphan flag left by an orphan deletion, even with the owner still departed', () => {
    const live = credentialOf({
      [HYGIENE_ATTR.orphanedAt]: at(-20),
      [HYGIENE_ATTR.orphanDeleteAfter]: at(-13),
      [HYGIENE_ATTR.deletedReason]: 'orphaned',
    });
    const departed = ownerStanding({ departed: new Set(['user-1']) }, 'user-1');

    expect(decide(live, DEFAULT_CONFIG, T0, departed)).toEqual([
      {
        type: 'clear-deletion-leftovers',
        leftovers: [HYGIENE_ATTR.deletedReason, HYGIENE_ATTR.orphanedAt, HYGIENE_ATTR.orphanDeleteAfter],
      },
    ]);
  });

  it('clears them before any other rule: on an expired credential, and on an exempt one', () => {
    const expired = credentialOf({ ...staleDeletion, expiresTime: at(-1) });
    const exempt = credentialOf({ ...staleDeletion, [HYGIENE_ATTR.exempt]: true });

    for (const credential of [expired, exempt]) {
      expect(decide(credential, DEFAULT_CONFIG, T0).map((a) => a.type)).toEqual(['clear-deletion-leftovers']);
    }
  });

  it('judges the cleared record afresh at the next run: a new flag with a fresh grace and its warning', () => {
    const item = rawCredential(staleDeletion);
    const clearing = decide(parsed(item), DEFAULT_CONFIG, T0);
    const next = T0 + DAY_MS;

    const cleared = parsed(applied(item, clearing));
    const actions = decide(cleared, DEFAULT_CONFIG, next);

    expect(actions).toEqual([
      expect.objectContaining({
        type: 'flag-stale',
        deleteAfter: formatInstant(next + DEFAULT_CONFIG.staleGraceDays * DAY_MS),
      }),
    ]);
    expect(eventsFor(cleared, actions, { runId: 'run-3', now: next }).map((e) => e.type)).toEqual([
      'stale-warning',
    ]);
  });

  it('writes the removal of every leftover and both flags, silently, with a history entry naming what it found', () => {
    const live = credentialOf(staleDeletion);
    const actions = decide(live, DEFAULT_CONFIG, T0);

    expect(actionChanges(actions, run)).toEqual(
      DELETION_LEFTOVERS.map((attribute) => ({ kind: 'remove', attribute })),
    );
    expect(eventsFor(live, actions, run)).toEqual([]);
    expect(transitionHistory(actions, run)).toEqual([
      {
        at: formatInstant(T0),
        action: 'clear-deletion-leftovers',
        detail:
          'not soft-deleted, cleared hygieneDeletedReason, hygieneDeletedByRun, hygienePurgePending, ' +
          'hygieneStaleFlaggedAt, hygieneStaleDeleteAfter',
        runId: 'run-2',
      },
    ]);
  });

  it('leaves alone what is no leftover: flags without a deletion field, a NULL one, a soft-deleted credential', () => {
    const flaggedDue = credentialOf({
      lastUsedAt: at(-120),
      [HYGIENE_ATTR.staleFlaggedAt]: at(-30),
      [HYGIENE_ATTR.staleDeleteAfter]: at(-16),
      [HYGIENE_ATTR.purgeAt]: null,
      [PURGE_PENDING_ATTR]: null,
    });
    const softDeleted = credentialOf({ ...staleDeletion, deletedAt: at(-16) });
    const config = parseConfig({});

    expect(decide(flaggedDue, config, T0).map((a) => a.type)).toEqual(['delete-stale']);
    expect(decide(softDeleted, config, T0)).toEqual([]);
  });
});
