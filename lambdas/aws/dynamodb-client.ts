/**
 * The one place a DynamoDB document client is built: the Lambdas, the CLI,
 * the tests and the benchmarks all get the same marshalling and retry policy;
 * the deployed functions also a deadline on every request
 * ({@link DYNAMODB_REQUEST_TIMEOUT_MS}, set by `lambdas/handlers/aws-clients.ts`).
 * Beside it, how a conditional write whose failed condition is an answer is
 * sent through that client ({@link sendUnlessConditionFails}) and the item the
 * failure returns is read ({@link failedConditionItem}).
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  type DynamoDBDocumentClientResolvedConfig,
  NumberValue,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/lib-dynamodb';
import { type unmarshallOptions as UnmarshallOptions, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Command } from '@smithy/core/client';
import { CONCURRENCY_MAXIMA } from '../hygiene/config';
import { sameDecimal } from '../hygiene/decimal-shape';
import { type ClientLocation, clientLocationConfig, clientRequestHandler } from './client-location';

/** Where the table lives (DynamoDB Local or another endpoint, region, profile), and each request's deadline. */
export interface DocumentClientOptions extends ClientLocation {
  /**
   * The deadline of each request attempt, in ms: one whose response has not started by then (or stops
   * for as long) fails with a `TimeoutError`, which the SDK retries (`client-location.ts`,
   * `clientRequestHandler`). The deployed functions set {@link DYNAMODB_REQUEST_TIMEOUT_MS}.
   * @default none: the SDK's, an attempt may wait for ever (the CLI, the tests and the benchmarks)
   */
  readonly requestTimeoutMs?: number;
}

/**
 * The deadline of each DynamoDB request attempt in the deployed functions
 * (docs/configuration.md, "Request deadlines of the deployed functions").
 * DynamoDB answers an item read or write in single-digit milliseconds on
 * average, and a Scan or a batch in a time that grows with what it reads or
 * writes (AWS re:Post Knowledge Center, "How can I troubleshoot high latency
 * on an Amazon DynamoDB table?"); the largest requests the functions send are
 * a Scan page of at most 1,000 items (under DynamoDB's 1 MB), a
 * `BatchGetItem` of 100 keys and a `BatchExecuteStatement` of 25 conditional
 * updates, all in the function's own region. 3 s leaves such a request room
 * many times over, and is the deadline the SDK's own guide sets on a
 * DynamoDB client ("Configure maxSockets in Node.js", AWS SDK for
 * JavaScript v3 Developer Guide); AWS's DynamoDB guidance is to give up on a
 * slow attempt and send another, which usually completes much faster (the
 * same Knowledge Center article; "Tuning AWS Java SDK HTTP request settings
 * for latency-aware Amazon DynamoDB applications", AWS Database Blog). A
 * request that hangs on every attempt fails after the DynamoDB client's 4
 * attempts and 3 backoffs of at most 25, 50 and 100 ms: 12.2 s at most.
 */
export const DYNAMODB_REQUEST_TIMEOUT_MS = 3_000;

/**
 * Reads a stored number as the SDK does by default (a `number`, or a `bigint`
 * beyond the safe integer range), except that a number neither holds exactly
 * becomes a {@link NumberValue} (its exact text) instead:
 *
 * - one out of their range (e.g. `1E+125`, `-4.4e60`): the SDK default would
 *   throw and fail the whole Scan page, so one item with an odd number in any
 *   attribute would crash every sweep;
 * - one with more precision than a double (e.g. `7.00000000000000000001`,
 *   `1.2345678901234567890`): the SDK default silently rounds it, and a
 *   conditional write comparing the rounded value with the stored one fails on
 *   every run. As a `NumberValue` the record's parse reports the field
 *   (docs/data-model.md, "Numbers").
 *
 * A double holds the text exactly when its shortest form (`String(value)`,
 * what the SDK writes back) is the same decimal. This runs for every number
 * of every item read, so the common cases (short texts; texts already in the
 * double's shortest form) are settled without parsing the text.
 * @param text a number as DynamoDB returns it (a decimal, in canonical form)
 */
export function readStoredNumber(text: string): number | bigint | NumberValue {
  const value = Number(text);
  if (Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) {
    return holdsExactly(text, value) ? value : NumberValue.from(text);
  }
  try {
    return BigInt(text);
  } catch {
    return NumberValue.from(text);
  }
}

/**
 * Significant digits any decimal keeps through a normal double (C's
 * `DBL_DIG`): two decimals of up to 15 digits never round to the same double.
 */
const DOUBLE_EXACT_DIGITS = 15;

/** The smallest normal double: below it a double has fewer significant bits. */
const MIN_NORMAL_DOUBLE = 2 ** -1022;

/**
 * Whether `value` (the double nearest the decimal `text`) is that decimal.
 * Cheapest test first: a text of at most 15 characters has at most 15
 * significant digits (a normal double keeps them all); otherwise the double's
 * shortest form is compared with the text, as written and then as decimal
 * values (DynamoDB returns `1E-7` as `0.0000001`, JavaScript writes `1e-7`).
 */
