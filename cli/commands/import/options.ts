/**
 * `pc-hygiene import`'s flags (`defineCommand`: the table and stack flags, then its own) and its options as
 * commander parses them.
 */
import type { Command } from '@commander-js/extra-typings';
import { defineCommand } from '../../options/define-command';
import { enforceOption } from '../../options/deployment-target';
import { formatOption, RESULT_FORMATS } from '../../options/formats';
import type { OptionsOf } from '../../options/options-of';

/** What `import --help` says the command does. */
const DESCRIPTION =
  'Load PersonalClient records from a JSON Lines file into a table. Every line is validated; bad lines are ' +
  'reported with their line numbers and not written (exit 1). A record whose id is already in the table is not ' +
  'written either, and named (exit 1): --replace writes it, replacing the item whole (its history and pending ' +
  'notices too), and names it as replaced. Should ' +
  'writing fail, the summary says which records were not written, then the error (exit 1).';

/** `import` and its flags. */
export function defineImportCommand(program: Command) {
  return defineCommand(program, 'import', DESCRIPTION, 'table', (command) =>
    command
      .argument('<file>', 'JSON Lines file, one PersonalClient record per line')
      .option('--create-table', 'create the table (key, outbox index, TTL) when it does not exist')
      .option(
        '--replace',
        'write records whose id is already in the table, replacing those items whole (their history and pending notices too)',
      )
      .option(
        '--dry-run',
        'validate the file and check the table is a credentials table; write nothing (ids already in the table are not checked)',
      )
      .addOption(enforceOption())
      .addOption(formatOption(RESULT_FORMATS, 'summary format')),
  );
}

export type ImportCommandOptions = OptionsOf<ReturnType<typeof defineImportCommand>>;
