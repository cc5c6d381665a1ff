/**
 * `exempt` / `unexempt` whose write applied and whose response was lost, so
 * the SDK sent it again and the retry failed its condition on the write's own
 * change (cli/aws/exempt.ts): the exemption is written, and the command says
 * so (no conflict, exit 0) — also on a history at its bound, which the write
 * keeps at 20 entries. Only the item exactly as this write leaves it counts
 * (the exemption requested, its own entry last): another writer's change
 * before the write (its first attempt throttled, nothing applied — another
 * operator, or a sweep's transition), or after its own (undone, redone by
 * someone else, or changed by a hand edit that records no history), is still
 * a conflict; so is a first attempt refused outright (nothing of its own can
 * have applied), even on an item a twin command left exactly as this write
 * would. Against DynamoDB Local.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExemptConflictError, type ExemptRequest, setExempt } from '../../cli/aws/exempt';
import { registerExemptCommands } from '../../cli/commands/exempt';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HISTORY_ATTR, HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { HISTORY_LIMIT } from '../../lambdas/hygiene/history';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { formatInstant } from '../../lambdas/hygiene/time';
import { runInProcess } from '../support/in-process-cli';
import { getItem, putItem, setItemAttribute } from '../support/items';
import { tableFlags } from '../support/run-cli';
import { createTestTable, type TestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { armLostResponse, loseFirstResponseAfter } from './support/lost-response-between';

vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) => {
  const { hookDocumentClients } = await import('../support/document-client-hook');
  const { hookArmedClient } = await import('./support/lost-response-between');
  return hookDocumentClients(await importOriginal(), hookArmedClient);
});

const AT = formatInstant(NOW);
const CALLER = 'arn:aws:sts::123456789012:assumed-role/ops/alice';

/** The exemption write (the command's only `UpdateItem`). */
const isExemptWrite = (input: Readonly<Record<string, unknown>>) => 'UpdateExpression' in input;

/** `count` earlier sweep entries: a history of that length. */
const pastEntries = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    at: days(-count + i),
    action: 'notify-expiry',
    runId: `run-${i}`,
  }));

