/**
 * `--directory-table NAME` (env `PC_HYGIENE_DIRECTORY_TABLE`): the owner
 * directory table, for every command that reads or writes the directory
 * (`owners …`, `sweep`, `notify`, `plan`, `report`, `relay`), declared once so the
 * flag, its default and its env var are the same everywhere
 * (docs/deploy.md, "Owner directory"); and the target of an owner directory
 * command: a stack's directory (and topic) and its deployed config, looked up
 * by the table commands' rule — `--stack`, or the default stack when neither
 * `--directory-table` nor `--endpoint` is given
 * (docs/deploy.md, "Operating a deployment from the CLI").
 */
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type Command,
  type CommandUnknownOpts,
  Option,
  type OptionValues,
} from '@commander-js/extra-typings';
import {
  DEFAULT_DIRECTORY_TABLE_NAME,
  OWNER_DIRECTORY_TABLE,
} from '../../lambdas/aws/owner-directory-table-definition';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import { OWNER_DELIVERY_ROUTES } from '../../lambdas/hygiene/owner-directory';
import type { Deployment } from '../aws/deployment-lookup';
import { STACK_OUTPUT } from '../aws/stack-outputs';
import { OWNER_DIRECTORY_TABLE_KEY, requireTableKind } from '../aws/table-key';
import { sayOnStderr } from '../stderr';
import { UsageError } from '../usage-error';
import { type ChosenConfig, chooseConfig } from './deployment-config';
import { lookUpStack, stackToLookUp, type Target } from './deployment-target';
import { loadConfigFile } from './load-config';
import { refuseMixedTarget } from './mixed-target-refusal';
import { stackDefaultValue, stackOptionDefault } from './stack-default';
import {
  type AlsoRead,
  addAwsOptions,
  checkTableName,
  describeTableError,
  documentClientFor,
  missingTableHint,
  TableAccessError,
  type TableKind,
  type TableOptions,
  tableFlagsOf,
  withDocumentClient,
} from './table-options';

/** The environment variable every `--directory-table` reads. */
const DIRECTORY_TABLE_ENV = 'PC_HYGIENE_DIRECTORY_TABLE';

/**
 * The `--directory-table` option of a command that also acts on the
 * credentials table (`sweep`, `notify`, `plan`, `report`): its value defaults to
 * {@link DEFAULT_DIRECTORY_TABLE_NAME}, but a stack looked up replaces that
 * default with its `DirectoryTableName` output ({@link directoryTableOf}), so
 * the help says so by the table commands' rule (`stackDefault`): the name
 * alone is the default only without a stack (`--endpoint`, or a `--table`
 * named directly).
 */
export function directoryTableOption() {
  return directoryTable('table');
}

/** What the help says a stack supplies for `--directory-table`: its output. */
const FROM_STACK = `the stack's ${STACK_OUTPUT.directoryTableName} output`;

/**
 * `--directory-table` with the default the help shows ({@link stackDefaultValue}):
 * the stack's output, else the fixed name — for a directory command, whose
 * target it names (`target flag`), only with `--endpoint`.
 */
