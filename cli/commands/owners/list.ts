/**
 * `pc-hygiene owners list [--unreachable]`: the owners in the directory with
 * their reach on the configured route (`ownerDelivery`; judged by
 * `reachabilityOf` on the directory's recorded states, which the reconciler
 * refreshes on its schedule), as a table, JSON, or CSV (a listing, as `runs
 * list`'s and `report --list`'s: for a spreadsheet of the owners to chase).
 * It does not apply the drain's live subscription check on `sns-email`
 * (docs/notifications.md, "Owner reach"): an owner who unsubscribed since the
 * reconciler's last run, whose topic was re-created, or recorded `confirmed`
 * without an ARN, shows reachable here while the drain reports them
 * `no-subscription`; what the next drain decides: `pc-hygiene notify
 * --dry-run` (it lists the topic as a drain does). `--unreachable` keeps only
 * the owners unreachable by the recorded states, with the reason. With
 * `--with-unlisted` (or `--table NAME`, which names the table and implies it), the owners of
 * the credentials table's active credentials who are not in the directory
 * are listed too (`not-in-directory`): the directory alone cannot know them.
 * That costs a full Scan of the credentials table, so it is never the
 * default; the table is `--table` when given, else with `--with-unlisted`
 * `PC_HYGIENE_TABLE` (as every table command takes it; refused next to a
 * stack), else the stack's `TableName` output — the stack the directory came
 * from — else `PersonalClients` with `--endpoint` (docs/deploy.md, "Owner
 * directory"). With a stack, the route
 * is the deployment's unless `--config` or `--route` says otherwise
 * (`directoryConfigOf`, docs/deploy.md).
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Command, type CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import { DynamoDbCredentialScanner } from '../../../lambdas/aws/credential-scanner';
import { DEFAULT_TABLE_NAME } from '../../../lambdas/aws/credential-table-definition';
import { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import { parseCredential } from '../../../lambdas/hygiene/credential';
import {
  type OwnerDeliveryRoute,
  type OwnerRecord,
  type Reachability,
  reachabilityOf,
} from '../../../lambdas/hygiene/owner-directory';
import { isSesSendable } from '../../../lambdas/relay/ses-address';
import { jsonText } from '../../../lambdas/render/json-text';
import type { Deployment } from '../../aws/deployment-lookup';
import { requireTableKind } from '../../aws/table-key';
import { listingCsv, listingTable } from '../../format/listing';
import { defineCommand } from '../../options/define-command';
import {
  directoryConfigOf,
  directoryDeploymentOf,
  routeOption,
  withDirectory,
} from '../../options/directory-options';
import { formatOption, LISTING_FORMATS } from '../../options/formats';
import { configOption } from '../../options/load-config';
import type { OptionsOf } from '../../options/options-of';
import { tableDefault, withTableErrors } from '../../options/table-options';
import { sayOnStderr } from '../../stderr';
import { UsageError } from '../../usage-error';

/**
 * `--table`: the credentials table `--with-unlisted` scans. Its default is said as a table command's `--table`
 * (`tableDefault`: the flag names that table itself), for it is found the same way
 * ({@link unlistedOwnersTable}): the stack's output, else the fixed name only with `--endpoint` (a directory named
 * with `--directory-table` alone has no credentials table). What only it does is said before: given on the
 * command line it implies `--with-unlisted`, and `PC_HYGIENE_TABLE` does not.
 */
function credentialsTableOption() {
  return new Option(
    '--table <name>',
    'the credentials table --with-unlisted scans; given on the command line, it implies --with-unlisted ' +
      `(PC_HYGIENE_TABLE does not) (${tableDefault('table')})`,
  ).env('PC_HYGIENE_TABLE');
}

