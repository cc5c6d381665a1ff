/**
 * `pc-hygiene sweep`: one real run against a table — the same use case as the
 * scheduled Lambda (plan, guard, apply, summary), driven by the operator.
 *
 * Against a deployed stack (`--stack`, the default without `--table` or
 * `--endpoint`) it decides with the deployed config unless `--config` is
 * given, refuses to act on an audit-mode deployment without `--enforce`, and
 * an acting run publishes its admin summary (marked as an operator run, with
 * the caller's identity) and the run metrics, as the scheduled sweep does
 * (docs/sweep.md, "Operator runs"); a summary not published is a failure
 * (exit 1: the writes stand, the admins were not told), which `--format json`
 * says too (`adminSummary`). `--allow-mass-delete`,
 * and `--now` on a run that acts, are for local tables (`--endpoint`): in AWS
 * (a stack, or a table named without `--endpoint`) they are refused before
 * anything reaches AWS (a deployment's override is `guard
 * approve`; docs/deploy.md, "Operating a deployment from the CLI").
 *
 * The CLI acts (`enforce`) unless `--dry-run` is given or the `--config` file
 * says `"mode": "audit"` explicitly (the config schema's default mode is
 * `audit` for deployments; an operator's hand tool that did nothing by
 * default would surprise); a dry run the file makes says so on stderr.
 * Exit codes: 0 complete, 1 failure (including failed writes, a run aborted
 * by them or by an error of its own after it wrote, a dry run stopped by its
 * time budget, and an operator run's admin summary not published), 2 usage,
 * 3 guard tripped (no deletions made), 4 incomplete (a checkpoint saved).
 */
import type { Command } from '@commander-js/extra-typings';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import type { Mode } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import type { PlannedDeletion } from '../../lambdas/hygiene/sweep';
import {
  guardAdviceCommands,
  renderRunSummaryJson,
  renderRunSummaryText,
  type TextRenderOptions,
} from '../../lambdas/render/run-summary-text';
import { terminalText } from '../../lambdas/render/sanitize';
import { resolveVerifiedOperator } from '../aws/caller-identity';
import { EXIT_CODE } from '../exit-codes';
import { renderDeletionListingText, renderDryRunJson } from '../format/deletion-listing';
import { defineCommand } from '../options/define-command';
import {
  awsTargetOf,
  enforceFlagFor,
  enforceOption,
  flagWords,
  refuseAuditDeployment,
  resolveTarget,
  type Target,
  targetFlagsOf,
} from '../options/deployment-target';
import {
  directoryReadBeside,
  directoryTableGiven,
  directoryTableOf,
  directoryTableOption,
} from '../options/directory-options';
import { formatOption, REPORT_FORMATS } from '../options/formats';
import {
  configOption,
  configSaysAudit,
  dryRunOfConfigLine,
  type LoadedConfigFile,
  plansOnly,
  readConfigFile,
} from '../options/load-config';
import { nowOption, refuseNowOnDeployment, resolveNow } from '../options/now-option';
import { optional, secondsUpTo } from '../options/numbers';
import type { OptionsOf } from '../options/options-of';
import { segmentsOption } from '../options/scan-segments';
import { CREDENTIALS_TABLE, withDocumentClient, withTableErrors } from '../options/table-options';
import { checkTopicArn } from '../options/topic-options';
import { createTableProgress, type Progress } from '../progress';
import { UsageError } from '../usage-error';
import {
  type SweepOutcome,
  sweepAbortedLine,
  sweepExitCode,
  sweepOrAbort,
  sweepTable,
  type TableSweep,
} from '../use-cases/sweep-table';
import { CLI_TOOL } from '../version';

/** What `sweep --help` says the command does. */
const DESCRIPTION =
  'Run the hygiene sweep against a table: expiry notices, stale flags, soft-deletes (guarded), owner events. ' +
  'Exit codes: 0 complete, 1 failure, 2 usage, 3 guard tripped (no deletions made), ' +
  '4 incomplete (checkpoint saved; a dry run stopped by --time-budget keeps none: 1).';

/**
 * Parses `--time-budget`: seconds, more than 0 and at most a day, as milliseconds.
 * @throws {UsageError} otherwise
 */
export const parseTimeBudget = optional(secondsUpTo('--time-budget', 86_400));

