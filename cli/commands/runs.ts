/**
 * `pc-hygiene runs list | show RUN_ID`: the run manifests the sweep keeps
 * (docs/data-model.md, "Run manifests") — which enforce runs deleted
 * credentials, and for one run every deletion with its owner, rule and the
 * dates it was decided from. Table, JSON or CSV. Read-only. What the stored
 * manifest holds is checked first (cli/aws/run-manifest-parse.ts): a malformed run
 * of the index or entry of a page is named on stderr and left out, the others
 * are listed, and the command exits 1. `runs show` streams JSON and CSV page by
 * page, and stops reading when its reader closes the output (`| head`).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from '@commander-js/extra-typings';
import { operatorText } from '../../lambdas/hygiene/operator-identity';
import type { ManifestEntry, RunIndexEntry, RunManifestHeader } from '../../lambdas/hygiene/run-manifest';
import { jsonText } from '../../lambdas/render/json-text';
import { terminalLines, terminalText } from '../../lambdas/render/sanitize';
import type {
  MalformedManifestEntry,
  MalformedRunIndexEntry,
  MissingManifestPage,
} from '../aws/run-manifest-parse';
import { listRuns, readRunHeader, runPages } from '../aws/run-manifests';
import { EXIT_CODE } from '../exit-codes';
import { type ListingCell, listingCsv, listingCsvRows, listingTable } from '../format/listing';
import { defineCommand } from '../options/define-command';
import { resolveTarget } from '../options/deployment-target';
import { formatOption, LISTING_FORMATS } from '../options/formats';
import type { OptionsOf } from '../options/options-of';
import { withTable } from '../options/table-options';
import { BrokenPipeError, StreamWriter } from '../stream-writer';

const RUN_COLUMNS = ['RUN ID', 'NOW', 'STATUS', 'DELETED'] as const;
const ENTRY_COLUMNS = [
  'ID',
  'USER ID',
  'RULE',
  'DELETED AT',
  'EXPIRES',
  'LAST USED',
  'CREATED',
  'FLAGGED',
  'DELETE AFTER',
  'CLIENT ID',
  'DISPLAY NAME',
] as const;

const runRow = (r: RunIndexEntry): ListingCell[] => [r.runId, r.now, r.status, r.deleted];
const entryRow = (e: ManifestEntry): ListingCell[] => [
  e.id,
  e.userId,
  e.rule,
  e.deletedAt,
  e.expiresTime,
  e.lastUsedAt,
  e.createdAt,
  e.flaggedAt,
  e.deleteAfter,
  e.clientId,
  e.displayName,
];

function defineRunsCommand(program: Command) {
  return program
    .command('runs')
    .description('The enforce runs that soft-deleted credentials, and what each deleted and why.');
}

function defineRunsList(runs: ReturnType<typeof defineRunsCommand>) {
  return defineCommand(runs, 'list', 'List the runs with a manifest, newest first.', 'table', (command) =>
    command.addOption(formatOption(LISTING_FORMATS, 'output format')),
  );
}

function defineRunsShow(runs: ReturnType<typeof defineRunsCommand>) {
  return defineCommand(
    runs,
    'show',
    "Show one run's manifest: every credential it deleted, its owner, rule and dates.",
    'table',
    (command) =>
      command
        .argument('<run-id>', 'the run id (from runs list, a run summary or a credential history)')
        .addOption(formatOption(LISTING_FORMATS, 'output format')),
  );
}

type RunsListOptions = OptionsOf<ReturnType<typeof defineRunsList>>;
type RunsShowOptions = OptionsOf<ReturnType<typeof defineRunsShow>>;

async function runsList(flags: RunsListOptions): Promise<void> {
  const options = { ...flags, ...(await resolveTarget(flags, { usesConfig: false })) };
  const malformed: MalformedRunIndexEntry[] = [];
  const runs = await withTable(options, (client) =>
    listRuns(client, options.table, (entry) => malformed.push(entry)),
  );
  if (options.format === 'json') process.stdout.write(`${jsonText(runs)}\n`);
  else if (options.format === 'csv') process.stdout.write(listingCsv(RUN_COLUMNS, runs.map(runRow)));
  else if (runs.length === 0)
    process.stdout.write('No run manifests (no enforce run has deleted anything).\n');
  else process.stdout.write(listingTable(RUN_COLUMNS, runs.map(runRow)));
  reportProblems(malformed);
}

/**
 * The header as a few lines of text above the table. Every field is stored
 * (`by` and `approvedBy` are free text an operator typed; the caller ARNs
 * beside them are stored text too): each line goes
 * through `terminalText` on its own, so a field can neither drive the
 * terminal nor start a line of its own.
 */
