/**
 * The pure parts of the audit trail: history entries and the trim rule, the
 * manifest entry of a deletion and the page-by-page recorder (including a
 * failed write), and the guard's verdict with an operator's approval.
 */
import { describe, expect, it } from 'vitest';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { evaluateGuard, type GuardApproval, withApproval } from '../../lambdas/hygiene/guard';
import { HISTORY_LIMIT, historyLength, historyTrim, transitionHistory } from '../../lambdas/hygiene/history';
import type { RunManifestWriter } from '../../lambdas/hygiene/ports';
import {
  type ManifestEntry,
  manifestEntry,
  type RunManifestHeader,
} from '../../lambdas/hygiene/run-manifest';
import { ManifestRecorder } from '../../lambdas/hygiene/run-manifest-recorder';
import { credential, days, NOW } from './support/credentials';

const parsed = (raw: Record<string, unknown>) => {
  const result = parseCredential(raw);
  if (!result.ok) throw new Error('invalid fixture');
  return result.credential;
};

describe('history', () => {
  it('one entry per action, at the run instant, naming the run, the rule and its dates', () => {
    expect(
      transitionHistory(
        [
          { type: 'notify-expiry', stageDays: 7, expiresTime: days(5) },
          { type: 'delete-stale', flaggedAt: days(-20), deleteAfter: days(-6) },
          { type: 'unflag-orphan', reason: 'owner-not-departed' },
        ],
        { runId: 'run-1', now: NOW },
      ),
    ).toEqual([
      { at: days(0), action: 'notify-expiry', detail: `expires ${days(5)} (7-day notice)`, runId: 'run-1' },
      {
        at: days(0),
        action: 'delete-stale',
        reason: 'stale',
        detail: `flagged ${days(-20)}, delete after ${days(-6)}`,
        runId: 'run-1',
      },
      { at: days(0), action: 'unflag-orphan', reason: 'owner-not-departed', runId: 'run-1' },
    ]);
  });

  it.each([
    ['delete-expired', { type: 'delete-expired', expiresTime: days(-1) }, 'expired'],
    ['delete-stale', { type: 'delete-stale', flaggedAt: days(-20), deleteAfter: days(-6) }, 'stale'],
    ['delete-orphaned', { type: 'delete-orphaned', flaggedAt: days(-8), deleteAfter: days(-1) }, 'orphaned'],
  ] as const)('a %s entry records the rule that deleted it as its reason', (_type, action, reason) => {
    const [entry] = transitionHistory([action], { runId: 'run-1', now: NOW });
    expect(entry).toMatchObject({ action: action.type, reason });
  });

  it('the trim drops just enough of the oldest to stay at the bound, never more than are stored', () => {
    expect(historyTrim(0, 1)).toBe(0);
    expect(historyTrim(HISTORY_LIMIT - 1, 1)).toBe(0);
    expect(historyTrim(HISTORY_LIMIT, 1)).toBe(1);
    expect(historyTrim(HISTORY_LIMIT, 3)).toBe(3);
    expect(historyTrim(2, HISTORY_LIMIT)).toBe(2);
    expect(historyTrim(HISTORY_LIMIT + 5, 1)).toBe(6);
  });

  it('a stored value that is not a list counts as empty', () => {
    expect(historyLength(undefined)).toBe(0);
    expect(historyLength('garbage')).toBe(0);
    expect(historyLength([{}, {}])).toBe(2);
  });
});

