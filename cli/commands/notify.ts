/**
 * `pc-hygiene notify`: drains the outbox once — one digest per owner — to SNS
 * (`--sink sns --topic-arn ARN`, the default sink) or to a JSON Lines file
 * (`--sink jsonl:PATH`) holding exactly the `PublishBatch` entries SNS would
 * get. Owners are judged against the owner directory (`--directory-table`)
 * on the `ownerDelivery` route of `--config`; unreachable owners' events also
 * go to the admins' owner-unreachable report (docs/notifications.md, "Owner
 * reach"). Events not delivered stay pending for the next drain (exit 1); a
 * publish the topic refused adds one line saying whose policy must let the
 * caller publish (cli/aws/topic-refusal.ts).
 *
 * As `sweep`, it acts unless `--dry-run` is given or the `--config` file says
 * `"mode": "audit"` itself (then it is a dry run, and says so on stderr;
 * `--enforce` does not change that: it only lets an acting run write to a
 * deployment in audit mode).
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Command, Option } from '@commander-js/extra-typings';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { SnsPublisher } from '../../lambdas/aws/sns-publisher';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { OUTBOX_LEASE_ID } from '../../lambdas/hygiene/data-contract';
import type { NotifierSummary, SubscriptionCheckKind } from '../../lambdas/hygiene/notifier';
import type { LeaseHeld, ReportTargets } from '../../lambdas/hygiene/notifier/types';
import type { NotificationPublisher } from '../../lambdas/hygiene/outbox-ports';
import type { TopicSubscriptionListing } from '../../lambdas/hygiene/subscription-ports';
import { deploymentTargetFlags } from '../../lambdas/render/admin-report';
import { jsonText } from '../../lambdas/render/json-text';
import { terminalText } from '../../lambdas/render/sanitize';
import { RefusalWatchingPublisher } from '../aws/refusal-watching-publisher';
import { topicRefusalAdvice } from '../aws/topic-refusal';
import { renderEntryPreview } from '../digest-preview';
import { EXIT_CODE } from '../exit-codes';
import { deliveryFailureLines } from '../format/delivery-failures';
import { appendEntries, JsonlFileSink } from '../jsonl-sink';
import { defineCommand } from '../options/define-command';
import {
  awsTargetOf,
  enforceOption,
  flagWords,
  refuseAuditDeployment,
  resolveTarget,
  type Target,
  targetFlagsOf,
} from '../options/deployment-target';
import { directoryReadBeside, directoryTableOf, directoryTableOption } from '../options/directory-options';
import { endpointWord } from '../options/endpoint-text';
import { formatOption, REPORT_FORMATS } from '../options/formats';
import { configOption, dryRunOfConfigLine, plansOnly, readConfigFile } from '../options/load-config';
import { nowOption, refuseNowOnDeployment, resolveNow } from '../options/now-option';
import type { OptionsOf } from '../options/options-of';
import { type AlsoRead, CREDENTIALS_TABLE, withTable } from '../options/table-options';
import { checkTopicArn, snsEndpointOption, topicArnOption } from '../options/topic-options';
import { checkOutputFile } from '../output-file';
import { UsageError } from '../usage-error';
import { type DrainSetup, drainTable } from '../use-cases/drain-table';
import { type DrainPreview, previewDrain } from '../use-cases/preview-drain';

/** What `notify --help` says the command does. */
const DESCRIPTION =
  'Drain the outbox: publish one digest per owner (SNS PublishBatch, or a JSON Lines file of the exact entries) ' +
  'and mark the events sent. Undelivered events stay pending for the next drain.';

/** Where digests go. */
export type Sink = { readonly kind: 'sns' } | { readonly kind: 'jsonl'; readonly path: string };

/**
 * Parses `--sink`: `sns` or `jsonl:PATH`.
 * @throws {UsageError} on anything else
 */
function parseSink(value: string): Sink {
  if (value === 'sns') return { kind: 'sns' };
  if (value.startsWith('jsonl:')) {
    const path = value.slice('jsonl:'.length);
    if (path.trim() === '')
      throw new UsageError('--sink jsonl:PATH needs a file path, e.g. --sink jsonl:out.jsonl');
    return { kind: 'jsonl', path };
  }
  throw new UsageError(`--sink ${JSON.stringify(value)} is not sns or jsonl:PATH`);
}

