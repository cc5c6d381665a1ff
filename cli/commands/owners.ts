/**
 * `pc-hygiene owners …`: the owner directory (docs/deploy.md, "Owner
 * directory"; docs/notifications.md, "Owner reach"). One module per
 * subcommand under `cli/commands/owners/`, registered here.
 */
import type { Command } from '@commander-js/extra-typings';
import { registerOwnersClearBouncingCommand } from './owners/clear-bouncing';
import { registerOwnersExportCommand } from './owners/export';
import { registerOwnersImportCommand } from './owners/import';
import { registerOwnersListCommand } from './owners/list';
import { registerOwnersResubscribeCommand } from './owners/resubscribe';
import { registerOwnersSyncSubscriptionsCommand } from './owners/sync-subscriptions';
import { registerOwnersUnsubscribeCommand } from './owners/unsubscribe';

/** The `owners` subcommands, one registration each. */
const OWNERS_SUBCOMMANDS: readonly ((owners: Command) => void)[] = [
  registerOwnersImportCommand,
  registerOwnersExportCommand,
  registerOwnersListCommand,
  registerOwnersSyncSubscriptionsCommand,
  registerOwnersResubscribeCommand,
  registerOwnersUnsubscribeCommand,
  registerOwnersClearBouncingCommand,
];

/** Registers `owners` and its subcommands on the program. */
export function registerOwnersCommand(program: Command): void {
  const owners = program
    .command('owners')
    .description(
      'Manage the owner directory: import, export, list (who a digest reaches, and why not), sync-subscriptions, ' +
        'resubscribe (owners who unsubscribed by the email link), unsubscribe (record an opt-out by hand), ' +
        'clear-bouncing (route relay: owners whose bounced address is deliverable again).',
    );
  for (const register of OWNERS_SUBCOMMANDS) register(owners);
}
