/**
 * A stored history longer than the bound (docs/data-model.md, "History"): one
 * write drops at most HISTORY_MAX_DROP of its oldest entries, so the write
 * stays within DynamoDB's expression and PartiQL statement limits however
 * long the history is, and the list still shrinks to the newest
 * HISTORY_LIMIT entries over a few writes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendHistory } from '../../lambdas/aws/history-update';
import { transitionStatement, transitionUpdate, transitionWrite } from '../../lambdas/aws/transition-write';
import { UpdateExpressionBuilder } from '../../lambdas/aws/update-expression';
import { parseCredential } from '../../lambdas/hygiene/credential';
import {
  HISTORY_LIMIT,
  HISTORY_MAX_DROP,
  type HistoryEntry,
  historyTrim,
  planHistoryAppend,
} from '../../lambdas/hygiene/history';
import type { Action } from '../../lambdas/hygiene/policy';
import type { Transition } from '../../lambdas/hygiene/ports';
import { days, NOW } from './support/credentials';

/** DynamoDB's limit on any expression string, bytes. */
const EXPRESSION_LIMIT = 4096;
/** DynamoDB's limit on a PartiQL statement (`ExecuteStatement`, `BatchExecuteStatement`), characters. */
const STATEMENT_LIMIT = 8192;

const entry = (n: number): HistoryEntry => ({ at: days(0), action: 'notify-expiry', detail: `entry ${n}` });

/**
 * Applies one write's plan to a history as DynamoDB would: the `drop` oldest
 * removed, the new entries appended (or the list replaced).
 */
function applyPlan(history: readonly HistoryEntry[], adding: readonly HistoryEntry[]): HistoryEntry[] {
  const plan = planHistoryAppend(history.length, adding);
  if (plan === undefined) return [...history];
  if (plan.kind === 'replace') return [...plan.entries];
  expect(plan.drop).toBeLessThanOrEqual(HISTORY_MAX_DROP);
  return [...history.slice(plan.drop), ...plan.entries];
}

describe('the trim of a long history', () => {
  it('drops at most HISTORY_MAX_DROP entries a write, however long the history', () => {
    expect(historyTrim(1_000, 1)).toBe(HISTORY_MAX_DROP);
    expect(historyTrim(100_000, HISTORY_LIMIT)).toBe(HISTORY_MAX_DROP);
    expect(historyTrim(HISTORY_LIMIT + HISTORY_MAX_DROP, 1)).toBe(HISTORY_MAX_DROP);
    expect(historyTrim(HISTORY_LIMIT + HISTORY_MAX_DROP - 2, 1)).toBe(HISTORY_MAX_DROP - 1);
    expect(planHistoryAppend(440, [entry(0)])).toMatchObject({
      kind: 'append',
      length: 440,
      drop: HISTORY_MAX_DROP,
    });
  });

  it('the cap exceeds the bound, so every write past the bound shrinks the list', () => {
    expect(HISTORY_MAX_DROP).toBeGreaterThan(HISTORY_LIMIT);
  });

  it('over enough writes, any history ends as the newest HISTORY_LIMIT entries, shrinking every write', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000 }),
        fc.array(fc.integer({ min: 1, max: HISTORY_LIMIT }), { minLength: 60, maxLength: 60 }),
        (stored, writes) => {
          let history = Array.from({ length: stored }, (_, i) => entry(i));
          const all = [...history];
          let next = stored;
          for (const adding of writes) {
            const entries = Array.from({ length: adding }, () => entry(next++));
            all.push(...entries);
            const before = history.length;
            history = applyPlan(history, entries);
            if (before > HISTORY_LIMIT) expect(history.length).toBeLessThan(before);
            else expect(history.length).toBeLessThanOrEqual(HISTORY_LIMIT);
          }
          // 60 writes of at most 20 entries shrink 2,000 by at least 44 each: the bound is reached, the newest kept.
          expect(history).toEqual(all.slice(-HISTORY_LIMIT));
        },
      ),
    );
  });
});

