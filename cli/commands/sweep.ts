/**
 * `pc-hygiene sweep`: one real run against a table — the same use case as the
 * scheduled Lambda (plan, guard, apply, summary), driven by the operator.
 *
 * Against a deployed stack (`--stack`, the default without `--table` or
 * `--endpoint`) it decides with the deployed config unless `--config` is
 * given, refuses to act on an audit-mode deployment without `--enforce`, and
 * an acting run publishes its admin summary (marked as an operator run, with
 * the caller's identity) and the run metrics, as the scheduled sweep does
 * (docs/sweep.md, "Operator runs").
 *
 * The CLI acts (`enforce`) unless `--dry-run` is given or the `--config` file
 * says `"mode": "audit"` explicitly (the config schema's default mode is
 * `audit` for deployments; an operator's hand tool that did nothing by
 * default would surprise). Exit codes: 0 complete, 1 failure (including
 * failed writes and a run aborted by them), 2 usage, 3 guard tripped (no
 * deletions made), 4 incomplete.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import type { Mode } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { type PlannedDeletion, SweepAbortedError } from '../../lambdas/hygiene/sweep';
import { renderRunSummaryJson, renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { terminalText } from '../../lambdas/render/sanitize';
import { resolveOperator } from '../aws/caller-identity';
import { renderDeletionListingText, renderDryRunJson } from '../format/deletion-listing';
import { defineCommand } from '../options/define-command';
import {
  enforceOption,
  refuseAuditDeployment,
  resolveTarget,
  type Target,
} from '../options/deployment-target';
import { directoryTableOf, directoryTableOption } from '../options/directory-options';
import { formatOption, REPORT_FORMATS } from '../options/formats';
import { nowOption, resolveNow } from '../options/now-option';
import { optional, secondsUpTo } from '../options/numbers';
import type { OptionsOf } from '../options/options-of';
import { segmentsOption } from '../options/scan-segments';
import { withDocumentClient, withTableErrors } from '../options/table-options';
import { checkTopicArn } from '../options/topic-options';
import { createTableProgress } from '../progress';
import { sweepExitCode, sweepTable } from '../use-cases/sweep-table';
import { CLI_TOOL } from '../version';

/** What `sweep --help` says the command does. */
const DESCRIPTION =
  'Run the hygiene sweep against a table: expiry notices, stale flags, soft-deletes (guarded), owner events. ' +
  'Exit codes: 0 complete, 1 failure, 2 usage, 3 guard tripped (no deletions made), 4 incomplete.';

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
  return defineCommand(program, 'sweep', DESCRIPTION, 'table', (command) =>
    command
      .addOption(nowOption('the decision instant'))
      .option(
        '--dry-run',
        "audit mode: plan and report only, write nothing, notify nobody; lists every deletion with the guard's verdict",
      )
      .option(
        '--config <file>',
        'hygiene configuration as JSON (default: the deployed stack\'s); "mode": "audit" in it also means a dry run',
      )
      .option(
        '--allow-mass-delete',
        'make the deletions even if the blast-radius guard trips (this run only; for local tables: ' +
          'against a deployment, record an approval with pc-hygiene guard approve instead)',
      )
      .addOption(enforceOption('act on'))
      .addOption(segmentsOption())
      .option(
        '--time-budget <seconds>',
        'stop cleanly before this many seconds, saving a checkpoint the next sweep resumes from (exit 4)',
        parseTimeBudget,
      )
      .addOption(directoryTableOption())
      .addOption(formatOption(REPORT_FORMATS, 'summary format')),
  );
}

type SweepOptions = OptionsOf<ReturnType<typeof defineSweepCommand>>;

/**
 * The run's mode: `--dry-run` or a `--config` saying `"mode": "audit"` plan
 * only; otherwise the sweep acts, which a deployment in audit mode refuses
 * without `--enforce`.
 * @throws {UsageError} (AuditDeploymentError) for an audit-mode deployment without `--enforce`
 */
async function sweepMode(options: SweepOptions, target: Target): Promise<Mode> {
  if (options.dryRun || (await configSaysAudit(options.config))) return 'audit';
  refuseAuditDeployment(target, options.enforce, 'sweep', ', or --dry-run to see what it would do');
  return 'enforce';
}

/**
 * Tells the deployment about an operator's acting run: admin summary on its
 * topic and the run metrics (`cli/aws/operator-report.ts`); says on stderr
 * what could not be delivered.
 */
