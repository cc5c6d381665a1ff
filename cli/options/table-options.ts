/**
 * The `--stack`, `--table`, `--endpoint`/`--endpoint-url`, `--region` and
 * `--profile` flags shared by every command that touches a table, and the document client built from them, so each
 * command reads them the same way and reports an unreachable database or a
 * missing table in the same words. Opening a table checks first that it is of
 * the command's kind ({@link requireTableKind}: a credentials table by its key
 * `id` and its `hygiene-outbox` index), so a table of another kind named by
 * mistake (the owner directory, the relay ledger) is refused before anything
 * is read or written; so is the owner directory a credentials command reads
 * beside its table (`sweep`, `notify`, `report`: {@link AlsoRead}), refused
 * naming it and its flag, never blaming the credentials table for it.
 */

import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Command, Option, type OptionValues } from '@commander-js/extra-typings';
import {
  DEFAULT_TABLE_NAME,
  isTableName,
  TABLE_DEFINITION,
} from '../../lambdas/aws/credential-table-definition';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { describeError } from '../../lambdas/hygiene/errors';
import { SubscriptionListingError } from '../../lambdas/hygiene/notifier/live-subscriptions';
import { STACK_OUTPUT } from '../aws/stack-outputs';
import {
  CREDENTIALS_TABLE_KEY,
  requireTableKind,
  type TableKeyKind,
  TableKeyMismatchError,
} from '../aws/table-key';
import { isOutputError } from '../stream-writer';
import { UsageError } from '../usage-error';
import { describeAwsSetupError } from './aws-setup-errors';
import { stackToLookUp, type TargetFlags, targetFlagsOf } from './deployment-target';
import { endpointText, isBareHostPort } from './endpoint-text';
import { refuseMixedTarget } from './mixed-target-refusal';
import { type StackRule, stackDefault, stackOptionDefault } from './stack-default';

/** The table flags as commander parses them. */
export interface TableOptions {
  readonly table: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly profile?: string;
}

/** When a command with the table flags looks a stack up: a table command's rule, or `plan`'s (named only). */
export type TableStackRule = Exclude<StackRule, 'directory'>;

/**
 * What `--stack` supplies, by the command's rule. A table command's text is
 * shared by all of them: the topic (`sweep`, `notify`) and the owner
 * directory (`sweep`, `notify`, `report`) are said as used where the command
 * uses them, true also of those that use neither (`export`, `runs`, …).
 * `plan` publishes nothing, so it takes no topic; it reads the owner
 * directory a sweep of the table reads.
 */
const STACK_SUPPLIES: Readonly<Record<TableStackRule, string>> = {
  table: 'its table and config (and its topic and owner directory, where the command uses them)',
  'named stack only': 'its table, owner directory and config',
};

/**
 * `--table`'s default, by the command's rule ({@link stackDefault}): for a table command, whose target it names
 * (`target flag`), the stack's output, else the fixed name only with `--endpoint`; for `plan`, the named
 * stack's output, else none (`--endpoint` alone names no table: plan then wants `--input`).
 */
export function tableDefault(rule: TableStackRule): string {
  const fromStack = `the stack's ${STACK_OUTPUT.tableName} output`;
  return rule === 'table'
    ? stackDefault('target flag', fromStack, DEFAULT_TABLE_NAME)
    : stackDefault(rule, fromStack, 'none');
}

/**
 * Adds the target flags to a command (their types join the command's inferred
 * options): `--stack`, `--table`, `--endpoint` (alias `--endpoint-url`),
 * `--region`, `--profile`. `--table` has no commander default: not giving it
 * (nor `--endpoint`) means "the deployed stack's table"
 * (`cli/options/deployment-target.ts`); for `plan` (`rule` `named stack
 * only`) a stack only when `--stack` names one, and the help says so. Before
 * the action, a stack next to an endpoint, and a target flag set only by its
 * environment variable when a stack is looked up, are refused
 * (`refuseMixedTarget`): only the command line overrides a stack, and an
 * endpoint never does.
 * @param rule when the command looks a stack up (default: a table command's)
 */
