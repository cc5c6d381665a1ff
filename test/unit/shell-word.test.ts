/**
 * The one quoting of a value the CLI advises the operator to type
 * (cli/format/shell-word.ts): each word, run through a real POSIX shell,
 * comes back as exactly the value; a value the terminal would print changed
 * is refused.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  hiddenRunIdWhy,
  runsShowCommand,
  shellWord,
  typedWord,
  VALUE_WITH_CONTROL_CHARACTERS,
} from '../../cli/format/shell-word';
import { pastedArguments } from '../support/pasted-arguments';

/** What `sh` passes as the single argument of `printf %s <word>`, or the argument count when it is not one. */
function typedBack(word: string): string {
  const script = `set -- ${word}; [ "$#" -eq 1 ] || { echo "args: $#"; exit 0; }; printf %s "$1"`;
  return execFileSync('sh', ['-c', script], {
    encoding: 'utf8',
    env: { HOME: '/nonexistent', X: 'expanded' },
  });
}

describe('shellWord', () => {
  it('leaves a plain value bare', () => {
    for (const plain of [
      'PersonalClients',
      'arn:aws:sns:eu-west-1:123456789012:t',
      'http://127.0.0.1:8000',
      'a.b@c+d=e,f%g/-h_1',
    ]) {
      expect(shellWord(plain)).toBe(plain);
    }
  });

  it('single-quotes anything else, so the shell expands nothing and splits nothing', () => {
    const values = [
      '',
      'my table',
      '$X',
      '`echo hi`',
      '"$X"',
      "o'k",
      "''",
      '~',
      '*',
      'a;b',
      '-x',
      'ü ☃',
      '!x',
      'a\\b',
    ];
    for (const value of values) {
      const word = shellWord(value);
      expect(word, value).toBeDefined();
      expect(typedBack(word as string), value).toBe(value);
    }
    expect(shellWord('$X')).toBe("'$X'");
    expect(shellWord("o'k")).toBe("'o'\\''k'");
    expect(shellWord('')).toBe("''");
  });

  it('refuses a value the terminal would print changed (a control or bidi character)', () => {
    for (const value of ['tab\tid', 'line\nbreak', 'esc\u001b[31m', 'rtl\u202eid', 'nul\u0000']) {
      expect(shellWord(value), JSON.stringify(value)).toBeUndefined();
    }
  });
});

describe('typedWord', () => {
  it('is the shell word when there is one', () => {
    expect(typedWord('my table')).toBe("'my table'");
    expect(typedWord('PersonalClients', 'NAME')).toBe('PersonalClients');
  });

  it('says what the value is, or shows the placeholder, when it cannot be typed back', () => {
    expect(typedWord('esc\u001b[31m')).toBe(VALUE_WITH_CONTROL_CHARACTERS);
    expect(typedWord('tab\tid', 'NAME')).toBe('NAME');
  });
});

describe('runsShowCommand', () => {
  it('gives a stored run id to the CLI as one argument, whatever it holds', () => {
    for (const id of ['run-1', "run 1 $(echo injected) 'q'", '*', 'a;b'])
      expect(pastedArguments(runsShowCommand(id, '')), id).toEqual(['runs', 'show', id]);
    expect(runsShowCommand('run-1', '')).toBe('pc-hygiene runs show run-1');
  });

  it('puts an id that starts with - after --, where the CLI reads it as the run id', () => {
    expect(runsShowCommand('-r1', '')).toBe('pc-hygiene runs show -- -r1');
    expect(pastedArguments(runsShowCommand('-r1', ''))).toEqual(['runs', 'show', '--', '-r1']);
  });

  it('is aimed by the target flags it is given: after the id, or before the -- of an id that starts with -', () => {
    const aim = "--endpoint http://127.0.0.1:8000 --table 'my table'";

    expect(runsShowCommand('run-1', aim)).toBe(`pc-hygiene runs show run-1 ${aim}`);
    expect(pastedArguments(runsShowCommand('run-1', aim))).toEqual([
      'runs',
      'show',
      'run-1',
      '--endpoint',
      'http://127.0.0.1:8000',
      '--table',
      'my table',
    ]);
    expect(runsShowCommand('-r2', aim)).toBe(`pc-hygiene runs show ${aim} -- -r2`);
    expect(pastedArguments(runsShowCommand('-r2', aim))).toEqual([
      'runs',
      'show',
      '--endpoint',
      'http://127.0.0.1:8000',
      '--table',
      'my table',
      '--',
      '-r2',
    ]);
  });

  it('shows the placeholder "<runId>" for an id the terminal would print changed, and says why after the command', () => {
    const aim = '--table t';
    const why = hiddenRunIdWhy(aim);

    expect(runsShowCommand('run\u001b[31m', aim)).toBe(`pc-hygiene runs show "<runId>" ${aim} (${why})`);
    // The export it names is aimed as the command is: the run is that table's.
    expect(why).toBe(
      'a run id that holds characters a terminal cannot show: pc-hygiene export --include-reserved --table t shows it',
    );
    expect(hiddenRunIdWhy('')).toBe(
      'a run id that holds characters a terminal cannot show: pc-hygiene export --include-reserved shows it',
    );
    // The command, pasted without the why after it: the placeholder is one argument, not a redirection.
    const command = runsShowCommand('r\u202e1', aim);
    expect(command.endsWith(` (${why})`)).toBe(true);
    const pasted = pastedArguments(command.slice(0, -` (${why})`.length));
    expect(pasted).toEqual(['runs', 'show', '<runId>', '--table', 't']);
    // An id that starts with - keeps its --: the id typed in the placeholder's place needs it.
    expect(runsShowCommand('-r\u001b[31m', aim)).toBe(`pc-hygiene runs show ${aim} -- "<runId>" (${why})`);
  });
});