/**
 * Parses `--sink` and, for a file, checks its path (cli/output-file.ts): one
 * that can never be written (a directory, in a folder that does not exist)
 * is refused before anything is looked up or written.
 * @throws {UsageError} on a bad sink or path
 */
async function sinkOf(value: string): Promise<Sink> {
  const sink = parseSink(value);
  if (sink.kind === 'jsonl')
    await checkOutputFile(sink.path, '--sink jsonl:PATH', `--sink jsonl:${sink.path}`);
  return sink;
}

/**
 * The drain's summary as `notify` reports it (its JSON and text): a drain that met another drain's live lease
 * (`leaseHeld`) left what it listed pending for that drain, so it is `incomplete` here even when the drain, refused
 * the lease at its start, counts itself complete. The notifier Lambda's own summary keeps that `complete`: a
 * scheduled drain meeting another's lease is routine (docs/notifications.md, "CLI").
 */
export function notifyOutcome(summary: NotifierSummary): NotifierSummary {
  return summary.leaseHeld === undefined ? summary : { ...summary, status: 'incomplete' };
}

/**
 * `notify`'s exit code for a drain it ran (README.md, "CLI"): `failure` when events were not delivered or a store
 * call failed, `incomplete` when the drain left the rest pending ({@link notifyOutcome}: another drain's lease, or
 * `maxItems`), else `complete`.
 */
export function notifyExitCode(summary: NotifierSummary): number {
  if (summary.eventsFailed > 0 || summary.storeErrors > 0) return EXIT_CODE.failure;
  return notifyOutcome(summary).status === 'incomplete' ? EXIT_CODE.incomplete : EXIT_CODE.complete;
}

/** `until T` for another drain's lease, or that its end is not recorded (stored text, shown through `terminalText`). */
function leaseEndText(leaseHeld: LeaseHeld): string {
  return leaseHeld.until === undefined ? 'with no end recorded' : `until ${terminalText(leaseHeld.until)}`;
}

/**
 * The one stderr line of a drain that met another drain's live lease (nothing when it met none): until when it is
 * held, and when to run again — after its end, or on a local table (`local`) with a `--now` after it, since a
 * killed `notify` leaves its lease for its lease time judged on its `--now` plus the time elapsed.
 */
export function leaseHeldNote(summary: NotifierSummary, local: boolean): string | undefined {
  const held = summary.leaseHeld;
  if (held === undefined) return undefined;
  const holder = held.holder === undefined ? '' : ` (drain ${terminalText(held.holder)})`;
  const heading = `another drain${holder} holds the drain lease ${leaseEndText(held)}: what this drain did not publish stays pending`;
  if (held.until === undefined) {
    return `${heading}; no drain takes a lease without an end: remove hygieneLeaseHolder from the item ${OUTBOX_LEASE_ID} (docs/notifications.md, "The drain lease")`;
  }
  const until = terminalText(held.until);
  return (
    `${heading}. A drain that was interrupted keeps its lease until then (a notify's lease time runs on its --now ` +
    `plus the time elapsed): run notify again after ${until}${local ? ', or with a --now after it' : ''}`
  );
}

/** Why the claim conflicts line's items were left (nothing when there were none). */
function claimConflictsNote(summary: Pick<NotifierSummary, 'claimConflicts' | 'leaseHeld'>): string {
  if (summary.claimConflicts === 0) return '';
  const held = summary.leaseHeld;
  return held === undefined
    ? ' (another drain holds them)'
    : ` (another drain holds the drain lease ${leaseEndText(held)})`;
}

