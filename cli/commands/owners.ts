/**
 * `pc-hygiene owners …`: the owner directory (docs/deploy.md, "Owner
 * directory"; docs/notifications.md, "Owner reach"). One module per
 * subcommand under `cli/commands/owners/`, registered here.
 */
import type { Command } from '@commander-js/extra-typings';
import { registerOwnersExportCommand } from './owners/export';
import { registerOwnersImportCommand } from './owners/import';
import { registerOwnersListCommand } from './owners/list';

/**
 * The `owners` subcommands, one registration each. `owners sync-subscriptions`
 * (the subscription reconciler's CLI) registers here too, from its own
 * module `cli/commands/owners/sync-subscriptions.ts`.
 */
const OWNERS_SUBCOMMANDS: readonly ((owners: Command) => void)[] = [
  registerOwnersImportCommand,
  registerOwnersExportCommand,
  registerOwnersListCommand,
];

/** Registers `owners` and its subcommands on the program. */
export function registerOwnersCommand(program: Command): void {
  const owners = program
    .command('owners')
    .description('Manage the owner directory: import, export, list (who a digest reaches, and why not).');
  for (const register of OWNERS_SUBCOMMANDS) register(owners);
}
