/**
 * The `--table`, `--endpoint` and `--region` flags shared by every command
 * that touches a table, and the document client built from them, so each
 * command reads them the same way and reports an unreachable database or a
 * missing table in the same words.
 */
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Command, Option, type OptionValues } from '@commander-js/extra-typings';
import { DEFAULT_TABLE_NAME } from '../../lambdas/aws/credential-table-definition';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { describeError } from '../../lambdas/hygiene/errors';
import { UsageError } from '../usage-error';

/** The table flags as commander parses them. */
export interface TableOptions {
  readonly table: string;
  readonly endpoint?: string;
  readonly region?: string;
}

/** Adds `--table`, `--endpoint` and `--region` to a command (their types join the command's inferred options). */
export function addTableOptions<
  Args extends unknown[],
  Opts extends OptionValues,
  Globals extends OptionValues,
>(command: Command<Args, Opts, Globals>) {
  return command
    .addOption(
      new Option('--table <name>', 'DynamoDB table name').default(DEFAULT_TABLE_NAME).env('PC_HYGIENE_TABLE'),
    )
    .addOption(
      new Option('--endpoint <url>', 'DynamoDB endpoint, e.g. http://127.0.0.1:8000 for DynamoDB Local').env(
        'PC_HYGIENE_ENDPOINT',
      ),
    )
    .addOption(new Option('--region <region>', 'AWS region (default: AWS_REGION or your AWS profile)'));
}

/** Table names DynamoDB accepts: 3–255 of `A-Za-z0-9_.-`. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * Checks the flags and builds the document client.
 * @throws {UsageError} on an invalid table name or endpoint URL
 */
export function documentClientFor(options: TableOptions): DynamoDBDocumentClient {
  if (!TABLE_NAME.test(options.table)) {
    throw new UsageError(
      `--table ${JSON.stringify(options.table)} is not a valid table name (3-255 characters: letters, digits, _ . -)`,
    );
  }
  if (options.endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new UsageError(
        `--endpoint ${JSON.stringify(options.endpoint)} is not a URL (e.g. http://127.0.0.1:8000)`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError(
        `--endpoint ${JSON.stringify(options.endpoint)} must be an http:// or https:// URL`,
      );
    }
  }
  return createDocumentClient({ endpoint: options.endpoint, region: options.region });
}

/** The table is missing or the database cannot be reached: exit 1 with this message. */
export class TableAccessError extends Error {
  override readonly name = 'TableAccessError';
}

/**
 * Rewrites the two errors every table command can hit into one readable
 * line; other errors pass through unchanged.
 */
export function describeTableError(error: unknown, options: TableOptions): unknown {
  const where = options.endpoint ? ` at ${options.endpoint}` : options.region ? ` in ${options.region}` : '';
  if (error instanceof ResourceNotFoundException) {
    return new TableAccessError(
      `table ${options.table} not found${where} (create it with: pc-hygiene import FILE.jsonl --create-table)`,
    );
  }
  const code = describeError(error).systemCode;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ECONNRESET') {
    return new TableAccessError(`cannot reach DynamoDB${where} (${code}): is it running?`);
  }
  return error;
}

/** Runs `work`, rethrowing table errors as {@link TableAccessError}. */
export async function withTableErrors<T>(options: TableOptions, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error: unknown) {
    throw describeTableError(error, options);
  }
}