/** `sweep` and its flags. */
function defineSweepCommand(program: Command) {
  return defineCommand(program, 'sweep', DESCRIPTION, 'table', (command) =>
    command
      .addOption(nowOption('the decision instant (in AWS, not a local --endpoint: only with --dry-run)'))
      .option(
        '--dry-run',
        "audit mode: plan and report only, write nothing, notify nobody; lists every deletion with the guard's verdict",
      )
      .addOption(configOption('table', undefined, 'the sweep'))
      .option(
        '--allow-mass-delete',
        'make the deletions even if the blast-radius guard trips (this run only). Local tables only ' +
          '(--endpoint): refused in AWS (a stack, or a table without --endpoint); there, record an approval the deployed sweep uses: ' +
          'pc-hygiene guard approve --max-deletes N --reason TEXT',
      )
      .addOption(enforceOption('act on'))
      .addOption(segmentsOption())
      .option(
        '--time-budget <seconds>',
        'stop cleanly before this many seconds, saving a checkpoint the next sweep resumes from (exit 4); ' +
          'a dry run saves none (the next one starts from the top) and exits 1',
        parseTimeBudget,
      )
      .addOption(directoryTableOption())
      .addOption(formatOption(REPORT_FORMATS, 'summary format')),
  );
}

type SweepOptions = OptionsOf<ReturnType<typeof defineSweepCommand>>;

/** The run's flags that change what it plans, as the tripped guard's advice carries them ({@link checkFlagsOf}). */
type PlanFlags = Required<Pick<TextRenderOptions, 'nowFlags' | 'checkFlags'>> &
  Pick<TextRenderOptions, 'auditConfigFile'>;

/**
 * The run's flags that change what it plans, as the shell words the tripped
 * guard's check carries after the target flags (docs/sweep.md, "The
 * blast-radius guard"): `--now` (`nowFlags`), then `--config` and
 * `--directory-table` (`checkFlags`) when given (the directory on the command
 * line or by its env var: not its default, which a pasted command gets by
 * itself, as {@link directoryTableOf} tells them apart), so the pasted `sweep
 * --dry-run` plans at the run's instant, with its config and its owner
 * directory, not the wall clock, the deployed or built-in config, or another
 * directory. The acting sweep the advice gives next carries `checkFlags`
 * too, but `--now` only on a local table (in AWS an acting sweep refuses it);
 * when the `--config` file says `"mode": "audit"` ({@link configSaysAudit}:
 * a sweep with it only plans, `--enforce` or not), that file as `checkFlags`
 * names it (`auditConfigFile`), so the advice says to take the mode out first.
 * `--segments` splits the same scan and `--time-budget` only stops it early:
 * the check plans the whole table without them.
 * @param file the `--config` file as read ({@link readConfigFile}), when given
 */
function checkFlagsOf(
  options: SweepOptions,
  command: Command,
  file: LoadedConfigFile | undefined,
): PlanFlags {
  const directoryGiven = directoryTableGiven(command);
  const configWords = flagWords('--config', options.config, 'FILE');
  const [, configWord] = configWords;
  return {
    nowFlags: flagWords('--now', options.now, 'ISO').join(' '),
    checkFlags: [
      ...configWords,
      ...flagWords('--directory-table', directoryGiven ? options.directoryTable : undefined, 'NAME'),
    ].join(' '),
    ...(configSaysAudit(file) && configWord !== undefined && { auditConfigFile: configWord }),
  };
}

/**
 * Refuses, before anything reaches AWS, the flags that are for local tables
 * only when the run is not on one (a stack looked up, or a table named
 * without `--endpoint`: `awsTargetOf`; docs/deploy.md, "Operating a
 * deployment from the CLI"): `--allow-mass-delete`, a mass deletion no recorded approval
 * covers — a deployment's override goes through the worker (`guard approve`:
 * recorded, expiring, used and reported by the deployed sweep) —, and `--now`
 * on a run that acts. The refusal's check carries the run's plan flags ({@link checkFlagsOf}).
 * @throws {UsageError}
 */
