/**
 * A retried transition write whose first attempt took effect (its response
 * was lost) meets its own change: it is reported applied when the item proves
 * it is this run's (deletion stamped with the run id, or its events pending
 * with the run id), and skipped-changed otherwise.
 */
import { describe, expect, it } from 'vitest';
import { appliedByRun } from '../../lambdas/aws/transition-writer';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { eventsFor } from '../../lambdas/hygiene/events';
import type { Action } from '../../lambdas/hygiene/policy';
import type { Transition } from '../../lambdas/hygiene/ports';
import { formatInstant } from '../../lambdas/hygiene/time';
import { credential, days, NOW } from './support/credentials';

function transition(actions: Action[], runId = 'run-1'): Transition {
  const parsed = parseCredential(credential('a-1', { expiresTime: days(5) }));
  if (!parsed.ok) throw new Error('fixture must be valid');
  return {
    credential: parsed.credential,
    actions,
    events: eventsFor(parsed.credential, actions, { runId, now: NOW }),
    runId,
    now: NOW,
  };
}

const notice: Action = { type: 'notify-expiry', stageDays: 7, expiresTime: days(5) };
const deletion: Action = { type: 'delete-expired', expiresTime: days(5) };

describe('appliedByRun', () => {
  it('recognises a deletion stamped with this run id at this instant', () => {
    const t = transition([deletion]);
    const deleted = { id: 'a-1', deletedAt: formatInstant(NOW), hygieneDeletedByRun: 'run-1' };

    expect(appliedByRun(t, deleted)).toBe(true);
    expect(appliedByRun(t, { ...deleted, hygieneDeletedByRun: 'run-2' })).toBe(false);
    expect(appliedByRun(t, { ...deleted, deletedAt: days(-1) })).toBe(false);
  });

  it('recognises a transition whose events are pending with this run id', () => {
    const t = transition([notice]);
    const ours = { id: 'a-1', hygieneOutbox: [...t.events] };
    const theirs = { id: 'a-1', hygieneOutbox: transition([notice], 'run-2').events };

    expect(appliedByRun(t, ours)).toBe(true);
    expect(appliedByRun(t, theirs)).toBe(false);
    expect(appliedByRun(t, { id: 'a-1' })).toBe(false);
    expect(appliedByRun(t, undefined)).toBe(false);
  });

  it('never claims a transition without a proof (a silent unflag)', () => {
    const t = transition([{ type: 'unflag-stale', reason: 'used-since-flagged' }]);

    expect(appliedByRun(t, { id: 'a-1' })).toBe(false);
  });
});
