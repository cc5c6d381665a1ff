/**
 * The sweep's own writes whose response is lost, one request at a time
 * (docs/sweep.md, "The blast-radius guard" and "Write failures"): the guard
 * approval's consuming write retried by the SDK is still this run's use of it;
 * a deletion that applied but whose request ended in an error (every retry
 * lost too, or a statement's internal error in a batch) is in the run
 * manifest, where `runs show` and `restore --run` find it; and a run index
 * append the SDK retried lists the run once in `runs list`.
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { BatchExecuteStatementCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalStatus, recordApproval } from '../../cli/aws/guard-approval';
import { readRunHeader } from '../../cli/aws/run-manifests';
import { restoreRun } from '../../cli/use-cases/restore-run';
import { BatchedTransitionWriter } from '../../lambdas/aws/batched-transition-writer';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoDbGuardApprovals } from '../../lambdas/aws/guard-approval-store';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import {
  GUARD_APPROVAL_ID,
  HYGIENE_ATTR,
  RUN_INDEX_ID,
  RUN_MANIFEST_ATTR,
} from '../../lambdas/hygiene/data-contract';
import type { TransitionWriter } from '../../lambdas/hygiene/ports';
import type { RunManifestHeader } from '../../lambdas/hygiene/run-manifest';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { MAY_HAVE_APPLIED_NOTE } from '../../lambdas/hygiene/sweep/apply';
import { formatInstant } from '../../lambdas/hygiene/time';
import { exportTable } from '../integration/support/sweep-deps';
import { guardTrippingFleet, sampleApproval } from '../support/guard-approval';
import { getItem, putItems } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { runEntries } from '../support/run-entries';
import { createTestTable, type TestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { applyThenLoseEveryResponse, loseFirstResponse } from './support/throttling';

const WALL = Date.parse('2026-12-01T10:00:00.000Z');
/** Lets every deletion through: the cases below are about the writes, not the guard. */
const NO_GUARD = parseConfig({ maxDeletePercent: 100, maxDeletesPerRun: 10_000 });

/** Whether a command's input is an `UpdateItem` on the item `id` (its key as sent, marshalled or not). */
const updatesItem = (id: string) => (input: Readonly<Record<string, unknown>>) =>
  'UpdateExpression' in input && JSON.stringify(input.Key).includes(JSON.stringify(id));

