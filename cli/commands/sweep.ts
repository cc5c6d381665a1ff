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
import { type Command, Option } from 'commander';
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
import { loadConfigFile } from '../load-config';
import { resolveNow } from '../now-option';
import { createTableProgress } from '../progress';
import { addTableOptions, documentClientFor, type TableOptions, withTableErrors } from '../table-options';
import { UsageError } from '../usage-error';

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

const FORMATS = ['table', 'json'] as const;

interface SweepCommandOptions extends TableOptions {
  readonly now?: string;
  readonly dryRun?: boolean;
  readonly config?: string;
  readonly allowMassDelete?: boolean;
  readonly segments?: string;
  readonly timeBudget?: string;
  readonly format: (typeof FORMATS)[number];
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
export function parseSegments(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > 64) {
    throw new UsageError(`--segments ${JSON.stringify(value)} must be an integer from 1 to 64`);
  }
  return n;
}

/**
 * Parses `--time-budget`: seconds, more than 0 and at most a day.
 * @throws {UsageError} otherwise
 */
export function parseTimeBudget(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
    throw new UsageError(
      `--time-budget ${JSON.stringify(value)} must be a number of seconds from 0 to 86400`,
    );
  }
  return seconds * 1000;
}

async function runSweepCommand(options: SweepCommandOptions): Promise<void> {
  // Usage errors before touching the table.
  const now = resolveNow(options.now);
  const loaded = await loadConfigFile(options.config);
  const segments = parseSegments(options.segments);
  const timeBudgetMs = parseTimeBudget(options.timeBudget);
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
    .option('--segments <n>', 'parallel scan segments, 1-64 (default: the config scanSegments)')
    .option(
      '--time-budget <seconds>',
      'stop cleanly before this many seconds, saving a checkpoint the next sweep resumes from (exit 4)',
    )
    .addOption(new Option('--format <format>', 'summary format').choices(FORMATS).default('table'));
  addTableOptions(command)
    .showHelpAfterError(false)
    .configureOutput({
      outputError: (message, write) => write(`pc-hygiene: ${message.replace(/^error: /, '')}`),
    })
    .action(async (options: SweepCommandOptions) => runSweepCommand(options));
}
