/**
 * Bad input fuzzing: thousands of generated malformed items written raw into
 * the table (sets, binary, huge numbers and strings, unicode, bad dates and
 * CIDRs, missing and extra attributes, garbage outboxes), next to a few valid
 * credentials. The sweep and the notifier must never crash, never change one
 * malformed item (compared attribute value by attribute value; the one change
 * allowed is the drain taking an outbox that is empty but still indexed out
 * of the index: docs/notifications.md, "One drain", step 3), name each in the
 * run summary, and still act on the valid credentials (the orphan rule's too, against an owner directory with a
 * departed owner: each transition whole, each deletion one the rules make).
 *
 * Reproduce a run: FUZZ_SEED=<seed> npm run test:faults (the seed is in the figures).
 */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCredential } from '../../lambdas/hygiene/credential';
import {
  HISTORY_ATTR,
  HYGIENE_ATTR,
  OUTBOX_ATTR,
  OUTBOX_CLAIM_ATTR,
  PURGE_PENDING_ATTR,
} from '../../lambdas/hygiene/data-contract';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { decide } from '../../lambdas/hygiene/policy';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { batchWriteAll } from '../support/batch-write';
import { fuzzSeed } from '../support/fuzz-seed';
import { useFuzzFigures, useFuzzTable } from '../support/fuzz-table';
import { putItems } from '../support/items';
import type { TestTable } from '../support/test-table';
import { InMemoryOwnerDirectory } from '../unit/owner-directory-fake';
import { credential, days } from '../unit/support/credentials';
import { FAULT_CONFIG, FAULT_NOW, LEASE_MS, realNotifierDeps, realSweepDeps } from './support/cycle';
import { Ledger } from './support/ledger';
import { fuzzId, malformedBatch, oddValidItem } from './support/malformed';
import { putRawItems, scanRawItems } from './support/raw-items';
import {
  consistencyViolations,
  type OwnerStandingOf,
  outboxIndexIds,
  readTable,
  wrongDeletions,
} from './support/table-check';

const SEED = fuzzSeed();
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const VALID_RUNS = Number(process.env.FUZZ_VALID_RUNS ?? 6);

/** The owner the companions' directory marks departed, and one it holds active. */
const DEPARTED_OWNER = 'owner-departed';
const ACTIVE_OWNER = 'owner-active';

/** A fresh owner directory (as of the day before FAULT_NOW) holding the two owners above. */
function companionDirectory(): InMemoryOwnerDirectory {
  return new InMemoryOwnerDirectory(
    [
      { userId: DEPARTED_OWNER, status: 'departed' },
      { userId: ACTIVE_OWNER, status: 'active' },
    ],
    days(-1, FAULT_NOW),
  );
}

/** Each owner's standing in `directory`, read from its records (not through the sweep's own loading). */
function standingIn(directory: InMemoryOwnerDirectory): OwnerStandingOf {
  return (userId) => ({
    directoryUsable: true,
    departed: directory.owners.get(userId)?.status === 'departed',
  });
}

/** Valid credentials that must still be acted on next to the garbage (dates relative to FAULT_NOW). */
function validCompanions(): Record<string, unknown>[] {
  const at = (n: number) => days(n, FAULT_NOW);
  const healthy = { createdAt: at(-400), expiresTime: at(300), lastUsedAt: at(-1) };
  const orphanFlag = (flaggedDaysAgo: number) => ({
    [HYGIENE_ATTR.orphanedAt]: at(-flaggedDaysAgo),
    [HYGIENE_ATTR.orphanDeleteAfter]: at(7 - flaggedDaysAgo),
  });
  return [
    // The orphan rule (docs/rules.md, "Orphaned credentials"): a departed owner's flag past its grace is deleted,
    // their unflagged credential flagged; the same flag on an owner active again is cleared, never deleted.
    credential('valid-orphan-due', { ...healthy, userId: DEPARTED_OWNER, ...orphanFlag(8) }),
    credential('valid-orphan-new', { ...healthy, userId: DEPARTED_OWNER }),
    credential('valid-orphan-returned', { ...healthy, userId: ACTIVE_OWNER, ...orphanFlag(8) }),
    credential('valid-expired', { createdAt: at(-400), expiresTime: at(-1) }),
    credential('valid-expiring', { createdAt: at(-400), expiresTime: at(5), lastUsedAt: at(-1) }),
    credential('valid-stale', { createdAt: at(-400), expiresTime: at(300), lastUsedAt: at(-100) }),
    ...Array.from({ length: 7 }, (_, i) =>
      credential(`valid-healthy${i}`, { createdAt: at(-400), expiresTime: at(300), lastUsedAt: at(-1) }),
    ),
  ];
}