describe('lost responses of the sweep’s own writes', () => {
  let table: TestTable;
  /** The sweep's client, with the faults each case injects; the table's own client stays clean. */
  let lossy: DynamoDBDocumentClient;
  beforeEach(async () => {
    table = await createTestTable(undefined, 'lost-sweep-writes');
    lossy = createDocumentClient({ endpoint: table.endpoint });
  });
  afterEach(async () => {
    lossy.destroy();
    await table.drop();
  });

  /** An enforce sweep at `NOW` writing through `writer`, its manifest over the clean client. */
  const sweep = (
    runId: string,
    writer: TransitionWriter,
    config = NO_GUARD,
    approvals?: DynamoDbGuardApprovals,
  ) =>
    runSweep(
      {
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer,
        manifest: new DynamoDbRunManifestWriter(table.client, table.tableName),
        ...(approvals !== undefined && { approvals }),
        clock: () => WALL,
      },
      { config, now: NOW, runId, mode: 'enforce' },
    );

  const manifestIds = async (runId: string) => {
    const header = await readRunHeader(table.client, table.tableName, runId);
    const ids: string[] = [];
    for await (const entry of runEntries(table.client, table.tableName, header)) ids.push(entry.id);
    return ids;
  };

  it('an approval whose consuming write the SDK retried is used by the run that spent it', async () => {
    // 3 expired of 10 active credentials: over maxDeletePercent 10.
    await putItems(table.client, table.tableName, guardTrippingFleet());
    const approval = sampleApproval(WALL, { maxDeletes: 3 });
    await recordApproval(table.client, table.tableName, approval);
    const lost = loseFirstResponse(lossy, updatesItem(GUARD_APPROVAL_ID));

    const summary = await sweep(
      'run-x',
      new DynamoDbTransitionWriter(table.client, table.tableName),
      parseConfig({ maxDeletePercent: 10 }),
      new DynamoDbGuardApprovals(lossy, table.tableName),
    );

    expect(lost.injected).toBe(1);
    expect(summary.guard).toMatchObject({
      tripped: true,
      overridden: true,
      approval: { ...approval, status: 'used' },
    });
    expect(summary.deletions.applied).toBe(3);
    expect((await approvalStatus(table.client, table.tableName)).lastUsed).toMatchObject({ runId: 'run-x' });
  });

  it('a deletion that applied but whose every retry was lost is failed, and in the manifest for restore --run', async () => {
    await putItems(table.client, table.tableName, [
      credential('b-expired', { expiresTime: days(-1) }),
      credential('c-expired', { expiresTime: days(-1) }),
    ]);
    const lost = applyThenLoseEveryResponse(lossy, updatesItem('b-expired'));

    const summary = await sweep('run-lost', new DynamoDbTransitionWriter(lossy, table.tableName));

    expect(lost.injected).toBeGreaterThan(1);
    expect(summary.failed.records).toEqual([
      {
        id: 'b-expired',
        error: expect.stringMatching(
          new RegExp(`^Error: socket hang up.*${literal(MAY_HAVE_APPLIED_NOTE)}$`),
        ),
      },
    ]);
    expect(summary.deletions.applied).toBe(1);
    expect((await getItem(table.client, table.tableName, 'b-expired'))?.[HYGIENE_ATTR.deletedByRun]).toBe(
      'run-lost',
    );
    expect((await manifestIds('run-lost')).sort()).toEqual(['b-expired', 'c-expired']);
    const restore = await restoreRun(table.client, table.tableName, {
      runId: 'run-lost',
      reason: 'test',
      by: 'tester',
      now: WALL,
      force: true,
    });
    expect(restore.restored.map((r) => r.id)).toEqual(['b-expired', 'c-expired']);
  });

  it('a deletion whose batched statement ended in an internal error after it applied is applied and in the manifest', async () => {
    await putItems(table.client, table.tableName, [
      credential('b-expired', { expiresTime: days(-1) }),
      credential('c-expired', { expiresTime: days(-1) }),
    ]);
    // The call is answered, but its statement for b-expired says InternalServerError although it applied.
    const internalError = withBatch(table.client, async (command) => {
      const out = await table.client.send(command);
      const at = command.input.Statements?.findIndex((s) =>
        JSON.stringify(s.Parameters).includes('b-expired'),
      );
      return {
        ...out,
        Responses: out.Responses?.map((r, i) =>
          i === at ? { Error: { Code: 'InternalServerError', Message: 'injected' } } : r,
        ),
      };
    });

    const summary = await sweep('run-batch', new BatchedTransitionWriter(internalError, table.tableName));

    expect(summary.skippedChanged.records).toEqual([]);
    expect(summary.failed.records).toEqual([]);
    expect(summary.deletions.applied).toBe(2);
    expect(summary.transitionsWrittenAlone).toBe(1);
    expect((await manifestIds('run-batch')).sort()).toEqual(['b-expired', 'c-expired']);
  });

  it('a statement that may have applied, then a per-item write refused outright: may-have-applied, not thrown', async () => {
    await putItems(table.client, table.tableName, [credential('b-expired', { expiresTime: days(-1) })]);
    const client = withBatch(
      table.client,
      async (command) => {
        const out = await table.client.send(command);
        return { ...out, Responses: [{ Error: { Code: 'InternalServerError', Message: 'injected' } }] };
      },
      async () => {
        throw new DynamoDBServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          message: 'not authorized to perform: dynamodb:UpdateItem (injected)',
          $metadata: { httpStatusCode: 400, attempts: 1 },
        });
      },
    );

    const summary = await sweep('run-refused', new BatchedTransitionWriter(client, table.tableName));

    expect(summary.failed.records).toEqual([
      {
        id: 'b-expired',
        error: `AccessDeniedException: not authorized to perform: dynamodb:UpdateItem (injected)${MAY_HAVE_APPLIED_NOTE}`,
      },
    ]);
    expect(await manifestIds('run-refused')).toEqual(['b-expired']);
    expect((await exportTable(table)).find((i) => i.id === 'b-expired')?.deletedAt).toBe(formatInstant(NOW));
  });

  it('a run index append the SDK retried lists the run once in runs list', async () => {
    const lost = loseFirstResponse(lossy, updatesItem(RUN_INDEX_ID));
    const header: RunManifestHeader = {
      runId: 'run-i',
      now: formatInstant(NOW),
      startedAt: formatInstant(WALL),
      finishedAt: formatInstant(WALL),
      status: 'complete',
      deleted: { expired: 1, stale: 0, orphaned: 0, total: 1 },
      pages: 1,
      failedPages: [],
      failedPageCount: 0,
      guard: { tripped: false, overridden: false },
    };
    const writer = new DynamoDbRunManifestWriter(lossy, table.tableName);
    await writer.writePage('run-i', 1, [
      { id: 'b-expired', userId: 'user-b', rule: 'expired', deletedAt: formatInstant(NOW) },
    ]);
    await writer.writeHeader(header);

    expect(lost.injected).toBe(1);
    // The index holds the run twice (the append is a plain list_append) ...
    const index = await getItem(table.client, table.tableName, RUN_INDEX_ID);
    expect(index?.[RUN_MANIFEST_ATTR.runs]).toHaveLength(2);
    // ... and runs list lists it once.
    const listed = await runCli(['runs', 'list', ...tableFlags(table), '--format', 'json']);
    expect(listed.stderr).toBe('');
    expect(JSON.parse(listed.stdout)).toEqual([
      { runId: 'run-i', now: formatInstant(NOW), status: 'complete', deleted: 1 },
    ]);
  });
});

/** A regular-expression source matching `text` literally. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `client` with its `BatchExecuteStatement` calls answered by `batch`, and (when given) its other commands by
 * `other`; the rest goes through.
 */
function withBatch(
  client: DynamoDBDocumentClient,
  batch: (command: BatchExecuteStatementCommand) => Promise<unknown>,
  other?: (command: unknown) => Promise<unknown>,
): DynamoDBDocumentClient {
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'send'
        ? (command: unknown) => {
            if (command instanceof BatchExecuteStatementCommand) return batch(command);
            return other !== undefined ? other(command) : client.send(command as never);
          }
        : Reflect.get(target, property, receiver),
  });
}