function refuseLocalOnlyFlags(options: SweepOptions, planOnly: boolean, planFlags: PlanFlags): void {
  const awsTarget = awsTargetOf(options);
  if (awsTarget === undefined) return;
  if (options.allowMassDelete) {
    // The deployment's mode is not known before its lookup: an --enforce given is kept (audit mode needs it).
    const { check, approve } = guardAdviceCommands('N', 'TEXT [--expires-in 24h]', {
      targetFlags: targetFlagsOf(options),
      ...planFlags,
      approveFlags: options.enforce === true ? '--enforce' : '',
    });
    // A --config saying audit would make that sweep plan only: the refusal says so, as the guard's banner does.
    const audit = planFlags.auditConfigFile;
    const acting = audit === undefined ? '' : ` and with "mode": "audit" taken out of ${audit}`;
    throw new UsageError(
      `--allow-mass-delete is for local tables: against ${awsTarget} a mass deletion goes through the ` +
        `deployed worker. Check the plan (${check}), record an approval with ${approve}, ` +
        `then sweep without the flag${acting} (docs/deploy.md, "Switching from audit to enforce")`,
    );
  }
  if (!planOnly) refuseNowOnDeployment(options.now, awsTarget, 'sweep', '--dry-run');
}

/**
 * The run's mode: `--dry-run` or a `--config` saying `"mode": "audit"` plan
 * only; otherwise the sweep acts, which a deployment in audit mode refuses
 * without `--enforce`.
 * @throws {UsageError} (AuditDeploymentError) for an audit-mode deployment without `--enforce`
 */
function sweepMode(options: SweepOptions, target: Target, planOnly: boolean): Mode {
  if (planOnly) return 'audit';
  refuseAuditDeployment(
    target,
    options.enforce,
    'sweep',
    " (an acting sweep queues owner notices, which the deployment's notifier sends within notifierSchedule)" +
      ', or --dry-run to see what it would do',
  );
  return 'enforce';
}

/**
 * Whether an operator's acting run told the admins: its admin run summary
 * published on the deployment's topic or not, and why not (`--format json`'s
 * `adminSummary`, docs/sweep.md, "Operator runs (`--stack`)").
 */
export interface AdminSummaryReport {
  readonly published: boolean;
  /** The deployment's topic it was published, or refused, on. */
  readonly topicArn: string;
  /** Why it was not published: SNS's error code and message (absent when published, or when SNS gave none). */
  readonly error?: string;
}

/**
 * Tells the deployment about an operator's acting run: admin summary on its
 * topic and the run metrics (`cli/aws/operator-report.ts`); says on stderr
 * what could not be delivered.
 * @returns whether the admin run summary was published (the admins told of the run), or `undefined` for a run
 *   that publishes none (not against a deployment, or not acting)
 */
async function reportToDeployment(
  target: Target,
  summary: RunSummary,
  callerArn: string | undefined,
): Promise<AdminSummaryReport | undefined> {
  const deployment = target.deployment;
  if (deployment === undefined || summary.mode !== 'enforce') return undefined;
  // Loaded on demand: the STS and CloudWatch clients are needed by an operator run only.
  const { createOperatorClients, reportOperatorSweep, unpublishedSummaryText } = await import(
    '../aws/operator-report'
  );
  const aws = { region: checkTopicArn(deployment.topicArn).region, profile: target.profile };
  const { sts, cloudWatch } = createOperatorClients({ region: target.region, profile: target.profile });
  const sns = createSnsClient({
    region: aws.region,
    ...(aws.profile !== undefined && { profile: aws.profile }),
  });
  try {
    const clients = { sts, cloudWatch, sns };
    const outcome = await reportOperatorSweep(deployment, summary, clients, CLI_TOOL, callerArn);
    const said = (line: string) => process.stderr.write(`pc-hygiene sweep: ${terminalText(line)}\n`);
    if (outcome.published)
      said(`admin run summary published to ${deployment.topicArn} (operator run by ${outcome.origin.by})`);
    else said(unpublishedSummaryText(deployment, summary, outcome));
    // Metrics failing is said, not failed on: the admins were told of the run by its summary, which carries every
    // figure the metrics do; the metrics feed the dashboard and alarms, whose run alarms keep their state over a
    // missing datapoint (the text above already says when the alarm cannot fire either).
    if (outcome.metricsFailure !== undefined) said(`run metrics NOT sent: ${outcome.metricsFailure}`);
    const failure = outcome.publishFailure;
    return {
      published: outcome.published,
      topicArn: deployment.topicArn,
      ...(!outcome.published && failure !== undefined && { error: `${failure.code}: ${failure.message}` }),
    };
  } finally {
    sts.destroy();
    cloudWatch.destroy();
    sns.destroy();
  }
}

/** The options of a tripped guard's advice the sweep gives (`TextRenderOptions`). */
type GuardAdvice = Required<
  Pick<TextRenderOptions, 'targetFlags' | 'nowFlags' | 'checkFlags' | 'approveFlags' | 'localTable'>
