/**
 * `pc-hygiene runs list | show RUN_ID`: the run manifests the sweep keeps
 * (docs/data-model.md, "Run manifests") — which enforce runs deleted
 * credentials, and for one run every deletion with its owner, rule and the
 * dates it was decided from. Table, JSON or CSV. Read-only. What the stored
 * manifest holds is checked first (cli/aws/run-manifest-parse.ts): a malformed run
 * of the index or entry of a page is named on stderr and left out, the others
 * are listed, and the command exits 1. `runs list` lists once a run the
 * index holds twice (an append the SDK retried). `runs show` streams JSON and
 * CSV page by page, and stops reading when its reader closes the output
 * (`| head`). The listings' formats are `cli/format/`'s:
 * `run-index-listing.ts` for `runs list`, `run-entry-listing.ts` for `runs
 * show`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from '@commander-js/extra-typings';
import type { RunIndexEntry, RunManifestHeader } from '../../lambdas/hygiene/run-manifest';
import { terminalText } from '../../lambdas/render/sanitize';
import type {
  MalformedManifestEntry,
  MalformedRunIndexEntry,
  MissingManifestPage,
} from '../aws/run-manifest-parse';
import { listRuns, readRunHeader, runPages } from '../aws/run-manifests';
import { EXIT_CODE } from '../exit-codes';
import { runEntryListing } from '../format/run-entry-listing';
import { runIndexListing } from '../format/run-index-listing';
import { defineCommand } from '../options/define-command';
import { resolveTarget, type TargetFlags } from '../options/deployment-target';
import { formatOption, LISTING_FORMATS } from '../options/formats';
import type { OptionsOf } from '../options/options-of';
import { requireRunIdArgument, runsShowCommandFor } from '../options/run-id';
import { withTable } from '../options/table-options';
import { writeStreamedListing } from '../streamed-listing';

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
        .argument(
          '<run-id>',
          'the run id (from runs list, a run summary or a credential history)',
          parseRunId,
        )
        .addOption(formatOption(LISTING_FORMATS, 'output format')),
  );
}

/**
 * Reads the `<run-id>` argument (`requireRunIdArgument`): an empty run id, or one too long for its manifest's keys,
 * is a usage error naming the argument (exit 2), not DynamoDB's raw key error.
 * @throws {UsageError}
 */
function parseRunId(value: string): string {
  return requireRunIdArgument('the run id argument', value);
}

type RunsListOptions = OptionsOf<ReturnType<typeof defineRunsList>>;
type RunsShowOptions = OptionsOf<ReturnType<typeof defineRunsShow>>;

/**
 * The runs once each, newest first: a run is listed in the index once per
 * append, and the append (a plain `list_append`, lambdas/aws/run-manifest-store.ts)
 * is made twice when the SDK retries it after a lost response. The copies
 * are the same header's line; the newest is kept.
 */
function distinctRuns(runs: readonly RunIndexEntry[]): RunIndexEntry[] {
  const seen = new Set<string>();
  return runs.filter((run) => {
    if (seen.has(run.runId)) return false;
    seen.add(run.runId);
    return true;
  });
}

async function runsList(flags: RunsListOptions): Promise<void> {
  const options = { ...flags, ...(await resolveTarget(flags, { usesConfig: false })) };
  const malformed: MalformedRunIndexEntry[] = [];
  const runs = await withTable(options, (client) =>
    listRuns(client, options.table, (entry) => malformed.push(entry)),
  );
  process.stdout.write(runIndexListing(options.format, distinctRuns(runs), malformed.length));
  reportProblems(malformed.map((entry) => ({ error: malformedRunText(entry, flags) })));
}

/**
 * A malformed run of the index as `runs list` reports it: its error, then, when its stored run id is one the CLI
 * takes, `; its header stays readable: pc-hygiene runs show …` aimed at the table listed (`flags`:
 * `runsShowCommandFor`), so that pasted it reads that run's header, not the default stack's.
 */
function malformedRunText(entry: MalformedRunIndexEntry, flags: TargetFlags): string {
  const command = entry.runId === undefined ? undefined : runsShowCommandFor(entry.runId, flags);
  return command === undefined ? entry.error : `${entry.error}; its header stays readable: ${command}`;
}

/**
 * Writes the run's entries in `format` ({@link runEntryListing}), page by
 * page ({@link writeStreamedListing}), so output closed by its reader
 * (`| head`) stops the reading of further pages (exit code as for the pages
 * read). A missing page (its write failed in the run, or lost since; or its
 * entries are not a list, `malformed`) is passed over and reported with its
 * cause: on stderr, in the JSON's `missingPages`, and with exit code 1. So
 * is a malformed entry, the page's other entries listed: in the JSON's
 * `malformedEntries`.
 */
async function printRun(
  client: DynamoDBDocumentClient,
  options: { readonly table: string; readonly format: RunsShowOptions['format'] },
  header: RunManifestHeader,
): Promise<void> {
  const listing = runEntryListing(options.format, header);
  const missing: MissingManifestPage[] = [];
  const malformed: MalformedManifestEntry[] = [];
  await writeStreamedListing(process.stdout, runPages(client, options.table, header), {
    start: () => listing.start(),
    item: (page) => {
      if (page.missing !== undefined) missing.push(page.missing);
      malformed.push(...page.malformed);
      return listing.entries(page.entries);
    },
    end: () => listing.end(missing, malformed),
  });
  // Said also when the reader is gone: the pages not read yet are not looked at, the problems met so far are.
  reportProblems([...missing, ...malformed]);
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
