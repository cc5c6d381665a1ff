/**
 * The admin audience (docs/notifications.md, "Admin audience"): each sweep's run summary as
 * one transport-neutral message (`lambdas/hygiene/message.ts`; on SNS, built by
 * `lambdas/aws/sns-wire.ts`) with `audience=admin`, so a security team subscribes with a
 * filter policy. A guard trip makes it `severity=high` and adds the
 * `guard-tripped` event type. An `audit` run queues nothing for the owners, and this
 * message says what would have been sent to whom. Pure apart from
 * {@link publishAdminReport}, which goes through the publisher port.
 *
 * In `lambdas/render/` (moved from `lambdas/hygiene/`): its body is the run
 * summary's text rendering, shared with the CLI, and the domain does not
 * depend on renderings. The owner digest stays in the domain because the
 * notifier use case renders it as one of its phases.
 *
 * A tripped guard's commands (check the plan, `guard approve`, the sweep
 * that uses the approval right away) name the deployment's stack,
 * `--stack NAME`, when the caller knows it (the sweep Lambda reads it from
 * `STACK_NAME`); else the text, its banner included, says to add the
 * deployment's `--stack NAME` to them.
 *
 * The sweep Lambda also passes what it found of the alarm topic's subscriptions (`alarm-topic-text.ts`): when no
 * subscription is confirmed every alarm reaches no one, and this message, on the other topic, is what says so
 * (first line, subject tag, severity at least `warning`).
 */

import { describeError } from '../hygiene/errors';
import {
  type MessageBudget,
  maxSeverity,
  type NotificationMessage,
  type OutgoingMessage,
  type Severity,
  subjectText,
} from '../hygiene/message';
import type { FailedEntry, NotificationPublisher } from '../hygiene/outbox-ports';
import { guardBlocked, type RunStatus, type RunSummary } from '../hygiene/run-summary';
import {
  type AlarmTopicReach,
  alarmsReachNoOne,
  alarmTopicLines,
  withAlarmSubject,
} from './alarm-topic-text';
import {
  approvalAdviceLines,
  guardAdviceCommands,
  renderRunSummaryText,
  runVerdict,
  type TextRenderOptions,
} from './run-summary-text';
import { terminalText } from './sanitize';
import { isStackName } from './stack-name';

/** The machine document's schema name. */
export const ADMIN_REPORT_SCHEMA = 'personal-client-hygiene/run-summary';
/** The machine document's version: bumped on any incompatible change. */
const ADMIN_REPORT_SCHEMA_VERSION = 1;

/** `eventTypes` of admin messages (owner digests use the owner event types). */
const ADMIN_EVENT_TYPES = ['run-summary', 'guard-tripped'] as const;
export type AdminEventType = (typeof ADMIN_EVENT_TYPES)[number];

/** How many owners the audit "would have been sent" list names in the text. */
const AUDIT_OWNER_LINES = 50;

/**
 * Who started a run: absent for the scheduled sweep; an operator's CLI run
 * (`pc-hygiene sweep`) names the caller's identity (STS ARN), so an override
 * by hand is never silent (docs/notifications.md, "Admin audience").
 */
export interface OperatorOrigin {
  readonly kind: 'operator';
  /** The caller's ARN (`sts:GetCallerIdentity`), or a note that it could not be found. */
  readonly by: string;
  /** The tool, e.g. `pc-hygiene 0.1.0`. */
  readonly tool: string;
}

/** The versioned JSON document admin machine subscribers receive. */
export interface AdminReportDocument {
  readonly schema: typeof ADMIN_REPORT_SCHEMA;
  readonly version: typeof ADMIN_REPORT_SCHEMA_VERSION;
  readonly audience: 'admin';
  readonly eventTypes: readonly AdminEventType[];
  readonly severity: Severity;
  /** True when record lists were emptied to fit the SNS size limit (counts are kept). */
  readonly truncated: boolean;
  /** Present for an operator's run (additive: absent for the scheduled sweep). */
  readonly origin?: OperatorOrigin;
  /** The alarm topic's subscriptions as the sweep Lambda found them after the run (additive: absent without a check). */
  readonly alarmTopic?: AlarmTopicReach;
  readonly summary: RunSummary;
}

