/**
 * The CLI's shared flag rules (cli/options/) and the settings every command
 * inherits from the program (cli/main.ts): one integer rule for every integer
 * flag, and one-line usage errors (exit 2) from every command, including
 * command groups added later: a mistyped command or flag too, commander's
 * suggestion on the same line, the program's and a group's errors pointing
 * to its `--help`, and `help NAME` for an unknown NAME alike, and a word
 * after a command's NAME (`help plan bogus`), while no command at all still
 * prints the help, `help NAME` the command's (flags after it not looked at)
 * and `help GROUP NAME` the group's command's.
 */
import { describe, expect, it } from 'vitest';
import { integerIn, optional, secondsUpTo } from '../../cli/options/numbers';
import { UsageError } from '../../cli/usage-error';
import { runCli } from '../support/run-cli';

describe('integerIn: decimal digits within a range', () => {
  const parse = integerIn('--n', 1, 1000);

  it('accepts integers in range', () => {
    expect(parse('1')).toBe(1);
    expect(parse('1000')).toBe(1000);
    expect(parse('007')).toBe(7);
  });

  it('refuses exponents, fractions, signs, hex, blanks and out-of-range values with one wording', () => {
    for (const bad of [
      '1e2',
      '2.5',
      '-1',
      '+3',
      '0x10',
      '',
      ' ',
      ' 5 ',
      '5\n',
      'ten',
      '0',
      '1001',
      'Infinity',
    ]) {
      expect(() => parse(bad)).toThrow(UsageError);
      expect(() => parse(bad)).toThrow(`--n ${JSON.stringify(bad)} must be an integer from 1 to 1000`);
    }
  });

  it('optional() leaves an absent flag absent', () => {
    expect(optional(parse)(undefined)).toBeUndefined();
    expect(optional(parse)('5')).toBe(5);
  });
});

describe('secondsUpTo: a positive number of seconds, as milliseconds', () => {
  it('reads decimal fractions and refuses zero, negatives, words, hex, exponents and too much', () => {
    const parse = secondsUpTo('--t', 60);
    expect(parse('1.5')).toBe(1500);
    expect(parse('60')).toBe(60_000);
    expect(parse('0.001')).toBe(1);
    // 0x10 and 1e1 are what Number() reads as 16 and 10: decimal text only, as the integer flags.
    for (const bad of ['0', '0.0', '-1', 'soon', '', '61', '0x10', '1e1', '1.', '.5', 'Infinity'])
      expect(() => parse(bad)).toThrow(
        `--t ${JSON.stringify(bad)} must be a number of seconds, more than 0 and at most 60`,
      );
  });
});

describe('pc-hygiene sweep --time-budget: decimal seconds, more than 0', () => {
  it.each(['0', '0x10', '1e3'])(
    '--time-budget %s is a one-line usage error (exit 2) saying what is allowed',
    async (value) => {
      const run = await runCli(['sweep', '--time-budget', value]);

      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toBe(
        `pc-hygiene: --time-budget "${value}" must be a number of seconds, more than 0 and at most 86400\n`,
      );
    },
  );
});

describe('pc-hygiene: every integer flag follows the one rule', () => {
  it.each([
    ['sweep', '--segments', 64],
    ['report', '--segments', 64],
    ['report', '--top', 10_000],
    ['export', '--segments', 64],
    ['local', '--count', 1_000_000],
    ['local', '--seed', 2 ** 31 - 1],
  ])('%s %s 1e2 is a one-line usage error (exit 2)', async (command, flag, max) => {
    const run = await runCli([command, flag, '1e2']);

    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(
      new RegExp(`^pc-hygiene: ${flag} "1e2" must be an integer from \\d+ to ${max}\\n$`),
    );
  });
});

