/**
 * `pc-hygiene owners resubscribe <userId...>`: the way back for an owner who
 * opted out (the unsubscribe link of an SNS email, a complaint about a relay
 * email, or recorded by an operator with `pc-hygiene owners unsubscribe`;
 * docs/notifications.md, "Subscription
 * reconciler"), on both routes. That opt-out (state `unsubscribed`) makes the
 * owner unreachable on `sns-email` and on `relay` alike, and the reconciler
 * never subscribes the owner again by itself; this records `none` for each
 * named owner in that state. On `sns-email` the next reconcile (or `owners
 * sync-subscriptions`) then subscribes them and SNS sends a new confirmation
 * email; on `relay` they are reachable again at once (no confirmation email:
 * the relay's next digest for them is sent), unless SES's suppression list
 * still holds their address (an opt-out that came from a complaint put it
 * there): the text output then says how to tell and to remove it
 * ({@link SUPPRESSION_HINT}; this command knows neither the route nor how the
 * opt-out came, so it says so whenever it undid an opt-out).
 * It is also the way back for an owner whose confirmation emails reached the
 * limit unanswered (`subscription-unconfirmed`: `none` with
 * `MAX_CONFIRMATION_EMAILS` counted; docs/notifications.md, "Pending
 * subscriptions"): it records `none` with the count removed, so the next
 * reconcile sends one new confirmation link; the output says which of the two
 * it undid for each owner.
 * An owner in any other state, or not in the directory, is named and left
 * alone (exit 1); so is one whose read or write failed (reason `error`),
 * after the others are done. The logic, and why its write is conditional:
 * `resubscribeOwners` (cli/use-cases/resubscribe-owners.ts); this module
 * defines the command and renders its result.
 */
