/**
 * `pc-hygiene report`: the hygiene posture of a table at one instant (totals,
 * expiring, expired-not-deleted, stale by tier, never used, no expiry,
 * unscoped, unrestricted, invalid, riskiest owners). Read-only: one parallel
 * scan, items counted as they stream, nothing written. With an owner directory
 * (`--directory-table`, `PC_HYGIENE_DIRECTORY_TABLE`, or the `--stack`'s), it
 * adds the owners' reach on `ownerDelivery` (docs/notifications.md, "Owner reach").
 */
import { type Command, Option } from '@commander-js/extra-typings';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { renderPostureJson, renderPostureText } from '../../lambdas/render/posture-text';
import { listingCsv, listingTable } from '../format/listing';
import { defineCommand } from '../options/define-command';
import { resolveTarget, type Target } from '../options/deployment-target';
import { checkDirectoryTableName, optionalDirectoryTableOption } from '../options/directory-options';
import { formatOption, LISTING_FORMATS } from '../options/formats';
import { configOption } from '../options/load-config';
import { nowOption, resolveNow } from '../options/now-option';
import { integerIn } from '../options/numbers';
import type { OptionsOf } from '../options/options-of';
import { segmentsOption } from '../options/scan-segments';
import { withDocumentClient, withTableErrors } from '../options/table-options';
import { createTableProgress } from '../progress';
import { UsageError } from '../usage-error';
import {
  type ListedCredential,
  listReportCategory,
  REPORT_LIST_CATEGORIES,
  reportTable,
} from '../use-cases/report-table';

const LIST_HEADER = [
  'id',
  'owner',
  'displayName',
  'expiresTime',
  'lastUsedAt',
  'createdAt',
  'deletedAt',
  'problems',
];

/** The `--list` rows as a table, CSV, or JSON (one array). */
function renderCategoryListing(rows: readonly ListedCredential[], format: 'table' | 'json' | 'csv'): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  const cells = rows.map((r) => [
    r.id,
    r.userId,
    r.displayName,
    r.expiresTime,
    r.lastUsedAt,
    r.createdAt,
    r.deletedAt,
    r.problems?.join('; '),
  ]);
  if (format === 'csv') return listingCsv(LIST_HEADER, cells);
  return `${listingTable(LIST_HEADER, cells)}${rows.length} credential(s)\n`;
}

/** `report` and its flags. */
function defineReportCommand(program: Command) {
  return defineCommand(
    program,
    'report',
    'Print the hygiene posture of a table (read-only): expiring, expired, stale, risky, per owner.',
    'table',
    (command) =>
      command
        .addOption(nowOption('the instant to report at'))
        .addOption(configOption("stale limits and tiers, exempt ids; default: the deployed stack's"))
        .addOption(segmentsOption())
        .option('--top <n>', 'owners to list, riskiest first', integerIn('--top', 0, 10_000), 10)
        .addOption(
          new Option(
            '--list <category>',
            'list the credentials behind one figure instead of the report',
          ).choices(REPORT_LIST_CATEGORIES),
        )
        .addOption(
          optionalDirectoryTableOption("add the owners' reach (default: the deployed stack's, if any)"),
        )
        .addOption(formatOption(LISTING_FORMATS, 'output format (csv with --list only)')),
  );
}

type ReportOptions = OptionsOf<ReturnType<typeof defineReportCommand>>;

/** The directory table: the flag (or its env var) when given, else the deployment's, else none. */
function directoryTableOf(options: ReportOptions, target: Target): string | undefined {
  const table = options.directoryTable ?? target.deployment?.directoryTableName;
  return table === undefined ? undefined : checkDirectoryTableName(table);
}

async function runReportCommand(options: ReportOptions): Promise<void> {
  const now = resolveNow(options.now);
  const target = await resolveTarget(options, { usesConfig: true });
  const { segments, top: topOwners } = options;
  const config = segments === undefined ? target.config : { ...target.config, scanSegments: segments };
  if (options.format === 'csv' && options.list === undefined) {
    throw new UsageError('--format csv needs --list CATEGORY (the report itself is table or json)');
  }
  const directoryTable = directoryTableOf(options, target);
  await withDocumentClient(target, async (client) => {
    const progress = createTableProgress(client, target.table, 'report');
    const read = {
      client,
      tableName: target.table,
      config,
      now,
      onProgress: (n: number) => progress.update(n),
    };
    const { list, format } = options;
    try {
      let output: string;
      if (list !== undefined) {
        const rows = await withTableErrors(target, () => listReportCategory({ ...read, category: list }));
        output = renderCategoryListing(rows, format);
      } else {
        // The directory is read through the same DynamoDB endpoint and region as the table.
        const directory =
          directoryTable === undefined ? undefined : new DynamoOwnerDirectory(client, directoryTable);
        const report = await withTableErrors(target, () =>
          reportTable({ ...read, topOwners, ...(directory !== undefined && { directory }) }),
        );
        output = format === 'json' ? renderPostureJson(report) : renderPostureText(report);
      }
      progress.clear();
      process.stdout.write(output);
    } finally {
      progress.clear();
    }
  });
}

/** Registers `report` on the program. */
export function registerReportCommand(program: Command): void {
  defineReportCommand(program).action(async (options) => runReportCommand(options));
}
