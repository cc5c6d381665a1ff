/**
 * `--table`'s help is one text, shared by every command that has the table
 * flags (`addTableOptions`; its default in `stackDefault`'s phrase, as
 * `--config`'s and `--topic-arn`'s): with a stack, its `TableName` output;
 * `PersonalClients` only with `--endpoint` (docs/deploy.md, "Operating a
 * deployment from the CLI"). The commands are found from the CLI's own help,
 * so a command added later is held to the same text.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';

/** The one `--table` help line, whitespace collapsed (commander wraps it). */
const TABLE_HELP =
  "--table <name> DynamoDB table name (default: the stack's TableName output; PersonalClients with --endpoint) " +
  '(env: PC_HYGIENE_TABLE)';

/**
 * The one command whose `--table` is another option: `owners list` names the
 * credentials table its `--with-unlisted` scans (an owner directory command's
 * own target is `--directory-table`).
 */
const OTHER_TABLE_OPTION = 'owners list';

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

/** The `--table <name>` entry of a help text on one line, or `undefined` when it has none. */
function tableOptionIn(help: string): string | undefined {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => line.startsWith('  --table <name> '));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && /^ {2}-/.test(line));
  return lines.slice(start, end).join(' ').replace(/\s+/g, ' ').trim();
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
  it('is the same text for every command with the table flags', { timeout: 120_000 }, async () => {
    const helps = await everyCommandHelp();
    const withTable = helps.flatMap(([command, help]) => {
      const option = tableOptionIn(help);
      return option === undefined || command === OTHER_TABLE_OPTION ? [] : [[command, option] as const];
    });
    expect(withTable.map(([command]) => command)).toEqual(expect.arrayContaining(TABLE_COMMANDS));
    for (const [command, option] of withTable) expect(option, command).toBe(TABLE_HELP);
  });
});
