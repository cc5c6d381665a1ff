/**
 * Crash at every write of a drain that reports unreachable owners
 * (docs/notifications.md, "Owner reach"): a realistic fleet is swept on
 * DynamoDB Local, the directory knows some owners as reachable and others
 * absent, departed, without email or with a pending subscription. A clean
 * drain's writes are counted (the lease, the digests' PublishBatch calls, marks,
 * the owner-unreachable report's PublishBatch, the deferred marks); then, for
 * every k and both timings, a drain dies at write k — among them right after
 * the digests were published and before the report — and clean drains run
 * until the outbox is empty. Every committed event must then be in a
 * delivered place at least once: its reachable owner's digest, or the report
 * under its owner with the right reason; never in another owner's digest.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import {
  type OwnerDeliveryRoute,
  type OwnerRecord,
  reachabilityOf,
} from '../../lambdas/hygiene/owner-directory';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { mapWithConcurrency } from '../../lambdas/hygiene/task-pool';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { deliveredDocument } from '../support/sns-delivery';
import { createTestTable } from '../support/test-table';
import { InMemoryOwnerDirectory } from '../unit/owner-directory-fake';
import * as cycle from './support/cycle';
import { eventKey, Ledger } from './support/ledger';
import { type CrashTiming, crashingNotifierDeps, ProcessCrash } from './support/process-crash';
import { consistencyViolations, outboxIndexIds, readTable } from './support/table-check';

const FLEET = cycle.realisticFleet(25, 6, 13);
const ROUTE: OwnerDeliveryRoute = 'sns-email';
const PARALLEL_CASES = 3;
/** Each credential's owner: its events are addressed to it. */
const OWNER_OF = new Map(FLEET.map((r) => [String(r.id), String(r.userId)]));

/** The directory: owners in fleet order get these states in turn. */
const STATES: readonly ((userId: string) => OwnerRecord | undefined)[] = [
  (userId) => ({
    userId,
    email: `${userId}@example.com`,
    name: 'Reachable',
    status: 'active',
    subscription: 'confirmed',
  }),
  () => undefined,
  (userId) => ({ userId, email: `${userId}@example.com`, status: 'departed' }),
  (userId) => ({ userId, email: `${userId}@example.com`, status: 'active', subscription: 'pending' }),
  (userId) => ({ userId, status: 'active', subscription: 'confirmed' }),
];

function fleetDirectory(): InMemoryOwnerDirectory {
  const owners = [...new Set(FLEET.map((r) => r.userId).filter((u): u is string => typeof u === 'string'))];
  return new InMemoryOwnerDirectory(
    owners.flatMap((userId, i) => {
      const record = STATES[i % STATES.length]?.(userId);
      return record ? [record] : [];
    }),
  );
}

const audienceOf = (entry: PublishEntry) => entry.MessageAttributes.audience?.StringValue;
const documentOf = <T>(entry: PublishEntry): T => deliveredDocument<T>(entry.Message);

/** Where each event was delivered, from every entry the publisher accepted. */
function deliveredPlaces(delivered: readonly PublishEntry[]): {
  digests: Map<string, Set<string>>;
  reports: Map<string, Set<string>>;
} {
  const digests = new Map<string, Set<string>>();
  const reports = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, place: string) =>
    map.set(key, (map.get(key) ?? new Set()).add(place));
  for (const entry of delivered) {
    if (audienceOf(entry) === 'owner') {
      const doc = documentOf<{ userId: string; events: OutboxEvent[] }>(entry);
      for (const e of doc.events) add(digests, eventKey(e), doc.userId);
      continue;
    }
    for (const owner of documentOf<UnreachableReportDocument>(entry).owners) {
      for (const e of owner.events) add(reports, eventKey(e), `${owner.userId}:${owner.reason}`);
    }
  }
  return { digests, reports };
}

interface CaseOutcome {
  readonly label: string;
  readonly problems: readonly string[];
}

