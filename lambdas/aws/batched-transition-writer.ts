/**
 * Applies the sweep's transitions up to 25 to a `BatchExecuteStatement`
 * (docs/data-model.md, "The transition write"): each transition is still its
 * own conditional write, as a PartiQL `UPDATE` with the same conditions as
 * the per-item `UpdateItem`, but one request carries many of them. On these
 * machines and in Lambda the request, not the item, is the unit of client
 * cost (BENCHMARKS.md), and a sweep makes one write per changed credential.
 *
 * Why it never weakens the write contract: a statement that fails for any
 * reason (its condition, its guess of the outbox's shape, throttling) and
 * every statement of a call that fails as a whole go down the per-item path
 * ({@link DynamoDbTransitionWriter}), which decides `applied` or
 * `skipped-changed` exactly as before. A call whose response may have been
 * lost (the SDK retried it, or it ended in a transient error:
 * `may-have-applied.ts`) may already have applied its statements, and so may
 * a statement that ended in an internal error: those transitions are checked
 * against the run's own change there, as after a lost `UpdateItem` response
 * (and a per-item write of theirs that fails is `may-have-applied`); a call
 * refused outright applied nothing.
 *
 * A full batch goes at once. A partial one goes at the end of the event
 * loop's turn by default, or, with `lingerMs` (the sweep:
 * {@link SWEEP_TRANSITION_LINGER_MS}), when that long has passed since its
 * first transition or when the caller has nothing more to hand over for now
 * ({@link BatchedTransitionWriter.flush}): at low change rates a page holds
 * only a few changes, and waiting for the next pages fills the calls. The
 * sweep's write pool keeps `writeConcurrency` calls' worth of transitions in
 * flight ({@link transitionsPerRequest}).
 */
import { BatchExecuteStatementCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Transition, TransitionResult, TransitionWriter } from '../hygiene/ports';
import { mayHaveApplied } from './may-have-applied';
import {
  readOutboxPresent,
  type TransitionStatement,
  transitionStatement,
  transitionWrite,
} from './transition-write';
import { DynamoDbTransitionWriter } from './transition-writer';

/** Statements per `BatchExecuteStatement` call (the service's limit). */
export const TRANSITION_BATCH_STATEMENTS = 25;

/**
 * How long the sweep lets a partial batch wait for more transitions, ms.
 * Long enough for a few more scan pages to arrive (a page of 1,000 items
 * takes ~20–40 ms), short against any run's time budget; the sweep flushes
 * at the end of the scan and of the deletions anyway (docs/data-model.md,
 * "The transition write").
 */
export const SWEEP_TRANSITION_LINGER_MS = 200;

/** Longest `lingerMs` accepted: a minute. */
const MAX_LINGER_MS = 60_000;

/** What the writer did, for tests and the benchmark. */
export interface BatchedWriterStats {
  /** `BatchExecuteStatement` calls made. */
  readonly batches: number;
  /** Statements sent in them. */
  readonly statements: number;
  /** Transitions that went down the per-item path (a failed statement or call). */
  readonly perItem: number;
}

/** How a {@link BatchedTransitionWriter} groups its calls and whom it tells of failures. */
export interface BatchedTransitionWriterOptions {
  readonly maxStatements?: number;
  readonly lingerMs?: number;
  readonly onCallFailed?: (error: unknown, statements: number) => void;
  readonly onStatementErrors?: (codes: Readonly<Record<string, number>>) => void;
}

