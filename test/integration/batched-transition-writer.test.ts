/**
 * The sweep's batched transition writer on DynamoDB Local: its PartiQL
 * statements write exactly what the per-item `UpdateItem`s write, over a
 * realistic fleet with every rule, existing outboxes and histories at and
 * below the limit; and every way a statement or a call can fail sends the
 * transition down the per-item path with the right outcome
 * (docs/data-model.md, "The transition write").
 */
import {
  BatchExecuteStatementCommand,
  type DynamoDBDocumentClient,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchedTransitionWriter } from '../../lambdas/aws/batched-transition-writer';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { ConflictingTransitionError } from '../../lambdas/aws/transition-write';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { sweepMetricValues } from '../../lambdas/handlers/sweep-metric-values';
import { type Credential, parseCredential } from '../../lambdas/hygiene/credential';
import { HISTORY_ATTR, HYGIENE_ATTR, OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { eventsFor } from '../../lambdas/hygiene/events';
import { HISTORY_LIMIT, historyLength } from '../../lambdas/hygiene/history';
import { decide, isDeletion } from '../../lambdas/hygiene/policy';
import type { Transition } from '../../lambdas/hygiene/ports';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { compactCredential, runSweep } from '../../lambdas/hygiene/sweep';
import { formatInstant } from '../../lambdas/hygiene/time';
import { renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { FAULT_CONFIG, FAULT_NOW, realisticFleet } from '../faults/support/cycle';
import { readTable } from '../faults/support/table-check';
import { changeItem, getItem, putItems } from '../support/items';
import { createTestTable, type TestTable } from '../support/test-table';

const RUN_ID = 'run-batched';
const PURGE_AT = Math.floor(FAULT_NOW / 1000) + 30 * 86_400;

/** An older history entry and an older pending notice, as earlier runs leave them. */
const oldEntry = (i: number) => ({
  at: '2026-01-01T00:00:00.000Z',
  action: 'notify-expiry',
  runId: `old-${i}`,
});
const oldNotice = (id: string) => ({
  eventId: `old-${id}`,
  type: 'expiry-warning',
  occurredAt: '2026-11-20T00:00:00.000Z',
  runId: 'old',
});

/** The fleet, varied: histories of every length up to past the limit, and some items with a pending outbox. */
function variedFleet(): Record<string, unknown>[] {
  return realisticFleet(150, 9, 23).map((record, i) => {
    const varied: Record<string, unknown> = { ...record };
    if (i % 3 === 0)
      varied[HISTORY_ATTR] = Array.from({ length: i % (HISTORY_LIMIT + 2) }, (_, k) => oldEntry(k));
    if (i % 4 === 1 && typeof record.userId === 'string') {
      varied[OUTBOX_ATTR.events] = [oldNotice(String(record.id))];
      varied[OUTBOX_ATTR.owner] = record.userId;
      varied[OUTBOX_ATTR.since] = '2026-11-20T00:00:00.000Z';
    }
    return varied;
  });
}

/** The sweep's transitions for the items read: deletions compacted as the sweep buffers them, half of them. */
function transitionsOf(items: Iterable<Record<string, unknown>>): Transition[] {
  const transitions: Transition[] = [];
  let n = 0;
  for (const item of items) {
    const parsed = parseCredential(item);
    if (!parsed.ok || parsed.credential.deletedAt !== undefined) continue;
    const credential = parsed.credential;
    const actions = decide(credential, FAULT_CONFIG, FAULT_NOW);
    if (actions.length === 0) continue;
    const deleting = actions.some(isDeletion);
    const compact = deleting && n++ % 2 === 0;
    transitions.push({
      credential: compact ? compactCredential(credential) : credential,
      actions,
      events: eventsFor(credential, actions, { runId: RUN_ID, now: FAULT_NOW }),
      runId: RUN_ID,
      now: FAULT_NOW,
      ...(deleting && { purgeAt: PURGE_AT }),
      ...(compact && { historyLength: historyLength(credential.raw[HISTORY_ATTR]) }),
    });
  }
  return transitions;
}

describe('BatchedTransitionWriter', () => {
  let perItemTable: TestTable;
  let batchedTable: TestTable;
  beforeAll(async () => {
    [perItemTable, batchedTable] = await Promise.all([
      createTestTable(undefined, 'batched-ref'),
      createTestTable(undefined, 'batched'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([perItemTable.drop(), batchedTable.drop()]);
  });

  it('writes every transition of a varied fleet exactly as the per-item path, 25 to a call, none per item', async () => {
    const fleet = variedFleet();
    await Promise.all([
      putItems(perItemTable.client, perItemTable.tableName, fleet),
      putItems(batchedTable.client, batchedTable.tableName, fleet),
    ]);
    const transitions = transitionsOf((await readTable(batchedTable)).values());
    const kinds = new Set(transitions.flatMap((t) => t.actions.map((a) => a.type)));
    expect([...kinds].sort()).toEqual(
      ['delete-expired', 'delete-stale', 'flag-stale', 'notify-expiry', 'unflag-stale'].sort(),
    );
    expect(transitions.some((t) => t.credential.raw[OUTBOX_ATTR.since] !== undefined)).toBe(true);
    expect(
      transitions.some(
        (t) => (t.historyLength ?? historyLength(t.credential.raw[HISTORY_ATTR])) >= HISTORY_LIMIT,
      ),
    ).toBe(true);

    const perItem = new DynamoDbTransitionWriter(perItemTable.client, perItemTable.tableName);
    const batched = new BatchedTransitionWriter(batchedTable.client, batchedTable.tableName);
    const expected = await Promise.all(transitions.map((t) => perItem.apply(t)));
    const results = await Promise.all(transitions.map((t) => batched.apply(t)));

    expect(expected.every((r) => r.status === 'applied')).toBe(true);
    expect(results).toEqual(expected);
    expect(batched.stats).toEqual({
      batches: Math.ceil(transitions.length / 25),
      statements: transitions.length,
      perItem: 0,
    });
    const reference = await readTable(perItemTable);
    const written = await readTable(batchedTable);
    expect(written.size).toBe(reference.size);
    for (const [id, item] of reference) expect(written.get(id), id).toEqual(item);
  });
});

describe('BatchedTransitionWriter: what goes down the per-item path', () => {
  let table: TestTable;
  let n = 0;
  beforeAll(async () => {
    table = await createTestTable(undefined, 'batched-fallback');
  });
  afterAll(() => table.drop());

  /** Puts an expired credential (with `extra`) and reads it back as the sweep would. */
  const seedExpired = async (extra: Record<string, unknown> = {}) => {
    const id = `pc-${++n}`;
    await putItems(table.client, table.tableName, [
      {
        id,
        userId: 'u-1',
        clientId: `c-${id}`,
        displayName: 'token',
        expiresTime: '2026-11-01T00:00:00Z',
        ...extra,
      },
    ]);
    const parsed = parseCredential(await getItem(table.client, table.tableName, id));
    if (!parsed.ok) throw new Error('seed is invalid');
    return parsed.credential;
  };
  const deletion = (credential: Credential): Transition => {
    const actions = decide(credential, FAULT_CONFIG, FAULT_NOW);
    return {
      credential,
      actions,
      events: eventsFor(credential, actions, { runId: RUN_ID, now: FAULT_NOW }),
      runId: RUN_ID,
      now: FAULT_NOW,
    };
  };

  it('an item changed since the read is skipped, naming the change, and left untouched', async () => {
    const credential = await seedExpired();
    await changeItem(table, credential.id, 'SET lastUsedAt = :t', { ':t': '2026-11-25T00:00:00.000Z' });
    const before = await getItem(table.client, table.tableName, credential.id);
    const reported: unknown[] = [];
    const writer = new BatchedTransitionWriter(table.client, table.tableName, {
      onStatementErrors: (codes) => reported.push(codes),
    });
    expect(await writer.apply(deletion(credential))).toEqual({
      status: 'skipped-changed',
      writtenAlone: true,
      changed: ['lastUsedAt'],
    });
    expect(writer.stats.perItem).toBe(1);
    // A failed condition is the normal race, not an error worth reporting.
    expect(reported).toEqual([]);
    expect(await getItem(table.client, table.tableName, credential.id)).toEqual(before);
  });

  it('an outbox drained since the read (the statement guessed a list to append to) is written per item', async () => {
    const credential = await seedExpired({
      [OUTBOX_ATTR.events]: [oldNotice('x')],
      [OUTBOX_ATTR.owner]: 'u-1',
      [OUTBOX_ATTR.since]: '2026-11-20T00:00:00.000Z',
    });
    await changeItem(table, credential.id, 'REMOVE #e, #o, #s', undefined, {
      '#e': OUTBOX_ATTR.events,
      '#o': OUTBOX_ATTR.owner,
      '#s': OUTBOX_ATTR.since,
    });
    const writer = new BatchedTransitionWriter(table.client, table.tableName);
    const t = deletion(credential);
    expect(await writer.apply(t)).toEqual({ status: 'applied', writtenAlone: true });
    expect(writer.stats.perItem).toBe(1);
    const item = await getItem(table.client, table.tableName, credential.id);
    expect(item?.[OUTBOX_ATTR.events]).toHaveLength(t.events.length);
    expect(item?.[OUTBOX_ATTR.since]).toBe(formatInstant(FAULT_NOW));
  });

  it('an outbox created since the read (the statement guessed none) is appended to per item', async () => {
    const credential = await seedExpired();
    await changeItem(
      table,
      credential.id,
      'SET #e = :e, #o = :o, #s = :s',
      { ':e': [oldNotice('y')], ':o': 'u-1', ':s': '2026-11-20T00:00:00.000Z' },
      {
        '#e': OUTBOX_ATTR.events,
        '#o': OUTBOX_ATTR.owner,
        '#s': OUTBOX_ATTR.since,
      },
    );
    const writer = new BatchedTransitionWriter(table.client, table.tableName);
    expect(await writer.apply(deletion(credential))).toEqual({ status: 'applied', writtenAlone: true });
    const item = await getItem(table.client, table.tableName, credential.id);
    expect(item?.[OUTBOX_ATTR.events]).toEqual([oldNotice('y'), expect.objectContaining({ runId: RUN_ID })]);
    expect(item?.[OUTBOX_ATTR.since]).toBe('2026-11-20T00:00:00.000Z');
  });

  it('a statement failing for another reason (throttled) is written per item; the others are not', async () => {
    const credentials = [await seedExpired(), await seedExpired(), await seedExpired()];
    const reported: Readonly<Record<string, number>>[] = [];
    const writer = new BatchedTransitionWriter(throttlingFirstStatement(table.client), table.tableName, {
      onStatementErrors: (codes) => reported.push(codes),
    });
    const results = await Promise.all(credentials.map((c) => writer.apply(deletion(c))));
    // Only the throttled statement took a request of its own, and its result says so.
    expect(results).toEqual([
      { status: 'applied', writtenAlone: true },
      { status: 'applied' },
      { status: 'applied' },
    ]);
    expect(writer.stats).toEqual({ batches: 1, statements: 3, perItem: 1 });
    expect(reported).toEqual([{ ThrottlingError: 1 }]);
    for (const c of credentials) {
      const item = await getItem(table.client, table.tableName, c.id);
      expect(item?.deletedAt).toBe(formatInstant(FAULT_NOW));
      expect(item?.[HISTORY_ATTR]).toHaveLength(1);
    }
  });

  it('a call that took effect but lost its response: the run’s own change is recognised, not reported as someone else’s', async () => {
    const credentials = [await seedExpired(), await seedExpired()];
    const failedCalls: [string, number][] = [];
    const writer = new BatchedTransitionWriter(losingBatchResponses(table.client), table.tableName, {
      onCallFailed: (error, statements) => failedCalls.push([String((error as Error).message), statements]),
    });
    const results = await Promise.all(credentials.map((c) => writer.apply(deletion(c))));
    expect(results).toEqual(credentials.map(() => ({ status: 'applied', writtenAlone: true })));
    expect(writer.stats.perItem).toBe(2);
    expect(failedCalls).toEqual([['socket hang up (injected)', 2]]);
    for (const c of credentials) {
      const item = await getItem(table.client, table.tableName, c.id);
      expect(item?.[HYGIENE_ATTR.deletedByRun]).toBe(RUN_ID);
      expect(item?.[HISTORY_ATTR]).toHaveLength(1);
      expect(item?.[OUTBOX_ATTR.events]).toHaveLength(1);
    }
  });

  it('never puts two statements for one item in one call', async () => {
    const credential = await seedExpired();
    const writer = new BatchedTransitionWriter(table.client, table.tableName);
    const t = deletion(credential);
    const results = await Promise.all([writer.apply(t), writer.apply(t)]);
    expect(results.map((r) => r.status).sort()).toEqual(['applied', 'skipped-changed']);
    expect(writer.stats.batches).toBe(2);
  });

  it('rejects a transition whose actions write one attribute twice, sending nothing', async () => {
    const credential = await seedExpired();
    const t = deletion(credential);
    const writer = new BatchedTransitionWriter(table.client, table.tableName);
    await expect(writer.apply({ ...t, actions: [...t.actions, ...t.actions] })).rejects.toBeInstanceOf(
      ConflictingTransitionError,
    );
    expect(writer.stats.batches).toBe(0);
  });

  it('rejects a batch size the service does not allow', () => {
    expect(() => new BatchedTransitionWriter(table.client, table.tableName, { maxStatements: 26 })).toThrow(
      /maxStatements must be 1–25, got 26/,
    );
  });

  it('rejects a linger that is not a whole number of ms from 0 to a minute', () => {
    for (const lingerMs of [-1, 1.5, 60_001]) {
      expect(() => new BatchedTransitionWriter(table.client, table.tableName, { lingerMs })).toThrow(
        `lingerMs must be an integer from 0 to 60000, got ${lingerMs}`,
      );
    }
  });
});

describe('BatchedTransitionWriter with a linger', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable(undefined, 'batched-linger');
  });
  afterAll(() => table.drop());

  /** Expired credentials, stored and read back as the sweep reads them, with their deletions. */
  let seeded = 0;
  async function deletions(n: number): Promise<Transition[]> {
    const records = Array.from({ length: n }, () => ({
      id: `linger-${++seeded}`,
      userId: `user-${seeded % 3}`,
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresTime: '2026-11-01T00:00:00.000Z',
    }));
    await putItems(table.client, table.tableName, records);
    return records.map((record) => {
      const parsed = parseCredential(record);
      if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
      const actions = decide(parsed.credential, FAULT_CONFIG, FAULT_NOW);
      const events = eventsFor(parsed.credential, actions, { runId: RUN_ID, now: FAULT_NOW });
      return { credential: parsed.credential, actions, events, runId: RUN_ID, now: FAULT_NOW };
    });
  }
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('holds a partial batch across turns until it is full, then until flush(): two calls for 30 handed over one a turn', async () => {
    const transitions = await deletions(30);
    const writer = new BatchedTransitionWriter(table.client, table.tableName, { lingerMs: 60_000 });
    const results: Promise<unknown>[] = [];
    for (const t of transitions) {
      results.push(writer.apply(t));
      await nextTurn();
    }
    // The first 25 went as one call the moment the batch was full; the last 5 wait for more.
    expect(writer.stats).toEqual({ batches: 1, statements: 25, perItem: 0 });
    writer.flush();
    expect(await Promise.all(results)).toEqual(transitions.map(() => ({ status: 'applied' })));
    expect(writer.stats).toEqual({ batches: 2, statements: 30, perItem: 0 });
    const stored = await readTable(table);
    for (const t of transitions)
      expect(stored.get(t.credential.id)?.deletedAt).toBe(formatInstant(FAULT_NOW));
  });

  it('sends a partial batch once the linger has passed, with nothing else asking', async () => {
    const [t] = await deletions(1);
    const writer = new BatchedTransitionWriter(table.client, table.tableName, { lingerMs: 20 });
    expect(await writer.apply(t as Transition)).toEqual({ status: 'applied' });
    expect(writer.stats).toEqual({ batches: 1, statements: 1, perItem: 0 });
  });

  /**
   * A whole sweep (enforce) of a fresh table of 90 realistic records, read 8 to a page, through the writer `make`
   * builds on the table's client; the table is dropped afterwards.
   */
  async function sweepFreshTable(
    name: string,
    make: (client: DynamoDBDocumentClient, tableName: string) => BatchedTransitionWriter,
  ): Promise<{ summary: RunSummary; writer: BatchedTransitionWriter }> {
    const sweepTable = await createTestTable(undefined, name);
    try {
      await putItems(sweepTable.client, sweepTable.tableName, realisticFleet(90, 7, 31));
      const writer = make(sweepTable.client, sweepTable.tableName);
      const summary = await runSweep(
        {
          clock: Date.now,
          scanner: new DynamoDbCredentialScanner(sweepTable.client, sweepTable.tableName, { pageSize: 8 }),
          writer,
        },
        { config: FAULT_CONFIG, now: FAULT_NOW, runId: RUN_ID, mode: 'enforce' },
      );
      return { summary, writer };
    } finally {
      await sweepTable.drop();
    }
  }

  it('the sweep sends what waits when its scan and its deletions end: a writer lingering a minute holds nothing up', async () => {
    // Without the sweep's flushes the last partial calls would wait the whole minute, past the test's timeout.
    const { summary, writer } = await sweepFreshTable(
      'batched-linger-sweep',
      (client, tableName) => new BatchedTransitionWriter(client, tableName, { lingerMs: 60_000 }),
    );
    const planned = Object.values(summary.planned).reduce((a, b) => a + b, 0);
    const deletions = summary.deletions.applied;
    expect(summary.status).toBe('complete');
    expect(deletions).toBeGreaterThan(0);
    expect(Object.values(summary.applied).reduce((a, b) => a + b, 0)).toBe(planned);
    // Every call full but the last of the scan and the last of the deletions.
    const transitions = writer.stats.statements;
    expect(writer.stats.batches).toBe(Math.ceil((transitions - deletions) / 25) + Math.ceil(deletions / 25));
    expect(writer.stats.perItem).toBe(0);
    expect(summary.transitionsWrittenAlone).toBe(0);
  });

  it('the run summary and its metric count the transitions a batch could not settle', async () => {
    // Every call loses its first statement to throttling: that transition is written alone.
    const { summary, writer } = await sweepFreshTable(
      'batched-alone-sweep',
      (client, tableName) =>
        new BatchedTransitionWriter(throttlingFirstStatement(client), tableName, { lingerMs: 60_000 }),
    );
    const planned = Object.values(summary.planned).reduce((a, b) => a + b, 0);
    expect(Object.values(summary.applied).reduce((a, b) => a + b, 0)).toBe(planned);
    expect(summary.failed.count).toBe(0);
    expect(writer.stats.batches).toBeGreaterThan(1);
    expect(summary.transitionsWrittenAlone).toBe(writer.stats.batches);
    expect(writer.stats.perItem).toBe(writer.stats.batches);
    const metric = sweepMetricValues(summary).find((m) => m.name === SWEEP_METRIC.writtenAlone);
    expect(metric).toEqual({ name: 'TransitionsWrittenAlone', unit: 'Count', value: writer.stats.batches });
    expect(renderRunSummaryText(summary)).toContain(
      `Transitions written alone: ${writer.stats.batches} (their batch could not settle them; one request each)`,
    );
  });

  it('without a linger, what is handed over in one turn goes in one call at the end of it', async () => {
    const transitions = await deletions(4);
    const writer = new BatchedTransitionWriter(table.client, table.tableName);
    const first = transitions.slice(0, 3).map((t) => writer.apply(t));
    await nextTurn();
    expect(writer.stats.batches).toBe(1);
    await Promise.all([...first, writer.apply(transitions[3] as Transition)]);
    expect(writer.stats).toEqual({ batches: 2, statements: 4, perItem: 0 });
  });
});

/**
 * A client whose `BatchExecuteStatement` calls lose their first statement to
 * throttling (it is not sent; its response says `ThrottlingError`, as
 * DynamoDB reports a throttled statement); everything else goes through.
 */
function throttlingFirstStatement(client: DynamoDBDocumentClient): DynamoDBDocumentClient {
  return wrapSend(client, async (command) => {
    if (!(command instanceof BatchExecuteStatementCommand)) return client.send(command as UpdateCommand);
    const [, ...rest] = command.input.Statements ?? [];
    const out = await client.send(new BatchExecuteStatementCommand({ Statements: rest }));
    return {
      ...out,
      Responses: [{ Error: { Code: 'ThrottlingError', Message: 'injected' } }, ...(out.Responses ?? [])],
    };
  });
}

/** A client whose `BatchExecuteStatement` calls take effect, then fail as a lost connection (after the SDK's retries). */
function losingBatchResponses(client: DynamoDBDocumentClient): DynamoDBDocumentClient {
  return wrapSend(client, async (command) => {
    if (!(command instanceof BatchExecuteStatementCommand)) return client.send(command as UpdateCommand);
    await client.send(command);
    throw Object.assign(new Error('socket hang up (injected)'), { code: 'ECONNRESET' });
  });
}

function wrapSend(
  client: DynamoDBDocumentClient,
  send: (command: unknown) => Promise<unknown>,
): DynamoDBDocumentClient {
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'send' ? send : Reflect.get(target, property, receiver),
  });
}
