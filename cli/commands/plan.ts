/**
 * `pc-hygiene plan`: evaluates every record of a JSON Lines file, or of a
 * DynamoDB table, with the pure policy, writing nothing anywhere but stdout.
 * Input is streamed (line by line, or page by page) and output is written as
 * it is produced (every format streams), so memory does not grow with size.
 *
 * A table is planned as a sweep of it would decide: with the owner directory
 * the sweep reads (`--directory-table`, the env var or the stack's output:
 * `directoryTableOf`), loaded as the sweep loads it (`loadDirectoryState`: a
 * missing, empty, stale or unreadable directory orphans nothing), so the
 * orphan rule's deletions count towards the guard's verdict. A file is
 * planned without one: its summary says orphan actions are not counted.
 * A file that is one JSON array spread over lines rather than JSON Lines is
 * refused whole, a usage error before anything is printed (`refusingJsonArray`).
 * When a table's guard trips, the pending `guard approve` approval is read
 * (never consumed) and judged by the sweep's rule (cli/format/plan-guard.ts),
 * so the plan says whether the next sweep that acts would delete.
 */

import type { Command } from '@commander-js/extra-typings';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { parseApproval } from '../../lambdas/aws/guard-approval-store';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import { GUARD_APPROVAL_ATTR } from '../../lambdas/hygiene/data-contract';
import { errorText } from '../../lambdas/hygiene/errors';
import { evaluateGuard } from '../../lambdas/hygiene/guard';
import { loadDirectoryState, type OwnerStanding, ownerStanding } from '../../lambdas/hygiene/owner-directory';
import { planRecord, type RecordPlan } from '../../lambdas/hygiene/policy';
import { readApprovalItem } from '../aws/guard-approval';
import { refusingJsonArray } from '../format/json-array-refusal';
import { NO_DIRECTORY_READ, type PlanDirectory, planDirectory } from '../format/plan-directory';
import { createPlanFormatter, PLAN_FORMATS } from '../format/plan-formatter';
import { type PendingApprovalRead, planGuard } from '../format/plan-guard';
import { PlanTally } from '../format/plan-tally';
import type { PlanCounts, PlannedLine } from '../format/plan-types';
import { type JsonlLine, readJsonLines } from '../jsonl';
import { defineCommand } from '../options/define-command';
import { resolveTarget, type Target } from '../options/deployment-target';
import { directoryReadBeside, directoryTableOf, directoryTableOption } from '../options/directory-options';
import { endpointText } from '../options/endpoint-text';
import { formatOption } from '../options/formats';
import { configOption, loadConfigFile } from '../options/load-config';
import { nowOption, resolveNow } from '../options/now-option';
import type { OptionsOf } from '../options/options-of';
import {
  CREDENTIALS_TABLE,
  documentClientFor,
  type TableOptions,
  withDocumentClient,
  withTableErrors,
} from '../options/table-options';
import { writeStreamedListing } from '../streamed-listing';
import { UsageError } from '../usage-error';

/** The plan of a line that is not JSON: never acted on, reported with its line number. */
function unparsableLinePlan(error: string): RecordPlan {
  return { id: null, userId: null, actions: [], problems: [`(record): ${error}`], deleted: false };
}

/**
 * Plans each input record in order: parsed records through the policy,
 * unparsable lines as invalid records. Pure apart from consuming `lines`.
 * @param owner what the owner directory says of an owner (the orphan rule); absent: the rule is off
 */
export async function* planJsonLines(
  lines: AsyncIterable<JsonlLine>,
  config: HygieneConfig,
  now: number,
  owner?: (userId: string) => OwnerStanding,
): AsyncGenerator<PlannedLine> {
  for await (const line of lines) {
    yield {
      lineNumber: line.lineNumber,
      plan: line.ok ? planRecord(line.value, config, now, owner) : unparsableLinePlan(line.error),
    };
  }
}

/** Every item of the table, numbered in scan order (parallel segments, pages streamed). */
async function* tableItems(options: TableOptions, config: HygieneConfig): AsyncGenerator<JsonlLine> {
  const client = documentClientFor(options);
  try {
    const scanner = new DynamoDbCredentialScanner(client, options.table);
    let itemNumber = 0;
    for await (const page of scanner.scan({ segments: config.scanSegments })) {
      for (const item of page.items) {
        itemNumber += 1;
        yield { lineNumber: itemNumber, ok: true, value: item };
      }
    }
  } finally {
    client.destroy();
  }
}

