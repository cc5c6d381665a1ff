/**
 * Counts what a DynamoDB client sends: requests per command and the capacity
 * DynamoDB reports. A client middleware adds `ReturnConsumedCapacity: TOTAL`
 * to every request that accepts it and sums `ConsumedCapacity` from the
 * responses (DynamoDB Local reports it: table + index units, same rules as
 * the service). Reads count as RCU, writes as WCU. A conditional write that
 * fails (`ConditionalCheckFailedException`) returns an error without capacity
 * on DynamoDB Local, but the service bills it: the write units of the larger
 * of the stored item and the item the write would have made, at least 1
 * (DynamoDB Developer Guide, "DynamoDB read and write operations"). The meter
 * charges it that minimum, 1 WCU (`failedConditionalWrites`), exact when no
 * item is stored, as for the sweep's checkpoint load on a table without a
 * checkpoint, and low for a larger stored item; every failed request is
 * also counted in `failedRequests`.
 *
 * The same middleware adds the simulated service latency (`--rtt-ms`, and the
 * `--latency aws` model of bench/latency-model.ts) to every request, failed
 * ones included, so every arm that uses a metered client pays it identically.
 * A call the SDK retried counts, and waits, once per attempt (bench/attempts.ts).
 *
 * It also notes when the first and the last Scan page came back (their
 * latency waited): with the end of the measured call, that says where an
 * arm's wall time goes ({@link scanTimeline}).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { timerSleep } from '../lambdas/aws/timer-sleep';
import { attemptsOf, waitAttempts } from './attempts';
import type { LatencySampler, RequestShape } from './latency-model';
import { PartiqlCapacityEstimator, type PricedWrite, pricedWrites } from './partiql-capacity';

/** Totals of one metered client. */
export interface DynamoMeterTotals {
  /** Requests sent: every attempt of every `send` (a call the SDK retried counts once per attempt). */
  readonly requests: number;
  /** Requests per command, attempts counted as in `requests`. */
  readonly byCommand: Readonly<Record<string, number>>;
  /** Of `requests`, the attempts beyond each call's first (SDK retries). */
  readonly retriedAttempts: number;
  readonly failedRequests: number;
  /**
   * Of `failedRequests`, the single-item writes refused by their condition
   * (`ConditionalCheckFailedException`): each is in `consumedWcu` as 1 WCU,
   * the least the service bills for it (see the module header).
   */
  readonly failedConditionalWrites: number;
  readonly consumedRcu: number;
  readonly consumedWcu: number;
  /** Requests whose response carried `ConsumedCapacity`. */
  readonly capacityReports: number;
  /**
   * Of `consumedWcu`, the part estimated for PartiQL `BatchExecuteStatement` writes, which DynamoDB
   * Local reports no capacity for (bench/partiql-capacity.ts).
   */
  readonly estimatedWcu: number;
  /** Successful PartiQL writes that could not be estimated (their item was not known beforehand). */
  readonly unestimatedStatements: number;
  /**
   * Successful requests of commands that consume capacity whose response reported none and that the
   * bench does not estimate either: their units are missing from the totals (0 when every write is priced).
   */
  readonly requestsWithoutCapacity: number;
}

