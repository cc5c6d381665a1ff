/**
 * `--directory-table NAME` (env `PC_HYGIENE_DIRECTORY_TABLE`): the owner
 * directory table, for every command that reads or writes the directory
 * (`owners …`, `sweep`, `notify`, `report`, `relay`), declared once so the
 * flag, its default and its env var are the same everywhere
 * (docs/deploy.md, "Owner directory").
 */
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type Command,
  type CommandUnknownOpts,
  Option,
  type OptionValues,
} from '@commander-js/extra-typings';
import { DEFAULT_DIRECTORY_TABLE_NAME } from '../../lambdas/aws/owner-directory-table-definition';
import { OWNER_DELIVERY_ROUTES } from '../../lambdas/hygiene/owner-directory';
import { STACK_OUTPUT } from '../aws/stack-outputs';
import { UsageError } from '../usage-error';
import { lookUpStack, type Target } from './deployment-target';
import {
  addAwsOptions,
  describeTableError,
  documentClientFor,
  TableAccessError,
  withDocumentClient,
} from './table-options';

/** Table names DynamoDB accepts: 3–255 of `A-Za-z0-9_.-`. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** The environment variable every `--directory-table` reads. */
const DIRECTORY_TABLE_ENV = 'PC_HYGIENE_DIRECTORY_TABLE';

/** The `--directory-table` option (default {@link DEFAULT_DIRECTORY_TABLE_NAME}). */
export function directoryTableOption() {
  return new Option('--directory-table <name>', 'owner directory table (DynamoDB)')
    .default(DEFAULT_DIRECTORY_TABLE_NAME)
    .env(DIRECTORY_TABLE_ENV);
}

/**
 * `--directory-table` without a default, for a command that uses the
 * directory only when one is named (`report`); `purpose` says what for.
 */
export function optionalDirectoryTableOption(purpose: string) {
  return new Option('--directory-table <name>', `owner directory table (DynamoDB): ${purpose}`).env(
    DIRECTORY_TABLE_ENV,
  );
}

/**
 * `--route <route>`: an owner delivery route to use instead of the
 * config's `ownerDelivery`; `purpose` says what the command does on it (`judge reach on`).
 */
export function routeOption(purpose: string) {
  return new Option('--route <route>', `${purpose} this route instead of the config ownerDelivery`).choices(
    OWNER_DELIVERY_ROUTES,
  );
}

/**
 * Adds `--directory-table`, `--stack`, `--endpoint` (alias `--endpoint-url`),
 * `--region` and `--profile` to an `owners`
 * subcommand. With `--stack NAME` (or `PC_HYGIENE_STACK`) the deployed
 * stack's `DirectoryTableName` output (and `TopicArn`, for a command with
 * `--topic-arn`) is used unless the flag is given; without it the flags'
 * defaults stand (docs/deploy.md, "Operating a deployment from the CLI"). (commands that also use the credentials table add
 * {@link directoryTableOption} next to their table options instead).
 */
export function addDirectoryOptions<
  Args extends unknown[],
  Opts extends OptionValues,
  Globals extends OptionValues,
>(command: Command<Args, Opts, Globals>) {
  const withFlags = addAwsOptions(
    command
      .addOption(directoryTableOption())
      .addOption(
        new Option('--stack <name>', 'a deployed stack: its owner directory table (and topic)').env(
          'PC_HYGIENE_STACK',
        ),
      ),
  );
  // Before the action: the stack's outputs fill the flags the operator did not give.
  withFlags.hook('preAction', async (self) => fillFromStack(self));
  return withFlags;
}

/** Sets `--directory-table` (and `--topic-arn`) from the `--stack` outputs when not given. */
async function fillFromStack(command: CommandUnknownOpts): Promise<void> {
  const flags = command.opts() as { stack?: string; region?: string; profile?: string };
  if (flags.stack === undefined) return;
  const deployment = await lookUpStack(flags.stack, flags);
  const fromStack = (key: string) =>
    command.getOptionValueSource(key) === 'default' || command.getOptionValue(key) === undefined;
  if (fromStack('directoryTable')) {
    if (deployment.directoryTableName === undefined) {
      throw new UsageError(
        `stack ${deployment.stackName} has no owner directory table: give --directory-table NAME`,
      );
    }
    command.setOptionValueWithSource('directoryTable', deployment.directoryTableName, 'config');
  }
  const hasTopic = command.options.some((o) => o.attributeName() === 'topicArn');
  if (hasTopic && command.getOptionValue('topicArn') === undefined) {
    command.setOptionValueWithSource('topicArn', deployment.topicArn, 'config');
  }
  process.stderr.write(
    `pc-hygiene: stack ${deployment.stackName}: owner directory ${String(command.getOptionValue('directoryTable'))}\n`,
  );
}