function defineOwnersList(owners: Command) {
  return defineCommand(
    owners,
    'list',
    'List the owners in the directory and whether a digest reaches them on the configured route, judged on the recorded subscription states (the next drain also checks the topic: notify --dry-run).',
    'directory',
    (command) =>
      command
        .option('--unreachable', 'only owners unreachable by the recorded states, with the reason')
        .addOption(configOption('directory', 'ownerDelivery decides how reach is judged'))
        .option(
          '--with-unlisted',
          "also list the owners of the credentials table's active credentials who are not in the directory " +
            "(a full Scan of that table: --table or PC_HYGIENE_TABLE, else the stack's TableName output)",
        )
        .addOption(credentialsTableOption())
        .addOption(routeOption('judge reach on'))
        .addOption(formatOption(LISTING_FORMATS, 'output format')),
  );
}

type OwnersListOptions = OptionsOf<ReturnType<typeof defineOwnersList>>;

/** One listed owner with its verdict. */
interface ListedOwner {
  /** The directory's record, or just the `userId` of a credential owner the directory does not hold. */
  readonly owner: OwnerRecord | { readonly userId: string };
  readonly reach: Reachability;
}

/** The CSV columns: the JSON output's field names, one row per owner (`route` on each, as the JSON says it once). */
const CSV_COLUMNS = ['userId', 'status', 'email', 'name', 'route', 'reachable', 'reason'] as const;

/** The owners as CSV (cells through `csvCell`, as every CSV listing of the CLI: stored text, spreadsheet-safe). */
function ownersCsv(listed: readonly ListedOwner[], route: OwnerDeliveryRoute): string {
  const rows = listed.map(({ owner, reach }) => [
    owner.userId,
    'status' in owner ? owner.status : undefined,
    'email' in owner ? owner.email : undefined,
    'name' in owner ? owner.name : undefined,
    route,
    String(reach.reachable),
    reach.reachable ? undefined : reach.reason,
  ]);
  return listingCsv(CSV_COLUMNS, rows);
}

/**
 * The owners as an aligned text table (a listing: `listingTable`, which puts every cell, the directory's
 * untrusted names and addresses among them, through the terminal sanitiser); an empty or missing email or name
 * reads `-`.
 */
function ownersTable(listed: readonly ListedOwner[], route: OwnerDeliveryRoute): string {
  const rows = listed.map(({ owner, reach }) => [
    owner.userId,
    'status' in owner ? owner.status : undefined,
    ('email' in owner && owner.email) || undefined,
    ('name' in owner && owner.name) || undefined,
    reach.reachable ? 'reachable' : `unreachable: ${reach.reason}`,
  ]);
  return listingTable(['USER ID', 'STATUS', 'EMAIL', 'NAME', `REACH (${route})`], rows);
}

/** The owners of the active (valid, not soft-deleted) credentials in a table, read with one parallel scan. */
async function credentialOwners(
  client: DynamoDBDocumentClient,
  table: string,
  segments: number,
): Promise<Set<string>> {
  const owners = new Set<string>();
  for await (const page of new DynamoDbCredentialScanner(client, table).scan({ segments })) {
    for (const item of page.items) {
      const parsed = parseCredential(item);
      if (parsed.ok && parsed.credential.deletedAt === undefined) owners.add(parsed.credential.userId);
    }
  }
  return owners;
}

/**
 * The credentials table whose owners missing from the directory are listed
 * too, or `undefined` when they are not asked for (no Scan): `--table` when
 * given on the command line (it implies `--with-unlisted`), else with
 * `--with-unlisted` the table `PC_HYGIENE_TABLE` names (`tableFromEnvironment`:
 * a session's default, as every table command takes it, so it implies
 * nothing; next to a stack it is refused before this, `refuseEnvironmentOverStack`),
 * else the stack's `TableName` output, else with `--endpoint` the default
 * local table.
 * @param deployment the stack the directory came from, if any
 * @throws {UsageError} for `--with-unlisted` on a directory named directly in AWS: no table is known
 */
