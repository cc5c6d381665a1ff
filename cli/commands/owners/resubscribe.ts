/**
 * `pc-hygiene owners resubscribe <userId...>`: the way back for an owner who
 * opted out (the unsubscribe link of an SNS email, or recorded by an operator
 * with `pc-hygiene owners unsubscribe`; docs/notifications.md, "Subscription
 * reconciler"), on both routes. That opt-out (state `unsubscribed`) makes the
 * owner unreachable on `sns-email` and on `relay` alike, and the reconciler
 * never subscribes the owner again by itself; this records `none` for each
 * named owner in that state. On `sns-email` the next reconcile (or `owners
 * sync-subscriptions`) then subscribes them and SNS sends a new confirmation
 * email; on `relay` they are reachable again at once (no confirmation email:
 * the relay's next digest for them is sent).
 * An owner in any other state, or not in the directory, is named and left
 * alone (exit 1). The state is written only while the owner still has the
 * address, the state `unsubscribed` and the subscription ARN it was read with
 * (`recordSubscription`): an import that changed the address meanwhile
 * already cleared the opt-out, and a reconciler run that recorded another
 * state meanwhile (a subscription of theirs was found) is not overwritten.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from '@commander-js/extra-typings';
import { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import type { OwnerRecord, PlannedSubscriptionState } from '../../../lambdas/hygiene/owner-directory';
import { terminalLines } from '../../../lambdas/render/sanitize';
import { EXIT_CODE } from '../../exit-codes';
import { defineCommand } from '../../options/define-command';
import { withDirectory } from '../../options/directory-options';
import { formatOption, RESULT_FORMATS } from '../../options/formats';
import type { OptionsOf } from '../../options/options-of';

/** What `owners resubscribe --help` says the command does. */
const DESCRIPTION =
  'Undo the opt-out of owners who opted out (the unsubscribe link of an SNS email, or recorded by an operator ' +
  'with pc-hygiene owners unsubscribe; state unsubscribed, ' +
  'unreachable on both routes): records state none. Route sns-email: the next reconcile subscribes them ' +
  'and SNS sends a new confirmation email. Route relay: they are reachable again at once (no confirmation email). ' +
  'Owners in another state or not in the directory are named and left alone (exit 1).';

function defineOwnersResubscribe(owners: Command) {
  return defineCommand(owners, 'resubscribe <userId...>', DESCRIPTION, 'directory', (command) =>
    command.addOption(formatOption(RESULT_FORMATS, 'result format')),
  );
}

type ResubscribeOptions = OptionsOf<ReturnType<typeof defineOwnersResubscribe>>;

/** Why a named owner was left alone. */
type NotResubscribedReason = 'not-in-directory' | 'not-unsubscribed' | 'changed-meanwhile';

/** What the command did for each named owner. */
export interface ResubscribeResult {
  /** Owners now recorded `none`: the next reconcile subscribes them (`sns-email`); reachable again (`relay`). */
  readonly resubscribed: readonly string[];
  /** Owners left alone, with the state they are in when the directory holds them. */
  readonly notChanged: readonly {
    readonly userId: string;
    readonly reason: NotResubscribedReason;
    readonly state?: string;
  }[];
}

/**
 * Records `none` for each named owner in state `unsubscribed`, for the
 * address, state and subscription ARN the directory held when read.
 * @returns who was resubscribed, and who was left alone and why
 */
export async function resubscribe(
  client: DynamoDBDocumentClient,
  tableName: string,
  userIds: readonly string[],
): Promise<ResubscribeResult> {
  const directory = new DynamoOwnerDirectory(client, tableName);
  const records = await directory.getMany(userIds);
  const resubscribed: string[] = [];
  const notChanged: ResubscribeResult['notChanged'][number][] = [];
  for (const userId of [...new Set(userIds)]) {
    const owner = records.get(userId);
    if (owner === undefined) notChanged.push({ userId, reason: 'not-in-directory' });
    else if (owner.subscription !== 'unsubscribed') {
      notChanged.push({ userId, reason: 'not-unsubscribed', state: owner.subscription ?? 'none' });
    } else if (await directory.recordSubscription(noneFor(owner))) resubscribed.push(userId);
    else notChanged.push({ userId, reason: 'changed-meanwhile' });
  }
  return { resubscribed, notChanged };
}

/** State `none` (no ARN) for an owner read as `unsubscribed`: written only while it still is. */
function noneFor(owner: OwnerRecord): PlannedSubscriptionState {
  return {
    userId: owner.userId,
    email: owner.email,
    state: 'none',
    read: {
      subscription: 'unsubscribed',
      ...(owner.subscriptionArn !== undefined && { subscriptionArn: owner.subscriptionArn }),
    },
  };
}

const REASON_TEXT: Readonly<Record<NotResubscribedReason, (state: string | undefined) => string>> = {
  'not-in-directory': () => 'not in the owner directory',
  'not-unsubscribed': (state) => `state ${state}, not unsubscribed: nothing to undo`,
  'changed-meanwhile': () =>
    'removed, or its address or state changed, while this ran (a new address already clears the opt-out; run it again to see the state now)',
};

/** The result as readable lines (owner ids are stored text: sanitised line by line). */
function resultText(result: ResubscribeResult, tableName: string): string {
  return terminalLines([
    ...result.resubscribed.map(
      (userId) =>
        `${userId}: resubscribe recorded in ${tableName} (state none): on route sns-email the next reconcile (or pc-hygiene owners sync-subscriptions) subscribes them, and SNS sends a confirmation email; on route relay they are reachable again now`,
    ),
    ...result.notChanged.map(
      ({ userId, reason, state }) => `${userId}: not changed: ${REASON_TEXT[reason](state)}`,
    ),
  ]);
}

async function runResubscribe(userIds: readonly string[], options: ResubscribeOptions): Promise<void> {
  const result = await withDirectory(options, (client) =>
    resubscribe(client, options.directoryTable, userIds),
  );
  process.stdout.write(
    options.format === 'json' ? `${JSON.stringify(result)}\n` : resultText(result, options.directoryTable),
  );
  if (result.notChanged.length > 0) process.exitCode = EXIT_CODE.failure;
}

/** Registers `owners resubscribe` on the `owners` command. */
export function registerOwnersResubscribeCommand(owners: Command): void {
  defineOwnersResubscribe(owners).action(async (userIds, options) => runResubscribe(userIds, options));
}