export function addTableOptions<
  Args extends unknown[],
  Opts extends OptionValues,
  Globals extends OptionValues,
>(command: Command<Args, Opts, Globals>, rule: TableStackRule = 'table') {
  const withFlags = addAwsOptions(
    command
      .addOption(
        new Option(
          '--stack <name>',
          `the deployed stack to act on: ${STACK_SUPPLIES[rule]} (${stackOptionDefault(rule)})`,
        ).env('PC_HYGIENE_STACK'),
      )
      .addOption(
        new Option('--table <name>', `DynamoDB table name (${tableDefault(rule)})`).env('PC_HYGIENE_TABLE'),
      ),
  );
  // Every flag is parsed by then, the command's own (`--directory-table`, `--topic-arn`) included.
  withFlags.hook('preAction', (self) => refuseMixedTarget(self, stackToLookUp(self.opts() as TargetFlags)));
  return withFlags;
}

/**
 * Adds `--endpoint` (alias `--endpoint-url`, as the AWS CLI spells it),
 * `--region` and `--profile`: the flags every command that reaches AWS shares.
 */
export function addAwsOptions<
  Args extends unknown[],
  Opts extends OptionValues,
  Globals extends OptionValues,
>(command: Command<Args, Opts, Globals>) {
  const withFlags = command
    .addOption(
      new Option('--endpoint <url>', 'DynamoDB endpoint, e.g. http://127.0.0.1:8000 for DynamoDB Local').env(
        'PC_HYGIENE_ENDPOINT',
      ),
    )
    .addOption(new Option('--endpoint-url <url>', 'alias of --endpoint (the AWS CLI spelling)'))
    .addOption(new Option('--region <region>', 'AWS region (default: AWS_REGION or your AWS profile)'))
    .addOption(
      new Option('--profile <name>', 'named profile of your AWS config files (default: AWS_PROFILE)'),
    );
  // --endpoint-url sets the same value as --endpoint, so every reader sees one option.
  withFlags.on('option:endpoint-url', (value: string) => {
    withFlags.setOptionValueWithSource('endpoint', value, 'cli');
  });
  return withFlags;
}

/**
 * Checks a table name given with `flag` (`--table`, `--directory-table`).
 * @returns the name
 * @throws {UsageError} naming the flag when DynamoDB would refuse the name
 */
export function checkTableName(flag: string, name: string): string {
  if (!isTableName(name)) {
    throw new UsageError(
      `${flag} ${JSON.stringify(name)} is not a valid table name (3-255 characters: letters, digits, _ . -)`,
    );
  }
  return name;
}

/**
 * Checks `--endpoint`: an http:// or https:// URL. A bare `host:port` (`127.0.0.1:8000`, `localhost:8000`, which
 * parses as a URL of scheme `localhost`) is refused naming it and the URL meant, `http://host:port`; any other value
 * is named through `endpointText`, as it may hold a secret (user info, a token) and errors end up in CI logs.
 * @throws {UsageError} naming `--endpoint` unless it is an http:// or https:// URL
 */
function checkEndpoint(endpoint: string): void {
  const protocol = URL.canParse(endpoint) ? new URL(endpoint).protocol : undefined;
  if (protocol === 'http:' || protocol === 'https:') return;
  const shown = endpointText(endpoint);
  if (isBareHostPort(endpoint))
    throw new UsageError(`--endpoint ${shown} is not a URL: did you mean http://${endpoint}?`);
  if (protocol === undefined)
    throw new UsageError(`--endpoint ${shown} is not a URL (e.g. http://127.0.0.1:8000)`);
  throw new UsageError(`--endpoint ${shown} must be an http:// or https:// URL`);
}

/**
 * Checks the flags and builds the document client.
 * @throws {UsageError} on an invalid table name or endpoint URL
 */