/**
 * `high` for a guard trip, `warning` for a run that did not complete (incomplete or aborted) or whose verdict names
 * a problem ({@link runVerdict}: failed writes, credentials too large to update, invalid records, or an owner
 * directory it could not use — configured but missing, empty, stale, ahead or unreadable: `directoryUnusable`, the
 * `DirectoryUnusable` metric's rule; nothing was orphaned, and reach may be unchecked), else `info`; at least
 * `warning` when the alarm topic has no confirmed subscription. Judged from the verdict, so the text's first line
 * names whatever makes the report a warning.
 */
function adminSeverity(summary: RunSummary, alarmTopic: AlarmTopicReach | undefined): Severity {
  return alarmsReachNoOne(alarmTopic) ? maxSeverity([runSeverity(summary), 'warning']) : runSeverity(summary);
}

function runSeverity(summary: RunSummary): Severity {
  const verdict = runVerdict(summary);
  if (verdict.guardTripped) return 'high';
  return verdict.status !== 'complete' || verdict.problems.length > 0 ? 'warning' : 'info';
}

/** What the subject says of a run that did not complete (nothing for a complete one). */
const SUBJECT_STATE: Readonly<Record<RunStatus, string>> = {
  complete: '',
  incomplete: ' (incomplete)',
  aborted: ' ABORTED',
};

/**
 * A specific subject: the guard trip first, else the counts that matter, then what went wrong, in the run's verdict's
 * words ({@link runVerdict}, which the text's first line says too). A subject is cut at 100 characters: the problems,
 * most urgent first, come after the counts, as they always have (mail filters match this wording).
 */
export function adminSubject(summary: RunSummary, origin?: OperatorOrigin): string {
  const prefix = `${origin ? '[operator] ' : ''}${summary.mode === 'audit' ? '[audit] ' : ''}`;
  const state = SUBJECT_STATE[summary.status];
  const verdict = runVerdict(summary);
  if (verdict.guardTripped) return subjectText(`${prefix}Hygiene GUARD TRIPPED${state}: ${verdict.guard}`);
  const facts = [...verdict.counts, ...verdict.problems];
  return subjectText(`${prefix}Hygiene sweep${state}: ${facts.join(', ')}`);
}

/** In audit mode: the owner notices enforce would have queued, per type and per owner. */
function auditNotices(summary: RunSummary): string[] {
  const e = summary.events;
  if (summary.mode !== 'audit') return [];
  // The run summary text already gives the totals per event type; add who would have received what.
  const lines = ['', 'Audit mode: nothing was written and no owner was notified.'];
  const shown = e.perOwner.slice(0, AUDIT_OWNER_LINES);
  if (shown.length > 0) lines.push('Digests that would have been sent, per owner (events, most first):');
  // A stored userId, escaped as every stored value of the summary's text: it cannot add a line or reorder one.
  for (const o of shown) lines.push(`  ${terminalText(o.userId)}: ${o.events}`);
  const more = e.owners - shown.length;
  if (more > 0) lines.push(`  ... ${more} more owner${more === 1 ? '' : 's'}`);
  return lines;
}

/** An AWS Region's name (`eu-west-1`, `us-gov-west-1`, `eusc-de-east-1`): only such a value is printed as `--region`. */
const REGION_NAME = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/**
 * The flags aiming the advice's commands at the deployment: `--stack NAME`, then its `--region` when known (a
 * stack is found in its own Region only: an admin whose shell defaults to another would get "stack not found"), or
 * none when the stack is unknown (absent, or not a stack name by the rule the CLI's `--stack` follows,
 * `stack-name.ts`: a hand-edited environment). No quoting is needed: every character of a stack or Region name is
 * a plain shell word character (`cli/format/shell-word.ts`) that prints as itself. Always named, even when it is
 * the CLI's default stack: a `PC_HYGIENE_STACK` in the admin's shell would otherwise aim the command at another
 * stack. The one wording of a deployment's target in an admin message: the owner-unreachable report's restore
 * commands take it too (`UnreachableReportInput.targetFlags`, lambdas/hygiene/unreachable-report.ts).
 */