> &
  Pick<TextRenderOptions, 'auditConfigFile'>;

/**
 * What a tripped guard's advice aims at (`renderRunSummaryText`'s options):
 * the run's table (`targetFlags`), so the `sweep --dry-run` it shows reads
 * the plan and the `guard approve` records the approval where this sweep
 * looks; the run's settings (`nowFlags`, `checkFlags`: {@link checkFlagsOf})
 * on the dry run, so it plans what this run planned, and on the acting sweep
 * (`--now` on a local table only; a `--config` file saying `"mode": "audit"`
 * named, `auditConfigFile`, as that sweep would only plan with it);
 * `--enforce` on the approval for a deployment in audit mode, which refuses
 * it without; and whether `--allow-mass-delete` is offered: on a local
 * table only (`awsTargetOf`; in AWS the flag is refused).
 */
function guardAdvice(options: SweepOptions, target: Target, planFlags: PlanFlags): GuardAdvice {
  return {
    targetFlags: targetFlagsOf(options),
    ...planFlags,
    approveFlags: enforceFlagFor(target),
    localTable: awsTargetOf(options) === undefined,
  };
}

/**
 * How the run is printed: the summary, and for a dry run every planned
 * deletion with the guard's verdict (table after the summary, or the JSON
 * output's `plannedDeletions`), collected through the sweep's `onDeletion`.
 * A tripped guard's advice is aimed by `advice`, and after a dry run's list
 * points at that list.
 */
function sweepPrinter(format: SweepOptions['format'], mode: Mode, advice: GuardAdvice) {
  const deletions: PlannedDeletion[] = [];
  const listing = mode === 'audit';
  return {
    onDeletion: listing ? (deletion: PlannedDeletion) => deletions.push(deletion) : undefined,
    print(summary: RunSummary, adminSummary?: AdminSummaryReport): void {
      if (format === 'json') {
        // A dry run publishes no admin summary: `adminSummary` is an acting operator run's only.
        const document = { ...summary, ...(adminSummary !== undefined && { adminSummary }) };
        process.stdout.write(listing ? renderDryRunJson(summary, deletions) : renderRunSummaryJson(document));
        return;
      }
      const text = renderRunSummaryText(summary, { ...advice, plannedDeletionsListed: listing });
      process.stdout.write(listing ? `${text}${renderDeletionListingText(deletions, summary.guard)}` : text);
    },
  };
}

/**
 * What stderr says when `--segments N` was given and the run resumes from a checkpoint saved with another segment
 * count: the flag is ignored, the checkpoint's count used (its positions are per segment; docs/sweep.md, "Time
 * budget and checkpoint"). `undefined` when the flag was not given or the counts agree.
 */
export function segmentsIgnoredLine(given: number | undefined, resumedSegments: number): string | undefined {
  if (given === undefined || given === resumedSegments) return undefined;
  const ofSegments = `${resumedSegments} segment${resumedSegments === 1 ? '' : 's'}`;
  return (
    `pc-hygiene sweep: --segments ${given} ignored: resuming a checkpoint of ${ofSegments} ` +
    '(docs/sweep.md, "Time budget and checkpoint")\n'
  );
}

/**
 * What the run tells stderr as it goes, the progress line cleared first: a stored checkpoint ignored as unreadable,
 * and in text a `--segments` the resumed checkpoint overrides ({@link segmentsIgnoredLine}; the JSON summary's
 * `checkpoint.segments` gives the count used).
 */
function runNotes(options: SweepOptions, progress: Progress): Pick<TableSweep, 'onWarning' | 'onResume'> {
  const say = (line: string) => {
    progress.clear();
    process.stderr.write(line);
  };
  return {
    onWarning: (message) => say(`pc-hygiene sweep: ${message}\n`),
    onResume: (resumeFrom) => {
      if (options.format === 'json') return;
      const ignored = segmentsIgnoredLine(options.segments, resumeFrom.segments);
      if (ignored !== undefined) say(ignored);
    },
  };
}