export function documentClientFor(options: TableOptions): DynamoDBDocumentClient {
  checkTableName('--table', options.table);
  if (options.endpoint !== undefined) checkEndpoint(options.endpoint);
  return createDocumentClient({
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.region !== undefined && { region: options.region }),
    ...(options.profile !== undefined && { profile: options.profile }),
  });
}

/**
 * What {@link withDocumentClient} checks before the work: that the table is
 * of this kind ({@link requireTableKind}), or nothing because the work
 * checks it itself (`import`: `prepareTable`, a dry run too, and `--create-table`
 * may find none; an owner directory command: `requireDirectoryTable`).
 */
export type TableCheck = TableKind | 'checked by the work';

/**
 * A table a command reads beside its own through the same client: the owner
 * directory `sweep`, `notify` and `report` read (docs/rules.md, the orphan
 * rule). Checked once a run, after the command's own table and before
 * either is read ({@link withDocumentClient}); its errors name it and the
 * flag that gives it (`kind.tableFlag`), so a command aimed at two tables
 * never blames one for the other.
 */
export interface AlsoRead {
  /** Its name (reached at the command's endpoint, region and profile: {@link tableFlagsOf}). */
  readonly table: string;
  /** What it must be: `OWNER_DIRECTORY` (cli/options/directory-options.ts). */
  readonly kind: TableKind;
  /** A missing one is not an error: the command reads it as none, as the sweep does. */
  readonly mayBeMissing?: boolean;
}

/**
 * Runs `work` with a document client for the table flags and destroys the
 * client afterwards, whatever happens: the one way a command opens a table
 * (a generator that yields the table's items, `plan`'s, holds its client
 * across its yields and destroys it in its own `finally`). Before the work,
 * the table must be of the `check` kind, the credentials table by default,
 * and the table it reads beside it, if any, of its own kind
 * ({@link requireTableOf}).
 * @param alsoRead the table the command reads beside its own (the owner directory)
 * @throws {UsageError} on an invalid table name or endpoint URL
 * @throws {TableAccessError} when a table is missing, unreachable or of another kind
 */
export async function withDocumentClient<T>(
  options: TableOptions,
  work: (client: DynamoDBDocumentClient) => Promise<T>,
  check: TableCheck = CREDENTIALS_TABLE,
  alsoRead?: AlsoRead,
): Promise<T> {
  const client = documentClientFor(options);
  try {
    if (check !== 'checked by the work') await requireTableOf(client, options, check);
    if (alsoRead !== undefined) {
      const { table, kind, mayBeMissing = false } = alsoRead;
      await requireTableOf(client, tableFlagsOf(table, options), kind, { mayBeMissing, withFlag: true });
    }
    return await work(client);
  } finally {
    client.destroy();
  }
}

/**
 * Checks that the table `options` names is of `kind` ({@link requireTableKind}: one `DescribeTable`), its
 * errors said as {@link describeTableError} says them.
 * @param how.mayBeMissing a missing table is not an error
 * @param how.withFlag name the flag that gives the table beside its name (a second table a command reads)
 * @returns whether the table exists (false only with `mayBeMissing`)
 * @throws {TableAccessError} when the table is missing, unreachable or of another kind
 */
async function requireTableOf(
  client: DynamoDBDocumentClient,
  options: TableOptions,
  kind: TableKind,
  how: { readonly mayBeMissing?: boolean; readonly withFlag?: boolean } = {},
): Promise<boolean> {
  const { mayBeMissing = false, withFlag = false } = how;
  return requireTableKind(client, options.table, kind, { mayBeMissing }).catch((error: unknown) => {
    throw describeTableError(error, options, kind, { withFlag });
  });
}

/** The table is missing or the database cannot be reached: exit 1 with this message. */
export class TableAccessError extends Error {
  override readonly name = 'TableAccessError';
}

/** What a table error says beyond the table and its kind, for a command that reads two tables. */
export interface TableErrorContext {
  /** Name the flag that gives the table (`kind.tableFlag`) after its name: the second table a command reads. */
  readonly withFlag?: boolean;
  /** The table the command reads beside this one through the same client: a key DynamoDB refuses may be its. */
  readonly alsoRead?: AlsoRead;
}

