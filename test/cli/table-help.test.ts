/**
 * `--table`'s help is one text, shared by every command that has the table
 * flags (`addTableOptions`; its default in `stackDefault`'s phrase, as
 * `--config`'s and `--topic-arn`'s): with a stack, its `TableName` output;
 * `PersonalClients` only with `--endpoint` (docs/deploy.md, "Operating a
 * deployment from the CLI"). The commands are found from the CLI's own help,
 * so a command added later is held to the same text. Two say their own rule
 * in the same phrases: `plan`, which looks a stack up only when it is named
 * and reads no table for `--endpoint` alone (docs/cli-plan.md), and `owners
 * list`, whose `--table` is the credentials table its `--with-unlisted` scans.
 */
import { describe, expect, it } from 'vitest';
import { optionIn } from '../support/option-help';
import { runCli } from '../support/run-cli';

/** A table command's `--table` default (`stackDefault`, `target flag`), which `owners list` says too. */
const TABLE_DEFAULT = "(default: the stack's TableName output; PersonalClients with --endpoint)";

/** The one `--table` help line, whitespace collapsed (commander wraps it). */
const TABLE_HELP = `--table <name> DynamoDB table name ${TABLE_DEFAULT} (env: PC_HYGIENE_TABLE)`;

/** The commands whose `--table` follows another rule, with their text. */
const OWN_TABLE_HELP: Readonly<Record<string, string>> = {
  // No default stack and no default table: `--endpoint` alone is refused.
  plan:
    "--table <name> DynamoDB table name (default: the stack's TableName output with --stack, else none) " +
    '(env: PC_HYGIENE_TABLE)',
  // The credentials table its --with-unlisted scans (an owner directory command's own target is --directory-table).
  'owners list':
    '--table <name> the credentials table --with-unlisted scans; given on the command line, it implies ' +
    `--with-unlisted (PC_HYGIENE_TABLE does not) ${TABLE_DEFAULT} (env: PC_HYGIENE_TABLE)`,
};

/** The commands the table flags must reach, at the least (so the discovery below cannot come back empty). */
const TABLE_COMMANDS = [
  'plan',
  'import',
  'export',
  'restore',
  'notify',
  'sweep',
  'report',
  'runs list',
  'runs show',
  'guard approve',
  'guard status',
  'exempt',
  'unexempt',
];

/** The names listed under `Commands:` in a help text (`help` itself left out). */
function commandsIn(help: string): string[] {
  const section = help.split('\nCommands:\n')[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)]
    .map((match) => match[1] ?? '')
    .filter((name) => name !== 'help');
}

/** Every command path (`sweep`, `runs show`) with its `--help`, subcommands of a group included. */
async function everyCommandHelp(path: readonly string[] = []): Promise<[string, string][]> {
  const help = await runCli([...path, '--help']);
  expect(help.code, `${path.join(' ')} --help`).toBe(0);
  const own: [string, string][] = path.length === 0 ? [] : [[path.join(' '), help.stdout]];
  const nested = await Promise.all(commandsIn(help.stdout).map((name) => everyCommandHelp([...path, name])));
  return [...own, ...nested.flat()];
}

describe('--table --help', () => {
  it('is the same text for every command with the table flags, but for the two with their own rule', {
    timeout: 120_000,
  }, async () => {
    const helps = await everyCommandHelp();
    const withTable = helps.flatMap(([command, help]) => {
      const option = optionIn(help, '--table <name>');
      return option === undefined ? [] : [[command, option] as const];
    });
    expect(withTable.map(([command]) => command)).toEqual(
      expect.arrayContaining([...TABLE_COMMANDS, ...Object.keys(OWN_TABLE_HELP)]),
    );
    for (const [command, option] of withTable)
      expect(option, command).toBe(OWN_TABLE_HELP[command] ?? TABLE_HELP);
  });
});

describe('plan --help', () => {
  it('says plan looks no stack up unless named: --stack has no default, --table none without a stack', async () => {
    const { code, stdout } = await runCli(['plan', '--help']);

    expect(code).toBe(0);
    expect(optionIn(stdout, '--stack <name>')).toBe(
      '--stack <name> the deployed stack to act on: its table, owner directory and config ' +
        '(no default: a stack is looked up only when named) (env: PC_HYGIENE_STACK)',
    );
    expect(optionIn(stdout, '--table <name>')).toBe(OWN_TABLE_HELP.plan);
  });

  it("keeps the table commands' --stack text (the default stack unless --table or --endpoint)", async () => {
    const { stdout } = await runCli(['export', '--help']);

    expect(optionIn(stdout, '--stack <name>')).toBe(
      '--stack <name> the deployed stack to act on: its table and config (and its topic and owner directory, where the command uses them) ' +
        '(default: PersonalClientHygiene, unless --table or --endpoint is given) (env: PC_HYGIENE_STACK)',
    );
  });
});