/** The summary as a few readable lines (stored ids shown through `terminalText`). */
export function renderNotifySummaryText(summary: NotifierSummary, sinkLabel: string): string {
  const lines = [
    `Notify ${summary.drainId}: ${statusText(summary)}`,
    `  sink                 ${sinkLabel}`,
    `  pending items read   ${summary.pendingItems}`,
    `  owners               ${summary.owners}`,
    `  digests published    ${summary.digests} (${summary.parts} message${summary.parts === 1 ? '' : 's'})`,
    `  events published     ${summary.eventsPublished}`,
    `  events failed        ${summary.eventsFailed}${summary.eventsFailed > 0 ? ' (left pending, retried next drain)' : ''}`,
    `  claim conflicts      ${summary.claimConflicts}${claimConflictsNote(summary)}`,
    `  oldest pending       ${summary.oldestPendingAgeSeconds} s`,
  ];
  lines.push(...reachLines(summary));
  lines.push(...supersededLines(summary));
  lines.push(...malformedLines(summary));
  if (summary.storeErrors > 0) lines.push(`  store errors         ${summary.storeErrors}`);
  lines.push(...deliveryFailureLines(summary.failures));
  return `${lines.join('\n')}\n`;
}

/** The heading's status: complete, or incomplete and why the rest waits ({@link notifyOutcome}). */
function statusText(summary: NotifierSummary): string {
  if (notifyOutcome(summary).status === 'complete') return 'complete';
  if (summary.leaseHeld === undefined) return 'INCOMPLETE (the rest waits for the next drain)';
  return `INCOMPLETE (another drain holds the drain lease ${leaseEndText(summary.leaseHeld)}: the rest waits for it)`;
}

/**
 * The pending notices the credentials had outgrown (docs/notifications.md, "Drain summary"; nothing when none): a
 * drain's summary and a dry run's preview say them alike.
 */
function supersededLines(summary: Pick<NotifierSummary, 'supersededEvents'>): string[] {
  const n = summary.supersededEvents;
  if (n === 0) return [];
  return [
    `  superseded events    ${n} (no longer true: renewed, used again, flagged anew or no longer deleted; never sent, a drain removes them)`,
  ];
}

/**
 * The malformed outbox entries and the items holding them, by credential id (nothing when none): a drain's summary
 * and a dry run's preview say them alike.
 */
function malformedLines(summary: Pick<NotifierSummary, 'malformedEvents' | 'malformedItems'>): string[] {
  if (summary.malformedEvents === 0) return [];
  const { count, records, omitted } = summary.malformedItems;
  const lines = [
    `  malformed entries    ${summary.malformedEvents} in ${count} item${count === 1 ? '' : 's'} (never sent; inspect and repair the items)`,
  ];
  for (const m of records)
    lines.push(
      terminalText(`  malformed: ${m.credentialId} (${m.entries} entr${m.entries === 1 ? 'y' : 'ies'})`),
    );
  if (omitted > 0)
    lines.push(`  ... ${omitted} more item${omitted === 1 ? '' : 's'} with malformed entries (not listed)`);
  return lines;
}

/** How owners recorded `confirmed` were checked, as a summary line says it (nothing when not applicable). */
const SUBSCRIPTION_CHECK_TEXT: Readonly<Record<SubscriptionCheckKind, string | undefined>> = {
  listed: 'listed on the topic: owners recorded confirmed were checked against its subscriptions',
  'recorded-states':
    'not listed: judged on the recorded states (no topic: --topic-arn or --stack lists its subscriptions)',
  'not-applicable': undefined,
};

/** The dry run's heading clause on the subscription check (empty when not applicable). */
function subscriptionCheckNote(kind: SubscriptionCheckKind): string {
  const text = SUBSCRIPTION_CHECK_TEXT[kind];
  return text === undefined ? '' : `; subscriptions ${text}`;
}

/** The owner-reach lines of the summary (docs/notifications.md, "Owner reach"). */
function reachLines(summary: NotifierSummary): string[] {
  const lines: string[] = [];
  if (summary.reach === 'unverified') {
    lines.push(
      '  owner reach          unverified (no owner directory imported: every owner assumed reachable)',
    );
  } else {
    const reasons = Object.entries(summary.unreachableReasons)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => `${reason} ${n}`);
    lines.push(
      `  owner reach          verified on ${summary.ownerDelivery}: ${summary.unreachableOwners} unreachable owner${summary.unreachableOwners === 1 ? '' : 's'}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`,
    );
  }
  const check = SUBSCRIPTION_CHECK_TEXT[summary.subscriptionCheck];
  if (check !== undefined) lines.push(`  subscriptions        ${check}`);
  if (summary.unreachableEvents > 0 || summary.invalidEvents > 0 || summary.reportParts > 0) {
    const unreported = summary.unreportedEvents;
    lines.push(
      `  admin report         ${summary.unreachableEvents} unreachable owners' event${summary.unreachableEvents === 1 ? '' : 's'}, ` +
        `${summary.invalidEvents} addressed to the wrong owner; ${summary.reportParts} message${summary.reportParts === 1 ? '' : 's'} published` +
        (unreported > 0
          ? `; ${unreported} event${unreported === 1 ? '' : 's'} NOT reported (left pending: a later drain reports them, except one too large for any message)`
          : ''),
    );
  }
  return lines;
}

