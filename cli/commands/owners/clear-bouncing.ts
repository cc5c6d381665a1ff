/**
 * `pc-hygiene owners clear-bouncing <userId...>`: the way back on route
 * `relay` for an owner marked `bouncing` (a permanent bounce SES reported,
 * or a send it suppressed; docs/notifications.md, "Email relay") whose
 * address is deliverable again
 * without having changed: a mailbox restored, a domain's outage over, or a
 * mailbox several owners share that SES suppressed after one owner's
 * complaint (docs/deploy.md, "Runbook: Email bounces"). Without it only an
 * import that changes the address clears the mark. This removes
 * `bouncingSince` for each named owner who is bouncing; they are reachable
 * again at once (the relay's next digest for them is sent), unless SES's
 * suppression list still holds their address: the text output then says how
 * to remove it ({@link SUPPRESSION_HINT}). An owner not bouncing, or not in
 * the directory, is named and left alone (exit 1). The logic, and why its
 * write is conditional: `clearBouncingOwners`
 * (cli/use-cases/clear-bouncing-owners.ts); this module defines the command
 * and renders its result.
 */
import type { Command } from '@commander-js/extra-typings';
import { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import { SES_SUPPRESSION_ADVICE } from '../../../lambdas/hygiene/unreachable-report';
import { jsonText } from '../../../lambdas/render/json-text';
import { terminalLines } from '../../../lambdas/render/sanitize';
import { EXIT_CODE } from '../../exit-codes';
import { defineCommand } from '../../options/define-command';
import { withDirectory } from '../../options/directory-options';
import { formatOption, RESULT_FORMATS } from '../../options/formats';
import type { OptionsOf } from '../../options/options-of';
import { parseOwnerIds } from '../../options/owner-id';
import {
  type ClearBouncingResult,
  clearBouncingOwners,
  type NotClearedReason,
} from '../../use-cases/clear-bouncing-owners';

/** What `owners clear-bouncing --help` says the command does. */
const DESCRIPTION =
  'End the bouncing of owners whose address bounced (route relay: a permanent bounce, or SES suppressing the ' +
  'address) and is deliverable again unchanged (a mailbox restored, an outage over, a shared mailbox taken off ' +
  'SES’s suppression list): removes the mark, so the relay emails them again. Remove the address from SES’s ' +
  'suppression list first (aws sesv2 delete-suppressed-destination), or SES suppresses the next email and the ' +
  'owner is marked bouncing again. ' +
  'Owners not bouncing or not in the directory are named and left alone (exit 1).';

function defineOwnersClearBouncing(owners: Command) {
  return defineCommand(owners, 'clear-bouncing', DESCRIPTION, 'directory', (command) =>
    command
      .argument('<userId...>', 'the owner ids', parseOwnerIds)
      .addOption(formatOption(RESULT_FORMATS, 'result format')),
  );
}

type ClearBouncingOptions = OptionsOf<ReturnType<typeof defineOwnersClearBouncing>>;

const REASON_TEXT: Readonly<Record<NotClearedReason, string>> = {
  'not-in-directory': 'not in the owner directory',
  'not-bouncing': 'not bouncing: nothing to clear',
  'changed-meanwhile':
    'removed, or its address or bounce changed, while this ran (an import that moves the owner clears the bounce; a bounce after that marks them again; run it again to see the owner now)',
};

/**
 * Printed once, last, when anyone was cleared: the mark is the directory's, the suppression SES's. SES keeps an
 * address that bounced (or that anyone sharing it complained at) on the account-level suppression list until it is
 * removed, and the next email to it is suppressed and marks the owner `bouncing` again. The advice is the domain's
 * one wording ({@link SES_SUPPRESSION_ADVICE}; docs/deploy.md, "Runbook: Email bounces").
 */
const SUPPRESSION_HINT = `on route relay, clearing the mark does not lift SES’s suppression of an address (after a bounce, or a complaint by anyone sharing it): ${SES_SUPPRESSION_ADVICE}`;

/** The result as readable lines (owner ids are stored text: sanitised line by line). */
function resultText(result: ClearBouncingResult, tableName: string): string {
  return terminalLines([
    ...result.cleared.map(
      (userId) =>
        `${userId}: bouncing cleared in ${tableName}: on route relay they are reachable again now (unless unreachable for another reason: pc-hygiene owners list --unreachable)`,
    ),
    ...result.notChanged.map(({ userId, reason }) => `${userId}: not changed: ${REASON_TEXT[reason]}`),
    ...(result.cleared.length > 0 ? [SUPPRESSION_HINT] : []),
  ]);
}

async function runClearBouncing(userIds: readonly string[], options: ClearBouncingOptions): Promise<void> {
  const result = await withDirectory(options, (client) =>
    clearBouncingOwners(new DynamoOwnerDirectory(client, options.directoryTable), userIds),
  );
  process.stdout.write(
    options.format === 'json' ? `${jsonText(result)}\n` : resultText(result, options.directoryTable),
  );
  if (result.notChanged.length > 0) process.exitCode = EXIT_CODE.failure;
}

/** Registers `owners clear-bouncing` on the `owners` command. */
export function registerOwnersClearBouncingCommand(owners: Command): void {
  defineOwnersClearBouncing(owners).action(async (userIds, options) => runClearBouncing(userIds, options));
}