describe('pc-hygiene: settings set once on the program reach every command', () => {
  it('every command listed in the help answers an unknown option in one line with exit 2', async () => {
    const help = await runCli(['--help']);
    // Only the "Commands:" section: the options above it (e.g. `--version`) are not commands.
    const commandSection = help.stdout.slice(help.stdout.indexOf('Commands:'));
    const commands = [...commandSection.matchAll(/^ {2}([a-z][a-z-]*) /gm)]
      .map((m) => m[1] ?? '')
      .filter((name) => name !== 'help');
    expect(commands).toEqual(
      expect.arrayContaining(['plan', 'sweep', 'notify', 'restore', 'report', 'local']),
    );

    const runs = await Promise.all(
      commands.map(async (command) => ({ command, ...(await runCli([command, '--bogus'])) })),
    );
    for (const run of runs) {
      expect(run).toMatchObject({ code: 2, stdout: '' });
      // One line, no help after it (restore names its missing --reason first, the others the unknown option;
      // a command group points to its help).
      expect(run.stderr, run.command).toMatch(
        new RegExp(
          `^pc-hygiene: (unknown option '--bogus'(; see pc-hygiene ${run.command} --help)?|required option .*)\\n$`,
        ),
      );
    }
  }, 60_000);

  it.each([
    [['plna'], "unknown command 'plna' (Did you mean plan?); see pc-hygiene --help"],
    [['swep'], "unknown command 'swep' (Did you mean sweep?); see pc-hygiene --help"],
    [['no-such-command'], "unknown command 'no-such-command'; see pc-hygiene --help"],
    [['--verison'], "unknown option '--verison' (Did you mean --version?); see pc-hygiene --help"],
    [['owners', 'imprt'], "unknown command 'imprt' (Did you mean import?); see pc-hygiene owners --help"],
    [['plan', '--inptu'], "unknown option '--inptu' (Did you mean --input?)"],
  ])('a mistyped command or flag (%j) is one line, its suggestion on it, exit 2', async (args, message) => {
    const run = await runCli(args);

    expect(run).toEqual({ code: 2, stdout: '', stderr: `pc-hygiene: ${message}\n` });
  });

  it.each([
    [['help', 'plna'], "unknown command 'plna' (Did you mean plan?); see pc-hygiene --help"],
    [['help', 'no-such-command'], "unknown command 'no-such-command'; see pc-hygiene --help"],
    [
      ['owners', 'help', 'imprt'],
      "unknown command 'imprt' (Did you mean import?); see pc-hygiene owners --help",
    ],
    // A group's name with an unknown subcommand after it answers as that group's help does.
    [
      ['help', 'owners', 'imprt'],
      "unknown command 'imprt' (Did you mean import?); see pc-hygiene owners --help",
    ],
  ])(
    'help with an unknown name (%j) answers as the name typed alone: one line, exit 2',
    async (args, message) => {
      const run = await runCli(args);

      expect(run).toEqual({ code: 2, stdout: '', stderr: `pc-hygiene: ${message}\n` });
    },
  );

  it.each([
    [
      ['help', 'plan', 'bogus'],
      "unexpected word 'bogus' after 'help plan': plan has no subcommands; see pc-hygiene --help",
    ],
    // Commander drops `--`: what follows is read as without it (a word is refused; `help plan -- --format` is plan's help).
    [
      ['help', 'plan', '--', 'bogus'],
      "unexpected word 'bogus' after 'help plan': plan has no subcommands; see pc-hygiene --help",
    ],
    [
      ['help', 'owners', 'import', 'extra'],
      "unexpected word 'extra' after 'help owners import': owners import has no subcommands; see pc-hygiene owners --help",
    ],
    [
      ['owners', 'help', 'import', 'extra', 'more'],
      "unexpected word 'extra' after 'help owners import': owners import has no subcommands; see pc-hygiene owners --help",
    ],
  ])(
    'help with a word after a command name (%j) is refused: one line naming it, the pointer to the help, exit 2',
    async (args, message) => {
      const run = await runCli(args);

      expect(run).toEqual({ code: 2, stdout: '', stderr: `pc-hygiene: ${message}\n` });
    },
  );

  it.each([
    [['help', 'plan'], ['plan', '--help'], 'Usage: pc-hygiene plan [options]'],
    [
      ['owners', 'help', 'import'],
      ['owners', 'import', '--help'],
      'Usage: pc-hygiene owners import [options] <file>',
    ],
    // A group's name with a word after it: as the group's own help command (`owners help import`).
    [
      ['help', 'owners', 'import'],
      ['owners', 'import', '--help'],
      'Usage: pc-hygiene owners import [options] <file>',
    ],
    [['help', 'owners'], ['owners', '--help'], 'Usage: pc-hygiene owners [options] [command]'],
    [['help'], ['--help'], 'Usage: pc-hygiene [options] [command]'],
    // Flags after the name are not looked at, nor any word after one (it may be the flag's value), as with
    // commander's own help command.
    [['help', 'plan', '--help'], ['plan', '--help'], 'Usage: pc-hygiene plan [options]'],
    [['help', 'plan', '--format', 'json'], ['plan', '--help'], 'Usage: pc-hygiene plan [options]'],
    [
      ['help', 'owners', 'import', '--dry-run', 'x'],
      ['owners', 'import', '--help'],
      'Usage: pc-hygiene owners import [options] <file>',
    ],
    [
      ['owners', 'help', 'list', '-h'],
      ['owners', 'list', '--help'],
      'Usage: pc-hygiene owners list [options]',
    ],
  ])(
    'help with a known name, or none (%j), prints that help on stdout, exit 0',
    async (args, same, usage) => {
      const [run, direct] = await Promise.all([runCli(args), runCli(same)]);

      expect(run).toEqual({ code: 0, stdout: direct.stdout, stderr: '' });
      expect(run.stdout.startsWith(`${usage}\n`)).toBe(true);
    },
  );

  it('no command at all still prints the help (on stderr, exit 2), as a group without its subcommand does', async () => {
    for (const [args, usage] of [
      [[], 'Usage: pc-hygiene [options] [command]'],
      [['owners'], 'Usage: pc-hygiene owners [options] [command]'],
    ] as const) {
      const run = await runCli(args);

      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr.startsWith(`${usage}\n`)).toBe(true);
      expect(run.stderr).toContain('Commands:');
    }
  });
});