/**
 * Rewrites the errors every table command can hit into one readable line: a
 * missing table, named as `kind` names it (the credentials table by
 * default; the owner directory's from `withDirectoryErrors`): how to create
 * it only for a local `--endpoint` table ({@link createTableHint}), against
 * AWS where to find the deployed one; an unreachable database (a local
 * endpoint: is it running; AWS: the network path and the Region tried, {@link unreachableText}; a connection
 * reset after the request was sent also says a write may have applied), a
 * missing region or credentials, credentials refused, a request the role may
 * not make (KMS on the table's key included) and an AWS endpoint DNS does not
 * know, said as `describeAwsSetupError` says them for every command (a
 * misspelt Region, not a database to start); a table whose key is not the one `kind`
 * reads (found so by {@link requireTableKind}, or DynamoDB refusing a
 * request's key: {@link isKeySchemaMismatch}; another table named by mistake),
 * as `kind.wrongKey` says it; a table keyed right whose indexes are another
 * kind's (`TableIndexMismatchError`: the relay ledger named as the credentials
 * table), or whose key is of another type (`TableKeyTypeMismatchError`), as
 * the error's `reason` says it; other errors pass through unchanged. With
 * `context.withFlag` the table is named with its flag (`owner directory
 * table D (--directory-table)`); with `context.alsoRead`, a key DynamoDB
 * refused ({@link isKeySchemaMismatch}) names both tables, as either may be
 * the wrong one ({@link eitherTableText}).
 *
 * A failed listing of the topic's subscriptions (`SubscriptionListingError`,
 * raised inside the same table wrapper by `notify`) is SNS's, not the
 * table's: it passes through unchanged too — it names the topic and the items
 * left pending, and its cause's network code or credentials message says
 * nothing about the table.
 *
 * Nor is the output's write error (`isOutputError`, cli/stream-writer.ts),
 * thrown by a listing's `StreamWriter` inside the same wrapper: a socket
 * reset by its reader fails with `ECONNRESET` as an unreachable database does,
 * and is the output's failure, reported once as such.
 */
export function describeTableError(
  error: unknown,
  options: TableOptions,
  kind: TableKind = CREDENTIALS_TABLE,
  context: TableErrorContext = {},
): unknown {
  if (error instanceof SubscriptionListingError || isOutputError(error)) return error;
  const where = whereText(options);
  const named = tableText(options, kind, context.withFlag ?? false);
  if (error instanceof ResourceNotFoundException) {
    return new TableAccessError(`${named} not found${where} (${missingTableHint(options, kind)})`);
  }
  if (context.alsoRead !== undefined && isKeySchemaMismatch(error)) {
    return new TableAccessError(eitherTableText(options, kind, context.alsoRead, (error as Error).message));
  }
  if (error instanceof TableKeyMismatchError || isKeySchemaMismatch(error)) {
    const wrong = error instanceof TableKeyMismatchError ? (error.reason ?? kind.wrongKey) : kind.wrongKey;
    return new TableAccessError(`${named}${where} ${wrong}`);
  }
  // First: an AWS endpoint DNS does not know is a Region misspelt, not a database to start; a denial names the IAM.
  const setup = describeAwsSetupError(error, `table ${options.table}`, { profile: options.profile });
  if (setup !== undefined) return setup;
  const code = describeError(error).systemCode;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ECONNRESET') {
    // A reset connection had carried the request: DynamoDB may have carried it out before the answer was lost.
    const mayHaveApplied =
      code === 'ECONNRESET'
        ? '; the connection was cut after a request was sent: if this command writes, a write may have applied, so check before running it again'
        : '';
    return new TableAccessError(`cannot reach DynamoDB${unreachableText(options, code)}${mayHaveApplied}`);
  }
  return error;
}