/**
 * The topic `notify` publishes to and lists: a `--topic-arn` given on the
 * command line wins; else the deployed stack's TopicArn output; else (no
 * stack) `PC_HYGIENE_TOPIC_ARN`. Next to `--sink jsonl:PATH` a stack's run
 * does not refuse that variable (nothing is published), nor use it: the
 * stack's own topic is the one its owners are subscribed to.
 */
function topicOf(options: NotifyOptions, command: Command, target: Target): string | undefined {
  const deployment = target.deployment;
  if (deployment !== undefined && command.getOptionValueSource('topicArn') !== 'cli')
    return deployment.topicArn;
  return options.topicArn;
}

/** The SNS side of one `notify`: the topic and its client, when it publishes to SNS or lists the topic. */
interface SnsSide {
  /**
   * The topic named for the drain ({@link topicOf}) and the `--sns-endpoint` it is reached at, whether or not this
   * drain reaches it: the report's `owners sync-subscriptions` commands name them ({@link reportTargets}).
   */
  readonly named?: { readonly arn: string; readonly endpoint?: string };
  readonly topic?: { readonly arn: string; readonly client: SNSClient };
  /** The topic's subscriptions, listed once by the drain on `sns-email` (docs/notifications.md, "Owner reach"). */
  readonly topicSubscriptions?: TopicSubscriptionListing;
}

/**
 * One SNS client on `topicArn` (in the region its ARN names, or at
 * `--sns-endpoint`), when the command publishes to it or, on `sns-email`,
 * lists its subscriptions (also with `--sink jsonl:PATH` and `--dry-run`);
 * the topic named either way ({@link SnsSide.named}). Without a topic:
 * nothing, and a drain judges on the recorded states.
 */
function snsSideOf(
  options: NotifyOptions,
  target: Target,
  topicArn: string | undefined,
  publishes: boolean,
): SnsSide {
  const lists = target.config.ownerDelivery === 'sns-email';
  if (topicArn === undefined) return {};
  const named = {
    arn: topicArn,
    ...(options.snsEndpoint !== undefined && { endpoint: options.snsEndpoint }),
  };
  if (!(publishes || lists)) return { named };
  // A topic lives in the region its ARN names.
  const { region } = checkTopicArn(topicArn);
  const client = createSnsClient({
    ...(options.snsEndpoint !== undefined && { endpoint: options.snsEndpoint }),
    ...(target.profile !== undefined && { profile: target.profile }),
    region,
  });
  return {
    named,
    topic: { arn: topicArn, client },
    ...(lists && { topicSubscriptions: new SnsTopicSubscriptions(client, topicArn) }),
  };
}

/** Where a real drain's digests go, how to name it, and whether the topic refused any of them. */
interface DrainPublisher {
  readonly publisher: NotificationPublisher;
  readonly label: string;
  /** Whether the topic refused any entry of the drain, not only of the failures its summary lists. */
  readonly refusedAny: () => boolean;
}

/** {@link DrainPublisher} for the sink: a file never refuses; SNS is watched by a {@link RefusalWatchingPublisher}. */
function publisherFor(sink: Sink, sns: SnsSide): DrainPublisher {
  if (sink.kind === 'jsonl') {
    return { publisher: new JsonlFileSink(sink.path), label: `jsonl:${sink.path}`, refusedAny: () => false };
  }
  if (sns.topic === undefined) {
    throw new UsageError(
      '--topic-arn is required with --sink sns (or --stack NAME for the deployed topic, or --sink jsonl:PATH to write a file)',
    );
  }
  const watched = new RefusalWatchingPublisher(new SnsPublisher(sns.topic.client, sns.topic.arn));
  return { publisher: watched, label: `sns:${sns.topic.arn}`, refusedAny: () => watched.refusedAny };
}

