/**
 * Fast, deterministic benchmark tables with an EXACT change rate: of `size`
 * records, exactly `round(size × changeRate)` need a transition under the
 * default policy at `now`, the rest need none. Records look like the demo data
 * (`cli/local/demo-data.ts`): scoped and source-limited credentials of ~5 per owner,
 * bookkeeping attributes where the worker would have written them, a few
 * soft-deleted ones. Every record is checked against the real policy, so a
 * generator bug cannot silently change the rate being measured.
 */

import { createSeededRandom } from '../cli/local/seeded-random';
import { type HygieneConfig, parseConfig } from '../lambdas/hygiene/config';
import { parseCredential } from '../lambdas/hygiene/credential';
import { HYGIENE_ATTR } from '../lambdas/hygiene/data-contract';
import { decide } from '../lambdas/hygiene/policy';
import type { RawItem } from '../lambdas/hygiene/ports';
import { DAY_MS, formatInstant } from '../lambdas/hygiene/time';

/** The decision instant of every benchmark run. */
export const BENCH_NOW = Date.parse('2026-11-26T03:00:00.000Z');

/**
 * The guard's limits every bench sweep runs with: above any table the bench
 * makes (planned deletions never exceed the active credentials, nor a
 * million), so the guard never trips and the sweep makes every deletion the
 * naive run makes, without the one-run override. The deletions then wait for
 * the guard, buffered until the scan ends, as in the deployed sweep (an
 * overridden run would write them during the scan: docs/sweep.md).
 */
export const BENCH_GUARD_LIMITS = { maxDeletesPerRun: 1_000_000, maxDeletePercent: 100 } as const;

/** Average credentials per owner (owners = size / this). */
export const CREDENTIALS_PER_OWNER = 5;

/** A generated record disagreed with the policy about whether it changes (a generator bug). */
export class GeneratorMismatchError extends Error {
  override readonly name = 'GeneratorMismatchError';
}

/** What {@link generateTable} produced. */
export interface GeneratedTable {
  readonly items: readonly RawItem[];
  /** Records that need a transition (exactly `round(size × changeRate)`). */
  readonly changes: number;
  /** Owners in the table. */
  readonly owners: number;
}

type Scenario = (r: Record<string, unknown>, f: Factory) => void;

/** Transitions, weighted: notices, expiry deletions, stale flags, stale deletions, silent unflags. */
const CHANGING: readonly (readonly [number, Scenario])[] = [
  [14, (r, f) => (r.expiresTime = f.at(f.between(8, 29.5)))],
  [12, (r, f) => (r.expiresTime = f.at(f.between(1.5, 6.5)))],
  [9, (r, f) => (r.expiresTime = f.at(f.between(0.05, 0.95)))],
  [15, (r, f) => f.expired(r)],
  [13, (r, f) => f.staleNeverUsed(r)],
  [12, (r, f) => f.staleUsed(r)],
  [15, (r, f) => f.flagged(r, f.between(15, 30), f.between(120, 250))],
  [10, (r, f) => f.flaggedUsedSince(r)],
];

/** No transition: healthy, no expiry, noticed and waiting, flagged within grace, soft-deleted. */
const STEADY: readonly (readonly [number, Scenario])[] = [
  [70, () => undefined],
  [12, (r) => delete r.expiresTime],
  [4, (r, f) => f.noticedWaiting(r)],
  [3, (r, f) => f.flagged(r, f.between(1, 12), f.between(100, 150))],
  [5, (r, f) => f.softDeleted(r)],
];

const PURPOSES = ['terraform', 'ci-pipeline', 'laptop-cli', 'grafana-sync', 'jira-bot', 'backup-script'];
const ROLES = [
  'arn:aws:iam::123456789012:role/ReadOnlyAccess',
  'arn:aws:iam::123456789012:role/AccessReviewer',
  'arn:aws:iam::123456789012:role/AppOwner',
];
const CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '203.0.113.0/24', '2001:db8::/32'];
const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Seeded values and record shapes (mulberry32 PRNG: fast, deterministic, not for secrets). */
class Factory {
  readonly random: () => number;
  constructor(
    seed: number,
    private readonly now: number,
  ) {
    this.random = createSeededRandom(seed);
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.random();
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }
  weighted(table: readonly (readonly [number, Scenario])[], total: number): Scenario {
    let x = this.random() * total;
    for (const [weight, scenario] of table) {
      x -= weight;
      if (x < 0) return scenario;
    }
    return (table[table.length - 1] as readonly [number, Scenario])[1];
  }
  id(): string {
    let id = '2';
    for (let i = 1; i < 27; i++) id += ID_ALPHABET[Math.floor(this.random() * 62)];
    return id;
  }
  at(days: number): string {
    return formatInstant(Math.round(this.now + days * DAY_MS));
  }

