/**
 * Races against DynamoDB Local: a credential used or renewed between the
 * sweep's read and its write is not deleted; two sweeps at once make each
 * transition exactly once.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import type { CredentialScanner, ScanPage, Transition, TransitionWriter } from '../../lambdas/hygiene/ports';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { putItems, setItemAttribute } from '../support/items';
import { type TestTable, useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { exportTable, sweepDeps } from './support/sweep-deps';

const config = parseConfig({ maxDeletePercent: 100, scanSegments: 2, writeConcurrency: 8 });

/** Runs `change` on the table just before the wrapped writer writes the given credential. */
function changingWriter(
  writer: TransitionWriter,
  changes: Record<string, (table: TestTable) => Promise<void>>,
  table: TestTable,
): TransitionWriter {
  return {
    async apply(transition: Transition) {
      await changes[transition.credential.id]?.(table);
      return writer.apply(transition);
    },
  };
}

function setAttribute(id: string, name: string, value: string) {
  return (table: TestTable) => setItemAttribute(table.client, table.tableName, id, name, value);
}

describe('sweep races against DynamoDB Local', () => {
  const table = useTestTable('sweep-races', 'each');

  it('does not delete a credential used or renewed between plan and apply', async () => {
    await putItems(table.client, table.tableName, [
      credential('a-expired-renewed', { expiresTime: days(-1) }),
      credential('b-stale-used', {
        lastUsedAt: days(-120),
        hygieneStaleFlaggedAt: days(-20),
        hygieneStaleDeleteAfter: days(-6),
      }),
      credential('c-stale-used-before-flag', { lastUsedAt: days(-100) }),
      credential('d-expired', { expiresTime: days(-1) }),
    ]);
    const deps = sweepDeps(table);
    const writer = changingWriter(
      deps.writer,
      {
        'a-expired-renewed': setAttribute('a-expired-renewed', 'expiresTime', days(365)),
        'b-stale-used': setAttribute('b-stale-used', 'lastUsedAt', days(0)),
        'c-stale-used-before-flag': setAttribute('c-stale-used-before-flag', 'lastUsedAt', days(0)),
      },
      table,
    );

    const summary = await runSweep(
      { ...deps, writer },
      { config, now: NOW, runId: 'run-1', mode: 'enforce' },
    );

    const items = new Map((await exportTable(table)).map((i) => [i.id, i]));
    expect(items.get('a-expired-renewed')).not.toHaveProperty('deletedAt');
    expect(items.get('a-expired-renewed')).not.toHaveProperty(OUTBOX_ATTR.events);
    expect(items.get('b-stale-used')).not.toHaveProperty('deletedAt');
    expect(items.get('c-stale-used-before-flag')).not.toHaveProperty('hygieneStaleFlaggedAt');
    expect(items.get('d-expired')).toHaveProperty('deletedAt', days(0));
    expect(summary.skippedChanged.records.toSorted((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: 'a-expired-renewed', changed: ['expiresTime'] },
      { id: 'b-stale-used', changed: ['lastUsedAt'] },
      { id: 'c-stale-used-before-flag', changed: ['lastUsedAt'] },
    ]);
    expect(summary.deletions).toMatchObject({ expired: 2, stale: 1, applied: 1, skippedChanged: 2 });
    expect(summary.events.total).toBe(1);
  });

  it('two sweeps at once make each transition exactly once', async () => {
    const items = Array.from({ length: 60 }, (_, i) => {
      const id = `p${String(i).padStart(2, '0')}`;
      const kind = i % 4;
      if (kind === 0) return credential(id, { expiresTime: days(-1) });
      if (kind === 1) return credential(id, { expiresTime: days(3) });
      if (kind === 2) return credential(id, { lastUsedAt: days(-100) });
      return credential(id);
    });
    await putItems(table.client, table.tableName, items);

    // Both runs read the whole table before either writes, so every transition is contested.
    let bothRead: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => {
      let waiting = 2;
      bothRead = () => {
        if (--waiting === 0) resolve();
      };
    });
    const readFirst = (deps: ReturnType<typeof sweepDeps>): CredentialScanner => ({
      async *scan(options) {
        const pages: ScanPage[] = [];
        for await (const page of deps.scanner.scan(options)) pages.push(page);
        bothRead();
        await barrier;
        yield* pages;
      },
    });
    const depsA = sweepDeps(table, 3);
    const depsB = sweepDeps(table, 5);

    const [one, two] = await Promise.all([
      runSweep(
        { ...depsA, scanner: readFirst(depsA) },
        { config, now: NOW, runId: 'run-A', mode: 'enforce' },
      ),
      runSweep(
        { ...depsB, scanner: readFirst(depsB) },
        { config, now: NOW, runId: 'run-B', mode: 'enforce' },
      ),
    ]);

    const after = await exportTable(table);
    for (const item of after) {
      const events = (item[OUTBOX_ATTR.events] as OutboxEvent[] | undefined) ?? [];
      const kind = Number(String(item.id).slice(1)) % 4;
      expect(events, `events of ${item.id}`).toHaveLength(kind === 3 ? 0 : 1);
    }
    const deleted = after.filter((i) => i.deletedAt !== undefined);
    expect(deleted).toHaveLength(15);
    expect(
      deleted.filter((i) => i.hygieneDeletedByRun === 'run-A').length +
        deleted.filter((i) => i.hygieneDeletedByRun === 'run-B').length,
    ).toBe(15);
    // Together the runs applied each planned transition once; the loser of each race skipped it.
    const appliedSum = (s: typeof one) => Object.values(s.applied).reduce((a, b) => a + b, 0);
    expect(appliedSum(one) + appliedSum(two)).toBe(45);
    // Both planned all 45; each transition was applied by one run and skipped by the other.
    expect(one.planned).toEqual(two.planned);
    expect(one.skippedChanged.count + two.skippedChanged.count).toBe(45);
    for (const s of [one, two]) {
      for (const r of s.skippedChanged.records) expect(r.changed.length).toBeGreaterThan(0);
    }
    expect(one.failed.count + two.failed.count).toBe(0);
  });

  it("a run deciding at an earlier now (a scheduled run's schedule time) keeps a later run's fresh flag", async () => {
    await putItems(table.client, table.tableName, [credential('s-stale', { lastUsedAt: days(-100) })]);
    const sweep = (now: number, runId: string) =>
      runSweep(sweepDeps(table), { config, now, runId, mode: 'enforce' });
    // An operator's run at the wall clock flags it; the scheduled run decides at its schedule time, 10 min earlier.
    await sweep(NOW + 600_000, 'run-operator');
    const scheduled = await sweep(NOW, 'run-scheduled');
    await sweep(NOW + 86_400_000, 'run-next-day');

    expect(scheduled.applied['unflag-stale']).toBe(0);
    const [item] = await exportTable(table);
    const events = (item?.[OUTBOX_ATTR.events] as OutboxEvent[] | undefined) ?? [];
    expect(events.map((e) => e.type)).toEqual(['stale-warning']);
    expect(item).toMatchObject({ hygieneStaleDeleteAfter: days(14, NOW + 600_000) });
  });
});