export function deploymentTargetFlags({
  stackName,
  region,
}: Pick<AdminReportContext, 'stackName' | 'region'>): string {
  if (stackName === undefined || !isStackName(stackName)) return '';
  return region !== undefined && REGION_NAME.test(region)
    ? `--stack ${stackName} --region ${region}`
    : `--stack ${stackName}`;
}

/** The flags of the advice's commands, decided once by {@link adminText} for the advice and the summary's banner. */
type AdviceFlags = Required<Pick<TextRenderOptions, 'targetFlags' | 'approveFlags' | 'stackUnknown'>>;

/**
 * What the admins can do about a tripped guard: check the plan, then approve the deletions and sweep right away, in
 * the banner's words ({@link approvalAdviceLines}: an approval left to the next scheduled run, which plans more by
 * then, is not used). In an `audit` deployment no scheduled run uses an approval (only an enforce run does,
 * docs/sweep.md), but that operator's `sweep --enforce` does, or the first run after the deployment is switched to
 * enforce; `guard approve` itself needs `--enforce` there (it refuses an audit deployment without it). That run
 * queues its owner notices, which the deployment's notifier sends whatever its mode (docs/deploy.md, "What audit
 * mode stops"): the advice says so. The commands carry the stack's `--stack NAME` when it is known
 * (`targetFlags`), else the text says to add it.
 */
function guardAdvice(summary: RunSummary, flags: AdviceFlags): string[] {
  const { check } = guardAdviceCommands(summary.guard.plannedDeletes, '"..."', flags);
  const approval = approvalAdviceLines(summary, flags);
  const otherwise = 'If not, fix the configuration or the data (e.g. lastUsedAt no longer maintained).';
  if (summary.mode !== 'audit') return ['', `What to do: check the plan (${check});`, ...approval, otherwise];
  return [
    '',
    `What to do: check the plan (${check}). This deployment runs in audit mode: its scheduled runs use no`,
    'approval (after a switch to enforce they do: docs/deploy.md, "Switching from audit to enforce"); an',
    "operator's sweep --enforce does:",
    ...approval,
    otherwise,
    'The sweep --enforce acts as an enforce run does: its owner notices (warnings, deletions) go to the owners,',
    "sent by this deployment's notifier within notifierSchedule.",
  ];
}

/**
 * Where a report comes from and goes back to: `origin` marks an operator's run (the CLI's `sweep` against a stack);
 * `stackName` is the deployment's CloudFormation stack, when known, which the report's commands name (`--stack
 * NAME`; without it, or with a value that is no stack name, they say to add it).
 */
export interface AdminReportContext {
  readonly origin?: OperatorOrigin;
  readonly stackName?: string;
  /** The deployment's AWS Region (the sweep Lambda's `AWS_REGION`), named beside a known stack. */
  readonly region?: string;
  /** The alarm topic's subscriptions, when the caller checked them (the sweep Lambda: `alarm-topic-check.ts`). */
  readonly alarmTopic?: AlarmTopicReach;
}

function adminText(summary: RunSummary, listLimit: number, context: AdminReportContext): string {
  const { origin } = context;
  // An audit deployment refuses guard approve without --enforce: the advice's commands carry it.
  const targetFlags = deploymentTargetFlags(context);
  const flags: AdviceFlags = {
    targetFlags,
    approveFlags: summary.mode === 'audit' ? '--enforce' : '',
    stackUnknown: targetFlags === '',
  };
  const alarmTopic = alarmTopicLines(context.alarmTopic);
  // The summary's first line is the run's verdict: an operator's run is said right under it.
  const [verdict = '', ...summaryRest] = renderRunSummaryText(summary, { listLimit, ...flags })
    .trimEnd()
    .split('\n');
  const lines = [
    ...alarmTopic.banner,
    verdict,
    ...(origin ? [`  Operator run (not the schedule) by ${origin.by} with ${origin.tool}.`] : []),
    ...summaryRest,
    ...alarmTopic.footer,
    ...auditNotices(summary),
  ];
  if (guardBlocked(summary)) lines.push(...guardAdvice(summary, flags));
  return `${lines.join('\n')}\n`;
}

