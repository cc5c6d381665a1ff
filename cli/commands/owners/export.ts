/**
 * `pc-hygiene owners export`: the owner directory as JSON Lines on stdout,
 * one owner a line (`userId`, `email`, `name`, `status`, and the route state
 * the worker records), in a form `owners import` reads back: of the route
 * state it keeps only the opt-outs (`subscription` `unsubscribed`,
 * `optedOutAddresses`), written with an owner new to the table it imports
 * into and merged into one already there
 * (lambdas/hygiene/owner-import-opt-outs.ts; an `unsubscribed` over a
 * `confirmed` subscription on that table's topic is not recorded but warned
 * about), so moving a directory keeps them (docs/deploy.md, "Owner
 * directory"). The freshness item is not an owner and is not exported.
 */
import type { Command } from '@commander-js/extra-typings';
import { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import { jsonText } from '../../../lambdas/render/json-text';
import { defineCommand } from '../../options/define-command';
import { withDirectory } from '../../options/directory-options';
import type { OptionsOf } from '../../options/options-of';
import { writeStreamedListing } from '../../streamed-listing';

function defineOwnersExport(owners: Command) {
  return defineCommand(
    owners,
    'export',
    'Write every owner in the directory as JSON Lines to stdout.',
    'directory',
    (command) => command,
  );
}

type OwnersExportOptions = OptionsOf<ReturnType<typeof defineOwnersExport>>;

async function runOwnersExport(options: OwnersExportOptions): Promise<void> {
  const count = await withDirectory(options, async (client) => {
    let written = 0;
    const owners = new DynamoOwnerDirectory(client, options.directoryTable).owners();
    const whole = await writeStreamedListing(process.stdout, owners, {
      item: (owner) => {
        written++;
        return `${jsonText(owner)}\n`;
      },
    });
    // `owners export | head`: the reader has what it wanted, and no count is said.
    return whole ? written : undefined;
  });
  if (count !== undefined) {
    process.stderr.write(`exported ${count} owner(s) from ${options.directoryTable}\n`);
  }
}

/** Registers `owners export` on the `owners` command. */
export function registerOwnersExportCommand(owners: Command): void {
  defineOwnersExport(owners).action(async (options) => runOwnersExport(options));
}