/**
 * The advice for digests the topic refused (`AuthorizationError…`), once however
 * many owners' publishes it refused, or nothing when none was refused
 * ({@link topicRefusalAdvice}): on the stack's own topic, its
 * `operatorPrincipalArns` must list the caller's role (or, listed, the role's
 * IAM policy must allow the publish); on a topic named with `--topic-arn`, that
 * topic's policy must allow it. Decided on every entry the drain published
 * ({@link DrainPublisher.refusedAny}), not on the summary's capped failure
 * list. The refusal itself, in the failure lines, names the caller.
 */
function refusedPublishNote(
  drain: DrainPublisher,
  target: Target,
  topicArn: string | undefined,
): string | undefined {
  if (!drain.refusedAny()) return undefined;
  const stackTopic = target.deployment !== undefined && topicArn === target.deployment.topicArn;
  return topicRefusalAdvice('publish', undefined, stackTopic ? 'stack' : 'named');
}

/**
 * Where the owner-unreachable report's commands aim (docs/notifications.md, "The report message"): a deployment as
 * its own notifier names it (`--stack NAME --region REGION`: `deploymentTargetFlags`), every command alike (its
 * `--stack` names its topic too); else the restore commands at the table this drain read (`--endpoint URL --table
 * NAME`, or `--table NAME --region REGION`) and the `pc-hygiene owners …` commands, which take no `--table`, at the
 * owner directory it read (`--directory-table NAME` in its place), and those that need the topic
 * (`sync-subscriptions`) at the topic named for the drain (`topic`: `--topic-arn ARN`, and its `--sns-endpoint
 * URL`), when one was (else the report says after them to add `--topic-arn ARN`:
 * `UnreachableReportInput.topicTargetFlags`); never the operator's `--profile`, which is theirs, not the admins'.
 */
function reportTargets(target: Target, directoryTable: string, topic: SnsSide['named']): ReportTargets {
  if (target.deployment !== undefined) return { targetFlags: deploymentTargetFlags(target.deployment) };
  const reached = {
    ...(target.endpoint !== undefined && { endpoint: target.endpoint }),
    ...(target.region !== undefined && { region: target.region }),
  };
  const topicFlags =
    topic === undefined
      ? undefined
      : [
          ...flagWords('--topic-arn', topic.arn, 'ARN'),
          ...(topic.endpoint !== undefined ? ['--sns-endpoint', endpointWord(topic.endpoint, 'URL')] : []),
        ].join(' ');
  return {
    targetFlags: targetFlagsOf({ table: target.table, ...reached }),
    directoryTargetFlags: targetFlagsOf({ table: directoryTable, ...reached }, '--directory-table'),
    ...(topicFlags !== undefined && { topicTargetFlags: topicFlags }),
  };
}

/**
 * The one setup of a drain and of its preview (`--dry-run`), so the preview renders what the drain sends: the owner
 * directory read beside the table, the deployment's route and `ownerContact`, where the report's commands aim
 * ({@link reportTargets}), and the topic's subscriptions when listed.
 */
function drainSetupOf(
  client: DynamoDBDocumentClient,
  target: Target,
  directory: AlsoRead,
  sns: SnsSide,
): DrainSetup {
  return {
    directory: new DynamoOwnerDirectory(client, directory.table),
    ownerDelivery: target.config.ownerDelivery,
    ...(target.config.ownerContact !== undefined && { ownerContact: target.config.ownerContact }),
    reportTargets: reportTargets(target, directory.table, sns.named),
    ...(sns.topicSubscriptions !== undefined && { topicSubscriptions: sns.topicSubscriptions }),
  };
}

/**
 * {@link drainTable} for the target table, with readable table errors; the
 * directory table is read through the same DynamoDB endpoint and region,
 * checked first to be an owner directory (`withTable`).
 */
