/**
 * `help help NAME` (cli/main.ts, `addHelpCommand`): the word after `help help`
 * is the help command's own argument (a command's name), not a subcommand of
 * `help`, so it prints help's own help, as `help help` does, and never a
 * "has no subcommands" refusal. A word after any other command's name is
 * still refused (`help plan extra`: test/cli/options.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';

describe('help of help', () => {
  it.each([
    [
      ['help', 'help', 'plan'],
      ['help', 'help'],
    ],
    [
      ['help', 'help', 'no-such-command'],
      ['help', 'help'],
    ],
    [
      ['help', 'help', 'owners', 'import'],
      ['help', 'help'],
    ],
    [
      ['owners', 'help', 'help', 'import'],
      ['owners', 'help', 'help'],
    ],
    [
      ['help', 'owners', 'help', 'import'],
      ['owners', 'help', 'help'],
    ],
  ])("%j prints help's own help on stdout, exit 0, as %j does", async (args, same) => {
    const [run, direct] = await Promise.all([runCli(args), runCli(same)]);

    expect(run).toEqual({ code: 0, stdout: direct.stdout, stderr: '' });
    expect(run.stdout).toMatch(/^Usage: pc-hygiene (owners )?help \[command\]\n/);
  });
});
