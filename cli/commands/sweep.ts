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
import { readFile } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import type { Mode } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { SweepAbortedError } from '../../lambdas/hygiene/sweep';
import { renderRunSummaryJson, renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { checkDirectoryTableName, directoryTableOption } from '../options/directory-options';
import { formatOption, REPORT_FORMATS } from '../options/formats';
import { loadConfigFile } from '../options/load-config';
import { resolveNow } from '../options/now-option';
import { optional, secondsUpTo } from '../options/numbers';
import type { OptionsOf } from '../options/options-of';
import { segmentsOption } from '../options/scan-segments';
import { addTableOptions, documentClientFor, withTableErrors } from '../options/table-options';
import { createTableProgress } from '../progress';
import { sweepExitCode, sweepTable } from '../use-cases/sweep-table';

/** True when the config file sets `"mode": "audit"` itself (not by the schema's default). */
async function configSaysAudit(path: string | undefined): Promise<boolean> {
  if (path === undefined) return false;
  // loadConfigFile already read and validated it: this cannot fail for a reason it did not report.
  const json = JSON.parse(await readFile(path, 'utf8')) as { mode?: unknown };
  return json.mode === 'audit';
}

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
    .addOption(segmentsOption())
    .option(
      '--time-budget <seconds>',
      'stop cleanly before this many seconds, saving a checkpoint the next sweep resumes from (exit 4)',
      parseTimeBudget,
    )
    .addOption(directoryTableOption())
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
  const directoryTable = checkDirectoryTableName(options.directoryTable);
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
        directoryTable,
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