describe('the largest history write stays within DynamoDB limits', () => {
  // Every attribute a transition can write at once, every condition field set, a pending outbox to append to.
  const raw = {
    id: `pc-${'x'.repeat(200)}`,
    userId: 'u'.repeat(64),
    createdAt: days(-400),
    expiresTime: days(20),
    lastUsedAt: days(-200),
    scopedRoles: ['role-read', 'role-write'],
    allowSourceCidr: ['10.0.0.0/8'],
    hygieneExempt: false,
    hygieneOutbox: [{ eventId: 'e0' }],
    hygieneOutboxSince: days(-1),
    hygieneOutboxOwner: 'u'.repeat(64),
  };
  const parsed = parseCredential(raw);
  if (!parsed.ok) throw new Error('invalid fixture');
  const actions: Action[] = [
    { type: 'notify-expiry', stageDays: 30, expiresTime: days(20) },
    {
      type: 'flag-stale',
      lastActivity: days(-200),
      staleAfterDays: 90,
      tier: 'standard',
      deleteAfter: days(14),
    },
    { type: 'flag-orphan', deleteAfter: days(14) },
    { type: 'delete-expired', expiresTime: days(20) },
  ];
  const transition: Transition = {
    credential: parsed.credential,
    actions,
    events: [
      {
        eventId: 'e1',
        type: 'expiry-warning',
        credentialId: raw.id,
        userId: raw.userId,
        runId: 'r',
        occurredAt: days(0),
      },
    ],
    runId: 'r',
    now: NOW,
    purgeAt: 1_900_000_000,
    // 7-digit indexes for the appended entries: longer than any history a 400 KB item holds.
    historyLength: 1_000_000,
  };
  const table = 'T'.repeat(255);

  it('UpdateItem: the expressions stay under half of 4 KB, removing HISTORY_MAX_DROP entries', () => {
    const update = transitionUpdate(table, transition);
    const expression = update?.UpdateExpression ?? '';
    const removed = expression.split(' REMOVE ')[1]?.split(', ') ?? [];
    expect(removed.filter((path) => /^#a\d+\[\d+\]$/.test(path))).toHaveLength(HISTORY_MAX_DROP);
    expect(Buffer.byteLength(expression)).toBeLessThan(EXPRESSION_LIMIT / 2);
    expect(Buffer.byteLength(update?.ConditionExpression ?? '')).toBeLessThan(EXPRESSION_LIMIT / 2);
  });

  it('restore, exempt: the history clauses alone stay under a third of 4 KB, even behind a 100th name', () => {
    const update = new UpdateExpressionBuilder();
    for (let i = 0; i < 99; i++) update.name(`attribute${i}`);
    const entries = Array.from({ length: HISTORY_LIMIT }, (_, i) => entry(i));
    appendHistory(update, 1_000_000, entries);
    const expression = update.build().UpdateExpression;
    expect(expression.match(/#a99\[\d+\]/g)).toHaveLength(HISTORY_LIMIT + HISTORY_MAX_DROP);
    expect(Buffer.byteLength(expression)).toBeLessThan(EXPRESSION_LIMIT / 3);
  });

  it('PartiQL: the statement stays under half of 8,192 characters with HISTORY_LIMIT entries appended', () => {
    const write = transitionWrite(transition);
    if (write === undefined) throw new Error('nothing to write');
    const entries = Array.from({ length: HISTORY_LIMIT }, (_, i) => entry(i));
    const { Statement } = transitionStatement(
      table,
      { ...write, history: { ...write.history, entries } },
      true,
    );
    expect(Statement.match(/REMOVE "hygieneHistory"\[\d+\]/g)).toHaveLength(HISTORY_MAX_DROP);
    expect(Statement.match(/SET "hygieneHistory"\[\d+\]/g)).toHaveLength(HISTORY_LIMIT);
    expect(Statement.length).toBeLessThan(STATEMENT_LIMIT / 2);
  });
});