/** The records, where they come from and the config to plan them with. */
interface RecordSource {
  readonly label: string;
  readonly records: AsyncGenerator<JsonlLine>;
  readonly config: HygieneConfig;
  /** The table read (table input only): its errors are rewritten as every table command's. */
  readonly target?: Target;
  /** The owner directory table a sweep of that table reads (table input only). */
  readonly directoryTable?: string;
}

/**
 * Where the records come from: exactly one of `--input` or a table (an
 * explicit `--table`, or a deployed `--stack` whose table, owner directory and config are used),
 * and for a table the owner directory a sweep of it reads.
 */
async function recordSource(options: PlanOptions, command: Command): Promise<RecordSource> {
  const tableSource = command.getOptionValueSource('table');
  const tableChosen = tableSource === 'cli' || tableSource === 'env' || options.stack !== undefined;
  if (options.input !== undefined && tableSource === 'cli') {
    throw new UsageError('give either --input FILE.jsonl or --table NAME, not both');
  }
  if (options.input !== undefined && command.getOptionValueSource('stack') === 'cli') {
    throw new UsageError('give either --input FILE.jsonl or --stack NAME, not both');
  }
  if (options.input !== undefined && command.getOptionValueSource('directoryTable') === 'cli') {
    throw new UsageError(
      '--directory-table is for a table (--table or --stack): a file is planned without an owner directory',
    );
  }
  if (options.input !== undefined) {
    const config = await loadConfigFile(options.config);
    // A pretty-printed JSON array is refused whole before anything is printed, as `import` refuses it.
    const records = refusingJsonArray(readJsonLines(options.input), options.input, 'plan');
    return { label: options.input, records, config };
  }
  if (!tableChosen) {
    throw new UsageError(
      'give --input FILE.jsonl (a JSON Lines file) or --table NAME (a DynamoDB table) or --stack NAME (a deployed stack)',
    );
  }
  const target = await resolveTarget(options, { usesConfig: true });
  const where = target.endpoint ? ` at ${endpointText(target.endpoint)}` : '';
  return {
    label: `table ${target.table}${where}`,
    records: tableItems(target, target.config),
    config: target.config,
    target,
    // As the sweep resolves it: --directory-table (its env var only without a stack), the stack's, the default.
    directoryTable: directoryTableOf(options, command, target),
  };
}

async function runPlan(options: PlanOptions, command: Command): Promise<void> {
  // Validate everything before the first byte of output: usage errors leave stdout empty.
  const now = resolveNow(options.now);
  const source = await recordSource(options, command);
  const { config } = source;
  if (source.target !== undefined) {
    const target = source.target;
    return withTableErrors(target, () => planSource(options, source, config, now));
  }
  return planSource(options, source, config, now);
}

/**
 * A table's counts with the guard's verdict on its planned deletions and, when it trips, what the next sweep that
 * acts would do with the pending approval (a file's stay as they are: it need not be the whole fleet).
 */
async function withGuard(
  counts: PlanCounts,
  source: RecordSource,
  config: HygieneConfig,
): Promise<PlanCounts> {
  const { target } = source;
  if (target === undefined) return counts;
  const activeValid = counts.valid - counts.alreadyDeleted;
  const guard = evaluateGuard({ plannedDeletes: counts.deletions, activeValid }, config);
  if (!guard.tripped) return { ...counts, guard };
  const read = await readPendingApproval(target);
  // At the wall clock, not --now: a sweep judges the approval's expiry at its own (docs/sweep.md).
  return { ...counts, ...planGuard(guard, read, Date.now()) };
}

/** Why a stored pending approval is not read: {@link parseApproval} refuses it, as a sweep would. */
const MALFORMED_APPROVAL =
  'the pending approval is malformed (not a map of id, by, reason, approvedAt, expiresAt as text and maxDeletes ' +
  'as an integer); a sweep would not override the guard with it';

/**
 * The pending approval a tripped sweep would try: the reserved item it consumes (`DynamoDbGuardApprovals`,
 * lambdas/aws/guard-approval-store.ts), read as `guard status` reads it (`readApprovalItem`), and parsed as the sweep
 * parses it. Read only. A read that fails (AccessDenied, …) or a malformed approval is said, never thrown: the
 * plan stands without it.
 */