/**
 * Checks `--directory-table`.
 * @throws {UsageError} when it is not a valid DynamoDB table name
 */
export function checkDirectoryTableName(name: string): string {
  if (!TABLE_NAME.test(name)) {
    throw new UsageError(
      `--directory-table ${JSON.stringify(name)} is not a valid table name (3-255 characters: letters, digits, _ . -)`,
    );
  }
  return name;
}

/**
 * The owner directory table of a command that also acts on the credentials
 * table (`sweep`, `notify`): `--directory-table` (or its env var) when given,
 * else the deployment's, else the default name.
 * @param command the command, to tell a given `--directory-table` from its default
 * @throws {UsageError} when the name is not a valid DynamoDB table name
 */
export function directoryTableOf(
  flags: { readonly directoryTable: string },
  command: CommandUnknownOpts,
  target: Pick<Target, 'deployment'>,
): string {
  const fromStack = target.deployment?.directoryTableName;
  const given = command.getOptionValueSource('directoryTable') !== 'default';
  return checkDirectoryTableName(given || fromStack === undefined ? flags.directoryTable : fromStack);
}

/**
 * Checks the flags and builds the document client for the directory table.
 * @throws {UsageError} on an invalid table name or endpoint URL
 */
export function directoryClientFor(options: DirectoryOptions): DynamoDBDocumentClient {
  return documentClientFor(directoryTableOptions(options));
}

/**
 * Runs `work` on the owner directory table: a client for the directory flags,
 * the table checked to exist first ({@link requireDirectoryTable}) unless
 * `mayBeMissing` (the work checks or creates it itself), the errors rewritten
 * ({@link withDirectoryErrors}), the client destroyed afterwards. The one way
 * a command aimed at the directory opens it.
 * @throws {UsageError} on an invalid table name or endpoint URL
 * @throws {TableAccessError} when the table is missing or cannot be reached
 */
export function withDirectory<T>(
  options: DirectoryOptions,
  work: (client: DynamoDBDocumentClient) => Promise<T>,
  { mayBeMissing = false } = {},
): Promise<T> {
  return withDocumentClient(directoryTableOptions(options), (client) =>
    withDirectoryErrors(options, async () => {
      if (!mayBeMissing) await requireDirectoryTable(client, options.directoryTable);
      return work(client);
    }),
  );
}

/** The directory flags as the table flags the client builders read. */
function directoryTableOptions(options: DirectoryOptions) {
  return {
    table: checkDirectoryTableName(options.directoryTable),
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.region !== undefined && { region: options.region }),
    ...(options.profile !== undefined && { profile: options.profile }),
  };
}

/** The directory flags as commander parses them. */
export interface DirectoryOptions {
  readonly directoryTable: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly profile?: string;
}

/**
 * Fails with a readable error when the directory table does not exist (the
 * store itself reads a missing table as "no directory", which suits the
 * sweep and the notifier but not a command aimed at the directory).
 * @throws {TableAccessError} naming the table and how to create it (local endpoint) or find the deployed one
 */
export async function requireDirectoryTable(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error: unknown) {
    if (error instanceof ResourceNotFoundException) {
      // Creating a table is the fix for a local endpoint; against AWS the deployed one is usually meant.
      const local = (client.config as { isCustomEndpoint?: boolean }).isCustomEndpoint === true;
      const hint = local
        ? 'create and load it with: pc-hygiene owners import FILE --create-table'
        : `name the deployed one with --stack NAME (its ${STACK_OUTPUT.directoryTableName} output) or --directory-table NAME (or PC_HYGIENE_DIRECTORY_TABLE)`;
      throw new TableAccessError(`owner directory table ${tableName} not found (${hint})`);
    }
    throw error;
  }
}

/** Runs `work`, rethrowing an unreachable database as {@link TableAccessError} (as every table command does). */
export async function withDirectoryErrors<T>(options: DirectoryOptions, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error: unknown) {
    if (error instanceof TableAccessError) throw error;
    throw describeTableError(error, {
      table: options.directoryTable,
      endpoint: options.endpoint,
      region: options.region,
    });
  }
}
