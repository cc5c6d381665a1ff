/**
 * Why: DynamoDB Local answers on the same two cores as the client, with no
 * network and no replication, so request counts barely show in wall time.
 * `--latency aws` adds to EVERY request of EVERY arm (floors, sweep, notifier,
 * naive) a service latency drawn from this model, so the bench also shows what
 * a deployed worker waits for. The delay is added by the client middlewares
 * every arm already goes through (bench/dynamo-meter.ts, bench/sns-bench-client.ts),
 * once per attempt of a retried call (bench/attempts.ts).
 *
 * The model, per request type (every figure is a median; each draw is
 * log-normal around it with spread `sigma`, from the bench's seeded PRNG):
 *
 * | request | median | where the figure comes from |
 * | --- | --- | --- |
 * | GetItem (point read) | `pointReadMs` 3 ms | "single-digit millisecond" average latency for atomic operations such as GetItem and PutItem: AWS Knowledge Center, "Why is my DynamoDB request latency high?" (https://repost.aws/knowledge-center/dynamodb-high-latency); AWS Database Blog, "Optimizing Amazon DynamoDB scan latency through schema design" (https://aws.amazon.com/blogs/database/optimizing-amazon-dynamodb-scan-latency-through-schema-design/). A read is served by one replica: the low end |
 * | Put/Update/DeleteItem (point write) | `pointWriteMs` 5 ms | same sources (single-digit ms); a write is acknowledged after it is durable on two of three replicas, so above a read |
 * | BatchGetItem / BatchWriteItem (and PartiQL BatchExecuteStatement, like a BatchWriteItem) | `batchGetMs` 6 ms, `batchWriteMs` 8 ms, + `batchPerItemMs` 0.05 ms per key/item | the batch operations "read and write items in parallel to minimize response latencies" (DynamoDB Developer Guide, "Working with items and attributes", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithItems.html): the slowest of N parallel point requests, ~2× one |
 * | TransactWriteItems / TransactGetItems / ExecuteTransaction | `transactMs` 12 ms + `transactPerItemMs` 0.1 ms per action | two phases (prepare, commit) per item, each billed as a write: DynamoDB Developer Guide, "Amazon DynamoDB Transactions: How it works" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html); so ~2 sequential point writes, plus a little per action |
 * | Scan / Query | `scanBaseMs` 5 ms + `scanPerMbMs` 40 ms per MB read | latency of Query/Scan "depends on the size of the result set" (Knowledge Center above), but AWS gives no per-MB figure: 40 ms per MB is an assumption. Its order of magnitude comes from a throughput cap, not a latency: a partition serves at most 3,000 read units/s (DynamoDB Developer Guide, "warm throughput scenarios", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput-scenarios.html), i.e. 24 MB/s eventually consistent (8 KB per read unit), ~42 ms per MB for a reader that keeps one partition busy; it bounds sustained reading, not one request's latency. The MB read are taken from the `ConsumedCapacity` the meter asks for (8 KB per eventually consistent read unit, 4 KB per strongly consistent one), so a page costs what it reads |
 * | SNS Publish | `snsPublishMs` 15 ms | AWS publishes no figure for the Publish call; measured end to end (publish → subscriber Lambda) SNS standard topics take p50 73 ms, p90 125 ms (Bite-Sized Serverless, "Serverless Messaging: Latency Compared", https://bitesizedserverless.com/bite/serverless-messaging-latency-compared/), an upper bound for the call alone: "tens of ms" |
 * | SNS PublishBatch | `snsPublishBatchMs` 25 ms + `batchPerItemMs` per entry | same source; a batch of up to 10 entries (256 KiB) is one HTTPS request (Amazon SNS Developer Guide, "Amazon SNS message batching", https://docs.aws.amazon.com/sns/latest/dg/sns-batch-api-actions.html), so above one Publish |
 * | SNS ListSubscriptionsByTopic | `snsListMs` 15 ms per page (up to 100 subscriptions) | an assumption, no source: AWS publishes no latency for the call; taken as one Publish. Only `--deployed-reach` lists (the notifier's live reach check, the sweep's alarm topic check) |
 * | spread | `sigma` 0.35 | log-normal: p90 ≈ 1.6×, p99 ≈ 2.3× the median (an assumption: the sources give averages, not distributions) |
 *
 * The owner directory's reads (`--deployed-reach`: its freshness `GetItem`, the
 * departed owners' filtered `Scan`, the owners' `BatchGetItem`s) are priced by
 * the same rows as the credentials table's.
 *
 * Every figure can be changed: `--latency-params pointWriteMs=8,scanPerMbMs=60`.
 * BENCHMARKS.md lists the same sources.
 */
import { createSeededRandom } from '../cli/local/seeded-random';

/** The latency model `--latency aws` applies; every field is a median in ms unless said. */
export interface LatencyModel {
  /** GetItem. */
  readonly pointReadMs: number;
  /** PutItem, UpdateItem, DeleteItem (conditional or not). */
  readonly pointWriteMs: number;
  /** BatchGetItem, before the per-key part. */
  readonly batchGetMs: number;
  /** BatchWriteItem, before the per-item part. */
  readonly batchWriteMs: number;
  /** Added per key/item/entry of a batch (DynamoDB batches and SNS PublishBatch). */
  readonly batchPerItemMs: number;
  /** TransactWriteItems / TransactGetItems, before the per-action part. */
  readonly transactMs: number;
  /** Added per action of a transaction. */
  readonly transactPerItemMs: number;
  /** Scan (and Query, which starts from `pointReadMs` instead), before the per-MB part. */
  readonly scanBaseMs: number;
  /** Added per MB read by a Scan or Query (from the consumed read units). */
  readonly scanPerMbMs: number;
  /** SNS Publish. */
  readonly snsPublishMs: number;
  /** SNS PublishBatch, before the per-entry part. */
  readonly snsPublishBatchMs: number;
  /** SNS ListSubscriptionsByTopic, per page (an assumption: see the header). */
  readonly snsListMs: number;
  /** Log-normal spread (σ of the log) of every draw; 0 = every request takes its median. */
  readonly sigma: number;
}