async function drainOutbox(
  target: Target,
  directory: AlsoRead,
  publisher: NotificationPublisher,
  sns: SnsSide,
  now: number,
): Promise<NotifierSummary> {
  return withTable(
    target,
    (client) =>
      drainTable(client, target.table, publisher, now, drainSetupOf(client, target, directory, sns)),
    CREDENTIALS_TABLE,
    directory,
  );
}

/**
 * `--dry-run`: renders what a drain would send (digests, the owner-unreachable
 * report) through the notifier's list/read and render phases, and consumes
 * nothing (`cli/use-cases/preview-drain.ts`). With `--sink jsonl:PATH` the
 * same entries are also appended to the file, as the sink would write them
 * (the input of `pc-hygiene relay`), still consuming nothing.
 */
async function previewNotify(
  options: NotifyOptions,
  sink: Sink,
  target: Target,
  directory: AlsoRead,
  sns: SnsSide,
  now: number,
) {
  const preview = await withTable(
    target,
    (client) =>
      previewDrain({
        ...drainSetupOf(client, target, directory, sns),
        outbox: new DynamoDbOutboxStore(client, target.table, { readOnly: true }),
        now,
      }),
    CREDENTIALS_TABLE,
    directory,
  );
  if (sink.kind === 'jsonl') await appendEntries(sink.path, preview.entries);
  const written = sink.kind === 'jsonl' ? { written: `jsonl:${sink.path}` } : {};
  if (options.format === 'json') {
    process.stdout.write(`${jsonText({ dryRun: true, ...written, ...preview }, 2)}\n`);
    return;
  }
  const path = sink.kind === 'jsonl' ? terminalText(sink.path) : undefined;
  const appended =
    path === undefined
      ? ''
      : preview.entries.length > 0
        ? ` Appended to ${path}.`
        : ` Nothing to append to ${path} (no message: the file is not created).`;
  const heading =
    `Notify dry run: no lease taken, nothing published or marked. ${preview.pendingItems} pending item(s), ` +
    `${preview.owners} owner digest(s), ${preview.entries.length} message(s); owner reach ${preview.reach}` +
    `${subscriptionCheckNote(preview.subscriptionCheck)}.${leftPendingNote(preview)}${appended}`;
  const skipped = skippedLines(preview);
  const top = skipped.length === 0 ? heading : [heading, ...skipped].join('\n');
  process.stdout.write([top, ...preview.entries.map(renderEntryPreview)].join('\n\n'));
  process.stdout.write('\n');
}

/**
 * What the dry run's drain would skip, in the lines of a drain's summary (nothing when none): superseded and
 * malformed outbox entries (never sent) and items another drain still claims.
 */
function skippedLines(preview: DrainPreview): string[] {
  const lines = [...supersededLines(preview), ...malformedLines(preview)];
  if (preview.claimConflicts > 0)
    lines.push(`  claim conflicts      ${preview.claimConflicts}${claimConflictsNote(preview)}`);
  return lines;
}

/** The dry run's note on events a drain would leave pending (each too large for any message), owners named. */
function leftPendingNote(preview: DrainPreview): string {
  if (preview.eventsLeftPending === 0) return '';
  const { records, omitted } = preview.leftPending;
  const owners = records.map((r) => `${r.userId} (${r.events})`).join(', ');
  const more = omitted > 0 ? ` and ${omitted} more` : '';
  return terminalText(
    ` ${preview.eventsLeftPending} event(s) too large for any message would stay pending: ${owners}${more}.`,
  );
}

/**
 * What `--enforce` does on an audit deployment: sends now what its own notifier would send anyway (an audit sweep
 * queues nothing; an operator's `sweep --enforce`, or a run before the switch to audit, did: docs/deploy.md).
 */
const NOTIFY_IN_AUDIT =
  " (it sends the owners what is queued now: what an operator's sweep --enforce queued, or a run before the " +
  "switch to audit; the deployment's notifier sends the same within notifierSchedule)";