function holdsExactly(text: string, value: number): boolean {
  if (text.length <= DOUBLE_EXACT_DIGITS && Math.abs(value) >= MIN_NORMAL_DOUBLE) return true;
  const shortest = String(value);
  return shortest === text || sameDecimal(shortest, text);
}

/**
 * How every item read from the table is unmarshalled (also items attached to
 * failed conditions). A fresh object each time: lib-dynamodb mutates the
 * options it is given (it sets `convertWithoutMapWrapper`).
 */
export function unmarshallOptions(): UnmarshallOptions {
  return { wrapNumbers: readStoredNumber };
}

/**
 * The item a failed condition returned (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`), unmarshalled as every
 * item read is ({@link unmarshallOptions}): the document client does not unmarshall the item attached to the
 * exception. Undefined when the request asked for none or the item does not exist.
 */
export function failedConditionItem(
  error: ConditionalCheckFailedException,
): Record<string, unknown> | undefined {
  return error.Item === undefined ? undefined : unmarshall(error.Item, unmarshallOptions());
}

/**
 * What {@link sendUnlessConditionFails} got back: the command's output when it applied, or the
 * `ConditionalCheckFailedException` DynamoDB refused it with (its `Item` through {@link failedConditionItem}, its
 * attempts through `mayHaveApplied`, may-have-applied.ts).
 */
export type ConditionalSend<Output> =
  | { readonly applied: true; readonly output: Output }
  | { readonly applied: false; readonly failed: ConditionalCheckFailedException };

/** A command the document client sends, typed as its `send` takes it: the command's own input and output. */
type DocumentClientCommand<Input extends ServiceInputTypes, Output extends ServiceOutputTypes> = Command<
  Input,
  Output,
  DynamoDBDocumentClientResolvedConfig,
  ServiceInputTypes,
  ServiceOutputTypes
>;

/**
 * Sends one conditional write whose failed condition is an answer, not an error (a claim held by another, a
 * lease taken, an item changed since it was read): the one way the adapters and the CLI send such a write and
 * tell the refusal apart. The command is sent as given, once (the SDK's own retries aside: a failed condition is
 * not retried). Any other error, or a non-error thrown, propagates unchanged.
 * @param client the document client the command goes through
 * @param command a document client command (`UpdateCommand`, `PutCommand`, `DeleteCommand`, …)
 * @returns `applied` with the command's output, or not applied with the `ConditionalCheckFailedException`
 */
export async function sendUnlessConditionFails<
  Input extends ServiceInputTypes,
  Output extends ServiceOutputTypes,
>(
  client: DynamoDBDocumentClient,
  command: DocumentClientCommand<Input, Output>,
): Promise<ConditionalSend<Output>> {
  try {
    return { applied: true, output: await client.send(command) };
  } catch (error: unknown) {
    if (error instanceof ConditionalCheckFailedException) return { applied: false, failed: error };
    throw error;
  }
}

/**
 * The connections one client may hold open to its endpoint: room for the most
 * requests a sweep can keep in flight ({@link CONCURRENCY_MAXIMA}: every scan
 * segment reading and every write slot busy) and a few for its bookkeeping
 * writes. The SDK's default pool (50 sockets) would quietly cap
 * `writeConcurrency` near 46 and queue the rest. The code's own pools bound
 * what is sent in parallel (`TaskPool`, docs/sweep.md); the socket pool must not
 * bound it a second time. A socket is opened only when a request needs one.
 */
export const MAX_SOCKETS = CONCURRENCY_MAXIMA.scanSegments + CONCURRENCY_MAXIMA.writeConcurrency + 8;

/**
 * Creates a document client with `removeUndefinedValues` (optional attributes
 * are simply left out), the SDK's standard retry mode (throttling and
 * transient errors back off and retry; conditional-check failures do not), a
 * keep-alive pool of {@link MAX_SOCKETS} connections, and the deadline
 * `options.requestTimeoutMs` on each request attempt when given. The handler's
 * other settings are those the SDK would give its own (client-location.ts,
 * `clientRequestHandler`): the connection timeout of `AWS_DEFAULTS_MODE`, and
 * without a deadline the opt-in default socket timeout
 * ({@link DYNAMODB_DEFAULT_SOCKET_TIMEOUT_MS}).
 * Endpoint, region, profile and local dummy credentials: client-location.ts.
 */
export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const location = clientLocationConfig(options);
  const client = new DynamoDBClient({
    retryMode: 'standard',
    requestHandler: clientRequestHandler(location.region, {
      maxSockets: MAX_SOCKETS,
      optInSocketTimeoutMs: DYNAMODB_DEFAULT_SOCKET_TIMEOUT_MS,
      ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
    }),
    ...location,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: unmarshallOptions(),
  });
}

/**
 * The socket timeout DynamoDB's generated client gives the handler it builds
 * when the SDK's opt-in `AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026` is `"true"`
 * (its runtime config: `getDefaultSocketTimeout(requestHandler, 300_000)`).
 * A test compares it with what a stock client resolves, so an SDK upgrade that
 * changes it fails there.
 */
export const DYNAMODB_DEFAULT_SOCKET_TIMEOUT_MS = 300_000;