interface Queued {
  readonly transition: Transition;
  readonly statement: TransitionStatement;
  readonly resolve: (result: TransitionResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Whether a statement of an answered call may have taken effect although it
 * failed: it ended in `InternalServerError` (the service failed while
 * processing it: the statement's form of the server error
 * {@link mayHaveApplied} counts for a whole request), or the call answered
 * nothing for it. Its other errors (a failed condition, throttling, a
 * rejected statement) are refusals: it applied nothing.
 */
function statementMayHaveApplied(
  response: { readonly Error?: { readonly Code?: string } } | undefined,
): boolean {
  return response === undefined || response.Error?.Code === 'InternalServerError';
}

/** {@link TransitionWriter} that batches transitions into `BatchExecuteStatement` calls. */
export class BatchedTransitionWriter implements TransitionWriter {
  private readonly perItem: DynamoDbTransitionWriter;
  private queue: Queued[] = [];
  private readonly queuedIds = new Set<string>();
  /** Cancels the scheduled send of the partial batch; set while one is scheduled. */
  private cancelScheduledFlush: (() => void) | undefined;
  private counts = { batches: 0, statements: 0, perItem: 0 };
  private readonly lingerMs: number;

  /**
   * @param options.maxStatements statements per call, 1–25 (default 25)
   * @param options.lingerMs how long a partial batch may wait for more transitions, 0–60,000 ms (default 0: until
   *   the end of the event loop's turn)
   * @param options.onCallFailed told of a call that failed as a whole (after the SDK's retries) before its
   *   transitions go per item: the sweep still writes them, but a call that keeps failing (a missing
   *   `dynamodb:PartiQLUpdate` grant, say) costs a request per transition, so the handler logs it
   * @param options.onStatementErrors told, once per call, how many of its statements failed with each error code
   *   other than a failed condition (throttling, a statement the service rejects): those transitions are written
   *   one by one too, and a code that keeps coming back is worth a look
   */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: BatchedTransitionWriterOptions = {},
  ) {
    const max = options.maxStatements ?? TRANSITION_BATCH_STATEMENTS;
    if (!Number.isInteger(max) || max < 1 || max > TRANSITION_BATCH_STATEMENTS) {
      throw new RangeError(`maxStatements must be 1–${TRANSITION_BATCH_STATEMENTS}, got ${max}`);
    }
    this.lingerMs = options.lingerMs ?? 0;
    if (!Number.isInteger(this.lingerMs) || this.lingerMs < 0 || this.lingerMs > MAX_LINGER_MS) {
      throw new RangeError(`lingerMs must be an integer from 0 to ${MAX_LINGER_MS}, got ${this.lingerMs}`);
    }
    this.perItem = new DynamoDbTransitionWriter(client, tableName);
  }

  /** Statements per call: the sweep keeps `writeConcurrency` calls' worth of transitions in flight. */
  get transitionsPerRequest(): number {
    return this.options.maxStatements ?? TRANSITION_BATCH_STATEMENTS;
  }

  /** Calls, statements and per-item fallbacks so far. */
  get stats(): BatchedWriterStats {
    return { ...this.counts };
  }

  /**
   * Queues the transition for the next call and resolves with its outcome:
   * `applied`, `skipped-changed` when the item changed since it was read, or
   * `may-have-applied` when its statement failed and the per-item write
   * after it failed too, but one of them may have taken effect (a lost
   * response, a statement's internal error: `may-have-applied.ts`), or
   * `too-large` when DynamoDB refused the per-item write for the item's size
   * (the statement is refused alike; docs/data-model.md, "Item size"). Rejects
   * with the per-item path's error when even that write failed and nothing
   * may have applied.
   * @throws {ConflictingTransitionError} when two actions write one attribute
   */
  async apply(transition: Transition): Promise<TransitionResult> {
    const write = transitionWrite(transition);
    if (write === undefined) return { status: 'applied' };
    // One call never holds two statements for one item (DynamoDB rejects that as a duplicate).
    if (this.queuedIds.has(write.id)) this.flush();
    const statement = transitionStatement(
      this.tableName,
      write,
      readOutboxPresent(transition.credential.raw),
    );
    return new Promise<TransitionResult>((resolve, reject) => {
      this.queue.push({ transition, statement, resolve, reject });
      this.queuedIds.add(write.id);
      if (this.queue.length >= this.transitionsPerRequest) this.flush();
      else if (this.cancelScheduledFlush === undefined) this.scheduleFlush();
    });
  }

  /**
   * Sends the partial batch now, if there is one: the caller has nothing more
   * to hand over for a while (the sweep: at the end of its scan and of its
   * deletions, before it waits for its writes).
   */
  flush(): void {
    this.cancelScheduledFlush?.();
    this.cancelScheduledFlush = undefined;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.queuedIds.clear();
    void this.send(batch);
  }

  /** Sends the partial batch at the end of this turn, or `lingerMs` from now. */
  private scheduleFlush(): void {
    if (this.lingerMs === 0) {
      const immediate = setImmediate(() => this.flush());
      this.cancelScheduledFlush = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(() => this.flush(), this.lingerMs);
      this.cancelScheduledFlush = () => clearTimeout(timer);
    }
  }

  private async send(batch: readonly Queued[]): Promise<void> {
    this.counts.batches++;
    this.counts.statements += batch.length;
    let failed: boolean[];
    let earlierAttempt: boolean[];
    try {
      const out = await this.client.send(
        new BatchExecuteStatementCommand({
          Statements: batch.map(({ statement }) => statement),
        }),
      );
      const responses = out.Responses ?? [];
      failed = batch.map((_, i) => responses[i] === undefined || responses[i]?.Error !== undefined);
      this.reportStatementErrors(responses, batch.length);
      const callRetried = mayHaveApplied(out);
      earlierAttempt = batch.map((_, i) => callRetried || statementMayHaveApplied(responses[i]));
    } catch (error: unknown) {
      // The whole call failed: any of its statements may have been applied when the SDK had retried it or it
      // ended in a transient error (a lost response), none when it was refused outright.
      this.options.onCallFailed?.(error, batch.length);
      failed = batch.map(() => true);
      earlierAttempt = batch.map(() => mayHaveApplied(error));
    }
    batch.forEach((queued, i) => {
      if (!failed[i]) queued.resolve({ status: 'applied' });
      else this.applyPerItem(queued, earlierAttempt[i] === true);
    });
  }

  /** Counts the call's statement errors by code, failed conditions aside (a race, the normal case). */
  private reportStatementErrors(
    responses: readonly { readonly Error?: { readonly Code?: string } }[],
    sent: number,
  ): void {
    const codes: Record<string, number> = {};
    for (let i = 0; i < sent; i++) {
      const code = responses[i] === undefined ? '(no response)' : responses[i]?.Error?.Code;
      if (code !== undefined && code !== 'ConditionalCheckFailed') codes[code] = (codes[code] ?? 0) + 1;
    }
    if (Object.keys(codes).length > 0) this.options.onStatementErrors?.(codes);
  }

  private applyPerItem(queued: Queued, earlierAttempt: boolean): void {
    this.counts.perItem++;
    this.perItem
      .applyItem(queued.transition, earlierAttempt)
      .then((result) => queued.resolve({ ...result, writtenAlone: true }), queued.reject);
  }
}

/**
 * The transition writer every sweep runs with (the Lambda, the CLI, the bench,
 * the fault suites): batched, a partial call lingering
 * {@link SWEEP_TRANSITION_LINGER_MS} for the next pages' changes.
 */
export function sweepTransitionWriter(
  client: DynamoDBDocumentClient,
  tableName: string,
  reports: Pick<BatchedTransitionWriterOptions, 'onCallFailed' | 'onStatementErrors'> = {},
): BatchedTransitionWriter {
  return new BatchedTransitionWriter(client, tableName, { ...reports, lingerMs: SWEEP_TRANSITION_LINGER_MS });
}