async function runNotify(options: NotifyOptions, command: Command): Promise<void> {
  const now = resolveNow(options.now);
  // The one strict read of `--config`: a bad file is a usage error before anything reaches AWS.
  const file = options.config === undefined ? undefined : await readConfigFile(options.config);
  // `--dry-run`, or a config file saying "mode": "audit" itself: a dry run, as for `sweep`.
  const dryRun = plansOnly(options.dryRun, file);
  // A drain's leases and sent marks are written at its instant: a typed one would expire a lease at once (the
  // scheduled drain could send the same digests again) or hold the scheduled drains off until then.
  if (!dryRun) refuseNowOnDeployment(options.now, awsTargetOf(options), 'notify', '--dry-run');
  const sink = await sinkOf(options.sink);
  const target = await resolveTarget(options, {
    usesConfig: true,
    ...(file !== undefined && { fileConfig: file.config }),
  });
  // Checked before either table is read (`withTable`): another kind is refused by name; a missing one is no directory.
  const directory = directoryReadBeside(directoryTableOf(options, command, target));
  const topicArn = topicOf(options, command, target);
  if (!dryRun) refuseAuditDeployment(target, options.enforce, 'notify', NOTIFY_IN_AUDIT);
  // A dry run the file makes, not --dry-run, says so (such a run drained before notify read the file's mode).
  const fromFile = dryRunOfConfigLine('notify', options.dryRun, options.config, file);
  if (fromFile !== undefined) process.stderr.write(fromFile);
  const sns = snsSideOf(options, target, topicArn, !dryRun && sink.kind === 'sns');
  try {
    if (dryRun) return await previewNotify(options, sink, target, directory, sns, now);
    const drain = publisherFor(sink, sns);
    const summary = notifyOutcome(await drainOutbox(target, directory, drain.publisher, sns, now));
    process.stdout.write(
      options.format === 'json' ? `${jsonText(summary, 2)}\n` : renderNotifySummaryText(summary, drain.label),
    );
    const leaseNote = leaseHeldNote(summary, awsTargetOf(options) === undefined);
    if (leaseNote !== undefined) process.stderr.write(`pc-hygiene notify: ${leaseNote}\n`);
    if (summary.eventsFailed > 0 || summary.storeErrors > 0) {
      process.stderr.write(
        `pc-hygiene notify: ${summary.eventsFailed} event(s) not delivered and ${summary.storeErrors} store error(s); they stay pending for the next drain\n`,
      );
      const advice = refusedPublishNote(drain, target, topicArn);
      if (advice !== undefined) process.stderr.write(`pc-hygiene notify: ${advice}\n`);
    }
    const exitCode = notifyExitCode(summary);
    if (exitCode !== EXIT_CODE.complete) process.exitCode = exitCode;
  } finally {
    sns.topic?.client.destroy();
  }
}

/** `notify` and its flags. */
function defineNotifyCommand(program: Command) {
  return defineCommand(program, 'notify', DESCRIPTION, 'table', (command) =>
    command
      .addOption(
        new Option(
          '--sink <sink>',
          'where digests go: sns, or jsonl:PATH (append the PublishBatch entries to a file; its folder must exist)',
        )
          .default('sns')
          .env('PC_HYGIENE_SINK'),
      )
      .addOption(
        topicArnOption(
          'table',
          'the notification topic (SNS topic ARN): published to with --sink sns, which needs one; on route ' +
            'sns-email its subscriptions are also listed to judge who is reachable, with --sink jsonl: and --dry-run too',
        ),
      )
      .addOption(snsEndpointOption())
      .addOption(
        nowOption(
          'the drain instant for relative dates (in AWS, not a local --endpoint: only with --dry-run)',
        ),
      )
      .addOption(configOption('table', 'its ownerDelivery decides who is reachable', 'notify'))
      .addOption(enforceOption('send for'))
      .option(
        '--dry-run',
        'show the digests and the owner-unreachable report a drain would send (with --sink jsonl:PATH, also append them to the file); take no lease, publish and mark nothing',
      )
      .addOption(directoryTableOption())
      .addOption(formatOption(REPORT_FORMATS, 'output format')),
  );
}

/** Options of `notify`, as commander parses them. */
type NotifyOptions = OptionsOf<ReturnType<typeof defineNotifyCommand>>;

/** Registers `notify` on the program. */
export function registerNotifyCommand(program: Command): void {
  defineNotifyCommand(program).action(async (options, command) => runNotify(options, command));
}