function headerText(h: RunManifestHeader): string {
  const { approvedBy, approverCallerArn } = h.guard;
  const approver = approvedBy
    ? ` (approval by ${operatorText({ by: approvedBy, callerArn: approverCallerArn })})`
    : '';
  const guard = h.guard.tripped
    ? `guard tripped, ${h.guard.overridden ? `overridden${approver}` : 'not overridden'}`
    : 'guard ok';
  const by = h.by ? `, by ${operatorText({ by: h.by, callerArn: h.callerArn })}` : '';
  return terminalLines([
    `Run ${h.runId} (${h.status}${by}): now ${h.now}, ran ${h.startedAt} to ${h.finishedAt}`,
    `Deleted ${h.deleted.total}: ${h.deleted.expired} expired, ${h.deleted.stale} stale, ${h.deleted.orphaned} orphaned; ${guard}`,
  ]);
}

/**
 * Writes the run's entries in `format`, page by page: JSON (one document)
 * and CSV streamed through {@link StreamWriter}, so output closed by its
 * reader (`| head`) stops the reading of further pages (exit code as for
 * the pages read); the table after every page is read (its columns fit the
 * widest value). A missing page (its
 * write failed in the run, or lost since; or its entries are not a list,
 * `malformed`) is passed over and reported with its cause: on stderr, in the
 * JSON's `missingPages` (`{ page, cause, error }`), and with exit code 1. So
 * is a malformed entry, the page's other entries listed: in the JSON's
 * `malformedEntries` (`{ page, position, field, id?, error }`).
 */
async function printRun(
  client: DynamoDBDocumentClient,
  options: { readonly table: string; readonly format: RunsShowOptions['format'] },
  header: RunManifestHeader,
): Promise<void> {
  const out = new StreamWriter(process.stdout);
  const listing = entryListing(options.format, header);
  const missing: MissingManifestPage[] = [];
  const malformed: MalformedManifestEntry[] = [];
  try {
    await out.write(listing.start());
    for await (const page of runPages(client, options.table, header)) {
      if (page.missing !== undefined) missing.push(page.missing);
      malformed.push(...page.malformed);
      await out.write(listing.entries(page.entries));
    }
    await out.write(listing.end(missing, malformed));
  } catch (error: unknown) {
    // The reader is gone: the pages not read yet are not looked at; the problems met so far are still said.
    if (!(error instanceof BrokenPipeError)) throw error;
  }
  reportProblems([...missing, ...malformed]);
}

/** A run's entries in one output format, written in parts as its pages are read ({@link printRun}). */
interface EntryListing {
  start(): string;
  entries(entries: readonly ManifestEntry[]): string;
  end(missing: readonly MissingManifestPage[], malformed: readonly MalformedManifestEntry[]): string;
}

/** The listing of `runs show` in `format`: JSON and CSV as they come, the table kept to the end. */
function entryListing(format: RunsShowOptions['format'], header: RunManifestHeader): EntryListing {
  if (format === 'json') {
    let first = true;
    const element = (entry: ManifestEntry) => {
      const separator = first ? '' : ',';
      first = false;
      return `${separator}${jsonText(entry)}`;
    };
    return {
      start: () => `{"header":${jsonText(header)},"entries":[`,
      entries: (entries) => entries.map(element).join(''),
      end: (missing, malformed) =>
        `],"missingPages":${jsonText(missing)},"malformedEntries":${jsonText(malformed)}}\n`,
    };
  }
  if (format === 'csv') {
    return {
      start: () => listingCsvRows([ENTRY_COLUMNS]),
      entries: (entries) => listingCsvRows(entries.map(entryRow)),
      end: () => '',
    };
  }
  const rows: ListingCell[][] = [];
  return {
    start: () => '',
    entries: (entries) => {
      rows.push(...entries.map(entryRow));
      return '';
    },
    end: () => `${headerText(header)}${listingTable(ENTRY_COLUMNS, rows)}`,
  };
}

/**
 * Each missing page, malformed page entry or malformed run of the index, and
 * why, on stderr, and exit code 1: what is stored is not all listed.
 */
function reportProblems(problems: readonly { readonly error: string }[]): void {
  for (const problem of problems) process.stderr.write(`pc-hygiene: ${terminalText(problem.error)}\n`);
  if (problems.length > 0) process.exitCode = EXIT_CODE.failure;
}

async function runsShow(runId: string, flags: RunsShowOptions): Promise<void> {
  const options = { ...flags, ...(await resolveTarget(flags, { usesConfig: false })) };
  await withTable(options, async (client) => {
    const header = await readRunHeader(client, options.table, runId);
    await printRun(client, options, header);
  });
}

/** Registers `runs list` and `runs show` on the program. */
export function registerRunsCommand(program: Command): void {
  const runs = defineRunsCommand(program);
  defineRunsList(runs).action(async (options) => runsList(options));
  defineRunsShow(runs).action(async (runId, options) => runsShow(runId, options));
}
