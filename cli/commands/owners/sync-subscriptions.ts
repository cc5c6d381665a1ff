/**
 * `pc-hygiene owners sync-subscriptions [--dry-run]`: the subscription
 * reconciler by hand (docs/notifications.md, "Subscription reconciler"):
 * makes the topic's owner email subscriptions match the owner directory and
 * records each owner's state, exactly as the scheduled Lambda does. With
 * `--stack`, the topic and the route are the deployment's unless
 * `--topic-arn`, `--config` or `--route` says otherwise (`directoryConfigOf`,
 * docs/deploy.md): a relay deployment must not get email subscriptions. So is
 * the filter-policy quota, unless `--filter-policy-quota` (or its variable)
 * gives one: the stack's `FilterPolicyQuota` output, SNS's default without it
 * ({@link filterPolicyQuotaOf}), so a run by hand stops where the Lambda does.
 *
 * When the mass-unsubscribe guard holds back the run's new opt-outs
 * (docs/notifications.md, "Subscription reconciler") the summary says so and
 * names them (recorded `none`; the next run subscribes them again);
 * `--allow-mass-unsubscribe` records them `unsubscribed` in this run, once an
 * operator has checked that those owners did unsubscribe. The summary also
 * counts the topic's subscriptions that deliver every admin message, and at
 * none warns as the scheduled Lambda does (docs/deploy.md, "Runbook: No
 * admin subscription"); a row counts the email subscriptions left out because
 * they also receive owner digests, when there is one.
 *
 * Exit codes: 0 done; 1 SNS refused some operations (retried by the next
 * run; a Subscribe the topic refused adds one line on stderr saying whose
 * policy must let the caller subscribe: cli/aws/topic-refusal.ts) or a
 * table/SNS error; 2 usage error; 3 stopped: the filter-policy
 * quota (only the subscriptions that fit created, first by userId;
 * removals and repairs still applied, states
 * recorded: the run's summary on stdout, as for a finished run — in JSON
 * with `quotaStop` — then the quota error on stderr; a dry run prints what
 * it would do) or an empty directory on `sns-email` while the topic holds
 * an owner subscription it would remove (nothing changed: the admin
 * subscriptions' count on stdout, in JSON `{ emptyDirectory: true,
 * adminSubscriptions }` (and `emailSubscriptionsWithOwnerDigests` when not 0),
 * the refusal on stderr), or the mass-unsubscribe
 * guard held back opt-outs (everything else applied). An empty directory with
 * no owner subscription to remove (before the first import) is an ordinary
 * run: its summary, exit 0.
 */