describe('run manifest', () => {
  it('a deletion entry names the credential, its owner, the rule and the dates it was decided from', () => {
    const c = parsed(credential('b-1', { expiresTime: days(-1), displayName: 'x'.repeat(300) }));
    const entry = manifestEntry(c, [{ type: 'delete-expired', expiresTime: days(-1) }], NOW);
    expect(entry).toEqual({
      id: 'b-1',
      userId: 'user-b',
      clientId: 'client-b-1',
      displayName: 'x'.repeat(200),
      rule: 'expired',
      deletedAt: days(0),
      expiresTime: days(-1),
      lastUsedAt: days(-1),
      createdAt: days(-200),
    });
    expect(() => manifestEntry(c, [{ type: 'unflag-stale', reason: 'exempt' }], NOW)).toThrow(/no deletion/);
  });

  /** A writer that records the pages and header, and can fail one page. */
  function recordingWriter(failPage?: number) {
    const pages = new Map<number, readonly ManifestEntry[]>();
    const headers: RunManifestHeader[] = [];
    const writer: RunManifestWriter = {
      writePage: async (_runId, page, entries) => {
        if (page === failPage) throw new Error('throttled');
        pages.set(page, entries);
      },
      writeHeader: async (header) => {
        headers.push(header);
      },
    };
    return { writer, pages, headers };
  }
  const entry = (i: number, rule: ManifestEntry['rule'] = 'expired'): ManifestEntry => ({
    id: `c-${i}`,
    userId: 'u',
    rule,
    deletedAt: days(0),
  });
  const header = {
    now: days(0),
    startedAt: days(0),
    finishedAt: days(0),
    status: 'complete' as const,
    guard: { tripped: false, overridden: false },
  };

  it('pages fill to the page size, the last is partial, the header counts per rule', async () => {
    const { writer, pages, headers } = recordingWriter();
    const recorder = new ManifestRecorder(writer, 'run-1', 3);
    for (let i = 0; i < 7; i++) recorder.add(entry(i, i === 6 ? 'stale' : 'expired'));
    expect(await recorder.finish(header)).toEqual({ pages: 3, entries: 7 });
    expect([...pages.keys()]).toEqual([1, 2, 3]);
    expect(pages.get(1)?.map((e) => e.id)).toEqual(['c-0', 'c-1', 'c-2']);
    expect(pages.get(3)?.map((e) => e.id)).toEqual(['c-6']);
    expect(headers).toEqual([
      {
        ...header,
        runId: 'run-1',
        pages: 3,
        failedPages: [],
        failedPageCount: 0,
        deleted: { expired: 6, stale: 1, orphaned: 0, total: 7, unconfirmed: 0 },
      },
    ]);
  });

  it('nothing deleted: no page, no header', async () => {
    const { writer, pages, headers } = recordingWriter();
    expect(await new ManifestRecorder(writer, 'run-0').finish(header)).toEqual({ pages: 0, entries: 0 });
    expect(pages.size).toBe(0);
    expect(headers).toEqual([]);
  });

  it('a failed page write is reported, not thrown; the rest is still written', async () => {
    const { writer, pages, headers } = recordingWriter(1);
    const recorder = new ManifestRecorder(writer, 'run-2', 2);
    for (let i = 0; i < 3; i++) recorder.add(entry(i));
    expect(await recorder.finish(header)).toEqual({
      pages: 2,
      entries: 3,
      failed: 'run manifest not fully written: Error: throttled',
    });
    expect([...pages.keys()]).toEqual([2]);
    expect(headers).toHaveLength(1);
  });
});

describe('guard with an approval', () => {
  const approval: GuardApproval = {
    id: 'a1',
    by: 'alice',
    reason: 'backlog',
    maxDeletes: 20,
    approvedAt: days(-1),
    expiresAt: days(1),
  };
  const tripped = evaluateGuard(
    { plannedDeletes: 20, activeValid: 100 },
    { maxDeletesPerRun: 500, maxDeletePercent: 10 },
  );

  it('a used approval overrides the tripped guard and is reported', () => {
    expect(tripped.deletionsAllowed).toBe(false);
    expect(withApproval(tripped, { status: 'used', approval })).toEqual({
      ...tripped,
      overridden: true,
      deletionsAllowed: true,
      approval: { ...approval, status: 'used' },
    });
  });

  it('an expired or too small approval changes nothing but is reported; none leaves the verdict as is', () => {
    expect(withApproval(tripped, { status: 'expired', approval })).toEqual({
      ...tripped,
      approval: { ...approval, status: 'expired' },
    });
    expect(withApproval(tripped, { status: 'not-enough', approval }).deletionsAllowed).toBe(false);
    expect(withApproval(tripped, { status: 'none' })).toBe(tripped);
  });
});