/** The documented defaults of `--latency aws` (sources in this module's header and BENCHMARKS.md). */
export const AWS_LATENCY_MODEL: LatencyModel = {
  pointReadMs: 3,
  pointWriteMs: 5,
  batchGetMs: 6,
  batchWriteMs: 8,
  batchPerItemMs: 0.05,
  transactMs: 12,
  transactPerItemMs: 0.1,
  scanBaseMs: 5,
  scanPerMbMs: 40,
  snsPublishMs: 15,
  snsPublishBatchMs: 25,
  snsListMs: 15,
  sigma: 0.35,
};

/** The names `--latency-params` accepts. */
export const LATENCY_PARAMS = Object.keys(AWS_LATENCY_MODEL) as (keyof LatencyModel)[];

/** What the latency of one request depends on (read by the middlewares from the request and its response). */
export interface RequestShape {
  /** The SDK command name, e.g. `UpdateItemCommand`, `PublishBatchCommand`. */
  readonly command: string;
  /** Keys/items/entries/actions in a batch or transaction (0 otherwise). */
  readonly items?: number;
  /** Read units the response reports (Scan/Query: what was read). */
  readonly readUnits?: number;
  /** `ConsistentRead: true` (4 KB per read unit instead of 8 KB). */
  readonly consistentRead?: boolean;
}

const MB = 1024 * 1024;

/** Bytes a Scan/Query read, from its read units (the service's size rule, rounded per request). */
export function bytesRead(readUnits: number, consistentRead: boolean): number {
  return readUnits * (consistentRead ? 4096 : 8192);
}

/**
 * The median latency of one request under `model`, ms (before the random spread).
 * A command the model does not know (CreateTable, ...) gets `pointWriteMs`.
 */
export function medianLatencyMs(model: LatencyModel, request: RequestShape): number {
  const items = request.items ?? 0;
  const mbRead = bytesRead(request.readUnits ?? 0, request.consistentRead ?? false) / MB;
  switch (request.command) {
    case 'GetItemCommand':
      return model.pointReadMs;
    case 'PutItemCommand':
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return model.pointWriteMs;
    case 'BatchGetItemCommand':
      return model.batchGetMs + items * model.batchPerItemMs;
    case 'BatchWriteItemCommand':
    case 'BatchExecuteStatementCommand':
      return model.batchWriteMs + items * model.batchPerItemMs;
    case 'TransactWriteItemsCommand':
    case 'TransactGetItemsCommand':
    case 'ExecuteTransactionCommand':
      return model.transactMs + items * model.transactPerItemMs;
    case 'ScanCommand':
      return model.scanBaseMs + mbRead * model.scanPerMbMs;
    case 'QueryCommand':
      return model.pointReadMs + mbRead * model.scanPerMbMs;
    case 'PublishCommand':
      return model.snsPublishMs;
    case 'PublishBatchCommand':
      return model.snsPublishBatchMs + items * model.batchPerItemMs;
    case 'ListSubscriptionsByTopicCommand':
      return model.snsListMs;
    default:
      return model.pointWriteMs;
  }
}

/** Draws one latency per request; see {@link createLatencySampler}. */
export type LatencySampler = (request: RequestShape) => number;

/**
 * A sampler drawing each request's latency log-normally around its median
 * (`median × e^(σ·z)`, z standard normal by Box–Muller) from the bench's
 * seeded PRNG, so a seed repeats the same sequence of draws.
 */
export function createLatencySampler(model: LatencyModel, seed: number): LatencySampler {
  const random = createSeededRandom(seed);
  const standardNormal = () => {
    // 1 - random() is in (0, 1]: log() stays finite.
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return (request) => {
    const median = medianLatencyMs(model, request);
    return model.sigma === 0 ? median : median * Math.exp(model.sigma * standardNormal());
  };
}

/** A bad `--latency-params` entry. */
export class LatencyParamsError extends Error {
  override readonly name = 'LatencyParamsError';
}

/**
 * Applies `name=value,...` overrides to `base`.
 * @throws {LatencyParamsError} for an unknown name or a value that is not a finite number ≥ 0
 */
export function withLatencyParams(base: LatencyModel, text: string): LatencyModel {
  const model: Record<string, number> = { ...base };
  for (const entry of text.split(',').filter((part) => part.trim() !== '')) {
    const [name = '', value = '', ...rest] = entry.split('=').map((part) => part.trim());
    if (!(LATENCY_PARAMS as string[]).includes(name)) {
      throw new LatencyParamsError(
        `unknown latency parameter "${name}"; known: ${LATENCY_PARAMS.join(', ')}`,
      );
    }
    const number = Number(value);
    if (rest.length > 0 || value === '' || !Number.isFinite(number) || number < 0) {
      throw new LatencyParamsError(`latency parameter ${name} must be a number ≥ 0, got "${entry}"`);
    }
    model[name] = number;
  }
  return model as unknown as LatencyModel;
}