async function readPendingApproval(target: Target): Promise<PendingApprovalRead> {
  try {
    const item = await withDocumentClient(target, (client) => readApprovalItem(client, target.table));
    const stored = item?.[GUARD_APPROVAL_ATTR.pending];
    if (stored === undefined) return { read: true };
    const pending = parseApproval(stored);
    return pending ? { read: true, pending } : { read: false, error: MALFORMED_APPROVAL };
  } catch (error: unknown) {
    return { read: false, error: errorText(error) };
  }
}

/** `items`, then `after()` once they have all been taken (before a listing of them writes its end). */
async function* followedBy<T>(items: AsyncIterable<T>, after: () => Promise<void>): AsyncGenerator<T> {
  yield* items;
  await after();
}

/** The owner directory a plan applies the orphan rule with: what it says of an owner, and its summary. */
interface PlanOwners {
  readonly summary: PlanDirectory;
  /** Absent for a file: the orphan rule is off. */
  readonly standing?: (userId: string) => OwnerStanding;
}

/**
 * A table's owner directory, loaded once as the sweep loads it
 * (`loadDirectoryState`, lambdas/hygiene/sweep/start-run.ts, from the table
 * `sweepTable` opens): a missing table reads as no directory, and a missing,
 * empty, stale or unreadable one orphans nothing. A file reads none.
 */
async function planOwners(source: RecordSource, config: HygieneConfig, now: number): Promise<PlanOwners> {
  const { target, directoryTable } = source;
  if (target === undefined || directoryTable === undefined) return { summary: NO_DIRECTORY_READ };
  const maxAgeDays = config.directoryMaxAgeDays;
  // Checked before it is read: another kind is refused by name; a missing one is no directory.
  const state = await withDocumentClient(
    target,
    (client) => loadDirectoryState(new DynamoOwnerDirectory(client, directoryTable), maxAgeDays, now),
    CREDENTIALS_TABLE,
    directoryReadBeside(directoryTable),
  );
  return {
    summary: planDirectory(directoryTable, state, maxAgeDays),
    standing: (userId) => ownerStanding(state, userId),
  };
}

async function planSource(
  options: PlanOptions,
  source: RecordSource,
  config: HygieneConfig,
  now: number,
): Promise<void> {
  const owners = await planOwners(source, config, now);
  const deployed = source.target?.deployment;
  const configPath = options.config ?? (deployed && `the deployed config of stack ${deployed.stackName}`);
  const context = { now, input: source.label, configPath };
  const formatter = createPlanFormatter(options.format);
  const tally = new PlanTally();
  let counts: PlanCounts | undefined;
  // The guard judges every record's deletions, and a tripped one reads the approval: once the last is tallied.
  const planned = followedBy(planJsonLines(source.records, config, now, owners.standing), async () => {
    counts = await withGuard({ ...tally.counts(), directory: owners.summary }, source, config);
  });
  try {
    // The first record is read before the start is written: opening the file or reaching the table fails first.
    await writeStreamedListing(process.stdout, planned, {
      start: () => formatter.start(context),
      item: (line) => {
        tally.add(line);
        return formatter.record(line, context);
      },
      end: () => {
        if (counts === undefined) throw new Error('plan: the listing ended before its records did');
        return formatter.end(counts, context);
      },
    });
  } finally {
    await source.records.return(undefined);
  }
}

/** `plan` and its flags. */
function definePlanCommand(program: Command) {
  return defineCommand(
    program,
    'plan',
    'Evaluate credentials from a JSON Lines file (--input), a table (--table) or a deployed stack (--stack) without writing anything; print the planned actions (and, for a table, the orphan rule with its owner directory, and the guard verdict with whether a tripped sweep would use the pending guard approval).',
    // No default stack: a table or stack only when named (the flags' help says so, as --config's).
    'named stack only',
    (command) =>
      command
        .option('--input <file>', 'JSON Lines file, one PersonalClient record per line')
        .addOption(nowOption('the instant to plan at'))
        .addOption(configOption('named stack only'))
        .addOption(directoryTableOption())
        .addOption(formatOption(PLAN_FORMATS, 'output format')),
  );
}

/** Options of `plan`, as commander parses them. */
type PlanOptions = OptionsOf<ReturnType<typeof definePlanCommand>>;

/** Registers `plan` on the program. */
export function registerPlanCommand(program: Command): void {
  definePlanCommand(program).action(async (options, self) => runPlan(options, self));
}
