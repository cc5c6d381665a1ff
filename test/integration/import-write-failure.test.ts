/**
 * `import` when writing fails for a reason other than a bad item, against
 * DynamoDB Local: a `BatchWriteItem` that fails for good (throttling past the
 * SDK's retries, injected as client middleware outside the retries, after N
 * requests DynamoDB Local answered), or items DynamoDB leaves unprocessed
 * through every retry. The summary must say how many records were written and
 * which were not — and the table must hold exactly the ones it says were
 * written; the rest of the file is still validated, and the CLI prints the
 * summary (text or json) before the error.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchWriteIncompleteError } from '../../cli/aws/batch-import';
import {
  ImportIncompleteError,
  type ImportSummary,
  importJsonLines,
  lineRanges,
  registerImportCommand,
} from '../../cli/commands/import';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { runInProcess } from '../support/in-process-cli';
import { tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { credential } from '../unit/support/credentials';

/** The faults the CLI's own client gets (its client is built inside the command). */
const cliFault = vi.hoisted(() => ({ okRequests: undefined as number | undefined }));
vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) => {
  const { hookDocumentClients } = await import('../support/document-client-hook');
  return hookDocumentClients(await importOriginal(), (client) => {
    if (cliFault.okRequests !== undefined) failBatchWritesAfter(client, cliFault.okRequests);
  });
});

/** What the middleware sees of a `BatchWriteItem` (document form: marshalling happens further in). */
interface BatchArgs {
  readonly input: { RequestItems: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> };
}
type Output = { output: { UnprocessedItems?: Record<string, unknown[]> } };
type Next = (args: BatchArgs) => Promise<Output>;

/** The one call of a middleware stack used here (its generic types are the client's). */
interface InitializeMiddlewareStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

/** Adds `middleware` around each `BatchWriteItem` request, outside the SDK's retries. */
function aroundBatchWrites(
  client: DynamoDBDocumentClient,
  name: string,
  middleware: (args: BatchArgs, next: Next) => Promise<Output>,
): void {
  (client.middlewareStack as unknown as InitializeMiddlewareStack).add(
    (next: Next, context: { commandName?: string }) => (args: BatchArgs) =>
      context.commandName === 'BatchWriteItemCommand' ? middleware(args, next) : next(args),
    { step: 'initialize', priority: 'high', name },
  );
}

/** After `okRequests` requests, every `BatchWriteItem` fails as one does once the SDK's retries are spent. */
function failBatchWritesAfter(client: DynamoDBDocumentClient, okRequests: number): void {
  let requests = 0;
  aroundBatchWrites(client, 'failBatchWritesAfter', async (args, next) => {
    requests++;
    if (requests <= okRequests) return next(args);
    throw new ProvisionedThroughputExceededException({
      message: 'The level of configured provisioned throughput for the table was exceeded (injected)',
      $metadata: { httpStatusCode: 400, attempts: 4 },
    });
  });
}

/** DynamoDB leaves the items with these ids unprocessed, every time (the others it writes). */
function neverProcess(client: DynamoDBDocumentClient, ids: ReadonlySet<string>): void {
  aroundBatchWrites(client, 'neverProcess', async (args, next) => {
    const [table, requests] = Object.entries(args.input.RequestItems)[0] ?? ['', []];
    const held = requests.filter((r) => ids.has(String(r.PutRequest.Item.id)));
    const sent = requests.filter((r) => !held.includes(r));
    if (sent.length === 0) return { output: { UnprocessedItems: { [table]: held } } };
    const result = await next({ ...args, input: { ...args.input, RequestItems: { [table]: sent } } });
    return held.length === 0 ? result : { output: { ...result.output, UnprocessedItems: { [table]: held } } };
  });
}

/**
 * 130 lines: records `imp-1`…`imp-130`, one a line, except two bad lines
 * (line 40 not JSON, line 125 without `userId`: it comes after writing
 * stopped, and is still reported).
 */
const BAD_LINES = [40, 125];
function fileText(): string {
  return `${Array.from({ length: 130 }, (_, i) => {
    const line = i + 1;
    if (line === 40) return '{"id": "imp-40", ';
    if (line === 125) return JSON.stringify({ id: 'imp-125' });
    return JSON.stringify(credential(`imp-${line}`));
  }).join('\n')}\n`;
}
const VALID = 130 - BAD_LINES.length;

/** The {@link ImportIncompleteError} `run` must reject with. */
async function incomplete(run: Promise<unknown>): Promise<ImportIncompleteError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportIncompleteError);
  return error as ImportIncompleteError;
}

