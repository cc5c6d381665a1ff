/**
 * The one place a DynamoDB document client is built: the Lambdas, the CLI,
 * the tests and the benchmarks all get the same marshalling and retry policy.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, NumberValue } from '@aws-sdk/lib-dynamodb';
import type { unmarshallOptions as UnmarshallOptions } from '@aws-sdk/util-dynamodb';

/** Where the table lives. */
export interface DocumentClientOptions {
  /** A DynamoDB Local (or other non-default) endpoint, e.g. `http://127.0.0.1:8000`. */
  readonly endpoint?: string;
  /** AWS region; defaults to the SDK's resolution (`AWS_REGION`, profile), or `us-east-1` with a custom endpoint. */
  readonly region?: string;
  /** A named profile of the shared AWS config files (the CLI's `--profile`); default: the SDK's (`AWS_PROFILE`). */
  readonly profile?: string;
}

/** Region used against a custom endpoint when none is configured (DynamoDB Local ignores it). */
const LOCAL_REGION = 'us-east-1';

/**
 * Reads a stored number as the SDK does by default (a `number`, or a `bigint`
 * beyond the safe integer range), except that a number neither can hold
 * (e.g. `1E+125`, `-4.4e60`) becomes a {@link NumberValue} instead of
 * throwing: the SDK default would fail the whole Scan page, so one item with
 * an odd number in any attribute would crash every sweep.
 */
export function readStoredNumber(text: string): number | bigint | NumberValue {
  const value = Number(text);
  if (Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) return value;
  try {
    return BigInt(text);
  } catch {
    return NumberValue.from(text);
  }
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
 * Creates a document client with `removeUndefinedValues` (optional attributes
 * are simply left out) and the SDK's standard retry mode (throttling and
 * transient errors back off and retry; conditional-check failures do not).
 *
 * With a custom `endpoint` and no AWS credentials in the environment, fixed
 * dummy credentials are used: DynamoDB Local accepts any.
 */
export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const { endpoint } = options;
  const region = options.region ?? (endpoint ? (process.env.AWS_REGION ?? LOCAL_REGION) : undefined);
  const needsDummyCredentials =
    endpoint !== undefined &&
    options.profile === undefined &&
    !process.env.AWS_ACCESS_KEY_ID &&
    !process.env.AWS_PROFILE;
  const client = new DynamoDBClient({
    retryMode: 'standard',
    ...(endpoint !== undefined && { endpoint }),
    ...(region !== undefined && { region }),
    ...(options.profile !== undefined && { profile: options.profile }),
    ...(needsDummyCredentials && { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: unmarshallOptions(),
  });
}
