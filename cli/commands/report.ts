/**
 * `pc-hygiene report`: the hygiene posture of a table at one instant (totals,
 * expiring, expired-not-deleted, stale by tier, never used, no expiry,
 * unscoped, unrestricted, invalid, riskiest owners). Read-only: one parallel
 * scan, items counted as they stream, nothing written. The owner directory is
 * the one a sweep of the table reads, by the same rule (`directoryTableOf`:
 * `--directory-table`, `PC_HYGIENE_DIRECTORY_TABLE`, the `--stack`'s, else
 * `PersonalClientOwners`; a missing table reads as none), loaded first as the
 * sweep loads it, so orphan flags are judged as a sweep at `now` would judge
 * them (`report --list` of a `-due` category too: the other categories read no
 * directory), and the report adds the directory's verdict and the owners'
 * reach on `ownerDelivery` (docs/notifications.md, "Owner reach").
 */
import { type Command, type CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { renderPostureJson, renderPostureText } from '../../lambdas/render/posture-text';
import { type CategoryListingFormat, categoryListing } from '../format/category-listing';
import { defineCommand } from '../options/define-command';
import { resolveTarget } from '../options/deployment-target';
import { directoryReadBeside, directoryTableOf, directoryTableOption } from '../options/directory-options';
import { formatOption, LISTING_FORMATS } from '../options/formats';
import { configOption } from '../options/load-config';
import { nowOption, resolveNow } from '../options/now-option';
import { integerIn } from '../options/numbers';
import type { OptionsOf } from '../options/options-of';
import { segmentsOption } from '../options/scan-segments';
import {
  type AlsoRead,
  CREDENTIALS_TABLE,
  withDocumentClient,
  withTableErrors,
} from '../options/table-options';
import { createTableProgress, type Progress } from '../progress';
import { writeStreamedListing } from '../streamed-listing';
import { UsageError } from '../usage-error';
import {
  DIRECTORY_JUDGED_CATEGORIES,
  listReportCategory,
  REPORT_LIST_CATEGORIES,
  type ReportListCategory,
  reportTable,
  type TableReport,
} from '../use-cases/report-table';

/**
 * `--list`: writes the credentials behind one figure as the scan finds them
 * ({@link writeStreamedListing}: with backpressure, so memory stays flat
 * whatever the category's size; the scan's pages released however it ends).
 * The first page is read before anything is written, so a table error
 * (missing table, no access) leaves stdout empty; one later in the scan ends
 * a listing already begun. Closing the output early (`| head`) is not an
 * error. The progress line is cleared before each page written and the end.
 */
async function writeCategoryListing(
  read: TableReport & { readonly category: ReportListCategory },
  format: CategoryListingFormat,
  progress: Progress,
): Promise<void> {
  const listing = categoryListing(format);
  await writeStreamedListing(process.stdout, listReportCategory(read), {
    start: () => listing.start(),
    item: (rows) => {
      if (rows.length === 0) return '';
      progress.clear();
      return listing.rows(rows);
    },
    end: () => {
      progress.clear();
      return listing.end();
    },
  });
}

/**
 * `--top N`: the riskiest owners the posture report lists (default 10), for
 * `report` and for `local`, which prints the same report: the owner table's
 * heading names this flag when the list is cut.
 */
export function topOwnersOption() {
  return new Option('--top <n>', 'owners to list, riskiest first')
    .argParser(integerIn('--top', 0, 10_000))
    .default(10);
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
        .addOption(configOption('table', 'stale limits and tiers, exempt ids'))
        .addOption(segmentsOption())
        .addOption(topOwnersOption())
        .addOption(
          new Option(
            '--list <category>',
            'list the credentials behind one figure instead of the report',
          ).choices(REPORT_LIST_CATEGORIES),
        )
        .addOption(directoryTableOption())
        .addOption(formatOption(LISTING_FORMATS, 'output format (csv with --list only)')),
  );
}

type ReportOptions = OptionsOf<ReturnType<typeof defineReportCommand>>;

async function runReportCommand(options: ReportOptions, command: CommandUnknownOpts): Promise<void> {
  const now = resolveNow(options.now);
  // A usage error before the target is looked up: it needs no AWS setup to be told.
  if (options.format === 'csv' && options.list === undefined) {
    throw new UsageError('--format csv needs --list CATEGORY (the report itself is table or json)');
  }
  const target = await resolveTarget(options, { usesConfig: true });
  const { segments, top: topOwners } = options;
  const config = segments === undefined ? target.config : { ...target.config, scanSegments: segments };
  const { list, format } = options;
  // As the sweep resolves it: the flag (its env var only without a stack), else the deployment's, else the default.
  const directoryTable = directoryTableOf(options, command, target);
  // Checked before either table is read, where the report reads it (a listing only for a category it can change):
  // another kind is refused by name; a missing one is no directory.
  const directory: AlsoRead | undefined =
    list === undefined || DIRECTORY_JUDGED_CATEGORIES.has(list)
      ? directoryReadBeside(directoryTable)
      : undefined;
  await withDocumentClient(
    target,
    async (client) => {
      const progress = createTableProgress(client, target.table, 'report');
      const read = {
        client,
        tableName: target.table,
        config,
        now,
        onProgress: (n: number) => progress.update(n),
        // Read through the same DynamoDB endpoint and region as the table, as the sweep reads it.
        directory: new DynamoOwnerDirectory(client, directoryTable),
      };
      try {
        if (list !== undefined) {
          const listing = () => writeCategoryListing({ ...read, category: list }, format, progress);
          await withTableErrors(target, listing, directory);
          return;
        }
        const report = await withTableErrors(target, () => reportTable({ ...read, topOwners }), directory);
        progress.clear();
        process.stdout.write(format === 'json' ? renderPostureJson(report) : renderPostureText(report));
      } finally {
        progress.clear();
      }
    },
    CREDENTIALS_TABLE,
    directory,
  );
}

/** Registers `report` on the program. */
export function registerReportCommand(program: Command): void {
  defineReportCommand(program).action(async (options, command) => runReportCommand(options, command));
}