describe('import when writing fails', () => {
  const table = useTestTable('import-write-failure', 'each');
  const dir = useTempDir('pc-import-failure');
  let file: string;
  beforeAll(async () => {
    file = join(dir(), 'records.jsonl');
    await writeFile(file, fileText());
  });
  afterEach(() => {
    cliFault.okRequests = undefined;
  });

  async function storedIds(): Promise<string[]> {
    const out = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ConsistentRead: true }),
    );
    return (out.Items ?? []).map((item) => String(item.id)).sort();
  }

  /** The ids the summary says were written: every valid line not listed as not written nor at/after the stop. */
  function idsSaidWritten(summary: ImportSummary): string[] {
    return Array.from({ length: 130 }, (_, i) => i + 1)
      .filter((line) => !BAD_LINES.includes(line))
      .filter((line) => !summary.notWrittenLines.includes(line))
      .filter((line) => summary.notWrittenFrom === null || line < summary.notWrittenFrom)
      .map((line) => `imp-${line}`)
      .sort();
  }

  it('a request failing after 2: the summary counts exactly what the table holds, and names the rest by line', async () => {
    const client = createDocumentClient({ endpoint: table.endpoint });
    failBatchWritesAfter(client, 2);

    const { summary, writeError } = await incomplete(
      importJsonLines(client, { table: table.tableName, file }),
    );
    client.destroy();

    expect(writeError).toBeInstanceOf(ProvisionedThroughputExceededException);
    // Two requests of 25 succeeded: those records, and only those, are in the table.
    expect(summary.written).toBe(50);
    expect(await storedIds()).toEqual(idsSaidWritten(summary));
    expect(summary.written + summary.notWritten).toBe(VALID);
    // Whether the reading meets the stop (every record from a line on) or every record was handed to the writer
    // before the failed request answered (each named by line) depends on when that answer arrives: either way
    // every record not written is named, which idsSaidWritten checked against the table.
    expect(summary.notWrittenLines.length + (summary.notWrittenFrom === null ? 0 : 1)).toBeGreaterThan(0);
    // The file was read to its end: the bad line after the stop is reported too.
    expect(summary.rejectedLines.map((r) => r.line)).toEqual(BAD_LINES);
  });

  it('items left unprocessed through every retry are counted as not written, never as written', async () => {
    const client = createDocumentClient({ endpoint: table.endpoint });
    neverProcess(client, new Set(['imp-30', 'imp-31', 'imp-77']));

    const { summary, writeError } = await incomplete(
      importJsonLines(client, { table: table.tableName, file, sleep: async () => undefined }),
    );
    client.destroy();

    expect(writeError).toBeInstanceOf(BatchWriteIncompleteError);
    expect(summary).toMatchObject({
      written: VALID - 3,
      notWritten: 3,
      notWrittenLines: [30, 31, 77],
      notWrittenFrom: null,
    });
    expect(await storedIds()).toEqual(idsSaidWritten(summary));
  });

  it('CLI: prints the summary with what was not written, then fails with the error (text)', async () => {
    cliFault.okRequests = 2;

    const run = await runInProcess(registerImportCommand, ['import', file, ...tableFlags(table)]);

    expect((run.error as Error).message).toMatch(/^The level of configured provisioned throughput/);
    const match =
      /^imported 50 record\(s\) into \S+; (\d+) record\(s\) NOT written \((.*)\); 2 line\(s\) rejected, not written\n$/.exec(
        run.stdout,
      );
    expect(match?.[1]).toBe(String(VALID - 50));
    // The records after the failure: "every record from line N on" when the failure came before the last batch was
    // handed to the writer, else the lines of the batches already handed over (each batch reads its ids first, so
    // which comes first depends on timing).
    expect(match?.[2]).toMatch(/^(lines [\d, -]+; )?every record from line \d+ on$|^lines [\d, -]+$/);
    expect(await storedIds()).toHaveLength(50);
  });

  it('CLI: --format json gives the same counts and the error', async () => {
    cliFault.okRequests = 1;

    const run = await runInProcess(registerImportCommand, [
      'import',
      file,
      ...tableFlags(table),
      '--format',
      'json',
    ]);

    expect(run.error).toBeInstanceOf(ProvisionedThroughputExceededException);
    const summary = JSON.parse(run.stdout) as ImportSummary & { error: string };
    expect(summary).toMatchObject({ written: 25, notWritten: VALID - 25, rejected: 2 });
    expect(summary.error).toMatch(/^The level of configured provisioned throughput/);
    expect(await storedIds()).toEqual(idsSaidWritten(summary));
  });
});

describe('lineRanges', () => {
  it('joins consecutive lines and cuts a long list', () => {
    expect(lineRanges([26, 27, 28, 30, 41, 42])).toBe('26-28, 30, 41-42');
    expect(lineRanges(Array.from({ length: 12 }, (_, i) => i * 2))).toBe(
      '0, 2, 4, 6, 8, 10, 12, 14, 16, 18, … (2 more range(s): --format json lists every line)',
    );
  });
});