describe('exempt / unexempt, the write retried after a lost response', () => {
  let table: TestTable;
  /** A second client, another operator's or a sweep's: no fault injected. */
  let other: TestTable;
  const write = (exempt: boolean, overrides: Partial<ExemptRequest> = {}, client = table.client) =>
    setExempt(client, table.tableName, {
      id: 'c1',
      exempt,
      reason: 'vendor',
      by: 'ops-alice',
      now: NOW,
      ...overrides,
    });
  /** Another operator's exemption write, at another instant (no fault injected). */
  const bob = (exempt: boolean, minutes = 1) =>
    write(exempt, { by: 'ops-bob', reason: 'bob', now: NOW + minutes * 60_000 }, other.client);
  const stored = async () => {
    const item = await getItem(table.client, table.tableName, 'c1');
    const history = (item?.[HISTORY_ATTR] ?? []) as { action: string; by?: string }[];
    return { exempt: item?.[HYGIENE_ATTR.exempt], history };
  };

  beforeAll(async () => {
    other = await createTestTable(undefined, 'exempt-lost');
  });
  afterAll(async () => other.drop());
  beforeEach(async () => {
    table = await createTestTable(undefined, 'exempt-lost');
    return () => table.drop();
  });

  it('exempt: written once, reported changed', async () => {
    await putItem(table.client, table.tableName, credential('c1'));
    const counts = loseFirstResponseAfter(table.client, { matches: isExemptWrite });

    const result = await write(true, { callerArn: CALLER });

    expect(counts.lost).toBe(1);
    expect(result).toEqual({
      id: 'c1',
      exempt: true,
      changed: true,
      at: AT,
      by: 'ops-alice',
      callerArn: CALLER,
      reason: 'vendor',
    });
    expect(await stored()).toEqual({
      exempt: true,
      history: [{ at: AT, action: 'exempt', by: 'ops-alice', callerArn: CALLER, reason: 'vendor' }],
    });
  });

  it('unexempt on a history at its bound: written once (the oldest entry dropped), reported changed', async () => {
    const history = pastEntries(HISTORY_LIMIT);
    await putItem(table.client, table.tableName, {
      ...credential('c1'),
      [HYGIENE_ATTR.exempt]: true,
      [HISTORY_ATTR]: history,
    });
    const counts = loseFirstResponseAfter(table.client, { matches: isExemptWrite });

    const result = await write(false);

    expect(counts.lost).toBe(1);
    expect(result).toMatchObject({ exempt: false, changed: true });
    expect(await stored()).toEqual({
      exempt: undefined,
      history: [...history.slice(1), { at: AT, action: 'unexempt', by: 'ops-alice', reason: 'vendor' }],
    });
  });

  it("a retry that met another operator's exemption (nothing of its own applied) is still a conflict", async () => {
    await putItem(table.client, table.tableName, credential('c1'));
    const counts = loseFirstResponseAfter(table.client, {
      matches: isExemptWrite,
      throttled: true,
      between: async () => void (await bob(true)),
    });

    await expect(write(true)).rejects.toBeInstanceOf(ExemptConflictError);
    expect(counts.lost).toBe(1);
    expect((await stored()).history.map((e) => e.by)).toEqual(['ops-bob']);
  });

  it("a retry that met a sweep's transition (nothing of its own applied) is still a conflict", async () => {
    await putItem(table.client, table.tableName, credential('c1', { lastUsedAt: days(-100) }));
    const config = parseConfig({ mode: 'enforce' });
    const sweep = async () => {
      const scanner = new DynamoDbCredentialScanner(other.client, table.tableName);
      const writer = new DynamoDbTransitionWriter(other.client, table.tableName);
      await runSweep(
        { clock: Date.now, scanner, writer },
        { config, now: NOW, runId: 'run-1', mode: 'enforce' },
      );
    };
    const counts = loseFirstResponseAfter(table.client, {
      matches: isExemptWrite,
      throttled: true,
      between: sweep,
    });

    await expect(write(true)).rejects.toBeInstanceOf(ExemptConflictError);
    expect(counts.lost).toBe(1);
    expect(await stored()).toEqual({
      exempt: undefined,
      history: [expect.objectContaining({ action: 'flag-stale' })],
    });
  });

  it('its own write undone by another operator before the retry: a conflict', async () => {
    await putItem(table.client, table.tableName, credential('c1'));
    const counts = loseFirstResponseAfter(table.client, {
      matches: isExemptWrite,
      between: async () => void (await bob(false)),
    });

    await expect(write(true)).rejects.toBeInstanceOf(ExemptConflictError);
    expect(counts.lost).toBe(1);
    expect(await stored()).toEqual({
      exempt: undefined,
      history: [
        expect.objectContaining({ action: 'exempt', by: 'ops-alice' }),
        expect.objectContaining({ action: 'unexempt', by: 'ops-bob' }),
      ],
    });
  });

  it('its own exemption changed by a write that records no history (a hand edit) before the retry: a conflict', async () => {
    await putItem(table.client, table.tableName, credential('c1'));
    const counts = loseFirstResponseAfter(table.client, {
      matches: isExemptWrite,
      between: () => setItemAttribute(other.client, table.tableName, 'c1', HYGIENE_ATTR.exempt, false),
    });

    await expect(write(true)).rejects.toBeInstanceOf(ExemptConflictError);
    expect(counts.lost).toBe(1);
    expect(await stored()).toEqual({
      exempt: false,
      history: [expect.objectContaining({ action: 'exempt', by: 'ops-alice' })],
    });
  });

  it('its own write undone and redone by another operator before the retry: a conflict', async () => {
    await putItem(table.client, table.tableName, credential('c1'));
    const counts = loseFirstResponseAfter(table.client, {
      matches: isExemptWrite,
      between: async () => {
        await bob(false, 1);
        await bob(true, 2);
      },
    });

    await expect(write(true)).rejects.toBeInstanceOf(ExemptConflictError);
    expect(counts.lost).toBe(1);
    expect((await stored()).history.map((e) => `${e.action} ${e.by}`)).toEqual([
      'exempt ops-alice',
      'unexempt ops-bob',
      'exempt ops-bob',
    ]);
  });

  it('the same write, sent by a twin command between the read and the write, refused on its first attempt: a conflict', async () => {
    await putItem(table.client, table.tableName, credential('c1'));
    // Before the first (and only) attempt: the item then holds exactly what this write writes, but not by its doing.
    let twins = 0;
    table.client.middlewareStack.add(
      (next) => async (args) => {
        if (isExemptWrite(args.input as Record<string, unknown>) && twins++ === 0) {
          await write(true, {}, other.client);
        }
        return next(args);
      },
      { step: 'initialize', name: 'twinWriteFirst' },
    );

    await expect(write(true)).rejects.toBeInstanceOf(ExemptConflictError);
    expect(twins).toBe(1);
    expect((await stored()).history.map((e) => e.by)).toEqual(['ops-alice']);
  });

  it('the command says exempt, exit 0 (text and JSON); another writer in between, a conflict', async () => {
    await putItem(table.client, table.tableName, credential('c1'));
    const run = (name: string, ...format: string[]) =>
      runInProcess(registerExemptCommands, [
        name,
        'c1',
        '--reason',
        'vendor',
        '--by',
        'ops-alice',
        '--now',
        AT,
        ...format,
        ...tableFlags(table),
      ]);

    const lost = armLostResponse({ matches: isExemptWrite });
    const text = await run('exempt');
    expect(lost()?.lost).toBe(1);
    expect(text.stderr).toBe('');
    expect(text.exitCode).toBe(0);
    expect(text.error).toBeUndefined();
    expect(text.stdout).toBe(`c1 is now exempt (by ops-alice at ${AT}: vendor)\n`);

    const lostJson = armLostResponse({ matches: isExemptWrite });
    const json = await run('unexempt', '--format', 'json');
    expect(lostJson()?.lost).toBe(1);
    expect(json.stderr).toBe('');
    expect(json.exitCode).toBe(0);
    expect(json.error).toBeUndefined();
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'c1', exempt: false, changed: true });
    expect((await stored()).history.map((e) => e.action)).toEqual(['exempt', 'unexempt']);

    // Its control: another operator's exemption between the read and the write (nothing of its own applied).
    const lostConflict = armLostResponse({
      matches: isExemptWrite,
      throttled: true,
      between: async () => void (await bob(true)),
    });
    const conflict = await run('exempt');
    expect(lostConflict()?.lost).toBe(1);
    // The command throws it; the program prints its message and exits 1 (cli/main.ts).
    expect(conflict.error).toBeInstanceOf(ExemptConflictError);
    expect((conflict.error as Error).message).toBe(
      'credential c1 changed while writing its exemption: check it and run again',
    );
    expect(conflict.stdout).toBe('');
    expect((await stored()).history.map((e) => `${e.action} ${e.by}`)).toEqual([
      'exempt ops-alice',
      'unexempt ops-alice',
      'exempt ops-bob',
    ]);
  });
});
