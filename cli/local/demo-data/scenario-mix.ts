/**
 * Which situation each demo record is generated for, in order: every situation at least once (so even the
 * smallest demo shows them all), mostly healthy credentials after that, shuffled by the seeded draw so the same
 * seed gives the same order.
 */
import type { Draw } from './draw';
import { DEMO_SCENARIOS, type DemoScenario } from './scenarios';

// Relative weights of the scenarios when filling `count`: mostly healthy credentials.
const WEIGHTS: Readonly<Record<DemoScenario, number>> = {
  'active-scoped': 30,
  'active-no-expiry': 12,
  'active-risky': 6,
  'expiring-30': 6,
  'expiring-7': 4,
  'expiring-1': 2,
  'noticed-30-waiting': 4,
  'noticed-30-now-7': 3,
  'noticed-7-now-1': 2,
  'renewed-after-notice': 3,
  expired: 3,
  'expired-and-stale-flagged': 1,
  'stale-never-used': 4,
  'stale-used': 4,
  'stale-risky': 3,
  'flagged-in-grace': 3,
  'flagged-past-grace': 2,
  'flagged-used-since': 2,
  'exempt-stale-expiring': 1,
  'soft-deleted': 5,
  invalid: 0, // exactly the invalid kinds below, never more
};

/** Scenario order: each situation once (invalid kinds five times), the rest by weight, then shuffled. */
export function scenarioList(draw: Draw, count: number): DemoScenario[] {
  const list: DemoScenario[] = DEMO_SCENARIOS.filter((s) => s !== 'invalid');
  for (let i = 0; i < 5; i++) list.push('invalid');
  const weighted = DEMO_SCENARIOS.flatMap((s) => Array<DemoScenario>(WEIGHTS[s]).fill(s));
  while (list.length < count) list.push(draw.pick(weighted));
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(draw.random() * (i + 1));
    [list[i], list[j]] = [list[j] as DemoScenario, list[i] as DemoScenario];
  }
  return list;
}