async function runCase(k: number, timing: CrashTiming): Promise<CaseOutcome & { log: readonly string[] }> {
  const table = await createTestTable(undefined, `crash-reach-${timing}-${k}`);
  try {
    const original = await cycle.seed(table, FLEET);
    const ledger = new Ledger();
    await runSweep(cycle.realSweepDeps(table, ledger), {
      config: cycle.FAULT_CONFIG,
      now: cycle.FAULT_NOW,
      runId: 'sweep',
      mode: 'enforce',
    });
    const directory = fleetDirectory();
    const crash = new ProcessCrash(k, timing);
    try {
      await runNotifier(
        {
          ...crashingNotifierDeps(
            cycle.realNotifierDeps(table, ledger, () => cycle.FAULT_NOW),
            crash,
          ),
          directory,
        },
        { leaseMs: cycle.LEASE_MS, drainId: 'crashing-drain', ownerDelivery: ROUTE },
      );
    } catch (error: unknown) {
      if (!crash.isDead) throw error;
    }
    await crash.settled();
    const label = `crash ${timing} write ${k} (${crash.crashed?.operation ?? 'no crash'} ${crash.crashed?.target ?? ''})`;
    const problems = consistencyViolations(await readTable(table), await outboxIndexIds(table), original).map(
      (v) => `after the crash: ${v}`,
    );
    // Recovery: clean drains, each after the crashed drain's leases lapsed.
    for (let round = 1; round <= 4 && (await outboxIndexIds(table)).size > 0; round++) {
      const at = cycle.FAULT_NOW + round * 2 * cycle.LEASE_MS;
      await runNotifier(
        { ...cycle.realNotifierDeps(table, ledger, () => at), directory },
        { leaseMs: cycle.LEASE_MS, drainId: `recovery-${round}`, ownerDelivery: ROUTE },
      );
    }
    if ((await outboxIndexIds(table)).size > 0) problems.push('outbox not empty after recovery');
    const { digests, reports } = deliveredPlaces(ledger.delivered);
    for (const committed of ledger.committedEvents.keys()) {
      const owner = OWNER_OF.get(committed.slice(0, committed.indexOf('/'))) ?? '(unknown)';
      const verdict = reachabilityOf(directory.owners.get(owner), ROUTE);
      const inDigests = [...(digests.get(committed) ?? [])];
      if (inDigests.some((u) => u !== owner)) problems.push(`${committed}: in another owner's digest`);
      if (verdict.reachable) {
        if (!inDigests.includes(owner)) problems.push(`${committed}: reachable owner, in no digest`);
      } else if (!reports.get(committed)?.has(`${owner}:${verdict.reason}`)) {
        problems.push(`${committed}: unreachable owner (${verdict.reason}), not in the report`);
      }
    }
    problems.push(...ledger.phantomEvents().map((e) => `published but never committed: ${e}`));
    return { label, problems, log: crash.log };
  } finally {
    await table.drop();
  }
}

describe('a drain that reports unreachable owners, crashed at every write', () => {
  let cleanLog: readonly string[] = [];
  beforeAll(async () => {
    const clean = await runCase(Number.POSITIVE_INFINITY, 'before');
    expect(clean.problems).toEqual([]);
    cleanLog = clean.log;
  });

  it('a clean drain publishes the digests, then the report, then marks the deferred items', () => {
    const publishes = cleanLog.flatMap((entry, i) => (entry.startsWith('publish') ? [i] : []));
    expect(publishes.length).toBeGreaterThanOrEqual(2);
    // After the last publish (the report) come the marks of the items that waited for it, then the lease's release.
    const after = cleanLog.slice((publishes.at(-1) ?? 0) + 1);
    expect(after.at(-1)).toMatch(/^lease-release /);
    expect(after.slice(0, -1).every((e) => e.startsWith('mark-sent'))).toBe(true);
    expect(after.length - 1).toBeGreaterThan(0);
  });

  it('delivers every event to its reachable owner or the admins, whichever write the crash hits', async () => {
    const writes = cleanLog.length;
    const reportWrite = cleanLog.findLastIndex((e) => e.startsWith('publish')) + 1;
    const cases = Array.from({ length: writes }, (_, i) => i + 1).flatMap((k) =>
      (['before', 'after'] as const).map((timing) => ({ k, timing })),
    );
    const outcomes = await mapWithConcurrency(cases, PARALLEL_CASES, ({ k, timing }) => runCase(k, timing));

    // The case the design is about: the digests are out, the process dies before the report.
    expect(
      outcomes.find((o) => o.label.startsWith(`crash before write ${reportWrite} (publish`)),
    ).toBeDefined();
    expect(
      outcomes.filter((o) => o.problems.length > 0).map((o) => ({ case: o.label, problems: o.problems })),
    ).toEqual([]);
  }, 600_000);
});