/**
 * Where DynamoDB could not be reached and what to check, after `cannot reach DynamoDB`: a local `--endpoint`
 * (DynamoDB Local) may simply not be running; in AWS the service runs, so the path to it or the Region is wrong — named
 * as the client tried it (`--region`, else `AWS_REGION`, else the profile's, which the SDK read without saying).
 */
function unreachableText(options: TableOptions, code: string): string {
  if (options.endpoint) return `${whereText(options)} (${code}): is it running?`;
  const region = options.region || process.env.AWS_REGION || "your AWS profile's Region";
  return (
    ` in ${region} (${code}): check this machine's network, firewall or proxy and, inside a VPC, its route to ` +
    `DynamoDB (a NAT gateway or a DynamoDB VPC endpoint), and that ${region} is the Region you meant (--region)`
  );
}

/** Where the table is, as a message says it after the table: ` at ENDPOINT`, ` in REGION`, or nothing. */
function whereText(options: TableOptions): string {
  if (options.endpoint) return ` at ${endpointText(options.endpoint)}`;
  return options.region ? ` in ${options.region}` : '';
}

/** A table as a message names it: its kind's noun and its name, and with `withFlag` the flag that gives it. */
function tableText(options: TableOptions, kind: TableKind, withFlag: boolean): string {
  return `${kind.noun} ${options.table}${withFlag ? ` (${kind.tableFlag})` : ''}`;
}

/**
 * What a command reading two tables says when DynamoDB refused a request's key (the kind check could not tell
 * which: `DescribeTable` denied): both tables, each with what it must be keyed by, neither blamed.
 */
function eitherTableText(
  options: TableOptions,
  kind: TableKind,
  alsoRead: AlsoRead,
  refusal: string,
): string {
  const other = alsoRead.kind;
  return (
    `DynamoDB refused a request's key (${refusal}): ${tableText(options, kind, false)} or ` +
    `${tableText(tableFlagsOf(alsoRead.table, options), other, true)}${whereText(options)} is another kind of table ` +
    `(${kind.kindText} is keyed by \`${kind.partitionKey}\`, ${other.kindText} by \`${other.partitionKey}\`); ` +
    'allow dynamodb:DescribeTable for the command to name which'
  );
}

/**
 * The messages DynamoDB's `ValidationException` carries when a request's key
 * is not the table's key: AWS's for a `GetItem`/`UpdateItem` key, DynamoDB
 * Local's for the same, and both's for a `PutItem` item without the table's
 * key attribute. Each command names its table's key, so it means another table.
 */
const KEY_SCHEMA_MISMATCH = [
  /^The provided key element does not match the schema/,
  /^One of the required keys was not given a value/,
  /Missing the key \S+ in the item/,
];

/** Whether `error` is DynamoDB refusing a request whose key is not the table's ({@link KEY_SCHEMA_MISMATCH}). */
function isKeySchemaMismatch(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'ValidationException') return false;
  return KEY_SCHEMA_MISMATCH.some((pattern) => pattern.test(error.message));
}

/**
 * The table flags aiming at `table` with the endpoint, region and profile of
 * `flags`, and nothing else: a caller's options may carry more (`owners list`
 * passes its own, `--stack` and all), and an owner directory command's name
 * the table with `--directory-table`. The one mapping to the flags the client
 * builders and {@link createTableHint} read.
 */
export function tableFlagsOf(table: string, flags: Omit<TableOptions, 'table'>): TableOptions {
  return {
    table,
    ...(flags.endpoint !== undefined && { endpoint: flags.endpoint }),
    ...(flags.region !== undefined && { region: flags.region }),
    ...(flags.profile !== undefined && { profile: flags.profile }),
  };
}

/**
 * A kind of table as the table commands name it: how {@link requireTableKind} tells it and names it
 * ({@link TableKeyKind}, cli/aws/table-key.ts), where the deployed one is, and the command that creates a missing
 * one, as {@link createTableHint} tells it.
 */
