/**
 * Bulk loading of raw items with `BatchWriteItem` (25 puts a request, a few
 * requests in flight). Items DynamoDB returns as `UnprocessedItems` (throttled
 * or over capacity) are retried with exponential backoff and jitter, a bounded
 * number of times; what still fails is reported, never silently dropped.
 * One item DynamoDB refuses (`ValidationException`: too large, a number out of
 * range, …) fails its whole request: with `onRefused`, that request's items
 * are written one at a time, so only the refused item is left out (and
 * reported) and the load goes on; without it, the error stops the load.
 * Any other error (throttling past the SDK's retries, the network, access)
 * stops the writer: no new request starts, and every item it was given is
 * accounted for — written, refused, or not written ({@link BatchItemWriter.tally}),
 * so a caller can say how far the load got.
 * With `existing`, each batch first reads which of its ids the table already
 * holds (one `BatchGetItem`, `id` only, consistent read) and, unless told to
 * replace them, leaves those out, reporting each: `BatchWriteItem` takes no
 * condition, so this is how `import` avoids replacing a credential whole
 * (its history, outbox, purge hold) by default. An item created by another
 * writer between that read and the write is replaced all the same, unnamed
 * (docs/data-model.md, "Import and export").
 * Used by `pc-hygiene import`, `local` and the benchmarks; no Lambda uses it,
 * so it lives in `cli/aws/`, apart from the adapters the Lambdas bundle.
 */
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { batchGetUntilProcessed } from '../../lambdas/aws/batch-get';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { BACKOFF_CAP_MS, fullJitterDelayMs } from '../../lambdas/hygiene/backoff';
import type { RawItem } from '../../lambdas/hygiene/ports';
import { TaskPool } from '../../lambdas/hygiene/task-pool';

/** DynamoDB's limit of requests in one `BatchWriteItem`. */
const BATCH_WRITE_LIMIT = 25;

/** Some items were still unprocessed after every retry. */
export class BatchWriteIncompleteError extends Error {
  override readonly name = 'BatchWriteIncompleteError';
  constructor(
    /** Items written before giving up. */
    readonly written: number,
    /** Ids of the items that were not written. */
    readonly unwrittenIds: readonly string[],
    attempts: number,
  ) {
    super(
      `${unwrittenIds.length} item(s) were still unprocessed after ${attempts} attempts (throttled?); ${written} written. ` +
        `Unwritten: ${unwrittenIds.slice(0, 10).join(', ')}${unwrittenIds.length > 10 ? ', ...' : ''}`,
    );
  }
}

/** Options for {@link BatchItemWriter}. */
export interface BatchWriterOptions {
  /** `BatchWriteItem` requests in flight at once (default 4). */
  readonly concurrency?: number;
  /** Attempts per batch, the first included, a whole number from 1, before giving up on its unprocessed items (default 8). */
  readonly maxAttempts?: number;
  /** First backoff delay in ms, doubled each retry (default 50). */
  readonly baseDelayMs?: number;
  /** Cap on one backoff delay in ms (default 5000). */
  readonly maxDelayMs?: number;
  /** Called after each batch with the running total written. */
  readonly onWritten?: (written: number) => void;
  /**
   * Called for each item DynamoDB refuses (`ValidationException`), with its
   * message; the other items are still written. Without it, a refused item
   * stops the writer (`put`/`finish` rethrow the error).
   */
  readonly onRefused?: (item: RawItem, message: string) => void;
  /**
   * Read first which ids of each batch the table already holds (one
   * `BatchGetItem` a batch, its unprocessed keys retried like unprocessed
   * items; ids still unread after every attempt are left unwritten). Each
   * item found goes to `onExisting`; it is written only with `replace`.
   * Without this option nothing is read (a table just created holds nothing).
   */
  readonly existing?: {
    readonly replace: boolean;
    readonly onExisting: (item: RawItem) => void;
  };
  /** Waits `ms` (injectable so tests do not wait). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Random number in [0, 1) for jitter (injectable for tests). */
  readonly random?: () => number;
}

/** DynamoDB refused the request's content (an item too large, a number out of range, …): retrying it cannot help. */
function isValidationError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ValidationException';
}

