/**
 * `pc-hygiene sweep`: one real run against a table — the same use case as the
 * scheduled Lambda (plan, guard, apply, summary), driven by the operator.
 *
 * The CLI acts (`enforce`) unless `--dry-run` is given or the `--config` file
 * says `"mode": "audit"` explicitly (the config schema's default mode is
 * `audit` for deployments; an operator's hand tool that did nothing by
 * default would surprise). Exit codes: 0 complete, 1 failure (including
 * failed writes), 2 usage, 3 guard tripped (no deletions made), 4 incomplete.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from '@commander-js/extra-typings';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import type { HygieneConfig, Mode } from '../../lambdas/hygiene/config';
import {
  guardBlocked,
  type RunSummary,
  renderRunSummaryJson,
  renderRunSummaryText,
} from '../../lambdas/hygiene/run-summary';
import {
  createRunId,
  DEFAULT_DEADLINE_MARGIN_MS,
  runSweep,
  SweepAbortedError,
  type SweepProgress,
} from '../../lambdas/hygiene/sweep';
import { formatOption, REPORT_FORMATS } from '../options/formats';
import { loadConfigFile } from '../options/load-config';
import { resolveNow } from '../options/now-option';
import { integerIn, optional, secondsUpTo } from '../options/numbers';
import type { OptionsOf } from '../options/options-of';
import { addTableOptions, documentClientFor, withTableErrors } from '../options/table-options';
import { createTableProgress } from '../progress';

/** Exit codes of `sweep` (documented in docs/sweep.md). */
export const SWEEP_EXIT = {
  complete: 0,
  failure: 1,
  usage: 2,
  guardTripped: 3,
  incomplete: 4,
} as const;

/**
 * The exit code for a finished run: failed writes first (something is
 * broken), then a tripped guard (deletions need an operator's decision),
 * then an incomplete scan (run again to continue).
 */
export function sweepExitCode(summary: RunSummary): number {
  if (summary.failed.count > 0) return SWEEP_EXIT.failure;
  if (guardBlocked(summary)) return SWEEP_EXIT.guardTripped;
  if (summary.status === 'incomplete') return SWEEP_EXIT.incomplete;
  return SWEEP_EXIT.complete;
}

/** What {@link sweepTable} needs. */
export interface TableSweep {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly config: HygieneConfig;
  readonly now: number;
  readonly mode: Mode;
  readonly allowMassDelete?: boolean;
  readonly onProgress?: (progress: SweepProgress) => void;
  /** A time budget in ms: the run stops cleanly (incomplete, checkpoint saved) before it runs out. */
  readonly timeBudgetMs?: number;
  /** Told when a stored checkpoint is unreadable and ignored. */
  readonly onWarning?: (message: string) => void;
}

/**
 * Runs one sweep over a table with the DynamoDB adapters (scanner, writer,
 * checkpoint store): what `sweep` and `local` share.
 * @throws {SweepAbortedError} when too many writes failed
 */
export function sweepTable(options: TableSweep): Promise<RunSummary> {
  const { client, tableName, timeBudgetMs } = options;
  const deadline = timeBudgetMs === undefined ? undefined : Date.now() + timeBudgetMs;
  return runSweep(
    {
      scanner: new DynamoDbCredentialScanner(client, tableName),
      writer: new DynamoDbTransitionWriter(client, tableName),
      checkpoints: new DynamoDbCheckpointStore(client, tableName, {
        ...(options.onWarning && { onInvalid: options.onWarning }),
      }),
      ...(options.onProgress && { onProgress: options.onProgress }),
      ...(deadline !== undefined && { remainingMs: () => deadline - Date.now() }),
    },
    {
      config: options.config,
      now: options.now,
      runId: createRunId(options.now, randomBytes(3).toString('hex')),
      mode: options.mode,
      allowMassDelete: options.allowMassDelete ?? false,
      // A short budget keeps a tenth of itself in reserve rather than the Lambda-sized default.
      ...(timeBudgetMs !== undefined && {
        deadlineMarginMs: Math.min(DEFAULT_DEADLINE_MARGIN_MS, timeBudgetMs / 10),
      }),
    },
  );
}