/**
 * What is wrong with the valid companions after a run (table-check.ts): half-applied transitions, outbox
 * disagreements, and deletions the rules, judging owners by `standing`, do not make. The malformed items around
 * them are checked unchanged instead.
 */
async function companionProblems(table: TestTable, standing: OwnerStandingOf): Promise<string[]> {
  const original = new Map(validCompanions().map((c) => [String(c.id), c]));
  const items = new Map([...(await readTable(table))].filter(([id]) => original.has(id)));
  const indexed = new Set([...(await outboxIndexIds(table))].filter((id) => original.has(id)));
  return [
    ...consistencyViolations(items, indexed, original),
    ...wrongDeletions(original, items, FAULT_CONFIG, FAULT_NOW, standing),
  ];
}

type RawAttributes = Record<string, unknown>;

/** Outbox bookkeeping the drain removes (or sets, releasing a held-back purge) when it cleans an empty indexed outbox. */
const EMPTY_OUTBOX_CLEANUP = [
  OUTBOX_ATTR.events,
  OUTBOX_ATTR.owner,
  OUTBOX_ATTR.since,
  OUTBOX_CLAIM_ATTR.claim,
  OUTBOX_CLAIM_ATTR.claimUntil,
  PURGE_PENDING_ATTR,
  HYGIENE_ATTR.purgeAt,
];

/**
 * `item` (as stored, attribute values) without the attributes the drain's
 * cleanup may change, when `before` was an empty outbox still in the index
 * (owner set, list empty or absent); else `item` itself.
 */
function unlessEmptyOutbox(item: RawAttributes | undefined, before: RawAttributes | undefined) {
  const owner = (before?.[OUTBOX_ATTR.owner] as { S?: string } | undefined)?.S;
  const list = before?.[OUTBOX_ATTR.events] as { L?: unknown[] } | undefined;
  const emptyIndexed = owner !== undefined && owner !== '' && (list === undefined || list.L?.length === 0);
  if (!emptyIndexed || item === undefined) return item;
  return Object.fromEntries(Object.entries(item).filter(([name]) => !EMPTY_OUTBOX_CLEANUP.includes(name)));
}