export function unlistedOwnersTable(
  options: {
    readonly withUnlisted?: boolean;
    readonly table?: string;
    /** {@link options.table} came from `PC_HYGIENE_TABLE`, not `--table`. */
    readonly tableFromEnvironment?: boolean;
    readonly endpoint?: string;
  },
  deployment: Pick<Deployment, 'tableName'> | undefined,
): string | undefined {
  if (options.table !== undefined && options.tableFromEnvironment !== true) return options.table;
  if (options.withUnlisted !== true) return undefined;
  if (options.table !== undefined) return options.table;
  if (deployment !== undefined) return deployment.tableName;
  if (options.endpoint !== undefined) return DEFAULT_TABLE_NAME;
  throw new UsageError(
    '--with-unlisted on a directory named with --directory-table (no stack) needs the credentials table: ' +
      "give --table NAME (or PC_HYGIENE_TABLE), or --stack NAME to use the deployment's TableName output",
  );
}

/**
 * Every owner to judge: the directory's, plus (with `unlistedIn`, a
 * credentials table) the owners of its active credentials it does not hold.
 */
async function ownersToJudge(
  client: DynamoDBDocumentClient,
  options: OwnersListOptions,
  unlistedIn: string | undefined,
  segments: number,
): Promise<(OwnerRecord | { readonly userId: string; readonly absent: true })[]> {
  const all: (OwnerRecord | { readonly userId: string; readonly absent: true })[] = [];
  const known = new Set<string>();
  for await (const owner of new DynamoOwnerDirectory(client, options.directoryTable).owners()) {
    all.push(owner);
    known.add(owner.userId);
  }
  if (unlistedIn !== undefined) {
    // Its errors name the credentials table (a missing one is not the directory's); a table of another kind is refused.
    const tableOptions = { ...options, table: unlistedIn };
    const owners = await withTableErrors(tableOptions, async () => {
      await requireTableKind(client, unlistedIn);
      return credentialOwners(client, unlistedIn, segments);
    });
    for (const userId of owners) {
      if (!known.has(userId)) all.push({ userId, absent: true });
    }
  }
  return all;
}

async function runOwnersList(options: OwnersListOptions, command: CommandUnknownOpts): Promise<void> {
  const deployment = directoryDeploymentOf(command);
  const tableFromEnvironment = command.getOptionValueSource('table') === 'env';
  const unlistedIn = unlistedOwnersTable({ ...options, tableFromEnvironment }, deployment);
  const { config } = directoryConfigOf(command);
  if (deployment !== undefined && options.table === undefined && unlistedIn !== undefined) {
    sayOnStderr(
      `stack ${deployment.stackName}: credentials table ${unlistedIn} (owners not in the directory)`,
    );
  }
  const route = options.route ?? config.ownerDelivery;
  const listed = await withDirectory(options, async (client) => {
    const found: ListedOwner[] = [];
    for (const candidate of await ownersToJudge(client, options, unlistedIn, config.scanSegments)) {
      const owner = 'absent' in candidate ? undefined : candidate;
      const reach = reachabilityOf(owner, route, isSesSendable);
      if (!options.unreachable || !reach.reachable)
        found.push({ owner: owner ?? { userId: candidate.userId }, reach });
    }
    return found.sort((a, b) =>
      a.owner.userId < b.owner.userId ? -1 : a.owner.userId > b.owner.userId ? 1 : 0,
    );
  });
  if (options.format === 'json') {
    const owners = listed.map(({ owner, reach }) => ({
      ...owner,
      reachable: reach.reachable,
      ...(!reach.reachable && { reason: reach.reason }),
    }));
    process.stdout.write(`${jsonText({ route, owners })}\n`);
  } else if (options.format === 'csv') process.stdout.write(ownersCsv(listed, route));
  else process.stdout.write(listed.length === 0 ? 'no owners\n' : ownersTable(listed, route));
}

/** Registers `owners list` on the `owners` command. */
export function registerOwnersListCommand(owners: Command): void {
  defineOwnersList(owners).action(async (options, command) => runOwnersList(options, command));
}