import { type Command, type CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import { SnsTopicSubscriptions } from '../../../lambdas/aws/subscription-reconciler-sns';
import { ownerDigestEmailsText } from '../../../lambdas/hygiene/admin-reach';
import { USER_ID_PLACEHOLDER } from '../../../lambdas/hygiene/pasted-command';
import type { FailedOperation } from '../../../lambdas/hygiene/subscription-creations';
import { MASS_UNSUBSCRIBE_LIMIT } from '../../../lambdas/hygiene/subscription-opt-out';
import type { SubscriptionConflict, SubscriptionOperation } from '../../../lambdas/hygiene/subscription-plan';
import {
  DEFAULT_FILTER_POLICY_QUOTA,
  FilterPolicyQuotaError,
} from '../../../lambdas/hygiene/subscription-quota';
import {
  DEFAULT_RECONCILE_CONCURRENCY,
  EmptyOwnerDirectoryError,
  type ReconcileSummary,
  reconcileSubscriptions,
  SubscriptionQuotaStop,
} from '../../../lambdas/hygiene/subscription-reconciler';
import { mailboxKey } from '../../../lambdas/relay/ses-address';
import { jsonText } from '../../../lambdas/render/json-text';
import { terminalLines } from '../../../lambdas/render/sanitize';
import type { Deployment } from '../../aws/deployment-lookup';
import { isNotAuthorized } from '../../aws/refusal-codes';
import { STACK_OUTPUT } from '../../aws/stack-outputs';
import { topicRefusalAdvice } from '../../aws/topic-refusal';
import { EXIT_CODE } from '../../exit-codes';
import { defineCommand } from '../../options/define-command';
import {
  directoryClientFor,
  directoryConfigOf,
  directoryDeploymentOf,
  requireDirectoryTable,
  routeOption,
  withDirectoryErrors,
} from '../../options/directory-options';
import { formatOption, REPORT_FORMATS } from '../../options/formats';
import { configOption } from '../../options/load-config';
import { integerIn } from '../../options/numbers';
import type { OptionsOf } from '../../options/options-of';
import { stackDefaultValue } from '../../options/stack-default';
import {
  checkTopicArn,
  snsEndpointOption,
  subscriptionsClientFor,
  topicArnOption,
} from '../../options/topic-options';
import { sayOnStderr } from '../../stderr';
import { UsageError } from '../../usage-error';

/** One conflict of the summary: why the owner is not subscribed. */
function conflictLine(c: SubscriptionConflict): string {
  switch (c.reason) {
    case 'shared-address':
      return `  conflict: ${c.userId} <${c.email}> shares the address with ${c.sharedWith}, who keeps the subscription`;
    case 'non-owner-subscription':
      return `  conflict: ${c.userId} <${c.email}> already has a non-owner subscription ${c.subscriptionArn}`;
    case 'unfilterable-id':
      return `  conflict: ${c.userId} <${c.email}>: the userId holds " or \\, which an SNS filter policy cannot be trusted to match (route relay reaches them)`;
  }
}

/** The variable that gives `--filter-policy-quota` for a session: given, it wins over a stack's output too. */
const QUOTA_ENV = 'PC_HYGIENE_FILTER_POLICY_QUOTA';

/** What `owners sync-subscriptions --help` says the command does. */
const DESCRIPTION =
  "Make the topic's owner email subscriptions match the directory: subscribe active owners, repair filter " +
  'policies, remove departed/removed owners and duplicates; record each owner’s state. ' +
  'Admin and machine subscribers are never touched.';

function defineSyncSubscriptions(owners: Command) {
  return defineCommand(owners, 'sync-subscriptions', DESCRIPTION, 'directory', (command) =>
    command
      .option('--dry-run', 'plan and print only: no SNS change, no directory write')
      .option(
        '--allow-mass-unsubscribe',
        'record this run’s opt-outs even past the mass-unsubscribe guard (only once you know those owners unsubscribed; works only in the run that trips it: see it first with --dry-run)',
      )
      .addOption(topicArnOption('directory', 'the notification topic (SNS topic ARN), required'))
      .addOption(snsEndpointOption())
      .addOption(configOption('directory', 'ownerDelivery: relay removes owner email subscriptions'))
      .addOption(
        new Option(
          '--filter-policy-quota <n>',
          'the topic’s "Filter policies per topic" quota (Service Quotas)',
        )
          .argParser(integerIn('--filter-policy-quota', 1, 1_000_000))
          .default(
            DEFAULT_FILTER_POLICY_QUOTA,
            stackDefaultValue(
              'directory',
              `the stack's ${STACK_OUTPUT.filterPolicyQuota} output, which its reconciler plans against, or ${DEFAULT_FILTER_POLICY_QUOTA} (SNS's default) without one`,
              String(DEFAULT_FILTER_POLICY_QUOTA),
            ),
          )
          .env(QUOTA_ENV),
      )
      .addOption(
        new Option('--concurrency <n>', 'SNS calls in flight at once')
          .argParser(integerIn('--concurrency', 1, 32))
          .default(DEFAULT_RECONCILE_CONCURRENCY),
      )
      .addOption(routeOption('reconcile for'))
      .addOption(formatOption(REPORT_FORMATS, 'output format')),
  );
}

type SyncOptions = OptionsOf<ReturnType<typeof defineSyncSubscriptions>>;

function operationLine(operation: FailedOperation['operation']): string {
  switch (operation.kind) {
    case 'withdraw':
      return `  withdraw ${operation.userId} <${operation.email}> ${operation.subscriptionArn} (created this run)`;
    case 'create':
      return `  create  ${operation.userId} <${operation.email}>`;
    case 'repair':
      return `  repair  ${operation.userId} ${operation.subscriptionArn} (filter was ${operation.previous || 'none'})`;
    case 'remove':
      return `  remove  ${operation.userId} <${operation.endpoint}> ${operation.subscriptionArn} (${operation.reason})`;
  }
}

/** One labelled line of the text summary. */
function row(label: string, value: string | number): string {
  return `  ${label.padEnd(20)} ${value}`;
}

/** The summary as readable lines. */
export function renderSyncSummaryText(summary: ReconcileSummary, topicArn: string): string {
  const { states, filterPolicies: fp, dryRun } = summary;
  const done = (kind: SubscriptionOperation['kind'], applied: number) =>
    dryRun ? summary.operations.filter((o) => o.kind === kind).length : applied;
  const lines = [
    `Owner subscriptions on ${topicArn} (route ${summary.route})${dryRun ? ': DRY RUN, nothing changed' : ''}`,
    row(
      'owners in directory',
      `${summary.owners} (confirmed ${states.confirmed}, pending ${states.pending}, unsubscribed ${states.unsubscribed}, none ${states.none})`,
    ),
    row(dryRun ? 'would create' : 'created', done('create', summary.created)),
    row(dryRun ? 'would repair' : 'repaired', done('repair', summary.repaired)),
    row(dryRun ? 'would remove' : 'removed', done('remove', summary.removed)),
    row('left alone', `${summary.untouched} (admin, machine, or unconfirmed subscriptions of no owner)`),
    row('filter policies', `${fp.current} now, ${fp.planned} after, quota ${fp.quota}`),
    ...adminReachLines(summary),
    ...summary.operations.map(operationLine),
    ...summary.conflicts.map(conflictLine),
    ...summary.failed.map((f) => `  failed: ${operationLine(f.operation).trim()}: ${f.error}`),
  ];
  if (!dryRun && summary.stateChanges.length > 0)
    lines.push(row('states recorded', summary.stateChanges.length));
  if (!dryRun && summary.skippedStateChanges.length > 0)
    lines.push(
      row(
        'states not recorded',
        `${summary.skippedStateChanges.length} (owner removed, departed or unsubscribed, or address or state changed, during the run, or re-reading them before subscribing failed; the next run plans again)`,
      ),
    );
  lines.push(...withdrawnLines(summary), ...exhaustedLines(summary), ...guardLines(summary));
  // Each line holds stored text (owner ids, addresses, filters, SNS errors): sanitised line by line,
  // so a stored newline or escape sequence can neither add a line nor drive the terminal.
  return terminalLines(lines);
}

/**
 * The subscriptions the run created and then withdrew (`withdrawnAfterCreate`): those removed, and those left
 * pending because SNS cannot delete a subscription awaiting confirmation (`pendingLeft`: expected, not a failure).
 */
function withdrawnLines({ withdrawnAfterCreate }: ReconcileSummary): string[] {
  const removed = withdrawnAfterCreate.filter((w) => !w.pendingLeft);
  const left = withdrawnAfterCreate.filter((w) => w.pendingLeft);
  const lines: string[] = [];
  if (removed.length > 0)
    lines.push(
      row(
        'withdrawn',
        `${removed.length} created this run, then removed: the owner unsubscribed, left or moved while the run subscribed (SNS had already emailed them a confirmation link)`,
      ),
      ...removed.map((w) => `  withdrawn ${w.userId} <${w.email}> ${w.subscriptionArn}`),
    );
  if (left.length > 0)
    lines.push(
      row(
        'left pending',
        `${left.length} created this run for an owner who unsubscribed, left or moved while the run subscribed (SNS had already emailed them a confirmation link); SNS cannot delete a subscription awaiting confirmation: it delivers nothing, does not count for the owner, and SNS deletes it unconfirmed after 48 hours (if the person confirms it, the next run finds it)`,
      ),
      ...left.map((w) => `  left pending ${w.userId} <${w.email}> ${w.subscriptionArn}`),
    );
  return lines;
}

/**
 * The owners the run did not subscribe again because their confirmation emails reached the limit unanswered
 * (`confirmationsExhausted`: no new confirmation email; docs/notifications.md, "Pending subscriptions"), and the
 * command that sends one more when an owner asks for it.
 */
function exhaustedLines({ confirmationsExhausted: exhausted, dryRun }: ReconcileSummary): string[] {
  if (exhausted.length === 0) return [];
  return [
    row(
      'not subscribed again',
      `${exhausted.length} (their confirmation emails went unanswered: no new one ${dryRun ? 'would be' : 'was'} sent; unreachable, subscription-unconfirmed; when one asks: pc-hygiene owners resubscribe ${USER_ID_PLACEHOLDER})`,
    ),
    ...exhausted.map(
      (e) =>
        `  not subscribed again ${e.userId} <${e.email}>: ${e.confirmationEmailsSent} confirmation emails unanswered`,
    ),
  ];
}

/**
 * How many of the topic's subscriptions deliver every admin message (the summary's `adminSubscriptions`), and at 0
 * the warning the scheduled Lambda logs, said to the operator (docs/deploy.md, "Runbook: No admin subscription");
 * then, when there is one, the email subscriptions left out of that count because they also receive owner digests
 * (`emailSubscriptionsWithOwnerDigests`), and why.
 */
function adminReachLines(reach: {
  readonly adminSubscriptions: number;
  readonly emailSubscriptionsWithOwnerDigests?: number;
}): string[] {
  const { adminSubscriptions, emailSubscriptionsWithOwnerDigests: withDigests = 0 } = reach;
  return [
    row('admin subscriptions', adminSubscriptions),
    ...(adminSubscriptions > 0
      ? []
      : [
          '  no admin subscription: no confirmed subscription of the topic receives every admin message (an email ' +
            'one filtered {"audience": ["admin"]}; a queue or endpoint may have no filter): SNS drops the admin run ' +
            'summaries, guard trips and owner-unreachable reports. ' +
            'See docs/deploy.md, "Runbook: No admin subscription"',
        ]),
    ...(withDigests > 0 ? [`  ${ownerDigestEmailsText(withDigests)}`] : []),
  ];
}

/** What the mass-unsubscribe guard did, when it tripped. */
function guardLines({ unsubscribeGuard: guard, dryRun }: ReconcileSummary): string[] {
  if (!guard.tripped) return [];
  const share = `${guard.newlyUnsubscribed.length} of ${guard.confirmedBefore} confirmed owners have no subscription left on the topic`;
  const verdict = guard.overridden
    ? `${dryRun ? 'would be' : 'were'} recorded unsubscribed (--allow-mass-unsubscribe)`
    : 'none recorded unsubscribed: recorded none (unreachable: their events go to the admins), and the next run ' +
      'subscribes them again; was the topic deleted and re-created? (docs/notifications.md, "Subscription reconciler")';
  return [
    `  mass-unsubscribe guard (over ${MASS_UNSUBSCRIBE_LIMIT.percent}% and at least ${MASS_UNSUBSCRIBE_LIMIT.minOwners}, or all of at least ${MASS_UNSUBSCRIBE_LIMIT.everyOfAtLeast}): ${share}; ${verdict}`,
    `  ${guard.overridden ? 'opted out' : 'held'}: ${guard.newlyUnsubscribed.join(', ')}`,
  ];
}

/**
 * Prints a run's summary on stdout, as text or JSON (`--format`). A run the
 * quota stopped (`stop`) adds `quotaStop` to the JSON: exit 3 alone does not
 * tell it from the guard or an empty directory (the text's stop is the error
 * on stderr).
 */
function printSummary(
  summary: ReconcileSummary,
  format: SyncOptions['format'],
  topicArn: string,
  stop?: SubscriptionQuotaStop,
): void {
  const quotaStop = stop && { quota: stop.quota, needed: stop.needed, creations: stop.creations };
  process.stdout.write(
    format === 'json'
      ? `${jsonText({ ...summary, ...(quotaStop !== undefined && { quotaStop }) })}\n`
      : renderSyncSummaryText(summary, topicArn),
  );
}

/**
 * What a refused empty directory (one that would remove owner subscriptions) still tells (the run listed the topic
 * before refusing, and changed nothing): the admins' reach, as a finished run's summary gives it — in text the row
 * and, at 0, its warning; in JSON `{ emptyDirectory: true, adminSubscriptions }`, with
 * `emailSubscriptionsWithOwnerDigests` when not 0. The refusal itself goes to stderr.
 */
function printRefusal(refusal: EmptyOwnerDirectoryError, format: SyncOptions['format']): void {
  const { adminSubscriptions, emailSubscriptionsWithOwnerDigests: withDigests } = refusal;
  process.stdout.write(
    format === 'json'
      ? `${jsonText({ emptyDirectory: true, adminSubscriptions, ...(withDigests > 0 && { emailSubscriptionsWithOwnerDigests: withDigests }) })}\n`
      : terminalLines(adminReachLines(refusal)),
  );
}

/**
 * The filter-policy quota the run plans against: `--filter-policy-quota` or {@link QUOTA_ENV} when given; else, with
 * a stack, the one its reconciler plans against (the `FilterPolicyQuota` output; SNS's default without it), so a
 * deployment with a raised quota does not stop at 200 (docs/deploy.md, "Owner subscriptions: the SNS quota"); else
 * SNS's default. Acting on a stack, says on stderr which quota it uses and where from.
 */
function filterPolicyQuotaOf(
  options: SyncOptions,
  command: CommandUnknownOpts,
  say: (line: string) => void = sayOnStderr,
): number {
  const deployment = directoryDeploymentOf(command);
  if (deployment === undefined) return options.filterPolicyQuota;
  const chosen = chooseFilterPolicyQuota(options.filterPolicyQuota, command, deployment);
  say(`filter-policy quota ${chosen.quota} (${chosen.source})`);
  return chosen.quota;
}

/** {@link filterPolicyQuotaOf} with a stack: the quota, and where it came from as stderr says it. */
function chooseFilterPolicyQuota(
  given: number,
  command: CommandUnknownOpts,
  { stackName, filterPolicyQuota: deployed }: Deployment,
): { readonly quota: number; readonly source: string } {
  const deployedQuota = deployed ?? DEFAULT_FILTER_POLICY_QUOTA;
  const source = command.getOptionValueSource('filterPolicyQuota');
  if (source === 'cli' || source === 'env') {
    const named = source === 'cli' ? '--filter-policy-quota' : QUOTA_ENV;
    const differs =
      given === deployedQuota ? '' : `; stack ${stackName}'s reconciler plans against ${deployedQuota}`;
    return { quota: given, source: `${named}${differs}` };
  }
  if (deployed !== undefined) {
    return { quota: deployed, source: `stack ${stackName}'s ${STACK_OUTPUT.filterPolicyQuota} output` };
  }
  return {
    quota: DEFAULT_FILTER_POLICY_QUOTA,
    source: `SNS's default; stack ${stackName} has no ${STACK_OUTPUT.filterPolicyQuota} output: it sets no filterPolicyQuota, or was deployed before the output existed`,
  };
}

/**
 * Says once on stderr, when the topic refused any owner's new subscription (`AuthorizationError…`), whose policy must
 * let the caller subscribe ({@link topicRefusalAdvice}): the stack's topic lets only its reconciler, the stack's
 * `operatorPrincipalArns` and the deployment role subscribe; a topic named with `--topic-arn` decides by its own policy.
 */
function sayRefusedSubscribe(summary: ReconcileSummary, topicArn: string, command: CommandUnknownOpts): void {
  const refused = summary.failed.some((f) => f.operation.kind === 'create' && isNotAuthorized(f.error));
  if (!refused) return;
  const stackTopic = directoryDeploymentOf(command)?.topicArn === topicArn;
  sayOnStderr(
    `owners sync-subscriptions: ${topicRefusalAdvice('subscribe', undefined, stackTopic ? 'stack' : 'named')}`,
  );
}

async function runSyncSubscriptions(options: SyncOptions, command: CommandUnknownOpts): Promise<void> {
  if (!options.topicArn) {
    throw new UsageError(
      '--topic-arn is required (or PC_HYGIENE_TOPIC_ARN, or --stack NAME for the deployed topic)',
    );
  }
  checkTopicArn(options.topicArn); // a bad ARN is told before the config is looked up
  const { config } = directoryConfigOf(command);
  const filterPolicyQuota = filterPolicyQuotaOf(options, command);
  const documentClient = directoryClientFor(options);
  const snsClient = subscriptionsClientFor(options.topicArn, options.snsEndpoint, options.profile);
  try {
    await withDirectoryErrors(options, () => requireDirectoryTable(documentClient, options));
    const summary = await reconcileSubscriptions(
      {
        topic: new SnsTopicSubscriptions(snsClient, options.topicArn, options.concurrency),
        directory: new DynamoOwnerDirectory(documentClient, options.directoryTable),
      },
      {
        route: options.route ?? config.ownerDelivery,
        filterPolicyQuota,
        dryRun: options.dryRun ?? false,
        allowMassUnsubscribe: options.allowMassUnsubscribe ?? false,
        concurrency: options.concurrency,
        // The relay's mailbox rule, as the Lambda and `owners import` use: a re-spelled address is no move.
        mailboxKey,
      },
    );
    printSummary(summary, options.format, options.topicArn);
    sayRefusedSubscribe(summary, options.topicArn, command);
    if (summary.failed.length > 0) process.exitCode = EXIT_CODE.failure;
    if (summary.unsubscribeGuard.tripped && !summary.unsubscribeGuard.overridden) {
      process.exitCode = EXIT_CODE.guardTripped;
    }
  } catch (error: unknown) {
    if (!(error instanceof FilterPolicyQuotaError || error instanceof EmptyOwnerDirectoryError)) throw error;
    // A run stopped at the quota still applied removals and repairs, recorded states and may have held opt-outs:
    // the operator sees that summary as for a finished run (a dry run's: what it would do).
    if (error instanceof SubscriptionQuotaStop) {
      printSummary(error.summary, options.format, options.topicArn, error);
    }
    if (error instanceof EmptyOwnerDirectoryError) printRefusal(error, options.format);
    process.stderr.write(`pc-hygiene: ${error.message}\n`);
    process.exitCode = EXIT_CODE.guardTripped;
  } finally {
    documentClient.destroy();
    snsClient.destroy();
  }
}

/** Registers `owners sync-subscriptions` on the `owners` command. */
export function registerOwnersSyncSubscriptionsCommand(owners: Command): void {
  defineSyncSubscriptions(owners).action(async (options, command) => runSyncSubscriptions(options, command));
}