async function reportToDeployment(target: Target, summary: RunSummary): Promise<void> {
  const deployment = target.deployment;
  if (deployment === undefined || summary.mode !== 'enforce') return;
  // Loaded on demand: the STS and CloudWatch clients are needed by an operator run only.
  const { createOperatorClients, reportOperatorSweep } = await import('../aws/operator-report');
  const aws = { region: checkTopicArn(deployment.topicArn).region, profile: target.profile };
  const { sts, cloudWatch } = createOperatorClients({ region: target.region, profile: target.profile });
  const sns = createSnsClient({
    region: aws.region,
    ...(aws.profile !== undefined && { profile: aws.profile }),
  });
  try {
    const outcome = await reportOperatorSweep(deployment, summary, { sts, cloudWatch, sns }, CLI_TOOL);
    const said = (line: string) => process.stderr.write(`pc-hygiene sweep: ${terminalText(line)}\n`);
    if (outcome.published)
      said(`admin run summary published to ${deployment.topicArn} (operator run by ${outcome.origin.by})`);
    else
      said(
        `admin run summary NOT published: ${outcome.publishFailure?.code}: ${outcome.publishFailure?.message}`,
      );
    if (outcome.metricsFailure !== undefined) said(`run metrics NOT sent: ${outcome.metricsFailure}`);
  } finally {
    sts.destroy();
    cloudWatch.destroy();
    sns.destroy();
  }
}

/**
 * How the run is printed: the summary, and for a dry run every planned
 * deletion with the guard's verdict (table after the summary, or the JSON
 * summary's `deletions`), collected through the sweep's `onDeletion`.
 */
function sweepPrinter(format: SweepOptions['format'], mode: Mode) {
  const deletions: PlannedDeletion[] = [];
  const listing = mode === 'audit';
  return {
    onDeletion: listing ? (deletion: PlannedDeletion) => deletions.push(deletion) : undefined,
    print(summary: RunSummary): void {
      if (format === 'json') {
        process.stdout.write(listing ? renderDryRunJson(summary, deletions) : renderRunSummaryJson(summary));
        return;
      }
      const text = renderRunSummaryText(summary);
      process.stdout.write(listing ? `${text}${renderDeletionListingText(deletions, summary.guard)}` : text);
    },
  };
}

async function runSweepCommand(options: SweepOptions, command: Command): Promise<void> {
  // Usage errors before touching the table.
  const now = resolveNow(options.now);
  const target = await resolveTarget(options, { usesConfig: true });
  const { segments, timeBudget: timeBudgetMs } = options;
  const config = segments === undefined ? target.config : { ...target.config, scanSegments: segments };
  const mode = await sweepMode(options, target);
  const directoryTable = directoryTableOf(options, command, target);
  // Who runs it, recorded in the run manifest's header.
  const operator = mode === 'enforce' ? await resolveOperator(target) : undefined;
  await withDocumentClient(target, async (client) => {
    const progress = createTableProgress(client, target.table, `sweep (${mode})`);
    const { print, onDeletion } = sweepPrinter(options.format, mode);
    // An abort is caught inside `withTableErrors`: its message quotes the last write error, which the table-error
    // rewording would otherwise turn into a setup error (e.g. lost credentials) and so hide the run's summary.
    const outcome = await withTableErrors(target, () =>
      sweepOrAbort(() =>
        sweepTable({
          client,
          tableName: target.table,
          config,
          now,
          mode,
          allowMassDelete: options.allowMassDelete ?? false,
          ...(operator !== undefined && { operator }),
          directoryTable,
          ...(timeBudgetMs !== undefined && { timeBudgetMs }),
          ...(onDeletion !== undefined && { onDeletion }),
          onProgress: (p) => progress.update(p.scanned),
          onWarning: (message) => {
            progress.clear();
            process.stderr.write(`pc-hygiene sweep: ${message}\n`);
          },
        }),
      ),
    ).finally(() => progress.clear());
    // What was written before an abort is on the table: show it and tell the deployment, as for a finished run.
    print(outcome.summary);
    await reportToDeployment(target, outcome.summary);
    if (outcome.aborted !== undefined) {
      process.stderr.write(`pc-hygiene: sweep aborted: ${terminalText(outcome.aborted.message)}\n`);
    }
    process.exitCode = sweepExitCode(outcome.summary);
  });
}

/** A run's summary, and the abort that ended it early (more than `maxWriteFailures` failed writes), if any. */
interface SweepOutcome {
  readonly summary: RunSummary;
  readonly aborted?: SweepAbortedError;
}

/** Runs the sweep; an abort is an outcome with its partial summary (exit 1), every other error is thrown. */
async function sweepOrAbort(run: () => Promise<RunSummary>): Promise<SweepOutcome> {
  try {
    return { summary: await run() };
  } catch (error: unknown) {
    if (error instanceof SweepAbortedError) return { summary: error.summary, aborted: error };
    throw error;
  }
}

/** Registers `sweep` on the program. */
export function registerSweepCommand(program: Command): void {
  defineSweepCommand(program).action(async (options, command) => runSweepCommand(options, command));
}