function directoryTable(rule: 'table' | 'target flag') {
  return new Option('--directory-table <name>', 'owner directory table (DynamoDB)')
    .default(DEFAULT_DIRECTORY_TABLE_NAME, stackDefaultValue(rule, FROM_STACK, DEFAULT_DIRECTORY_TABLE_NAME))
    .env(DIRECTORY_TABLE_ENV);
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
 * `--region` and `--profile` to an `owners` subcommand (and `relay`). A
 * stack is looked up as for the table commands: `--stack NAME` (or
 * `PC_HYGIENE_STACK`), else the default stack unless `--directory-table`
 * (command line or env var) or `--endpoint` is given. With a stack, its
 * `DirectoryTableName` output (and `TopicArn`, for a command with
 * `--topic-arn`) is used unless the flag is given on the command line, and
 * the deployed config unless `--config` is given (read with
 * {@link directoryConfigOf}); without one the flags' defaults stand
 * (docs/deploy.md, "Operating a deployment from the CLI"). Commands that also
 * use the credentials table add {@link directoryTableOption} next to their
 * table options instead.
 */
export function addDirectoryOptions<
  Args extends unknown[],
  Opts extends OptionValues,
  Globals extends OptionValues,
>(command: Command<Args, Opts, Globals>) {
  const withFlags = addAwsOptions(
    command
      // The fixed name only with --endpoint: naming the table otherwise is --directory-table itself.
      .addOption(directoryTable('target flag'))
      .addOption(
        new Option(
          '--stack <name>',
          `a deployed stack: its owner directory table (and topic) and config (${stackOptionDefault('directory')})`,
        ).env('PC_HYGIENE_STACK'),
      ),
  );
  // Before the action: the stack's outputs fill the flags the operator did not give.
  withFlags.hook('preAction', async (self) => resolveDirectoryTarget(self));
  return withFlags;
}

/** What {@link resolveDirectoryTarget} found for a parsed command, for {@link directoryConfigOf}. */
interface DirectoryTarget {
  /** `--config`, loaded (absent without the flag). */
  readonly fileConfig?: HygieneConfig;
  /** The stack looked up (absent when the directory is named directly). */
  readonly deployment?: Deployment;
}

/** Each parsed directory command's target, set before its action runs. */
const DIRECTORY_TARGETS = new WeakMap<CommandUnknownOpts, DirectoryTarget>();

/**
 * Resolves a directory command's target before its action: refuses a
 * stack next to an endpoint, and a target flag set only by the environment
 * next to a stack (`refuseMixedTarget`), reads a
 * `--config` file (a bad one fails before AWS is asked), looks the stack up,
 * sets `--directory-table` (and `--topic-arn`) from its outputs when not
 * given, and says on stderr which directory it uses.
 */
async function resolveDirectoryTarget(command: CommandUnknownOpts): Promise<void> {
  const flags = command.opts() as { stack?: string; region?: string; profile?: string; config?: string };
  const stackName = directoryStackToLookUp(command);
  refuseMixedTarget(command, stackName);
  const fileConfig = flags.config === undefined ? undefined : await loadConfigFile(flags.config);
  const deployment = stackName === undefined ? undefined : await lookUpStack(stackName, flags);
  if (deployment !== undefined) {
    fillFromStack(command, deployment);
    sayOnStderr(
      `stack ${deployment.stackName}: owner directory ${String(command.getOptionValue('directoryTable'))}`,
    );
  }
  DIRECTORY_TARGETS.set(command, {
    ...(fileConfig !== undefined && { fileConfig }),
    ...(deployment !== undefined && { deployment }),
  });
}

/**
 * The stack a directory command looks up, by the table commands' rule
 * (`stackToLookUp`) with `--directory-table` in the place of `--table`:
 * `--stack` (or `PC_HYGIENE_STACK`) when given, else the default stack unless
 * `--directory-table` (on the command line or by its env var; its default
 * does not count) or `--endpoint` names a directory to work on directly.
 */
function directoryStackToLookUp(command: CommandUnknownOpts): string | undefined {
  const flags = command.opts() as { stack?: string; endpoint?: string; directoryTable?: string };
  const source = command.getOptionValueSource('directoryTable');
  const named = (source === 'cli' || source === 'env') && flags.directoryTable !== undefined;
  return stackToLookUp({
    ...(flags.stack !== undefined && { stack: flags.stack }),
    ...(flags.endpoint !== undefined && { endpoint: flags.endpoint }),
    ...(named && { table: flags.directoryTable }),
  });
}

/** Sets `--directory-table` (and `--topic-arn`) from the stack's outputs when not given on the command line. */
function fillFromStack(command: CommandUnknownOpts, deployment: Deployment): void {
  // Environment values were refused above: a value that is not a default was typed by the operator.
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
  if (hasTopic && fromStack('topicArn')) {
    command.setOptionValueWithSource('topicArn', deployment.topicArn, 'config');
  }
}

/**
 * The config an owner directory command decides with — `--config` when
 * given, else the `--stack`'s deployed config, else the built-in defaults
 * (`chooseConfig`, the rule every command follows) — and, acting on a
 * deployment, says which on stderr as the table commands do.
 * @param command the command the action runs for (its last action argument)
 * @param say where to tell the operator (default: stderr)
 */
export function directoryConfigOf(
  command: CommandUnknownOpts,
  say: (line: string) => void = sayOnStderr,
): ChosenConfig {
  const target = directoryTargetOf(command, 'directoryConfigOf');
  const path = command.getOptionValue('config') as string | undefined;
  const chosen = chooseConfig(path, target.fileConfig, target.deployment);
  if (target.deployment !== undefined) say(`using ${chosen.configSource}`);
  return chosen;
}

/**
 * The stack a directory command looked up before its action (its outputs:
 * the credentials table, for a command that also reads it, `owners list
 * --with-unlisted`), or `undefined` when the directory is named directly.
 * @param command the command the action runs for (its last action argument)
 */
export function directoryDeploymentOf(command: CommandUnknownOpts): Deployment | undefined {
  return directoryTargetOf(command, 'directoryDeploymentOf').deployment;
}

/** What `command`'s pre-action hook resolved; a command defined without the options is a programming error. */
function directoryTargetOf(command: CommandUnknownOpts, caller: string) {
  const target = DIRECTORY_TARGETS.get(command);
  if (target === undefined)
    throw new Error(`${caller}: ${command.name()} was not defined with addDirectoryOptions`);
  return target;
}

/**
 * Checks `--directory-table`.
 * @throws {UsageError} when it is not a valid DynamoDB table name
 */
export function checkDirectoryTableName(name: string): string {
  return checkTableName('--directory-table', name);
}

/**
 * The owner directory table of a command that also acts on the credentials
 * table (`sweep`, `notify`, `plan`, `report`), one rule for all:
 * `--directory-table` when given (on the command line, or its env var only
 * without a stack: `refuseMixedTarget`), else the deployment's, else the
 * option's default, the fixed name ({@link directoryTableOption}). A table
 * of that name that does not exist reads as no directory (the store's
 * `freshness`): the sweep then orphans nothing, and the others judge alike.
 * @param command the command, to tell a given `--directory-table` from its default
 * @throws {UsageError} when the name is not a valid DynamoDB table name
 */
export function directoryTableOf(
  flags: { readonly directoryTable: string },
  command: CommandUnknownOpts,
  target: Pick<Target, 'deployment'>,
): string {
  const { directoryTable } = flags;
  const table = directoryTableGiven(command)
    ? directoryTable
    : (target.deployment?.directoryTableName ?? directoryTable);
  return checkDirectoryTableName(table);
}

/**
 * Whether `--directory-table` was given, on the command line or by `PC_HYGIENE_DIRECTORY_TABLE`, rather than left
 * at its default (which a deployment's own directory replaces: {@link directoryTableOf}).
 */
export function directoryTableGiven(command: CommandUnknownOpts): boolean {
  return command.getOptionValueSource('directoryTable') !== 'default';
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
 * the table checked to exist and be an owner directory first
 * ({@link requireDirectoryTable}) unless `mayBeMissing` (the work checks or
 * creates it itself), the errors rewritten
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
  return withDocumentClient(
    directoryTableOptions(options),
    (client) =>
      withDirectoryErrors(options, async () => {
        if (!mayBeMissing) await requireDirectoryTable(client, options);
        return work(client);
      }),
    'checked by the work',
  );
}

/** The directory flags as the table flags the client builders read, the name checked. */
function directoryTableOptions(options: DirectoryOptions): TableOptions {
  return directoryAsTable({ ...options, directoryTable: checkDirectoryTableName(options.directoryTable) });
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
 * sweep and the notifier but not a command aimed at the directory), and
 * when it is not an owner directory (`requireTableKind`: its key is not
 * `userId`; a `TableKeyMismatchError`, said by {@link withDirectoryErrors}).
 * @param directory the directory flags: the table, and the target the hint to create it names
 * @param howToCreate the hint for a local endpoint (default: `missingTableHint`'s, the directory's own command); `owners import`
 *   without `--create-table` says to add it instead
 * @throws {TableAccessError} naming the table and how to create it (local endpoint) or find the deployed one
 * @throws {TableKeyMismatchError} when the table has another key
 */
export async function requireDirectoryTable(
  client: DynamoDBDocumentClient,
  directory: DirectoryOptions,
  howToCreate?: string,
): Promise<void> {
  const tableName = directory.directoryTable;
  try {
    await requireTableKind(client, tableName, OWNER_DIRECTORY);
  } catch (error: unknown) {
    if (error instanceof ResourceNotFoundException) {
      // Creating a table is the fix for a local endpoint (`--endpoint`, as `describeTableError` decides: not the
      // client's custom endpoint, which AWS_ENDPOINT_URL_DYNAMODB also sets for a VPC endpoint in AWS); against AWS
      // the deployed one is usually meant.
      const hint =
        directory.endpoint !== undefined && howToCreate !== undefined
          ? howToCreate
          : missingTableHint(directoryAsTable(directory), OWNER_DIRECTORY);
      throw new TableAccessError(`${OWNER_DIRECTORY.noun} ${tableName} not found (${hint})`);
    }
    throw error;
  }
}

/**
 * The owner directory as errors name it (`describeTableError`,
 * `createTableHint`): created and loaded by `pc-hygiene owners import FILE
 * --create-table`, aimed with `--directory-table`; in AWS, found by the
 * stack's `DirectoryTableName` output; keyed by `userId`.
 */
export const OWNER_DIRECTORY: TableKind = {
  ...OWNER_DIRECTORY_TABLE_KEY,
  whereDeployed: `name the deployed one with --stack NAME (its ${STACK_OUTPUT.directoryTableName} output) or --directory-table NAME (or PC_HYGIENE_DIRECTORY_TABLE)`,
  does: 'create and load it',
  command: 'owners import FILE',
  tableFlag: '--directory-table',
  wrongKey:
    `is not an owner directory (its key is not \`${OWNER_DIRECTORY_TABLE.partitionKey.name}\`): ` +
    'did you name the credentials table?',
};

/**
 * The owner directory `table` as a command reads it beside the credentials table (`sweep`, `notify`, `report`,
 * `plan`: `withDocumentClient`'s `alsoRead`): checked to be an {@link OWNER_DIRECTORY} before either table is read,
 * so another kind is refused by name and flag; a missing one is no directory, as the sweep reads it.
 */
export function directoryReadBeside(table: string): AlsoRead {
  return { table, kind: OWNER_DIRECTORY, mayBeMissing: true };
}

/** The directory flags as the table flags the table helpers read (`--directory-table` as the table). */
function directoryAsTable(directory: DirectoryOptions): TableOptions {
  return tableFlagsOf(directory.directoryTable, directory);
}

/**
 * Runs `work`, rethrowing an unreachable database as {@link TableAccessError} (as every table command does), and
 * a missing directory named as the owner directory, with its own command to create it at a local endpoint
 * (`missingTableHint`) or, in AWS, where to find the deployed one; a table that is not an owner directory
 * (another key) as `OWNER_DIRECTORY.wrongKey` says it.
 */
export async function withDirectoryErrors<T>(options: DirectoryOptions, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error: unknown) {
    if (error instanceof TableAccessError) throw error;
    throw describeTableError(error, directoryAsTable(options), OWNER_DIRECTORY);
  }
}