import type { Command } from '@commander-js/extra-typings';
import { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import {
  confirmationsExhausted,
  MAX_CONFIRMATION_EMAILS,
} from '../../../lambdas/hygiene/subscription-confirmations';
import { OPT_OUT_SUPPRESSION_ADVICE } from '../../../lambdas/hygiene/unreachable-report';
import { jsonText } from '../../../lambdas/render/json-text';
import { terminalLines } from '../../../lambdas/render/sanitize';
import { EXIT_CODE } from '../../exit-codes';
import { defineCommand } from '../../options/define-command';
import { withDirectory } from '../../options/directory-options';
import { formatOption, RESULT_FORMATS } from '../../options/formats';
import type { OptionsOf } from '../../options/options-of';
import { parseOwnerIds } from '../../options/owner-id';
import {
  type NotResubscribedOwner,
  type NotResubscribedReason,
  type ResubscribeResult,
  resubscribeOwners,
} from '../../use-cases/resubscribe-owners';

/** What `owners resubscribe --help` says the command does. */
const DESCRIPTION =
  'Undo the opt-out of owners who opted out (the unsubscribe link of an SNS email, a complaint about a relay email, ' +
  'or recorded by an operator ' +
  'with pc-hygiene owners unsubscribe; state unsubscribed, ' +
  'unreachable on both routes): records state none. Route sns-email: the next reconcile subscribes them ' +
  'and SNS sends a new confirmation email. Route relay: they are reachable again at once (no confirmation email), ' +
  'once SES no longer suppresses their address (an opt-out by complaint put it on SES’s suppression list: ' +
  'aws sesv2 delete-suppressed-destination). ' +
  `Also for owners whose ${MAX_CONFIRMATION_EMAILS} SNS confirmation emails went unanswered (unreachable: ` +
  'subscription-unconfirmed; pc-hygiene sends them no more): records state none with the count removed, so the ' +
  'next reconcile sends one new confirmation link; run it when the owner asks for one. ' +
  'Owners in another state or not in the directory are named and left alone (exit 1).';

function defineOwnersResubscribe(owners: Command) {
  return defineCommand(owners, 'resubscribe', DESCRIPTION, 'directory', (command) =>
    command
      .argument('<userId...>', 'the owner ids', parseOwnerIds)
      .addOption(formatOption(RESULT_FORMATS, 'result format')),
  );
}

type ResubscribeOptions = OptionsOf<ReturnType<typeof defineOwnersResubscribe>>;

const REASON_TEXT: Readonly<Record<NotResubscribedReason, (owner: NotResubscribedOwner) => string>> = {
  'not-in-directory': () => 'not in the owner directory',
  'not-unsubscribed': ({ state, confirmationEmailsSent: sent }) =>
    state === 'pending' && confirmationsExhausted(sent)
      ? `state pending: its last confirmation link (${sent} sent) is still waiting; nothing to undo until SNS deletes it unconfirmed, 48 hours after it was sent (then run this again)`
      : `state ${state}, not unsubscribed: nothing to undo (nor at the limit of ${MAX_CONFIRMATION_EMAILS} unanswered confirmation emails)`,
  'changed-meanwhile': () =>
    'removed, or its address or state changed, while this ran (an import that moves the owner sets their state: none at an address they did not opt out at; run it again to see the state now)',
  error: ({ error }) =>
    `reading or writing it failed: ${error}; run it again (if the write took effect after all, it says state none)`,
};

/**
 * Printed once, last, when anyone was resubscribed: on `relay` an opt-out that came from a complaint also put the
 * owner's address on SES's account-level suppression list, where it stays until removed, and the next email to it
 * is suppressed and marks the owner `bouncing`; one recorded by `owners unsubscribe` or the SNS link did not. The
 * advice is the domain's one wording ({@link OPT_OUT_SUPPRESSION_ADVICE}; docs/deploy.md, "Runbook: Email bounces").
 */
const SUPPRESSION_HINT = `on route relay, ${OPT_OUT_SUPPRESSION_ADVICE}`;

/** How a resubscribed owner's `none` came to be recorded: by this command, or found recorded while it ran. */
function resubscribedText(userId: string, result: ResubscribeResult, tableName: string): string {
  return result.recordedMeanwhile?.includes(userId)
    ? `resubscribe already recorded in ${tableName} while this ran (a retried write of this one landed, or another resubscribe recorded it)`
    : `resubscribe recorded in ${tableName}`;
}

/** What was undone for a resubscribed owner, and what follows, said on their line. */
function undoneText(userId: string, result: ResubscribeResult): string {
  return result.confirmationLimitReset?.includes(userId)
    ? 'confirmation-email limit reset (count removed): on route sns-email the next reconcile (or pc-hygiene owners sync-subscriptions) sends one new confirmation link'
    : 'opt-out undone: on route sns-email the next reconcile (or pc-hygiene owners sync-subscriptions) subscribes them, and SNS sends a confirmation email; on route relay they are reachable again now';
}

/** The result as readable lines (owner ids are stored text: sanitised line by line). */
function resultText(result: ResubscribeResult, tableName: string): string {
  const optOutsUndone = result.resubscribed.filter((id) => !result.confirmationLimitReset?.includes(id));
  return terminalLines([
    ...result.resubscribed.map(
      (userId) =>
        `${userId}: ${resubscribedText(userId, result, tableName)} (state none): ${undoneText(userId, result)}`,
    ),
    ...result.notChanged.map((owner) => `${owner.userId}: not changed: ${REASON_TEXT[owner.reason](owner)}`),
    ...(optOutsUndone.length > 0 ? [SUPPRESSION_HINT] : []),
  ]);
}

async function runResubscribe(userIds: readonly string[], options: ResubscribeOptions): Promise<void> {
  const result = await withDirectory(options, (client) =>
    resubscribeOwners(new DynamoOwnerDirectory(client, options.directoryTable), userIds),
  );
  process.stdout.write(
    options.format === 'json' ? `${jsonText(result)}\n` : resultText(result, options.directoryTable),
  );
  if (result.notChanged.length > 0) process.exitCode = EXIT_CODE.failure;
}

/** Registers `owners resubscribe` on the `owners` command. */
export function registerOwnersResubscribeCommand(owners: Command): void {
  defineOwnersResubscribe(owners).action(async (userIds, options) => runResubscribe(userIds, options));
}
