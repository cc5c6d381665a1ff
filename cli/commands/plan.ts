/**
 * `pc-hygiene plan`: evaluates every record of a JSON Lines file with the pure
 * policy, writing nothing anywhere but stdout. Input is streamed line by line
 * and output is written as it is produced (every format streams), so memory
 * does not grow with file size.
 */
import { type Command, Option } from 'commander';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import { planRecord, type RecordPlan } from '../../lambdas/hygiene/policy';
import { createPlanFormatter, PLAN_FORMATS, type PlanFormat } from '../format/plan-formatter';
import { PlanTally } from '../format/plan-tally';
import type { PlannedLine } from '../format/plan-types';
import { type JsonlLine, readJsonLines } from '../jsonl';
import { loadConfigFile } from '../load-config';
import { resolveNow } from '../now-option';
import { BrokenPipeError, StreamWriter } from '../stream-writer';

/** Options of `plan`, as commander parses them. */
interface PlanOptions {
  readonly input: string;
  readonly now?: string;
  readonly config?: string;
  readonly format: PlanFormat;
}

/** The plan of a line that is not JSON: never acted on, reported with its line number. */
function unparsableLinePlan(error: string): RecordPlan {
  return { id: null, userId: null, actions: [], problems: [`(record): ${error}`], deleted: false };
}

/**
 * Plans each JSON Lines line in order: parsed records through the policy,
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

async function runPlan(options: PlanOptions): Promise<void> {
  // Validate everything before the first byte of output: usage errors leave stdout empty.
  const now = resolveNow(options.now);
  const config = await loadConfigFile(options.config);
  const lines = readJsonLines(options.input);
  const first = await lines.next(); // opens the file: an unreadable input fails here
  const context = { now, input: options.input, configPath: options.config };
  const formatter = createPlanFormatter(options.format);
  const tally = new PlanTally();
  const out = new StreamWriter(process.stdout);
  async function* all(): AsyncGenerator<JsonlLine> {
    if (first.done) return;
    yield first.value;
    yield* lines;
  }
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
  }
}

/** Registers `plan` on the program. */
export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description(
      'Evaluate credentials from a JSON Lines file without writing anything; print the planned actions.',
    )
    .requiredOption('--input <file>', 'JSON Lines file, one PersonalClient record per line')
    .option('--now <iso>', 'the instant to plan at, RFC 3339 with a zone (default: the wall clock)')
    .option('--config <file>', 'hygiene configuration as JSON (default: built-in defaults)')
    .addOption(new Option('--format <format>', 'output format').choices(PLAN_FORMATS).default('table'))
    // Usage errors must be one line: the error, without the help text after it.
    .showHelpAfterError(false)
    .configureOutput({
      outputError: (message, write) => write(`pc-hygiene: ${message.replace(/^error: /, '')}`),
    })
    .action(async (options: PlanOptions) => runPlan(options));
}