/**
 * What a writer did with the items it was given (refused items aside: they went to `onRefused`; and items
 * already in the table, not replaced, which went to `onExisting`).
 */
export interface WriterTally {
  /** Items DynamoDB confirmed written. */
  readonly written: number;
  /**
   * Ids of the items not written: still unprocessed after every retry, in a
   * request that failed (a request lost on the network may have been applied
   * all the same), or given after the writer stopped.
   */
  readonly unwrittenIds: readonly string[];
}

/**
 * Buffers items and writes them in batches. Call {@link put} for each item
 * (it waits when enough requests are in flight, so memory stays bounded), then
 * {@link finish}. Two items with the same id in one batch are a DynamoDB
 * error, so a repeated id starts a new batch (the later item wins).
 * After a request fails, the writer stops: no request starts any more, and
 * {@link put} and {@link finish} throw that error; {@link tally} says what
 * was written and what not.
 */
export class BatchItemWriter {
  private batch: RawItem[] = [];
  private batchIds = new Set<unknown>();
  /** The `BatchWriteItem` requests in flight; `submit` waits for a slot, so buffered items stay bounded. */
  private readonly requests: TaskPool;
  private written = 0;
  private readonly unwritten: string[] = [];
  /** The first error that stopped the writer. */
  private failure: { readonly error: unknown } | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: BatchWriterOptions = {},
  ) {
    this.requests = new TaskPool(Math.max(1, Math.floor(options.concurrency ?? 4)));
  }

  /** What was written and what not so far (final once {@link finish} has returned or thrown). */
  get tally(): WriterTally {
    return { written: this.written, unwrittenIds: [...this.unwritten] };
  }

  /**
   * Queues one item; resolves when it is buffered (not necessarily written).
   * @throws the error that stopped the writer; the item is then counted as not written
   */
  async put(item: RawItem): Promise<void> {
    if (this.failure !== undefined) {
      this.leaveUnwritten([item]);
      throw this.failure.error;
    }
    if (this.batchIds.has(item.id)) await this.flush();
    this.batch.push(item);
    this.batchIds.add(item.id);
    if (this.batch.length >= BATCH_WRITE_LIMIT) await this.flush();
  }

  /**
   * Writes what is buffered and waits for every request.
   * @returns how many items were written
   * @throws the error that stopped the writer (every request settled first)
   * @throws {BatchWriteIncompleteError} when some items stayed unprocessed after every retry
   */
  async finish(): Promise<number> {
    await this.flush();
    await this.requests.drain();
    if (this.failure !== undefined) throw this.failure.error;
    if (this.unwritten.length > 0) {
      throw new BatchWriteIncompleteError(this.written, this.unwritten, this.options.maxAttempts ?? 8);
    }
    return this.written;
  }

  /** Sends the buffered items as one request, in the pool (once the writer has stopped, `writeBatch` counts them not written). */
  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const items = this.batch;
    this.batch = [];
    this.batchIds = new Set();
    // `writeNew` never rejects (it records its failure), so the pool never holds an error.
    await this.requests.submit(() => this.writeNew(items));
  }

  /**
   * Leaves out the items already in the table (unless they are to be replaced;
   * {@link BatchWriterOptions.existing}), then writes the rest; a read error
   * stops the writer as a write error does, never rejects.
   */
  private async writeNew(items: readonly RawItem[]): Promise<void> {
    const existing = this.options.existing;
    if (existing === undefined) return this.writeBatch(items);
    if (this.failure !== undefined) return this.leaveUnwritten(items);
    let known: { readonly found: ReadonlySet<unknown>; readonly unread: ReadonlySet<unknown> };
    try {
      known = await this.readExisting(items);
    } catch (error: unknown) {
      this.failure ??= { error };
      return this.leaveUnwritten(items);
    }
    const toWrite: RawItem[] = [];
    for (const item of items) {
      if (known.unread.has(item.id)) this.leaveUnwritten([item]);
      else if (!known.found.has(item.id)) toWrite.push(item);
      else {
        existing.onExisting(item);
        if (existing.replace) toWrite.push(item);
      }
    }
    if (toWrite.length > 0) await this.writeBatch(toWrite);
  }

  /**
   * Which ids of `items` the table holds: one `BatchGetItem` (`id` only,
   * consistent, so an item written just before counts), unprocessed keys
   * retried with the same backoff as unprocessed items.
   * @returns the ids found, and those still unread after every attempt
   */
  private async readExisting(
    items: readonly RawItem[],
  ): Promise<{ readonly found: ReadonlySet<unknown>; readonly unread: ReadonlySet<unknown> }> {
    const { items: stored, unprocessedKeys } = await batchGetUntilProcessed(
      {
        client: this.client,
        tableName: this.tableName,
        keys: items.map((item) => ({ id: item.id })),
        settings: {
          ProjectionExpression: '#id',
          ExpressionAttributeNames: { '#id': 'id' },
          ConsistentRead: true,
        },
      },
      {
        maxAttempts: this.options.maxAttempts ?? 8,
        delayMs: (attempt) => this.backOffMs(attempt),
        sleep: this.options.sleep,
      },
    );
    return {
      found: new Set(stored.map((item) => item.id)),
      unread: new Set(unprocessedKeys.map((key) => key.id)),
    };
  }

  /** Writes `items`, retrying unprocessed ones; a request error stops the writer, never rejects. */
  private async writeBatch(items: readonly RawItem[]): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 8;
    let pending = items;
    try {
      for (let attempt = 1; ; attempt++) {
        // Stopped (here or by a concurrent request) while waiting for a slot or a retry: send nothing more.
        if (this.failure !== undefined) return this.leaveUnwritten(pending);
        const out = await this.sendOrIsolate(pending);
        if (out === 'isolated') return;
        const unprocessed = (
          (out.UnprocessedItems?.[this.tableName] ?? []) as { PutRequest: { Item: RawItem } }[]
        ).map((r) => r.PutRequest.Item);
        this.written += pending.length - unprocessed.length;
        pending = unprocessed;
        this.options.onWritten?.(this.written);
        if (unprocessed.length === 0) return;
        if (attempt >= maxAttempts) return this.leaveUnwritten(unprocessed);
        await this.backOff(attempt);
      }
    } catch (error: unknown) {
      this.failure ??= { error };
      this.leaveUnwritten(pending);
    }
  }

  /** Waits before retry `attempt + 1` ({@link backOffMs}). */
  private async backOff(attempt: number): Promise<void> {
    await (this.options.sleep ?? timerSleep)(this.backOffMs(attempt));
  }

  /** The wait before retry `attempt + 1`: exponential, capped, full jitter (spreads concurrent batches apart). */
  private backOffMs(attempt: number): number {
    return fullJitterDelayMs(attempt, {
      baseMs: this.options.baseDelayMs ?? 50,
      capMs: this.options.maxDelayMs ?? BACKOFF_CAP_MS,
      random: this.options.random ?? Math.random,
    });
  }

  /**
   * Sends one `BatchWriteItem`. When DynamoDB refuses it (`ValidationException`)
   * and refusals are reported ({@link BatchWriterOptions.onRefused}), writes
   * the items one at a time instead, so only the refused ones are left out.
   * @returns the response, or `'isolated'` when the items went one at a time
   */
  private async sendOrIsolate(items: readonly RawItem[]): Promise<BatchWriteCommandOutput | 'isolated'> {
    try {
      return await this.client.send(
        new BatchWriteCommand({
          RequestItems: { [this.tableName]: items.map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    } catch (error: unknown) {
      const onRefused = this.options.onRefused;
      if (onRefused === undefined || !isValidationError(error)) throw error;
      const [only] = items;
      if (items.length === 1 && only !== undefined) onRefused(only, error.message);
      // Each single-item write accounts for its item (written, refused, or not written when stopped).
      else for (const item of items) await this.writeBatch([item]);
      return 'isolated';
    }
  }

  private leaveUnwritten(items: readonly RawItem[]): void {
    for (const item of items) this.unwritten.push(String(item.id));
  }
}

/**
 * Writes every item (sync or async iterable) and returns how many were written.
 * @throws {BatchWriteIncompleteError} when some items stayed unprocessed after every retry
 */
export async function batchWriteItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: Iterable<RawItem> | AsyncIterable<RawItem>,
  options: BatchWriterOptions = {},
): Promise<number> {
  const writer = new BatchItemWriter(client, tableName, options);
  for await (const item of items) await writer.put(item);
  return writer.finish();
}