async function runSweepCommand(options: SweepOptions, command: Command): Promise<void> {
  // Usage errors before touching the table (and, but for the audit-mode refusal, before anything reaches AWS).
  const now = resolveNow(options.now);
  // The one strict read of `--config` (BOM, repeated keys, bad values: the usage error it always gives).
  const file = options.config === undefined ? undefined : await readConfigFile(options.config);
  const planOnly = plansOnly(options.dryRun, file);
  const planFlags = checkFlagsOf(options, command, file);
  refuseLocalOnlyFlags(options, planOnly, planFlags);
  const target = await resolveTarget(options, {
    usesConfig: true,
    ...(file !== undefined && { fileConfig: file.config }),
  });
  const { segments, timeBudget: timeBudgetMs } = options;
  const config = segments === undefined ? target.config : { ...target.config, scanSegments: segments };
  const mode = sweepMode(options, target, planOnly);
  // A dry run the file makes, not --dry-run, says so: a script that relied on the file acting is told.
  const fromFile = dryRunOfConfigLine('sweep', options.dryRun, options.config, file);
  if (fromFile !== undefined) process.stderr.write(fromFile);
  const directoryTable = directoryTableOf(options, command, target);
  // Checked before either table is read: another kind is refused by name; a missing one is no directory.
  const directory = directoryReadBeside(directoryTable);
  // Who runs it, recorded in the run manifest's header.
  const operator = mode === 'enforce' ? await resolveVerifiedOperator(target) : undefined;
  await withDocumentClient(
    target,
    async (client) => {
      const progress = createTableProgress(client, target.table, `sweep (${mode})`);
      const { print, onDeletion } = sweepPrinter(
        options.format,
        mode,
        guardAdvice(options, target, planFlags),
      );
      // An abort is caught inside `withTableErrors`: its message quotes the last write error (or the run's own error
      // after it wrote), which the table-error rewording would otherwise turn into a setup error (e.g. lost
      // credentials) and so hide the run's summary.
      const outcome = await withTableErrors(
        target,
        () =>
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
              ...runNotes(options, progress),
            }),
          ),
        directory,
      ).finally(() => progress.clear());
      // What was written before an abort is on the table: show it and tell the deployment, as for a finished run.
      // The text comes first, as the run's record; the JSON after the report, to say whether the admins were told.
      const json = options.format === 'json';
      if (!json) print(outcome.summary);
      let adminSummary: AdminSummaryReport | undefined;
      try {
        adminSummary = await reportToDeployment(target, outcome.summary, operator?.callerArn);
      } finally {
        if (json) print(outcome.summary, adminSummary);
      }
      const endedEarly = endedEarlyLine(outcome);
      if (endedEarly !== undefined) process.stderr.write(endedEarly);
      process.exitCode = operatorExitCode(outcome.summary, adminSummary?.published ?? true);
    },
    CREDENTIALS_TABLE,
    directory,
  );
}

/**
 * A dry run (`audit`) its time budget stopped before the end of the table: it
 * planned only the part it read, and keeps no checkpoint, so the next one
 * starts from the top again (docs/sweep.md, "Exit codes").
 */
function dryRunStoppedEarly(summary: RunSummary): boolean {
  return summary.mode === 'audit' && summary.status === 'incomplete';
}

/** What stderr says of a run that ended early: aborted (why), or a dry run its time budget stopped. */
function endedEarlyLine({ summary, aborted }: SweepOutcome): string | undefined {
  if (aborted !== undefined) return sweepAbortedLine(aborted);
  if (!dryRunStoppedEarly(summary)) return undefined;
  return (
    'pc-hygiene: dry run incomplete: the time budget stopped it before the end of the table, so it planned only ' +
    'the part it read; a dry run keeps no checkpoint, so the next one starts from the top again: raise ' +
    '--time-budget (or leave it out) to plan the whole table\n'
  );
}

/**
 * The command's exit code: the run's ({@link sweepExitCode}), and two
 * failures (1) of the command's own. A dry run its time budget stopped
 * exits 1, not 4 ("incomplete: continues from its checkpoint"): it keeps no
 * checkpoint, and its plan covers part of the table. A run that is
 * otherwise complete but whose admin summary was not published exits 1 —
 * the writes stand, the admins were not told; a more specific code the run
 * already has (guard tripped, incomplete, failed writes) is kept.
 */
export function operatorExitCode(summary: RunSummary, adminsTold: boolean): number {
  const code = sweepExitCode(summary);
  if (code === EXIT_CODE.incomplete && dryRunStoppedEarly(summary)) return EXIT_CODE.failure;
  return adminsTold || code !== EXIT_CODE.complete ? code : EXIT_CODE.failure;
}

/** Registers `sweep` on the program. */
export function registerSweepCommand(program: Command): void {
  defineSweepCommand(program).action(async (options, command) => runSweepCommand(options, command));
}
