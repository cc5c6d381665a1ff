/**
 * Races between plan and apply: right before the sweep writes a credential,
 * someone else uses it (`lastUsedAt`), renews it (`expiresTime`), exempts it,
 * soft-deletes it or deletes the item. None of those may be deleted or
 * otherwise touched by the sweep; the summary counts each as skipped-changed,
 * naming the field that changed. Every credential not interfered with gets
 * its planned transition.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR, OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { decide } from '../../lambdas/hygiene/policy';
import type { Transition, TransitionWriter } from '../../lambdas/hygiene/ports';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import { setItemAttribute } from '../support/items';
import { createTestTable, type TestTable } from '../support/test-table';
import { FAULT_CONFIG, FAULT_NOW, realisticFleet, realSweepDeps, seed } from './support/cycle';
import { writeFigures } from './support/figures';
import { Ledger } from './support/ledger';
import { comparable, readTable, wrongDeletions } from './support/table-check';

/** Ids whose original record has a planned transition. */
function plannedIds(original: ReadonlyMap<string, Record<string, unknown>>): Set<string> {
  const ids = new Set<string>();
  for (const [id, item] of original) {
    const parsed = parseCredential(item);
    if (parsed.ok && decide(parsed.credential, FAULT_CONFIG, FAULT_NOW).length > 0) ids.add(id);
  }
  return ids;
}

/** One way another writer changes a credential between the sweep's read and its write. */
interface Interference {
  readonly kind: string;
  /** What the writer reports as changed. */
  readonly changed: string;
  apply(table: TestTable, id: string): Promise<void>;
}

function setAttribute(name: string, value: unknown) {
  return (table: TestTable, id: string) => setItemAttribute(table.client, table.tableName, id, name, value);
}

const INTERFERENCES: readonly Interference[] = [
  { kind: 'used', changed: 'lastUsedAt', apply: setAttribute('lastUsedAt', formatInstant(FAULT_NOW)) },
  {
    kind: 'renewed',
    changed: 'expiresTime',
    apply: setAttribute('expiresTime', formatInstant(addDays(FAULT_NOW, 365))),
  },
  { kind: 'exempted', changed: HYGIENE_ATTR.exempt, apply: setAttribute(HYGIENE_ATTR.exempt, true) },
  {
    kind: 'soft-deleted',
    changed: 'deletedAt',
    apply: setAttribute('deletedAt', formatInstant(FAULT_NOW - 1)),
  },
  {
    kind: 'hard-deleted',
    changed: '(item gone)',
    apply: async (table, id) => {
      await table.client.send(new DeleteCommand({ TableName: table.tableName, Key: { id } }));
    },
  },
];

/** Interferes with every `stride`-th transition (round-robin over the kinds) just before it is written. */
function racingWriter(
  inner: TransitionWriter,
  table: TestTable,
  stride: number,
  raced: Map<string, { interference: Interference; deleting: boolean }>,
): TransitionWriter {
  let seen = 0;
  return {
    async apply(transition: Transition) {
      const n = seen++;
      if (n % stride === 0) {
        let interference = INTERFERENCES[(n / stride) % INTERFERENCES.length] as Interference;
        // Exempting an already exempt credential changes nothing: use it instead.
        if (interference.kind === 'exempted' && transition.credential.hygiene.exempt) {
          interference = INTERFERENCES[0] as Interference;
        }
        const id = transition.credential.id;
        await interference.apply(table, id);
        raced.set(id, {
          interference,
          deleting: transition.actions.some((a) => a.type.startsWith('delete')),
        });
      }
      return inner.apply(transition);
    },
  };
}

describe('races between plan and apply', () => {
  const totals = { fleets: 0, transitions: 0, raced: 0, racedDeletions: 0, wrong: 0 };
  const perKind: Record<string, number> = {};
  afterAll(() => {
    if (totals.fleets === 0) return;
    writeFigures({
      scenario: 'races',
      cases: { fleets: totals.fleets, 'planned transitions': totals.transitions },
      faults: {
        'interfering changes': totals.raced,
        'of them on planned deletions': totals.racedDeletions,
        ...perKind,
      },
      // No drain runs here: lost and duplicate events are not measured (omitted, shown "n/a").
      wrongDeletions: totals.wrong,
    });
  });

  it.each([1, 2, 3, 4])(
    'fleet %i: nothing changed meanwhile is deleted or touched; each is skipped-changed',
    async (fleetSeed) => {
      const table = await createTestTable(undefined, `races-${fleetSeed}`);
      try {
        const original = await seed(table, realisticFleet(80, 10, fleetSeed));
        const raced = new Map<string, { interference: Interference; deleting: boolean }>();
        const deps = realSweepDeps(table, new Ledger());
        const writer = racingWriter(deps.writer, table, 2, raced);

        const summary = await runSweep(
          { ...deps, writer },
          { config: FAULT_CONFIG, now: FAULT_NOW, runId: `races-${fleetSeed}`, mode: 'enforce' },
        );

        const after = await readTable(table);
        const skipped = new Map(summary.skippedChanged.records.map((r) => [r.id, r.changed]));
        expect(raced.size).toBeGreaterThan(5);
        for (const [id, { interference }] of raced) {
          expect(skipped.get(id), `${id} (${interference.kind})`).toContain(interference.changed);
          const item = after.get(id);
          if (interference.kind === 'hard-deleted') {
            expect(item, `${id} came back`).toBeUndefined();
            continue;
          }
          // Only the interfering writer's change: no hygiene bookkeeping, no events, no worker deletion.
          expect(item?.[HYGIENE_ATTR.deletedByRun], `${id} deleted by the sweep`).toBeUndefined();
          expect(item?.[OUTBOX_ATTR.events], `${id} got events`).toBeUndefined();
          for (const name of Object.values(HYGIENE_ATTR)) {
            if (name === HYGIENE_ATTR.exempt) continue;
            expect(item?.[name], `${id}.${name}`).toEqual(original.get(id)?.[name]);
          }
        }
        expect(summary.skippedChanged.count).toBe(raced.size);
        const racedDeletions = [...raced.values()].filter((r) => r.deleting).length;
        expect(summary.deletions.skippedChanged).toBe(racedDeletions);
        // Everything else got exactly its planned transition, and nothing else was deleted.
        const wrong = wrongDeletions(
          new Map([...original].filter(([id]) => !raced.has(id))),
          new Map([...after].filter(([id]) => !raced.has(id))),
          FAULT_CONFIG,
          FAULT_NOW,
        );
        expect(wrong).toEqual([]);
        const planned = plannedIds(original);
        for (const [id, item] of after) {
          if (raced.has(id)) continue;
          const changed = JSON.stringify(comparable(item)) !== JSON.stringify(comparable(original.get(id)));
          expect(changed, `${id}: changed ${changed}, planned ${planned.has(id)}`).toBe(planned.has(id));
        }

        totals.fleets++;
        totals.transitions += planned.size;
        totals.raced += raced.size;
        totals.racedDeletions += racedDeletions;
        for (const { interference } of raced.values())
          perKind[interference.kind] = (perKind[interference.kind] ?? 0) + 1;
      } finally {
        await table.drop();
      }
    },
  );
});
