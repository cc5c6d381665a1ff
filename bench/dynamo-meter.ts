/**
 * Counts what a DynamoDB client sends: requests per command and the capacity
 * DynamoDB reports. A client middleware adds `ReturnConsumedCapacity: TOTAL`
 * to every request that accepts it and sums `ConsumedCapacity` from the
 * responses (DynamoDB Local reports it: table + index units, same rules as
 * the service). Reads count as RCU, writes as WCU. A conditional write that
 * fails returns an error without capacity: counted in `failedRequests`
 * (the real service bills it as a write).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Totals of one metered client. */
export interface DynamoMeterTotals {
  /** `send` calls (SDK retries inside one call are not counted again). */
  readonly requests: number;
  readonly byCommand: Readonly<Record<string, number>>;
  readonly failedRequests: number;
  readonly consumedRcu: number;
  readonly consumedWcu: number;
  /** Requests whose response carried `ConsumedCapacity`. */
  readonly capacityReports: number;
}

const READ_COMMANDS = new Set([
  'ScanCommand',
  'QueryCommand',
  'GetItemCommand',
  'GetCommand',
  'BatchGetCommand',
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
]);

interface CapacityEntry {
  readonly CapacityUnits?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sumCapacity(consumed: unknown): number {
  const entries: unknown[] = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return entries.reduce<number>((sum, entry) => sum + ((entry as CapacityEntry).CapacityUnits ?? 0), 0);
}

/**
 * Adds the metering middleware to `client` and returns a live view of its totals.
 * @param options.rttMs a simulated network round trip waited before each request (0: none)
 */
export function meterDynamo(
  client: DynamoDBDocumentClient,
  options: { readonly rttMs?: number } = {},
): { totals(): DynamoMeterTotals } {
  const rttMs = options.rttMs ?? 0;
  const byCommand: Record<string, number> = {};
  let requests = 0;
  let failedRequests = 0;
  let consumedRcu = 0;
  let consumedWcu = 0;
  let capacityReports = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      requests++;
      byCommand[command] = (byCommand[command] ?? 0) + 1;
      const input = args.input as Record<string, unknown>;
      const metered = CAPACITY_COMMANDS.has(command)
        ? { ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } }
        : args;
      try {
        if (rttMs > 0) await sleep(rttMs);
        const result = await next(metered);
        const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        if (consumed !== undefined) {
          capacityReports++;
          if (READ_COMMANDS.has(command)) consumedRcu += sumCapacity(consumed);
          else consumedWcu += sumCapacity(consumed);
        }
        return result;
      } catch (error: unknown) {
        failedRequests++;
        throw error;
      }
    },
    { step: 'initialize', name: 'benchDynamoMeter', priority: 'high' },
  );
  return {
    totals: () => ({
      requests,
      byCommand: { ...byCommand },
      failedRequests,
      consumedRcu,
      consumedWcu,
      capacityReports,
    }),
  };
}