export interface TableKind extends TableKeyKind {
  /** Where to find the deployed one, said when it is missing in AWS (not at a local `--endpoint`). */
  readonly whereDeployed: string;
  /** What the hint says it does: `create it`, `create and load it`. */
  readonly does: string;
  /** The command, without `pc-hygiene` and `--create-table`: `import FILE.jsonl`. */
  readonly command: string;
  /** The flag that names the table to that command. */
  readonly tableFlag: '--table' | '--directory-table';
  /** What a message says after the table's name when its key is not {@link partitionKey} (another table named by mistake). */
  readonly wrongKey: string;
}

/** The credentials table: created by `pc-hygiene import FILE.jsonl --create-table`; keyed by `id`. */
export const CREDENTIALS_TABLE: TableKind = {
  ...CREDENTIALS_TABLE_KEY,
  whereDeployed: `name the deployed table with --stack NAME (or PC_HYGIENE_STACK; the stack's ${STACK_OUTPUT.tableName} output) or --table NAME (or PC_HYGIENE_TABLE), and its region with --region`,
  does: 'create it',
  command: 'import FILE.jsonl',
  tableFlag: '--table',
  wrongKey:
    `is not a credentials table (its key is not \`${TABLE_DEFINITION.partitionKey.name}\`): ` +
    'did you name the owner directory?',
};

/**
 * How to create a missing table at a local endpoint, as a command that pastes
 * as shown: `creator`'s command with `--create-table` (by default the
 * credentials table's, `pc-hygiene import FILE.jsonl --create-table`), aimed
 * at the table by its own target flags ({@link tableFlagsOf},
 * {@link targetFlagsOf}: `--endpoint URL --table NAME`, or
 * `--directory-table NAME` for the owner directory, `--region`/`--profile`
 * when given; an endpoint that may hold a secret, or a value that cannot be
 * typed back, by its placeholder). Without them the command would reach the
 * default stack in AWS.
 */
export function createTableHint(options: TableOptions, creator: TableKind = CREDENTIALS_TABLE): string {
  const target = targetFlagsOf(tableFlagsOf(options.table, options), creator.tableFlag);
  return `${creator.does} with: pc-hygiene ${creator.command} --create-table ${target}`;
}

/**
 * What a missing table's message says to do, the one rule for every table
 * command: at a local `--endpoint`, the command that creates it
 * ({@link createTableHint}); in AWS, where the deployed one is found.
 */
export function missingTableHint(options: TableOptions, kind: TableKind = CREDENTIALS_TABLE): string {
  return options.endpoint ? createTableHint(options, kind) : kind.whereDeployed;
}

/**
 * Runs `work`, rethrowing table errors as {@link TableAccessError}.
 * @param alsoRead the table the work reads beside the credentials table (the owner directory): a key DynamoDB
 *   refuses is then said of both ({@link describeTableError})
 */
export async function withTableErrors<T>(
  options: TableOptions,
  work: () => Promise<T>,
  alsoRead?: AlsoRead,
): Promise<T> {
  try {
    return await work();
  } catch (error: unknown) {
    throw describeTableError(error, options, CREDENTIALS_TABLE, alsoRead === undefined ? {} : { alsoRead });
  }
}

/**
 * Runs `work` on the table: a document client for the flags, the table
 * checked to be a credentials table unless the work checks it, and the table
 * read beside it, if any, checked to be of its kind
 * ({@link withDocumentClient}), the table errors rewritten
 * ({@link withTableErrors}), the client destroyed afterwards. The one way a
 * command that reads or writes its table and then reports does the first part.
 * @param alsoRead the table the work reads beside its own (the owner directory)
 * @throws {UsageError} on an invalid table name or endpoint URL
 */
export function withTable<T>(
  options: TableOptions,
  work: (client: DynamoDBDocumentClient) => Promise<T>,
  check: TableCheck = CREDENTIALS_TABLE,
  alsoRead?: AlsoRead,
): Promise<T> {
  return withDocumentClient(
    options,
    (client) => withTableErrors(options, () => work(client), alsoRead),
    check,
    alsoRead,
  );
}