describe('fuzzed malformed items in the table', () => {
  const { table, raw } = useFuzzTable('fuzz-sweep');
  let itemsTried = 0;
  let runsDone = 0;
  useFuzzFigures('fuzz-sweep', () => ({
    cases: { 'generated malformed items': itemsTried, 'sweep + notify runs': runsDone },
    faults: { 'malformed items in the table': itemsTried },
    notes: { seed: SEED, 'malformed items changed': 0, 'sweep crashes': 0 },
  }));

  it('never crashes, never changes a malformed item, names each in the summary', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(malformedBatch(60, 140), async (batch) => {
        run++;
        // Each run starts from an empty table: remove the previous run's items.
        await clearTable(raw(), table);
        await putRawItems(raw(), table.tableName, batch);
        await putItems(table.client, table.tableName, validCompanions());
        const before = await scanRawItems(raw(), table.tableName);
        const ledger = new Ledger();
        const directory = companionDirectory();

        const summary = await runSweep(
          { ...realSweepDeps(table, ledger), directory },
          {
            config: FAULT_CONFIG,
            now: FAULT_NOW,
            runId: `fuzz-${run}`,
            mode: 'enforce',
          },
        );
        const drain = await runNotifier(
          realNotifierDeps(table, ledger, () => FAULT_NOW),
          {
            leaseMs: LEASE_MS,
          },
        );

        const after = await scanRawItems(raw(), table.tableName);
        const ids = batch.map((item) => item.id?.S ?? '');
        for (const id of ids) {
          expect(unlessEmptyOutbox(after.get(id), before.get(id)), `malformed item ${id} changed`).toEqual(
            unlessEmptyOutbox(before.get(id), before.get(id)),
          );
        }
        const named = new Map(summary.invalid.records.map((r) => [r.id, r.problems]));
        for (const id of ids) expect(named.get(id), `malformed item ${id} not named`).not.toHaveLength(0);
        expect(summary.invalid.count).toBe(batch.length);
        expect(summary.failed.count).toBe(0);
        expect(summary.directory.status).toBe('used');
        expect(await companionProblems(table, standingIn(directory))).toEqual([]);
        expect(summary.applied).toMatchObject({
          'delete-expired': 1,
          'notify-expiry': 1,
          'flag-stale': 1,
          'delete-orphaned': 1,
          'flag-orphan': 1,
          'unflag-orphan': 1,
        });
        expect(drain.eventsPublished).toBe(5);
        itemsTried += batch.length;
        runsDone = run;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});

describe('fuzzed odd but valid credentials', () => {
  const { table, raw } = useFuzzTable('fuzz-valid');
  let itemsTried = 0;
  let changed = 0;
  useFuzzFigures('fuzz-valid', () => ({
    cases: { 'generated odd valid credentials': itemsTried },
    faults: { 'odd content (unicode, huge names, offsets, sets, huge numbers)': itemsTried },
    notes: { seed: SEED, 'credentials changed as the rules say': changed },
  }));

  it("acts on each exactly as the rules say, touching only the worker's attributes", async () => {
    const config = { ...FAULT_CONFIG, maxDeletePercent: 100 };
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 20, max: 60 })
          .chain((n) =>
            fc.tuple(
              ...Array.from({ length: n }, (_, i) => fuzzId(i).chain((id) => oddValidItem(id, FAULT_NOW))),
            ),
          ),
        async (batch) => {
          run++;
          await clearTable(raw(), table);
          await putRawItems(raw(), table.tableName, batch);
          const before = await scanRawItems(raw(), table.tableName);
          const original = await readTable(table);
          const ledger = new Ledger();

          const summary = await runSweep(realSweepDeps(table, ledger), {
            config,
            now: FAULT_NOW,
            runId: `fuzz-valid-${run}`,
            mode: 'enforce',
          });
          const drain = await runNotifier(
            realNotifierDeps(table, ledger, () => FAULT_NOW),
            { leaseMs: LEASE_MS },
          );

          expect(summary.invalid.records).toEqual([]);
          expect(summary.failed.records).toEqual([]);
          expect(drain.failures.records).toEqual([]);
          expect(ledger.lostEvents()).toEqual([]);
          const after = await scanRawItems(raw(), table.tableName);
          for (const [id, item] of original) {
            const parsed = parseCredential(item);
            expect(parsed.ok, id).toBe(true);
            const planned = parsed.ok && decide(parsed.credential, config, FAULT_NOW).length > 0;
            const names = new Set([
              ...Object.keys(before.get(id) ?? {}),
              ...Object.keys(after.get(id) ?? {}),
            ]);
            const differs = [...names].filter(
              (n) => JSON.stringify(before.get(id)?.[n]) !== JSON.stringify(after.get(id)?.[n]),
            );
            expect(
              differs.filter((n) => !WORKER_ATTRIBUTES.has(n)),
              `${id}: non-worker attributes changed`,
            ).toEqual([]);
            expect(differs.length > 0, `${id}: changed ${differs.join(', ')}, planned ${planned}`).toBe(
              planned,
            );
            if (planned) changed++;
          }
          itemsTried += batch.length;
        },
      ),
      { numRuns: VALID_RUNS, seed: SEED, endOnFailure: true },
    );
  });
});

/** What the worker may write on a credential: its bookkeeping, its history, the outbox, and the two seed fields of a soft-delete. */
const WORKER_ATTRIBUTES: ReadonlySet<string> = new Set([
  'deletedAt',
  'updatedAt',
  ...Object.values(HYGIENE_ATTR),
  HISTORY_ATTR,
  ...Object.values(OUTBOX_ATTR),
  ...Object.values(OUTBOX_CLAIM_ATTR),
]);

async function clearTable(client: DynamoDBClient, t: TestTable): Promise<void> {
  const ids = [...(await scanRawItems(client, t.tableName)).keys()];
  const requests: WriteRequest[] = ids.map((id) => ({ DeleteRequest: { Key: { id: { S: id } } } }));
  await batchWriteAll(t.tableName, requests, async (batch) => {
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [t.tableName]: batch } }));
    return out.UnprocessedItems?.[t.tableName];
  });
}