  /** A healthy credential: scoped, source-limited, used within 20 days, expiring in 2–11 months. */
  base(owner: number): Record<string, unknown> {
    const userId = `user-${String(owner).padStart(7, '0')}`;
    const createdAt = this.at(-this.between(70, 400));
    return {
      id: this.id(),
      clientId: `${this.pick(PURPOSES)}-${Math.floor(this.between(10000, 99999))}@acme.conductor.one/pcc`,
      userId,
      displayName: `${userId} ${this.pick(PURPOSES)}`,
      createdAt,
      updatedAt: createdAt,
      expiresTime: this.at(this.between(60, 330)),
      lastUsedAt: this.at(-this.between(0.01, 20)),
      allowSourceCidr: [this.pick(CIDRS)],
      scopedRoles: [this.pick(ROLES)],
    };
  }
  expired(r: Record<string, unknown>): void {
    r.expiresTime = this.at(-this.between(0.1, 45));
  }
  staleNeverUsed(r: Record<string, unknown>): void {
    r.createdAt = this.at(-this.between(100, 380));
    r.updatedAt = r.createdAt;
    delete r.lastUsedAt;
  }
  staleUsed(r: Record<string, unknown>): void {
    r.createdAt = this.at(-this.between(200, 500));
    r.lastUsedAt = this.at(-this.between(95, 190));
  }
  flagged(r: Record<string, unknown>, flaggedDaysAgo: number, lastUsedDaysAgo: number): void {
    r.createdAt = this.at(-this.between(300, 500));
    r.lastUsedAt = this.at(-lastUsedDaysAgo);
    const flaggedAt = this.now - flaggedDaysAgo * DAY_MS;
    r[HYGIENE_ATTR.staleFlaggedAt] = formatInstant(flaggedAt);
    r[HYGIENE_ATTR.staleDeleteAfter] = formatInstant(flaggedAt + 14 * DAY_MS);
  }
  flaggedUsedSince(r: Record<string, unknown>): void {
    const flaggedDaysAgo = this.between(3, 12);
    const flaggedAt = this.now - flaggedDaysAgo * DAY_MS;
    r.lastUsedAt = this.at(-this.between(0.1, flaggedDaysAgo - 1));
    r[HYGIENE_ATTR.staleFlaggedAt] = formatInstant(flaggedAt);
    r[HYGIENE_ATTR.staleDeleteAfter] = formatInstant(flaggedAt + 14 * DAY_MS);
  }
  noticedWaiting(r: Record<string, unknown>): void {
    r.expiresTime = this.at(this.between(8, 25));
    r[HYGIENE_ATTR.expiryNoticeStage] = 30;
    r[HYGIENE_ATTR.expiryNoticeFor] = r.expiresTime;
  }
  softDeleted(r: Record<string, unknown>): void {
    r.deletedAt = this.at(-this.between(1, 100));
    r.updatedAt = r.deletedAt;
    r[HYGIENE_ATTR.deletedReason] = 'expired';
    r[HYGIENE_ATTR.deletedByRun] = 'sweep-2026-08-01T03:00:00.000Z-0000abcd';
  }
}

const totalWeight = (table: readonly (readonly [number, Scenario])[]) =>
  table.reduce((sum, [weight]) => sum + weight, 0);

/**
 * What the policy does to `item` at `now`: its credential and actions, or
 * `undefined` when it does not change (invalid, already deleted, or no action).
 * The one test of "this record changes" for the generator and the naive run.
 */
export function policyChange(item: Readonly<Record<string, unknown>>, config: HygieneConfig, now: number) {
  const parsed = parseCredential(item);
  if (!parsed.ok || parsed.credential.deletedAt !== undefined) return undefined;
  const actions = decide(parsed.credential, config, now);
  return actions.length === 0 ? undefined : { credential: parsed.credential, actions };
}

/** Options of {@link generateTable} and {@link generateRecords}. */
export interface GenerateOptions {
  readonly size: number;
  readonly changeRate: number;
  readonly seed: number;
  readonly now?: number;
  readonly config?: HygieneConfig;
}

/** Owners and changing records of a table of `size` records (what {@link generateRecords} will produce). */
export function tableShape(size: number, changeRate: number): { owners: number; changes: number } {
  return {
    owners: Math.max(1, Math.round(size / CREDENTIALS_PER_OWNER)),
    changes: Math.round(size * changeRate),
  };
}

/**
 * Yields `size` records one at a time, of which exactly `round(size × changeRate)`
 * need a transition at `now` under `config` (default config when absent). Holds
 * nothing between records, so a million-record table streams in flat memory.
 * @throws {GeneratorMismatchError} if a record does not behave as generated
 */
export function* generateRecords(options: GenerateOptions): Generator<RawItem> {
  const { size, changeRate, seed } = options;
  const now = options.now ?? BENCH_NOW;
  const config = options.config ?? parseConfig({});
  const factory = new Factory(seed, now);
  const { owners, changes } = tableShape(size, changeRate);
  const changingWeight = totalWeight(CHANGING);
  const steadyWeight = totalWeight(STEADY);
  for (let i = 0; i < size; i++) {
    const changing = i < changes; // ids are random, so table order does not follow i
    const record = factory.base(Math.floor(factory.random() * owners));
    factory.weighted(changing ? CHANGING : STEADY, changing ? changingWeight : steadyWeight)(record, factory);
    const acts = policyChange(record, config, now) !== undefined;
    if (acts !== changing) {
      throw new GeneratorMismatchError(
        `record ${i} (${record.id}) was generated to ${changing ? '' : 'not '}change but the policy says otherwise`,
      );
    }
    yield record;
  }
}

/**
 * Generates `size` records of which exactly `round(size × changeRate)` need a
 * transition at `now` under `config` (default config when absent).
 * @throws {GeneratorMismatchError} if a record does not behave as generated
 */
export function generateTable(options: GenerateOptions): GeneratedTable {
  return { items: [...generateRecords(options)], ...tableShape(options.size, options.changeRate) };
}
