/**
 * `pc-hygiene plan`: evaluates every record of a JSON Lines file, or of a
 * DynamoDB table, with the pure policy, writing nothing anywhere but stdout.
 * Input is streamed (line by line, or page by page) and output is written as
 * it is produced (every format streams), so memory does not grow with size.
 */
import type { Command } from '@commander-js/extra-typings';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import { planRecord, type RecordPlan } from '../../lambdas/hygiene/policy';
import { createPlanFormatter, PLAN_FORMATS } from '../format/plan-formatter';
import { PlanTally } from '../format/plan-tally';
import type { PlannedLine } from '../format/plan-types';
import { type JsonlLine, readJsonLines } from '../jsonl';
import { formatOption } from '../options/formats';
import { loadConfigFile } from '../options/load-config';
import { resolveNow } from '../options/now-option';
import type { OptionsOf } from '../options/options-of';
import {
  addTableOptions,
  documentClientFor,
  type TableOptions,
  withTableErrors,
} from '../options/table-options';
import { BrokenPipeError, StreamWriter } from '../stream-writer';
import { UsageError } from '../usage-error';

/** The plan of a line that is not JSON: never acted on, reported with its line number. */
function unparsableLinePlan(error: string): RecordPlan {
  return { id: null, userId: null, actions: [], problems: [`(record): ${error}`], deleted: false };
}

/**
 * Plans each input record in order: parsed records through the policy,
 * unparsable lines as invalid records. Pure apart from consuming `lines`.
 */
export async function* planJsonLines(
  lines: AsyncIterable<JsonlLine>,
  config: HygieneConfig,
  now: number,
): AsyncGenerator<PlannedLine> {
  for await (const line of lines) {
    yield {
      lineNumber: line.lineNumber,
      plan: line.ok ? planRecord(line.value, config, now) : unparsableLinePlan(line.error),
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

/** Where the records come from: exactly one of `--input` or an explicit `--table`. */
function recordSource(
  options: PlanOptions,
  command: Command,
  config: HygieneConfig,
): { label: string; records: AsyncGenerator<JsonlLine> } {
  const tableSource = command.getOptionValueSource('table');
  const tableChosen = tableSource === 'cli' || tableSource === 'env';
  if (options.input !== undefined && tableSource === 'cli') {
    throw new UsageError('give either --input FILE.jsonl or --table NAME, not both');
  }
  if (options.input !== undefined) return { label: options.input, records: readJsonLines(options.input) };
  if (!tableChosen) {
    throw new UsageError('give --input FILE.jsonl (a JSON Lines file) or --table NAME (a DynamoDB table)');
  }
  const where = options.endpoint ? ` at ${options.endpoint}` : '';
  return { label: `table ${options.table}${where}`, records: tableItems(options, config) };
}

async function runPlan(options: PlanOptions, command: Command): Promise<void> {
  // Validate everything before the first byte of output: usage errors leave stdout empty.
  const now = resolveNow(options.now);
  const config = await loadConfigFile(options.config);
  const source = recordSource(options, command, config);
  // Reading the first record opens the file or reaches the table, so those errors come first too.
  const first = await source.records.next();
  async function* all(): AsyncGenerator<JsonlLine> {
    if (first.done) return;
    yield first.value;
    yield* source.records;
  }
  const context = { now, input: source.label, configPath: options.config };
  const formatter = createPlanFormatter(options.format);
  const tally = new PlanTally();
  const out = new StreamWriter(process.stdout);
  try {
    await out.write(formatter.start(context));
    for await (const planned of planJsonLines(all(), config, now)) {
      tally.add(planned);
      await out.write(formatter.record(planned, context));
    }
    await out.write(formatter.end(tally.counts(), context));
  } catch (error: unknown) {
    if (error instanceof BrokenPipeError) return;
    throw error;
  } finally {
    await source.records.return(undefined);
  }
}

/** `plan` and its flags. */
function definePlanCommand(program: Command) {
  const command = program
    .command('plan')
    .description(
      'Evaluate credentials from a JSON Lines file (--input) or a table (--table) without writing anything; print the planned actions.',
    )
    .option('--input <file>', 'JSON Lines file, one PersonalClient record per line')
    .option('--now <iso>', 'the instant to plan at, RFC 3339 with a zone (default: the wall clock)')
    .option('--config <file>', 'hygiene configuration as JSON (default: built-in defaults)')
    .addOption(formatOption(PLAN_FORMATS, 'output format'));
  return addTableOptions(command);
}

/** Options of `plan`, as commander parses them. */
type PlanOptions = OptionsOf<ReturnType<typeof definePlanCommand>>;

/** Registers `plan` on the program. */
export function registerPlanCommand(program: Command): void {
  definePlanCommand(program).action(async (options, self) =>
    withTableErrors(options, () => runPlan(options, self)),
  );
}