const READ_COMMANDS = new Set([
  'ScanCommand',
  'QueryCommand',
  'GetItemCommand',
  'GetCommand',
  'BatchGetCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);
const CAPACITY_COMMANDS = new Set([
  ...READ_COMMANDS,
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'BatchWriteCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteCommand',
  'TransactWriteItemsCommand',
  'ExecuteStatementCommand',
  'BatchExecuteStatementCommand',
  'ExecuteTransactionCommand',
]);

/** What the service bills a write refused by its condition, at least (see the module header). */
export const FAILED_CONDITIONAL_WRITE_WCU = 1;

/** Whether `error` is a write refused by its condition (the service bills it; DynamoDB Local reports no units). */
function isFailedConditionalWrite(command: string, reads: boolean, error: unknown): boolean {
  return (
    !reads &&
    CAPACITY_COMMANDS.has(command) &&
    (error as { name?: unknown } | undefined)?.name === 'ConditionalCheckFailedException'
  );
}

/** PartiQL commands read or write depending on their statements. */
const PARTIQL_COMMANDS = new Set([
  'ExecuteStatementCommand',
  'BatchExecuteStatementCommand',
  'ExecuteTransactionCommand',
]);

/** Whether `command` with `input` reads (its capacity counts as RCU) rather than writes. */
export function isReadRequest(command: string, input: Readonly<Record<string, unknown>>): boolean {
  if (!PARTIQL_COMMANDS.has(command)) return READ_COMMANDS.has(command);
  const statements = (input.Statements ?? input.TransactStatements ?? [input]) as { Statement?: unknown }[];
  return statements.every((s) => /^\s*select\b/i.test(String(s.Statement ?? '')));
}

interface CapacityEntry {
  readonly CapacityUnits?: number;
}

function sumCapacity(consumed: unknown): number {
  const entries: unknown[] = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return entries.reduce<number>((sum, entry) => sum + ((entry as CapacityEntry).CapacityUnits ?? 0), 0);
}

/** When Scan pages came back (`performance.now()`), latency included; absent without a Scan. */
export interface ScanWindow {
  readonly firstPageAt: number;
  readonly lastPageAt: number;
}

/** Where one measured call's wall time went around its scan, ms from the call's start. */
export interface ScanTimeline {
  /** The first Scan page back. */
  readonly firstPageMs: number;
  /** The last Scan page back: the scan is over. */
  readonly scanEndMs: number;
  /** From the last page to the end of the call: what the arm still does after reading (writes, its tail). */
  readonly afterScanMs: number;
}

/** The {@link ScanTimeline} of a call started at `startedAt` that took `ms`; undefined when it made no Scan. */
export function scanTimeline(
  window: ScanWindow | undefined,
  startedAt: number,
  ms: number,
): ScanTimeline | undefined {
  if (window === undefined) return undefined;
  return {
    firstPageMs: window.firstPageAt - startedAt,
    scanEndMs: window.lastPageAt - startedAt,
    afterScanMs: Math.max(0, startedAt + ms - window.lastPageAt),
  };
}

/** Keys/items of a batch request, actions of a transaction, PartiQL statements of a batch (0 for anything else). */
export function batchItems(input: Readonly<Record<string, unknown>>): number {
  if (Array.isArray(input.TransactItems)) return input.TransactItems.length;
  if (Array.isArray(input.Statements)) return input.Statements.length;
  if (Array.isArray(input.TransactStatements)) return input.TransactStatements.length;
  const perTable = input.RequestItems as Record<string, unknown> | undefined;
  let items = 0;
  for (const entry of Object.values(perTable ?? {})) {
    if (Array.isArray(entry)) items += entry.length;
    else items += ((entry as { Keys?: unknown[] }).Keys ?? []).length;
  }
  return items;
}

/** A metered client's live view: its totals, and what the PartiQL write estimate needs told. */
export interface DynamoMeter {
  totals(): DynamoMeterTotals;
  /** Tells the PartiQL write estimate the whole stored items (their sizes), read outside the measurement. */
  knowItems(items: Iterable<Readonly<Record<string, unknown>>>): void;
  /** Tells it item sizes already measured (bytes by key): those the driver read before the child started. */
  knowSizes(sizes: Iterable<readonly [string, number]>): void;
  /** The keys PartiQL statements wrote whose size is unknown (read them after the measurement, then `knowItems`). */
  unsizedKeys(): string[];
  /** When the first and the last successful Scan page came back; undefined before any. */
  scanWindow(): ScanWindow | undefined;
}

/** Options of {@link meterDynamo}. */
interface MeterOptions {
  readonly rttMs?: number;
  readonly latency?: LatencySampler;
  /** When a Scan page came back (ms); tests pass a fake one. @default `performance.now` */
  readonly clock?: () => number;
}

/** The running counts of one metered client: its middleware adds to them, {@link totalsOf} reads them. */
interface MeterCounts {
  requests: number;
  readonly byCommand: Record<string, number>;
  retriedAttempts: number;
  requestsWithoutCapacity: number;
  failedRequests: number;
  failedConditionalWrites: number;
  consumedRcu: number;
  consumedWcu: number;
  capacityReports: number;
  /** Of `consumedWcu`, the PartiQL estimates folded in so far by {@link totalsOf}. */
  estimatedWcu: number;
  readonly partiql: PartiqlCapacityEstimator;
  /** PartiQL writes DynamoDB Local reported no capacity for, reduced to keys, priced at the next {@link totalsOf}. */
  readonly unpricedWrites: PricedWrite[];
  scanWindow: { firstPageAt: number; lastPageAt: number } | undefined;
}

function newCounts(): MeterCounts {
  return {
    requests: 0,
    byCommand: {},
    retriedAttempts: 0,
    requestsWithoutCapacity: 0,
    failedRequests: 0,
    failedConditionalWrites: 0,
    consumedRcu: 0,
    consumedWcu: 0,
    capacityReports: 0,
    estimatedWcu: 0,
    partiql: new PartiqlCapacityEstimator(),
    unpricedWrites: [],
    scanWindow: undefined,
  };
}

/** Counts the `attempts` one `send` of `command` made (a call the SDK retried counts once per attempt). */
function countAttempts(counts: MeterCounts, command: string, attempts: number): void {
  counts.requests += attempts;
  counts.retriedAttempts += attempts - 1;
  counts.byCommand[command] = (counts.byCommand[command] ?? 0) + attempts;
}

/**
 * Adds the capacity a successful request reported to the totals, or notes that it reported none; returns
 * its read units (0 for a write), which the modelled latency of a read depends on.
 */
function countCapacity(
  counts: MeterCounts,
  command: string,
  reads: boolean,
  input: Readonly<Record<string, unknown>>,
  output: Readonly<Record<string, unknown>> & { readonly ConsumedCapacity?: unknown },
): number {
  const consumed = output.ConsumedCapacity;
  // Reduced to keys now, estimated after the measurement (in `totals`): the bench's bookkeeping is
  // neither the notifier's CPU nor the sweep's heap.
  if (consumed === undefined && command === 'BatchExecuteStatementCommand' && !reads) {
    for (const write of pricedWrites(input, output)) counts.unpricedWrites.push(write);
  } else if (consumed === undefined && CAPACITY_COMMANDS.has(command)) {
    counts.requestsWithoutCapacity++;
  }
  const units = sumCapacity(consumed);
  if (consumed !== undefined) {
    counts.capacityReports++;
    if (reads) counts.consumedRcu += units;
    else counts.consumedWcu += units;
  }
  return reads ? units : 0;
}

/** Counts a failed request; a write refused by its condition is charged what the service bills for it. */
function countFailure(counts: MeterCounts, command: string, reads: boolean, error: unknown): void {
  counts.failedRequests++;
  if (isFailedConditionalWrite(command, reads, error)) {
    counts.failedConditionalWrites++;
    counts.consumedWcu += FAILED_CONDITIONAL_WRITE_WCU;
  }
}

/** Notes that a Scan page came back `at` (its latency waited). */
function noteScanPage(counts: MeterCounts, at: number): void {
  counts.scanWindow ??= { firstPageAt: at, lastPageAt: at };
  counts.scanWindow.lastPageAt = at;
}

/**
 * Adds to `client` the middleware that asks every request that accepts it for its consumed capacity, waits
 * the simulated round trip and service latency, and counts each request into `counts`.
 */
function addMeteringMiddleware(
  client: DynamoDBDocumentClient,
  counts: MeterCounts,
  options: MeterOptions,
): void {
  const { latency } = options;
  const rttMs = options.rttMs ?? 0;
  const clock = options.clock ?? (() => performance.now());
  /** Waits the latency of each attempt (the last one's read units known) and the round trips of the retried ones. */
  const waitForAttempts = (attempts: number, shape: RequestShape, readUnits: number) =>
    waitAttempts(
      attempts,
      rttMs,
      latency && ((attempt) => latency(attempt === attempts ? { ...shape, readUnits } : shape)),
    );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      const input = args.input as Record<string, unknown>;
      const metered = CAPACITY_COMMANDS.has(command)
        ? { ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } }
        : args;
      const reads = isReadRequest(command, input);
      const shape: RequestShape = {
        command,
        items: batchItems(input),
        consistentRead: input.ConsistentRead === true,
      };
      try {
        if (rttMs > 0) await timerSleep(rttMs);
        const result = await next(metered);
        const output = result.output as Record<string, unknown> & { ConsumedCapacity?: unknown };
        const attempts = attemptsOf(output);
        countAttempts(counts, command, attempts);
        const readUnits = countCapacity(counts, command, reads, input, output);
        await waitForAttempts(attempts, shape, readUnits);
        if (command === 'ScanCommand') noteScanPage(counts, clock());
        return result;
      } catch (error: unknown) {
        const attempts = attemptsOf(error);
        countAttempts(counts, command, attempts);
        countFailure(counts, command, reads, error);
        await waitForAttempts(attempts, shape, 0);
        throw error;
      }
    },
    { step: 'initialize', name: 'benchDynamoMeter', priority: 'high' },
  );
}

