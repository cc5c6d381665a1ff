/**
 * The demo credentials generator (cli/local/demo-data.ts; docs/cli-plan.md, "Demo data"): under the default config,
 * every record plans the actions of its situation relative to any `now` and seed; 300 records cover every situation,
 * with 20 owners and five invalid records of five kinds; the output is deterministic per seed, ids unique, `count`
 * and `owners` honoured, and impossible options refused.
 */
import { describe, expect, it } from 'vitest';
import {
  DEMO_SCENARIOS,
  type DemoScenario,
  generateDemoData,
  generateDemoScenarios,
} from '../../cli/local/demo-data';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { type ActionType, planRecord } from '../../lambdas/hygiene/policy';

/** What the policy must plan, under the default config, for each demo situation. */
const EXPECTED: Readonly<Record<DemoScenario, readonly ActionType[] | 'invalid'>> = {
  'active-scoped': [],
  'active-no-expiry': [],
  'active-risky': [],
  'expiring-30': ['notify-expiry'],
  'expiring-7': ['notify-expiry'],
  'expiring-1': ['notify-expiry'],
  'noticed-30-waiting': [],
  'noticed-30-now-7': ['notify-expiry'],
  'noticed-7-now-1': ['notify-expiry'],
  'renewed-after-notice': ['notify-expiry'],
  expired: ['delete-expired'],
  'expired-and-stale-flagged': ['delete-expired'],
  'stale-never-used': ['flag-stale'],
  'stale-used': ['flag-stale'],
  'stale-risky': ['flag-stale'],
  'flagged-in-grace': [],
  'flagged-past-grace': ['delete-stale'],
  'flagged-used-since': ['unflag-stale'],
  'exempt-stale-expiring': ['notify-expiry'],
  'soft-deleted': [],
  invalid: 'invalid',
};

const STAGE: Partial<Record<DemoScenario, number>> = {
  'expiring-30': 30,
  'expiring-7': 7,
  'expiring-1': 1,
  'noticed-30-now-7': 7,
  'noticed-7-now-1': 1,
  'renewed-after-notice': 30,
  'exempt-stale-expiring': 7,
};

describe('generateDemoData', () => {
  // Several anchors and seeds: the situations must hold relative to any `now`.
  it.each([
    [Date.UTC(2026, 10, 26), 1],
    [Date.UTC(2028, 1, 29, 13, 17, 5, 123), 7],
    [Date.UTC(2031, 6, 1), 99],
  ])('every record lands in its situation (now %d, seed %d)', (now, seed) => {
    const scenarios = generateDemoScenarios({ now, seed });
    for (const { scenario, record } of scenarios) {
      const plan = planRecord(record, DEFAULT_CONFIG, now);
      const expected = EXPECTED[scenario];
      if (expected === 'invalid') {
        expect(plan.problems.length, `${scenario} ${JSON.stringify(record)}`).toBeGreaterThan(0);
        continue;
      }
      expect(plan.problems, `${scenario} ${JSON.stringify(record)}`).toEqual([]);
      expect(
        plan.actions.map((a) => a.type),
        `${scenario} ${JSON.stringify(record)}`,
      ).toEqual(expected);
      const stage = STAGE[scenario];
      if (stage !== undefined) expect(plan.actions[0]).toMatchObject({ stageDays: stage });
    }
  });

  it('covers every situation, with about 20 owners and five invalid records of different kinds', () => {
    const now = Date.UTC(2026, 10, 26);
    const scenarios = generateDemoScenarios({ now });
    expect(scenarios).toHaveLength(300);
    expect(new Set(scenarios.map((s) => s.scenario))).toEqual(new Set(DEMO_SCENARIOS));
    expect(new Set(scenarios.map((s) => s.record.userId).filter(Boolean)).size).toBe(20);
    const invalid = scenarios.filter((s) => s.scenario === 'invalid');
    expect(invalid).toHaveLength(5);
    const problems = invalid.map((s) => planRecord(s.record, DEFAULT_CONFIG, now).problems.join(' | '));
    for (const kind of [
      /userId: is missing/,
      /without a time zone/,
      /allowSourceCidr: item 0/,
      /is before createdAt/,
      /scopedRoles: must be a list of strings/,
    ]) {
      expect(
        problems.filter((p) => kind.test(p)),
        String(kind),
      ).toHaveLength(1);
    }
  });

  it('is deterministic for the same options and differs across seeds', () => {
    const now = Date.UTC(2026, 10, 26);
    expect(generateDemoData({ now, seed: 3 })).toEqual(generateDemoData({ now, seed: 3 }));
    expect(generateDemoData({ now, seed: 3 })).not.toEqual(generateDemoData({ now, seed: 4 }));
  });

  it('has unique ids and honours count and owners', () => {
    const records = generateDemoData({ now: Date.UTC(2026, 10, 26), count: 1000, owners: 5 });
    expect(records).toHaveLength(1000);
    expect(new Set(records.map((r) => r.id)).size).toBe(1000);
    expect(new Set(records.map((r) => r.userId).filter(Boolean)).size).toBe(5);
  });

  it('rejects impossible options', () => {
    expect(() => generateDemoData({ now: 0, count: 3 })).toThrow(RangeError);
    expect(() => generateDemoData({ now: 0, owners: 0 })).toThrow(RangeError);
    expect(() => generateDemoData({ now: Number.NaN })).toThrow(RangeError);
  });
});
