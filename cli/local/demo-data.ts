/**
 * Deterministic, realistic demo credentials for `plan`, `local` and docs.
 *
 * Every date is relative to `now`, so the same situations appear whatever day
 * the demo runs: expiring within 30/7/1 days, stages already noticed, renewed
 * after a notice, expired, stale (never used / used long ago), the risky tier,
 * flagged within and past the grace period, flagged but used since, exempt,
 * already soft-deleted, no expiry, and a few invalid records. The same
 * `{ now, seed, count, owners }` always yields the same records.
 *
 * In `cli/local/` with the rest of the local-run infrastructure: its users are
 * `local`, the tests, the benchmarks and `scripts/generate-demo-data.ts`.
 */

import { HISTORY_ATTR, HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { addDays, DAY_MS, formatInstant, MAX_INSTANT_MS, MIN_INSTANT_MS } from '../../lambdas/hygiene/time';
import { createSeededRandom } from './seeded-random';

/** The farthest before `now` a demo date goes: a created date up to 500 days earlier. */
export const DEMO_DAYS_BEFORE_NOW = 500;

/** The farthest after `now` a demo date goes: an expiry up to 330 days later. */
const DEMO_DAYS_AFTER_NOW = 330;

/**
 * The earliest `now` the demo data can be generated for: {@link DEMO_DAYS_BEFORE_NOW} days after
 * 0000-01-01T00:00:00Z, the earliest instant a record can hold, and a day more for a date written with a
 * UTC offset west of Greenwich (its local time is earlier than the instant).
 */
export const EARLIEST_DEMO_NOW_MS = addDays(MIN_INSTANT_MS, DEMO_DAYS_BEFORE_NOW + 1);

/** The latest `now` the demo data can be generated for: its dates still end in year 9999 (the offset's day too). */
const LATEST_DEMO_NOW_MS = addDays(MAX_INSTANT_MS, -(DEMO_DAYS_AFTER_NOW + 1));

/** Options of {@link generateDemoData}. */
export interface DemoDataOptions {
  /** The instant the data is relative to (epoch ms). */
  readonly now: number;
  /** PRNG seed: same seed, same data. @default 1 */
  readonly seed?: number;
  /** Number of records, at least one per situation. @default 300 */
  readonly count?: number;
  /** Number of owners (users), 1 to 40. @default 20 */
  readonly owners?: number;
}

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
type ExpiryScenario = Extract<
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
type StaleScenario = Extract<
  DemoScenario,
  | 'stale-never-used'
  | 'stale-used'
  | 'stale-risky'
  | 'flagged-in-grace'
  | 'flagged-past-grace'
  | 'flagged-used-since'
>;

/** One demo record and the situation it was generated for. */
export interface DemoRecord {
  readonly scenario: DemoScenario;
  readonly record: Record<string, unknown>;
}

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

const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'Alan',
  'Radia',
  'Guido',
  'Hedy',
  'Tim',
  'Katherine',
  'Bjarne',
  'Shafi',
  'Edsger',
  'Sophie',
  'Donald',
  'Lynn',
  'Vint',
  'Anita',
  'Niklaus',
  'Joan',
  'Whitfield',
  'Mary',
  'Leslie',
  'Evelyn',
  'Yukihiro',
  'Annie',
  'Rob',
  'Jean',
  'Brian',
  'Carol',
  'John',
  'Adele',
  'James',
  'Susan',
  'Bob',
  'Elizabeth',
];
const LAST_NAMES = [
  'Lovelace',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Turing',
  'Perlman',
  'van Rossum',
  'Lamarr',
  'Berners-Lee',
  'Johnson',
  'Stroustrup',
  'Goldwasser',
  'Dijkstra',
  'Wilson',
  'Knuth',
  'Conway',
  'Cerf',
  'Borg',
  'Wirth',
  'Clarke',
  'Diffie',
  'Shaw',
  'Lamport',
  'Berezin',
  'Matsumoto',
  'Easley',
  'Pike',
  'Sammet',
  'Kernighan',
  'Shaw',
  'Backus',
  'Goldberg',
  'Gosling',
  'Kare',
  'Metcalfe',
  'Feinler',
];
const PURPOSES = [
  'terraform',
  'ci-pipeline',
  'access-review-export',
  'laptop-cli',
  'grafana-sync',
  'jira-bot',
  'backup-script',
  'data-warehouse-load',
  'okta-reconcile',
  'on-call-tooling',
  'audit-report',
  'slack-bot',
  'github-actions',
  'notebook',
  'local-dev',
  'sre-runbook',
];
const ADJECTIVES = [
  'brave',
  'calm',
  'clever',
  'eager',
  'gentle',
  'jolly',
  'lucky',
  'proud',
  'swift',
  'witty',
];
const ANIMALS = ['otter', 'falcon', 'badger', 'heron', 'lynx', 'marmot', 'panda', 'raven', 'walrus', 'yak'];
const ROLES = [
  'arn:aws:iam::123456789012:role/ReadOnlyAccess',
  'arn:aws:iam::123456789012:role/AccessReviewer',
  'arn:aws:iam::123456789012:role/AppOwner',
  'arn:aws:iam::123456789012:role/TicketingIntegration',
  'arn:aws:iam::210987654321:role/ReadOnlyAccess',
];
const CIDRS = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.10.0/24',
  '203.0.113.0/24',
  '198.51.100.7/32',
  '2001:db8::/32',
  '2001:db8:1234::/48',
];
const KSUID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