/** The summary with every record list emptied (counts kept), for an oversize report. */
function withoutRecords(summary: RunSummary): RunSummary {
  const empty = <T>(list: { count: number; records: readonly T[] }) => ({
    count: list.count,
    records: [] as T[],
    omitted: list.count,
  });
  return {
    ...summary,
    invalid: empty(summary.invalid),
    skippedChanged: empty(summary.skippedChanged),
    failed: empty(summary.failed),
    ...(summary.tooLarge !== undefined && { tooLarge: empty(summary.tooLarge) }),
    ...(summary.futureActivity !== undefined && { futureActivity: empty(summary.futureActivity) }),
    events: { ...summary.events, perOwner: [], ownersOmitted: summary.events.owners },
    reach: { ...summary.reach, sample: empty(summary.reach.sample) },
  };
}

/**
 * Renders a run summary as an admin message (the batch `id` is the caller's). When the
 * full summary would exceed the budget (the publisher's limits), the record lists are left out of
 * the JSON document (`truncated: true`) and the text lists fewer records.
 */
export function renderAdminReport(
  summary: RunSummary,
  budget: MessageBudget,
  context: AdminReportContext = {},
): NotificationMessage {
  const { origin, alarmTopic } = context;
  const severity = adminSeverity(summary, alarmTopic);
  const eventTypes: AdminEventType[] = summary.guard.tripped
    ? ['run-summary', 'guard-tripped']
    : ['run-summary'];
  const build = (docSummary: RunSummary, truncated: boolean, listLimit: number): NotificationMessage => {
    const document: AdminReportDocument = {
      schema: ADMIN_REPORT_SCHEMA,
      version: ADMIN_REPORT_SCHEMA_VERSION,
      audience: 'admin',
      eventTypes,
      severity,
      truncated,
      ...(origin !== undefined && { origin }),
      ...(alarmTopic !== undefined && { alarmTopic }),
      summary: docSummary,
    };
    return {
      subject: withAlarmSubject(adminSubject(summary, origin), alarmTopic),
      text: adminText(summary, listLimit, context),
      document,
      // `origin` lets a subscription filter on operator runs (`origin=operator`).
      routing: {
        audience: 'admin',
        severity,
        eventTypes,
        ...(origin !== undefined && { origin: origin.kind }),
      },
    };
  };
  const full = build(summary, false, 20);
  if (budget.measure(full) <= budget.maxMessageBytes) return full;
  return build(withoutRecords(summary), true, 5);
}

/**
 * Publishes a run's admin report ({@link AdminReportContext}: an operator's run, the deployment's stack). Never throws for a delivery failure: the
 * report is also in the logs and metrics, so a failed publish is returned for
 * the caller to log, not retried (unlike owner events, it has no outbox).
 */
export async function publishAdminReport(
  publisher: NotificationPublisher,
  summary: RunSummary,
  context: AdminReportContext = {},
): Promise<{ readonly published: boolean; readonly failure?: FailedEntry }> {
  const message: OutgoingMessage = {
    id: 'run-summary',
    ...renderAdminReport(summary, publisher.limits, context),
  };
  try {
    const { failed } = await publisher.publishBatch([message]);
    const failure = failed[0];
    return failure ? { published: false, failure } : { published: true };
  } catch (error: unknown) {
    const { code, message: text, senderFault } = describeError(error);
    return { published: false, failure: { id: message.id, code, message: text, senderFault } };
  }
}
