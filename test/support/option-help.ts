/**
 * One option's line of a command's `--help`, as the real CLI prints it, for
 * the tests that check what the help tells a new user (defaults above all).
 */
import { expect } from 'vitest';
import { runCli } from './run-cli';

/** The entry of `flag` (e.g. `--table <name>`) in a help text, on one line, or `undefined` when it has none. */
export function optionIn(help: string, flag: string): string | undefined {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${flag} `));
  if (start < 0) return undefined;
  // Its wrapped lines are indented past the flags column; the next option starts at two spaces.
  const end = lines.findIndex((line, i) => i > start && /^ {2}-/.test(line));
  return lines.slice(start, end).join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * The help of `flag` (e.g. `--config <file>`) in `pc-hygiene ...command --help`,
 * on one line with its whitespace collapsed (commander wraps it).
 */
export async function optionHelp(command: readonly string[], flag: string): Promise<string> {
  const help = await runCli([...command, '--help']);
  expect(help.code).toBe(0);
  const entry = optionIn(help.stdout, flag);
  expect(entry, `${command.join(' ')} --help lists ${flag}`).toBeDefined();
  return entry ?? '';
}