interface Owner {
  readonly userId: string;
  /** Short user name used in display names, e.g. `alovelace`. */
  readonly handle: string;
}

/** Draws values from one seeded PRNG. */
class Draw {
  constructor(readonly random: () => number) {}
  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.random();
  }
  int(min: number, max: number): number {
    return Math.floor(this.between(min, max + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  /** A 27-character base62 identifier in the style of a KSUID. */
  ksuid(): string {
    let id = '2';
    for (let i = 1; i < 27; i++) id += KSUID_ALPHABET[Math.floor(this.random() * 62)];
    return id;
  }
}

/** Renders an instant with a UTC offset instead of `Z`, as some writers do (`2026-11-20T14:03:07+05:30`). */
function withOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Builds one record per call, with dates relative to `now`. */
class RecordFactory {
  constructor(
    private readonly draw: Draw,
    private readonly now: number,
    private readonly owners: readonly Owner[],
  ) {}

  /** An instant `days` from now (negative = past), canonical UTC or, sometimes, with an offset. */
  at(days: number): string {
    const ms = this.now + days * DAY_MS;
    return this.draw.chance(0.1) ? withOffset(ms, this.draw.pick([-300, 60, 330, 540])) : formatInstant(ms);
  }

  /** A baseline healthy credential: scoped, source-limited, used recently, expiring in 2–11 months. */
  base(): Record<string, unknown> {
    const d = this.draw;
    const owner = d.pick(this.owners);
    const createdDays = -d.between(70, 400);
    const record: Record<string, unknown> = {
      id: d.ksuid(),
      clientId: `${d.pick(ADJECTIVES)}-${d.pick(ANIMALS)}-${d.int(10000, 99999)}@acme.conductor.one/pcc`,
      userId: owner.userId,
      displayName: `${owner.handle} ${d.pick(PURPOSES)}`,
      createdAt: this.at(createdDays),
      expiresTime: this.at(d.between(60, 330)),
      lastUsedAt: this.at(-d.between(0.01, 20)),
      allowSourceCidr: [...new Set([d.pick(CIDRS), ...(d.chance(0.4) ? [d.pick(CIDRS)] : [])])],
      scopedRoles: [...new Set([d.pick(ROLES), ...(d.chance(0.3) ? [d.pick(ROLES)] : [])])],
    };
    return record;
  }

  /** Unscoped and unrestricted: the risky tier (stale after 30 days by default). */
  risky(record: Record<string, unknown>): Record<string, unknown> {
    delete record.scopedRoles;
    if (this.draw.chance(0.5)) delete record.allowSourceCidr;
    else record.allowSourceCidr = [this.draw.pick(['0.0.0.0/0', '::/0'])];
    return record;
  }

  /** Notice bookkeeping as the worker writes it. */
  noticed(record: Record<string, unknown>, stage: number, expiresTime: string): Record<string, unknown> {
    record[HYGIENE_ATTR.expiryNoticeStage] = stage;
    record[HYGIENE_ATTR.expiryNoticeFor] = expiresTime;
    return record;
  }

  /** Stale-flag bookkeeping as the worker writes it (grace of 14 days, the default). */
  flagged(record: Record<string, unknown>, flaggedDaysAgo: number): Record<string, unknown> {
    const flaggedAt = this.now - flaggedDaysAgo * DAY_MS;
    record[HYGIENE_ATTR.staleFlaggedAt] = formatInstant(flaggedAt);
    record[HYGIENE_ATTR.staleDeleteAfter] = formatInstant(flaggedAt + 14 * DAY_MS);
    return record;
  }

  /** The record for one scenario; `updatedAt` defaults to `createdAt` (never edited). */
  make(scenario: DemoScenario, invalidKind: number): Record<string, unknown> {
    const record = this.build(scenario, invalidKind);
    record.updatedAt ??= record.createdAt;
    return record;
  }

  /** Ranges keep a margin from every rule boundary, so each record lands in its situation. */
  private build(scenario: DemoScenario, invalidKind: number): Record<string, unknown> {
    const d = this.draw;
    const r = this.base();
    switch (scenario) {
      case 'active-scoped':
        return r;
      case 'active-no-expiry':
        delete r.expiresTime;
        return r;
      case 'active-risky':
        return this.risky(r);
      case 'exempt-stale-expiring':
        // Exempt: never flagged or deleted, but still warned before expiry.
        r.createdAt = this.at(-d.between(200, 400));
        delete r.lastUsedAt;
        r.expiresTime = this.at(d.between(2, 6));
        r[HYGIENE_ATTR.exempt] = true;
        return r;
      case 'soft-deleted': {
        r.expiresTime = this.at(-d.between(20, 60));
        const deletedAt = this.now - d.between(1, 19) * DAY_MS;
        r.deletedAt = formatInstant(deletedAt);
        r.updatedAt = r.deletedAt;
        r[HYGIENE_ATTR.deletedReason] = 'expired';
        r[HYGIENE_ATTR.deletedByRun] = `sweep-${formatInstant(deletedAt).slice(0, 10)}`;
        // The history entry a sweep's deletion writes: `restore` undoes only a deletion its run recorded there.
        r[HISTORY_ATTR] = [
          {
            at: r.deletedAt,
            action: 'delete-expired',
            reason: 'expired',
            runId: r[HYGIENE_ATTR.deletedByRun],
          },
        ];
        return r;
      }
      case 'invalid':
        return this.invalid(r, invalidKind);
      case 'expiring-30':
      case 'expiring-7':
      case 'expiring-1':
      case 'noticed-30-waiting':
      case 'noticed-30-now-7':
      case 'noticed-7-now-1':
      case 'renewed-after-notice':
      case 'expired':
      case 'expired-and-stale-flagged':
        return this.expiryScenario(r, scenario);
      default:
        return this.staleScenario(r, scenario);
    }
  }

  /** Expiry situations: notice windows, stages already sent, renewed, expired. */
  private expiryScenario(r: Record<string, unknown>, scenario: ExpiryScenario): Record<string, unknown> {
    const d = this.draw;
    switch (scenario) {
      case 'expiring-30':
        r.expiresTime = this.at(d.between(8, 29.5));
        return r;
      case 'expiring-7':
        r.expiresTime = this.at(d.between(1.5, 6.5));
        return r;
      case 'expiring-1':
        r.expiresTime = this.at(d.between(0.05, 0.95));
        return r;
      case 'noticed-30-waiting':
        r.expiresTime = this.at(d.between(8, 25));
        return this.noticed(r, 30, r.expiresTime as string);
      case 'noticed-30-now-7':
        r.expiresTime = this.at(d.between(1.5, 6.5));
        return this.noticed(r, 30, r.expiresTime as string);
      case 'noticed-7-now-1':
        r.expiresTime = this.at(d.between(0.1, 0.9));
        return this.noticed(r, 7, r.expiresTime as string);
      case 'renewed-after-notice':
        // Noticed at 7 days for the old expiry, then renewed to a date within 30 days: stages re-arm.
        this.noticed(r, 7, formatInstant(this.now + d.between(2, 5) * DAY_MS));
        r.expiresTime = this.at(d.between(12, 28));
        r.updatedAt = this.at(-d.between(0.5, 3));
        return r;
      case 'expired':
        r.expiresTime = this.at(-d.between(0.1, 45));
        r.lastUsedAt = this.at(-d.between(1, 50));
        return r;
      case 'expired-and-stale-flagged':
        r.expiresTime = this.at(-d.between(1, 10));
        r.createdAt = this.at(-d.between(200, 400));
        delete r.lastUsedAt;
        return this.flagged(r, d.between(20, 40));
    }
  }

  /** Staleness situations: never or long unused, risky tier, flagged within and past the grace period. */
  private staleScenario(r: Record<string, unknown>, scenario: StaleScenario): Record<string, unknown> {
    const d = this.draw;
    switch (scenario) {
      case 'stale-never-used':
        r.createdAt = this.at(-d.between(100, 380));
        delete r.lastUsedAt;
        if (d.chance(0.5)) delete r.expiresTime;
        return r;
      case 'stale-used':
        r.createdAt = this.at(-d.between(200, 500));
        r.lastUsedAt = this.at(-d.between(95, 190));
        return r;
      case 'stale-risky':
        r.createdAt = this.at(-d.between(100, 400));
        r.lastUsedAt = this.at(-d.between(32, 85));
        return this.risky(r);
      case 'flagged-in-grace':
        r.createdAt = this.at(-d.between(200, 500));
        r.lastUsedAt = this.at(-d.between(100, 150));
        return this.flagged(r, d.between(1, 12));
      case 'flagged-past-grace':
        r.createdAt = this.at(-d.between(300, 500));
        r.lastUsedAt = this.at(-d.between(120, 250));
        return this.flagged(r, d.between(15, 30));
      case 'flagged-used-since': {
        const flaggedDaysAgo = d.between(3, 12);
        r.lastUsedAt = this.at(-d.between(0.1, flaggedDaysAgo - 1));
        return this.flagged(r, flaggedDaysAgo);
      }
    }
  }

  /** Five different ways a record can be wrong (docs/rules.md, "Invalid records"). */
  private invalid(r: Record<string, unknown>, kind: number): Record<string, unknown> {
    switch (kind % 5) {
      case 0:
        delete r.userId;
        return r;
      case 1:
        r.expiresTime = String(r.expiresTime).slice(0, 19); // no time zone
        return r;
      case 2:
        r.allowSourceCidr = ['10.0.0.0/33'];
        return r;
      case 3:
        r.expiresTime = formatInstant(this.now - 400 * DAY_MS); // before createdAt
        r.createdAt = formatInstant(this.now - 30 * DAY_MS);
        return r;
      default:
        r.scopedRoles = 'ReadOnlyAccess'; // a string, not a list
        r.lastUsedAt = '2026-02-30T10:00:00Z'; // no such day
        return r;
    }
  }
}

/** The `i`-th demo person's first and last name. */
function demoPerson(i: number): { readonly first: string; readonly last: string } {
  return {
    first: FIRST_NAMES[i % FIRST_NAMES.length] as string,
    last: LAST_NAMES[(i * 7) % LAST_NAMES.length] as string,
  };
}

/** A demo person's short user name: first initial and last name, lower case (`alovelace`). */
function handleOf(person: { readonly first: string; readonly last: string }): string {
  return `${person.first[0]}${person.last}`.toLowerCase().replace(/[^a-z]/g, '');
}

function createOwners(draw: Draw, count: number): Owner[] {
  const owners: Owner[] = [];
  for (let i = 0; i < count; i++) owners.push({ userId: draw.ksuid(), handle: handleOf(demoPerson(i)) });
  return owners;
}

/**
 * The full name of the demo person whose handle is `handle` (`alovelace` → `Ada Lovelace`), for the demo owner
 * directory's `name` (cli/local/demo-directory.ts); `undefined` for a handle no demo person has.
 */
export function demoPersonName(handle: string): string | undefined {
  const people = FIRST_NAMES.length * LAST_NAMES.length;
  for (let i = 0; i < people; i++) {
    const person = demoPerson(i);
    if (handleOf(person) === handle) return `${person.first} ${person.last}`;
  }
  return undefined;
}

/** Scenario order: each situation once (invalid kinds five times), the rest by weight, then shuffled. */
function scenarioList(draw: Draw, count: number): DemoScenario[] {
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

/**
 * Demo records with the situation each was generated for (for tests and docs).
 * @throws {RangeError} when `now`, `count` or `owners` is out of range
 */
export function generateDemoScenarios(options: DemoDataOptions): DemoRecord[] {
  const { now, seed = 1, count = 300, owners = 20 } = options;
  if (!Number.isFinite(now)) throw new RangeError('now must be a finite epoch milliseconds value');
  if (now < EARLIEST_DEMO_NOW_MS || now > LATEST_DEMO_NOW_MS) {
    throw new RangeError(
      `now must be from ${formatInstant(EARLIEST_DEMO_NOW_MS)} to ${formatInstant(LATEST_DEMO_NOW_MS)} ` +
        `(the demo's dates go from ${DEMO_DAYS_BEFORE_NOW} days before it to ${DEMO_DAYS_AFTER_NOW} days after), ` +
        `got ${formatInstant(now)}`,
    );
  }
  const minimum = DEMO_SCENARIOS.length + 4;
  if (!Number.isInteger(count) || count < minimum || count > 1_000_000) {
    throw new RangeError(`count must be an integer from ${minimum} to 1000000, got ${count}`);
  }
  if (!Number.isInteger(owners) || owners < 1 || owners > FIRST_NAMES.length) {
    throw new RangeError(`owners must be an integer from 1 to ${FIRST_NAMES.length}, got ${owners}`);
  }
  const draw = new Draw(createSeededRandom(seed));
  const factory = new RecordFactory(draw, now, createOwners(draw, owners));
  let invalidKind = 0;
  return scenarioList(draw, count).map((scenario) => ({
    scenario,
    record: factory.make(scenario, scenario === 'invalid' ? invalidKind++ : 0),
  }));
}

/**
 * Generates realistic raw `PersonalClient` records (plain JSON objects, as
 * `import` or a JSONL file would hold them), every date relative to `now`.
 * @throws {RangeError} when `now`, `count` or `owners` is out of range
 */
export function generateDemoData(options: DemoDataOptions): Record<string, unknown>[] {
  return generateDemoScenarios(options).map((r) => r.record);
}
