/**
 * The situations of docs/rules.md the demo data covers, one per record, and the two groups of them the record
 * factory builds by one method each (`record-factory.ts`).
 */

/** The situations of docs/rules.md the demo data covers, one per record. */
export const DEMO_SCENARIOS = [
  'active-scoped',
  'active-no-expiry',
  'active-risky',
  'expiring-30',
  'expiring-7',
  'expiring-1',
  'noticed-30-waiting',
  'noticed-30-now-7',
  'noticed-7-now-1',
  'renewed-after-notice',
  'expired',
  'expired-and-stale-flagged',
  'stale-never-used',
  'stale-used',
  'stale-risky',
  'flagged-in-grace',
  'flagged-past-grace',
  'flagged-used-since',
  'exempt-stale-expiring',
  'soft-deleted',
  'invalid',
] as const;
export type DemoScenario = (typeof DEMO_SCENARIOS)[number];

/** The scenarios about expiry (built by one method of the factory). */
export type ExpiryScenario = Extract<
  DemoScenario,
  | 'expiring-30'
  | 'expiring-7'
  | 'expiring-1'
  | 'noticed-30-waiting'
  | 'noticed-30-now-7'
  | 'noticed-7-now-1'
  | 'renewed-after-notice'
  | 'expired'
  | 'expired-and-stale-flagged'
>;
/** The scenarios about staleness. */
export type StaleScenario = Extract<
  DemoScenario,
  | 'stale-never-used'
  | 'stale-used'
  | 'stale-risky'
  | 'flagged-in-grace'
  | 'flagged-past-grace'
  | 'flagged-used-since'
>;