/** The totals so far, after pricing the PartiQL writes noted since the last call (folded into `counts`). */
function totalsOf(counts: MeterCounts): DynamoMeterTotals {
  const estimatedWcu = counts.partiql.wcu(counts.unpricedWrites);
  counts.unpricedWrites.length = 0;
  counts.consumedWcu += estimatedWcu;
  counts.estimatedWcu += estimatedWcu;
  return {
    requests: counts.requests,
    byCommand: { ...counts.byCommand },
    retriedAttempts: counts.retriedAttempts,
    failedRequests: counts.failedRequests,
    failedConditionalWrites: counts.failedConditionalWrites,
    consumedRcu: counts.consumedRcu,
    consumedWcu: counts.consumedWcu,
    capacityReports: counts.capacityReports,
    estimatedWcu: counts.estimatedWcu,
    unestimatedStatements: counts.partiql.unestimated,
    requestsWithoutCapacity: counts.requestsWithoutCapacity,
  };
}

/**
 * Adds the metering middleware to `client` and returns a live view of its totals.
 * @param options.rttMs a simulated network round trip waited before each request (0: none)
 * @param options.latency draws the modelled service latency of each request, waited once its response
 *   (or error) is back, since a Scan's latency depends on what it read; absent: none
 * @param options.clock what {@link DynamoMeter.scanWindow} reads the page times from; absent: `performance.now`
 */
export function meterDynamo(client: DynamoDBDocumentClient, options: MeterOptions = {}): DynamoMeter {
  const counts = newCounts();
  addMeteringMiddleware(client, counts, options);
  return {
    knowItems: (items) => counts.partiql.recordItems(items),
    knowSizes: (sizes) => counts.partiql.recordSizes(sizes),
    unsizedKeys: () => counts.partiql.unsizedKeys(counts.unpricedWrites),
    scanWindow: () => counts.scanWindow && { ...counts.scanWindow },
    totals: () => totalsOf(counts),
  };
}