/** True when the config file sets `"mode": "audit"` itself (not by the schema's default). */
async function configSaysAudit(path: string | undefined): Promise<boolean> {
  if (path === undefined) return false;
  // loadConfigFile already read and validated it: this cannot fail for a reason it did not report.
  const json = JSON.parse(await readFile(path, 'utf8')) as { mode?: unknown };
  return json.mode === 'audit';
}

/**
 * Parses `--segments`: an integer from 1 to 64 (the config's range).
 * @throws {UsageError} otherwise
 */
export const parseSegments = optional(integerIn('--segments', 1, 64));

/**
 * Parses `--time-budget`: seconds, more than 0 and at most a day, as milliseconds.
 * @throws {UsageError} otherwise
 */
export const parseTimeBudget = optional(secondsUpTo('--time-budget', 86_400));

/** `sweep` and its flags. */
function defineSweepCommand(program: Command) {
  const command = program
    .command('sweep')
    .description(
      'Run the hygiene sweep against a table: expiry notices, stale flags, soft-deletes (guarded), owner events. ' +
        'Exit codes: 0 complete, 1 failure, 2 usage, 3 guard tripped (no deletions made), 4 incomplete.',
    )
    .option('--now <iso>', 'the decision instant, RFC 3339 with a zone (default: the wall clock)')
    .option('--dry-run', 'audit mode: plan and report only, write nothing, notify nobody')
    .option('--config <file>', 'hygiene configuration as JSON; "mode": "audit" in it also means a dry run')
    .option('--allow-mass-delete', 'make the deletions even if the blast-radius guard trips (this run only)')
    .option(
      '--segments <n>',
      'parallel scan segments, 1-64 (default: the config scanSegments)',
      parseSegments,
    )
    .option(
      '--time-budget <seconds>',
      'stop cleanly before this many seconds, saving a checkpoint the next sweep resumes from (exit 4)',
      parseTimeBudget,
    )
    .addOption(formatOption(REPORT_FORMATS, 'summary format'));
  return addTableOptions(command);
}

type SweepOptions = OptionsOf<ReturnType<typeof defineSweepCommand>>;

async function runSweepCommand(options: SweepOptions): Promise<void> {
  // Usage errors before touching the table.
  const now = resolveNow(options.now);
  const loaded = await loadConfigFile(options.config);
  const { segments, timeBudget: timeBudgetMs } = options;
  const config = segments === undefined ? loaded : { ...loaded, scanSegments: segments };
  const mode: Mode = options.dryRun || (await configSaysAudit(options.config)) ? 'audit' : 'enforce';
  const client = documentClientFor(options);
  const progress = createTableProgress(client, options.table, `sweep (${mode})`);
  const print = (summary: RunSummary) =>
    process.stdout.write(
      options.format === 'json' ? renderRunSummaryJson(summary) : renderRunSummaryText(summary),
    );
  try {
    const summary = await withTableErrors(options, () =>
      sweepTable({
        client,
        tableName: options.table,
        config,
        now,
        mode,
        allowMassDelete: options.allowMassDelete ?? false,
        ...(timeBudgetMs !== undefined && { timeBudgetMs }),
        onProgress: (p) => progress.update(p.scanned),
        onWarning: (message) => {
          progress.clear();
          process.stderr.write(`pc-hygiene sweep: ${message}\n`);
        },
      }),
    );
    progress.clear();
    print(summary);
    process.exitCode = sweepExitCode(summary);
  } catch (error: unknown) {
    progress.clear();
    if (error instanceof SweepAbortedError) {
      // What was written before the abort is on the table: show it, then fail.
      print(error.summary);
      throw new Error(`sweep aborted: ${error.message}`);
    }
    throw error;
  } finally {
    client.destroy();
  }
}

/** Registers `sweep` on the program. */
export function registerSweepCommand(program: Command): void {
  defineSweepCommand(program).action(async (options) => runSweepCommand(options));
}
