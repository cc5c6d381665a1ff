/**
 * `pc-hygiene owners unsubscribe <userId...>`: an owner's opt-out recorded by
 * hand (docs/notifications.md, "Subscription reconciler"), the mirror of
 * `owners resubscribe`. Without it, a person who writes "stop emailing me",
 * or an owner on the `relay` route (relay emails carry no unsubscribe link),
 * could only be opted out by editing the table. The state `unsubscribed`
 * makes the owner unreachable on both routes (their events go to the admins'
 * `owner-unreachable` report); whenever a topic is known their subscriptions
 * leave it first (`unsubscribeOwners`, cli/use-cases/unsubscribe-owners.ts),
 * found as the reconciler finds them (`mailboxKey`: a domain in Punycode or
 * Unicode is one mailbox).
 * The route is `--route`, else the config's `ownerDelivery` (`--config`, else
 * the `--stack`'s deployed config: `directoryConfigOf`), as for `owners
 * sync-subscriptions`; the topic is `--topic-arn`, else the stack's:
 * `sns-email` needs one, and `relay` uses one when given (`--route relay` on
 * a deployment still on `sns-email` must not leave a live subscription the
 * next reconcile records `confirmed` again).
 *
 * Exit codes: 0 every named owner recorded (also when a reconcile recorded
 * the opt-out first); 1 some owner not in the directory, already
 * unsubscribed, changed while this ran (gone, a new address, or a state that
 * kept changing), or SNS refused a removal (that owner not recorded), or a
 * table/SNS error (on one owner's read, listing or write: that owner is named
 * with it, the others are still done and printed); 2 usage error.
 */

