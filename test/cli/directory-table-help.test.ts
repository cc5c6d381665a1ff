/**
 * `--directory-table`'s help says its default as the commands use it
 * (docs/deploy.md, "Owner directory"): with a stack, the stack's
 * `DirectoryTableName` output; the fixed `PersonalClientOwners` only without
 * one — never the bare name, which a deployment does not read. One phrase
 * with `--config` and `--topic-arn` (`stackDefault`).
 */
import { describe, expect, it } from 'vitest';
import { optionHelp } from '../support/option-help';

/** The help of `command` for `--directory-table`, on one line (commander wraps it). */
function directoryTableHelp(command: readonly string[]): Promise<string> {
  return optionHelp(command, '--directory-table <name>');
}

describe('--directory-table --help', () => {
  it.each([['sweep'], ['notify'], ['plan'], ['report']])(
    '%s (a table command): the stack output, the fixed name with --endpoint, or --table without --stack',
    async (command) => {
      expect(await directoryTableHelp([command])).toBe(
        "--directory-table <name> owner directory table (DynamoDB) (default: the stack's DirectoryTableName output; " +
          'PersonalClientOwners with --endpoint, or --table without --stack, env: PC_HYGIENE_DIRECTORY_TABLE)',
      );
    },
  );

  it.each([
    'owners import',
    'owners export',
    'owners list',
    'owners sync-subscriptions',
    'owners resubscribe',
    'owners unsubscribe',
    'owners clear-bouncing',
    'relay',
  ])('%s (a directory command): the stack output, the fixed name with --endpoint', async (command) => {
    expect(await directoryTableHelp(command.split(' '))).toBe(
      "--directory-table <name> owner directory table (DynamoDB) (default: the stack's DirectoryTableName output; " +
        'PersonalClientOwners with --endpoint, env: PC_HYGIENE_DIRECTORY_TABLE)',
    );
  });
});