import type { SNSClient } from '@aws-sdk/client-sns';
import type { Command, CommandUnknownOpts } from '@commander-js/extra-typings';
import { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import { SnsTopicSubscriptions } from '../../../lambdas/aws/subscription-reconciler-sns';
import type { OwnerDeliveryRoute } from '../../../lambdas/hygiene/owner-directory';
import { mailboxKey } from '../../../lambdas/relay/ses-address';
import { jsonText } from '../../../lambdas/render/json-text';
import { terminalLines } from '../../../lambdas/render/sanitize';
import { EXIT_CODE } from '../../exit-codes';
import { defineCommand } from '../../options/define-command';
import {
  directoryClientFor,
  directoryConfigOf,
  requireDirectoryTable,
  routeOption,
  withDirectoryErrors,
} from '../../options/directory-options';
import { formatOption, RESULT_FORMATS } from '../../options/formats';
import { configOption } from '../../options/load-config';
import type { OptionsOf } from '../../options/options-of';
import { parseOwnerIds } from '../../options/owner-id';
import {
  checkTopicArn,
  snsEndpointOption,
  subscriptionsClientFor,
  topicArnOption,
} from '../../options/topic-options';
import { UsageError } from '../../usage-error';
import {
  MAX_OPT_OUT_ATTEMPTS,
  type NotUnsubscribedOwner,
  type OptOutRoute,
  type UnsubscribedOwner,
  type UnsubscribeResult,
  unsubscribeOwners,
} from '../../use-cases/unsubscribe-owners';

/** What `owners unsubscribe --help` says the command does. */
const DESCRIPTION =
  'Record the opt-out of owners who asked not to be emailed (state unsubscribed, as the link in an SNS email ' +
  'does): unreachable on both routes, their events go to the admins. Whenever a topic is known (required on ' +
  'route sns-email; on route relay when --topic-arn or --stack gives one) their subscriptions are removed from ' +
  'it first, so the reconciler does not record them confirmed again. Route relay without a topic: only the ' +
  'record. Owners already unsubscribed or not in the directory are named and left alone (exit 1). ' +
  'Undo: owners resubscribe.';

function defineOwnersUnsubscribe(owners: Command) {
  return defineCommand(owners, 'unsubscribe', DESCRIPTION, 'directory', (command) =>
    command
      .argument('<userId...>', 'the owner ids', parseOwnerIds)
      .addOption(
        topicArnOption(
          'directory',
          'the notification topic (SNS topic ARN): required on route sns-email; on relay, used when there is one',
        ),
      )
      .addOption(snsEndpointOption())
      .addOption(
        configOption('directory', "ownerDelivery: sns-email also removes the owners' topic subscriptions"),
      )
      .addOption(routeOption('unsubscribe on'))
      .addOption(formatOption(RESULT_FORMATS, 'result format')),
  );
}

type UnsubscribeOptions = OptionsOf<ReturnType<typeof defineOwnersUnsubscribe>>;

/** The topic, checked: required on route `sns-email`; on `relay` the one given, or `undefined` (only the record). */
function topicArnFor(route: OwnerDeliveryRoute, topicArn: string | undefined): string | undefined {
  if (route === 'relay' && !topicArn) return undefined;
  if (!topicArn) {
    throw new UsageError(
      '--topic-arn is required on route sns-email (or PC_HYGIENE_TOPIC_ARN, or --stack NAME for the deployed ' +
        "topic): the owners' subscriptions must leave the topic; on route relay (--route relay) none is needed",
    );
  }
  checkTopicArn(topicArn);
  return topicArn;
}

function removedText(removed: readonly string[]): string {
  return removed.length === 0
    ? 'no subscription of theirs on the topic'
    : `removed from the topic: ${removed.join(', ')}`;
}

function unsubscribedLines(owner: UnsubscribedOwner, result: UnsubscribeResult, tableName: string): string[] {
  const done = owner.recordedMeanwhile
    ? `${owner.userId}: unsubscribe already recorded in ${tableName} while this ran (a reconcile took the removal for the opt-out, another run recorded it, or a retried write of this one landed; state unsubscribed, unreachable on both routes; undo: pc-hygiene owners resubscribe)`
    : `${owner.userId}: unsubscribe recorded in ${tableName} (state unsubscribed, unreachable on both routes; undo: pc-hygiene owners resubscribe)`;
  const relay = result.route === 'relay' ? '; route relay: the relay emails them no more' : '';
  if (result.topicArn === undefined)
    return [`${done}${relay} (no topic given: SNS subscriptions not looked at)`];
  const lines = [`${done}${relay}; ${removedText(owner.removed)}`];
  if (owner.pendingLeft) {
    lines.push(
      `${owner.userId}: a subscription awaiting confirmation at their address (theirs, or another owner's at the same address) is still on the topic (SNS hides its ARN, so it cannot be removed): the reconciler leaves it alone and SNS deletes it unconfirmed; if it is theirs and they confirm it, the next reconcile records them confirmed: run this again then`,
    );
  }
  return lines;
}

function notChangedLine({ userId, reason, removed = [], refused = [], error }: NotUnsubscribedOwner): string {
  const gone = removed.length > 0 ? ` (${removedText(removed)})` : '';
  switch (reason) {
    case 'not-in-directory':
      return `${userId}: not changed: not in the owner directory`;
    case 'already-unsubscribed':
      return `${userId}: not changed: already unsubscribed: nothing to record`;
    case 'changed-meanwhile':
      return `${userId}: not changed: it left the directory or its address changed while this ran, or its state changed at each of ${MAX_OPT_OUT_ATTEMPTS} attempts${gone}; run it again to see the state now`;
    case 'sns-refused':
      return `${userId}: not changed: SNS refused to remove ${refused.map((r) => `${r.subscriptionArn} (${r.error})`).join(', ')}${gone}; not recorded: run it again`;
    case 'error':
      return `${userId}: not changed: ${error}${gone}; run it again (if the state was recorded after all, it says already unsubscribed)`;
  }
}

/** The result as readable lines (owner ids, ARNs and SNS errors are outside text: sanitised line by line). */
function resultText(result: UnsubscribeResult, tableName: string): string {
  return terminalLines([
    ...result.unsubscribed.flatMap((owner) => unsubscribedLines(owner, result, tableName)),
    ...result.notChanged.map(notChangedLine),
  ]);
}

async function runUnsubscribe(
  userIds: readonly string[],
  options: UnsubscribeOptions,
  command: CommandUnknownOpts,
): Promise<void> {
  const route = options.route ?? directoryConfigOf(command).config.ownerDelivery;
  const topicArn = topicArnFor(route, options.topicArn);
  const documentClient = directoryClientFor(options);
  const { target, snsClient } = openRoute(route, topicArn, options);
  try {
    await withDirectoryErrors(options, () => requireDirectoryTable(documentClient, options));
    const directory = new DynamoOwnerDirectory(documentClient, options.directoryTable);
    // The reconciler's mailbox rule (as `owners sync-subscriptions` gives it): every subscription it would match goes.
    const result = await unsubscribeOwners(directory, target, userIds, { mailboxKey });
    process.stdout.write(
      options.format === 'json' ? `${jsonText(result)}\n` : resultText(result, options.directoryTable),
    );
    if (result.notChanged.length > 0) process.exitCode = EXIT_CODE.failure;
  } finally {
    documentClient.destroy();
    snsClient?.destroy();
  }
}

/**
 * The route to act on, with the topic when one is known (its client:
 * `subscriptionsClientFor`); `topicArnFor` has made sure `sns-email` has one.
 */
function openRoute(
  route: OwnerDeliveryRoute,
  topicArn: string | undefined,
  where: { readonly snsEndpoint?: string; readonly profile?: string },
): { readonly target: OptOutRoute; readonly snsClient?: SNSClient } {
  if (topicArn === undefined) {
    if (route === 'sns-email') throw new Error('openRoute: route sns-email without a topic');
    return { target: { route } };
  }
  const snsClient = subscriptionsClientFor(topicArn, where.snsEndpoint, where.profile);
  return { target: { route, topic: new SnsTopicSubscriptions(snsClient, topicArn) }, snsClient };
}

/** Registers `owners unsubscribe` on the `owners` command. */
export function registerOwnersUnsubscribeCommand(owners: Command): void {
  defineOwnersUnsubscribe(owners).action(async (userIds, options, command) =>
    runUnsubscribe(userIds, options, command),
  );
}
