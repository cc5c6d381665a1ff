/**
 * Every `pc-hygiene` command line README.md and docs/*.md show (in shell fenced blocks and inline code, and the
 * rows of README.md's command table) is one the CLI accepts: its command path exists, each flag is one of that command's (or an ancestor's), a flag that
 * takes a value is given one (one of its choices, when the doc names a literal one), and no word is left over
 * for a command that takes none. A flag renamed or a command removed then fails here, naming the doc line,
 * instead of leaving operators a command the CLI refuses. The program is the real one, built from the command
 * modules cli/main.ts registers (cli/commands/registry.ts; main.ts itself runs the CLI on import); the lines come from
 * test/support/docs-cli-lines.ts. Code spans that name a command without `pc-hygiene` (`notify --dry-run`,
 * `owners sync-subscriptions`) are prose fragments: only their command path (a group's subcommand, when the word
 * after the group looks like one) and their flags' names are checked, so a renamed subcommand or flag fails there
 * too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Command, type CommandUnknownOpts, type Option } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { COMMAND_REGISTRATIONS } from '../../cli/commands/registry';
import { CLI_VERSION } from '../../cli/version';
import { bareCommandsIn, type DocCommand, docCommandsIn, tableCommandsIn } from '../support/docs-cli-lines';

/**
 * Doc lines that show, on purpose, a command the CLI refuses (an example of its usage error), each by file and
 * exact command text, with why.
 */
const REFUSED_ON_PURPOSE: readonly { file: string; text: string; why: string }[] = [];

/** The heading of README.md's section whose table lists the commands. */
const README_CLI_HEADING = '## CLI: `pc-hygiene`';

/** The program `pc-hygiene` runs: its commands and flags as cli/main.ts defines them. */
function cliProgram(): CommandUnknownOpts {
  const program = new Command('pc-hygiene').version(CLI_VERSION, '--version');
  for (const register of COMMAND_REGISTRATIONS) register(program);
  return program;
}

/** A placeholder a doc writes where the operator types their own word (`<id>`, `NAME`, `FILE.jsonl`, `…`). */
const PLACEHOLDER = /^(<.+>|[A-Z][A-Z0-9_]*(\.[a-z]+)?|…|\.\.\.)$/;

/** An ellipsis, where a doc leaves out the rest of a command's words (`pc-hygiene export …`). */
const ELLIPSIS = /^(…|\.\.\.)$/;

/** Whether `word` is a flag as commander reads one (`-x`, `--name`, `--name=value`; `-` alone is a value). */
function isFlag(word: string): boolean {
  return word.length > 1 && word.startsWith('-');
}

/** A command's name with its groups' (`pc-hygiene owners import`). */
function pathOf(command: CommandUnknownOpts): string {
  return command.parent === null ? command.name() : `${pathOf(command.parent)} ${command.name()}`;
}

/** The flags `command` reads: its own and its ancestors' (commander reads a parent's anywhere). */
function optionsOf(command: CommandUnknownOpts): readonly Option[] {
  const inherited = command.parent === null ? [] : optionsOf(command.parent);
  return [...command.options, ...inherited];
}

/**
 * What is wrong with the flag at `args[at]` on `command` (an empty list when nothing), and how many words it
 * uses (its value's too).
 */
function flagProblems(command: CommandUnknownOpts, args: readonly string[], at: number) {
  const [flag = '', inlineValue] = (args[at] ?? '').split(/=(.*)/s);
  if (flag === '--help' || flag === '-h') return { problems: [], used: 1 };
  const option = optionsOf(command).find((known) => known.long === flag || known.short === flag);
  if (option === undefined) return { problems: [unknownFlag(command, flag)], used: 1 };
  if (!option.required && !option.optional) return { problems: [], used: 1 };
  const next = args[at + 1];
  const value = inlineValue ?? (next !== undefined && !isFlag(next) ? next : undefined);
  const used = inlineValue === undefined && value !== undefined ? 2 : 1;
  if (value === undefined) {
    return { problems: option.required ? [`${option.flags} takes a value and none is given`] : [], used };
  }
  return { problems: choiceProblems(option, value), used };
}

/** The problem of a flag `command` does not read. */
function unknownFlag(command: CommandUnknownOpts, flag: string): string {
  return `unknown option ${flag} for "${pathOf(command)}"`;
}

/** A literal value (or `a|b` alternatives) of a flag with choices that is not one of them. */
function choiceProblems(option: Option, value: string): string[] {
  const choices = option.argChoices;
  if (choices === undefined || PLACEHOLDER.test(value) || /^["'$<]/.test(value)) return [];
  const unknown = value.split('|').filter((choice) => !choices.includes(choice));
  return unknown.length === 0 ? [] : [`${option.long} ${value}: not one of ${choices.join(', ')}`];
}

/**
 * What the CLI would refuse in `pc-hygiene ...args`: an unknown command, an unknown flag, a flag without its
 * value (or with a value not among its choices), more operands than the command takes. A placeholder where a
 * command name goes ends the check (the doc names no command). Missing arguments are not looked for: a code
 * span names a command in prose without them (`pc-hygiene restore`).
 */
function problemsOf(program: CommandUnknownOpts, args: readonly string[]): string[] {
  const problems: string[] = [];
  const operands: string[] = [];
  let command = program;
  for (let at = 0; at < args.length; at += 1) {
    const word = args[at] ?? '';
    if (word === '--') {
      operands.push(...args.slice(at + 1));
      break;
    }
    if (isFlag(word)) {
      const flag = flagProblems(command, args, at);
      problems.push(...flag.problems);
      at += flag.used - 1;
    } else if (command.commands.length > 0 && operands.length === 0) {
      if (PLACEHOLDER.test(word)) return problems;
      if (word === 'help') return [...problems, ...helpProblems(command, args.slice(at + 1))];
      const sub = subcommandOf(command, word);
      if (sub === undefined) return [...problems, unknownCommand(command, word)];
      command = sub;
    } else operands.push(word);
  }
  return [...problems, ...operandProblems(command, operands)];
}

/** The subcommand of `group` named (or aliased) `word`, if any. */
function subcommandOf(group: CommandUnknownOpts, word: string): CommandUnknownOpts | undefined {
  return group.commands.find((known) => known.name() === word || known.aliases().includes(word));
}

/** The problem of a word where `group`'s subcommand goes that is none of them. */
function unknownCommand(group: CommandUnknownOpts, word: string): string {
  const names = group.commands.map((known) => known.name()).join(', ');
  return `"${pathOf(group)}" has no command "${word}" (it has ${names})`;
}

/**
 * What `help` refuses after a group's name (cli/main.ts gives every group one): the words before the first flag
 * are the command it explains, checked as a command path (flags after it are not looked at).
 */
function helpProblems(group: CommandUnknownOpts, words: readonly string[]): string[] {
  const firstFlag = words.findIndex(isFlag);
  return problemsOf(group, firstFlag === -1 ? words : words.slice(0, firstFlag));
}

/** More operands than `command` takes (commander refuses excess arguments by default, as for every command). */
function operandProblems(command: CommandUnknownOpts, operands: readonly string[]): string[] {
  const declared = command.registeredArguments;
  const typed = operands.filter((operand) => !ELLIPSIS.test(operand));
  if (declared.at(-1)?.variadic || typed.length <= declared.length) return [];
  const takes = declared.length === 0 ? 'no arguments' : `${declared.length} argument(s)`;
  return [`"${pathOf(command)}" takes ${takes}, given: ${operands.join(' ')}`];
}

/**
 * A word that looks like a subcommand's name (`sync-subscriptions`), or alternatives of such names (`list|show`):
 * not a placeholder (`ID`, `<id>`), an ellipsis, a flag or a JSON path's rest (`.events`).
 */
const SUBCOMMAND_WORD = /^[a-z][a-z0-9-]*(\|[a-z][a-z0-9-]*)*$/;

/**
 * The command the words of a span without `pc-hygiene` name (`owners import FILE --dry-run`), its leading words
 * read as a command path down to a command without subcommands, and what is wrong with that path: where a group's
 * subcommand goes, a word that looks like one ({@link SUBCOMMAND_WORD}) and is none (`owners sync-subscriptons`;
 * each of `runs list|show` is looked up). No command when they name none (`owners` alone, `owners …`, `owners
 * --stack S`, alternatives, `help`): the span is prose.
 */
function commandNamedBy(
  program: CommandUnknownOpts,
  args: readonly string[],
): { command?: CommandUnknownOpts; problems: string[] } {
  let command = program;
  for (const word of args) {
    if (command.commands.length === 0) return { command, problems: [] };
    if (!SUBCOMMAND_WORD.test(word) || word === 'help') return { problems: [] };
    const unknown = word.split('|').filter((name) => subcommandOf(command, name) === undefined);
    if (unknown.length > 0) return { problems: unknown.map((name) => unknownCommand(command, name)) };
    const sub = subcommandOf(command, word);
    if (sub === undefined) return { problems: [] };
    command = sub;
  }
  return command.commands.length === 0 ? { command, problems: [] } : { problems: [] };
}

/**
 * What the CLI would refuse in a command a span names without `pc-hygiene` (`notify --dry-run`): a group's
 * subcommand it does not have ({@link commandNamedBy}), and each flag before a `--` that is not the command's (or
 * an ancestor's). Values, choices and arguments are not looked at: such a span is a fragment of prose (`sweep
 * --stack`). A span naming no command has no flag problems.
 */
function bareCommandProblems(program: CommandUnknownOpts, args: readonly string[]): string[] {
  const { command, problems } = commandNamedBy(program, args);
  if (command === undefined) return problems;
  const end = args.indexOf('--');
  return args
    .slice(0, end === -1 ? undefined : end)
    .filter(isFlag)
    .map((word) => word.split('=')[0] ?? word)
    .filter((flag) => !['--help', '-h'].includes(flag))
    .filter((flag) => !optionsOf(command).some((known) => known.long === flag || known.short === flag))
    .map((flag) => unknownFlag(command, flag));
}

/** The top-level command names (and aliases) of `program`: the first word of a span without `pc-hygiene`. */
function commandNamesOf(program: CommandUnknownOpts): ReadonlySet<string> {
  return new Set(program.commands.flatMap((command) => [command.name(), ...command.aliases()]));
}

/**
 * Each doc command's problems, one line each: `file:line: <command> — <what is wrong>`, as `check` finds them
 * (a full command line's by default).
 */
function reportOf(
  file: string,
  commands: readonly DocCommand[],
  program = cliProgram(),
  check: typeof problemsOf = problemsOf,
): string[] {
  return commands.flatMap((command) =>
    check(program, command.args).map((problem) => `${file}:${command.line}: ${command.text} — ${problem}`),
  );
}

/** README.md and every docs/*.md, by their path from the repository root. */
function docs(): { file: string; markdown: string }[] {
  const root = new URL('../../', import.meta.url);
  const files = [
    'README.md',
    ...readdirSync(new URL('docs/', root))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
  ];
  return files.map((file) => ({ file, markdown: readFileSync(new URL(file, root), 'utf8') }));
}

describe('the extractor', () => {
  it('takes commands from shell blocks and inline code, not from prose or other blocks', () => {
    const markdown = [
      'pc-hygiene sends no mail (prose), `pc-hygiene: failed` is a message, `pc-hygiene sweep --dry-run` code.',
      '```sh',
      'PC_HYGIENE_STACK=x npx pc-hygiene notify --dry-run   # a comment --bogus',
      'pc-hygiene runs list | head -3 && pc-hygiene guard status; echo done',
      'pc-hygiene restore --run r1 \\',
      '  --reason "bad config (TICKET-2)" --dry-run',
      'pc-hygiene owners import people.csv --as-of "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > out.txt 2>&1',
      '```',
      '```json',
      '{"pc-hygiene sweep": 1}',
      '```',
      '| `plan --input F` | `pc-hygiene plan --format table\\|json` |',
      'A message: `pc-hygiene owners import: notice: N owner(s)`.',
    ].join('\n');
    expect(docCommandsIn(markdown).map(({ line, args }) => [line, args.join(' ')])).toEqual([
      [1, 'sweep --dry-run'],
      [3, 'notify --dry-run'],
      [4, 'runs list'],
      [4, 'guard status'],
      [5, 'restore --run r1 --reason "bad config (TICKET-2)" --dry-run'],
      [7, 'owners import people.csv --as-of "$(date -u +%Y-%m-%dT%H:%M:%SZ)"'],
      [12, 'plan --format table|json'],
    ]);
  });

  it('reads a synopsis: optional flags, alternatives, placeholders', () => {
    const [plan] = docCommandsIn(
      '```\npc-hygiene plan (--input FILE.jsonl | --table NAME) [--now ISO] [--format table|json|jsonl|csv]\n```',
    );
    expect(plan?.args).toEqual([
      'plan',
      '--input',
      'FILE.jsonl',
      '--table',
      'NAME',
      '--now',
      'ISO',
      '--format',
      'table|json|jsonl|csv',
    ]);
    expect(plan?.text).toBe(
      'pc-hygiene plan (--input FILE.jsonl | --table NAME) [--now ISO] [--format table|json|jsonl|csv]',
    );
  });
});

describe('the extractor of commands named without pc-hygiene', () => {
  const names = new Set(['notify', 'owners', 'sweep', 'runs']);

  it('takes code spans starting with a command name, not fences, pc-hygiene lines or the table’s first cells', () => {
    const markdown = [
      'Run `notify --dry-run` first, then `owners sync-subscriptions --filter-policy-quota N`; `pc-hygiene sweep`.',
      '```sh',
      'sweep --dry-run',
      '```',
      '## Commands',
      '| `sweep [--now ISO]` | like `runs list \\| head` and `sweep --stack` |',
      "Taken, the check skips it: `owners`'s; not taken: `Notify`, `report --x`, `sweep: refused` (a message).",
    ].join('\n');
    expect(
      bareCommandsIn(markdown, names, '## Commands').map(({ line, text, args }) => [
        line,
        text,
        args.join(' '),
      ]),
    ).toEqual([
      [1, 'notify --dry-run', 'notify --dry-run'],
      [
        1,
        'owners sync-subscriptions --filter-policy-quota N',
        'owners sync-subscriptions --filter-policy-quota N',
      ],
      [6, 'runs list', 'runs list'],
      [6, 'sweep --stack', 'sweep --stack'],
      [7, 'owners', 'owners'],
    ]);
  });

  it('takes a span that starts with a command, not the shell’s export or local, nor a JSON path', () => {
    const shellNames = new Set([...names, 'export', 'local']);
    const markdown = [
      'Set `export PATH=~/.node24/bin:$PATH`, or `npm install x && export PATH=~/bin:$PATH`; `local NAME=v`.',
      'Not `owners[].events` nor `cd main && sweep --dry-run`; taken: `export --output F` and `local --now ISO`,',
      '`sweep --dry-run && notify --dry-run | tail`.',
    ].join('\n');
    expect(bareCommandsIn(markdown, shellNames).map(({ line, args }) => [line, args.join(' ')])).toEqual([
      [2, 'export --output F'],
      [2, 'local --now ISO'],
      [3, 'sweep --dry-run'],
      [3, 'notify --dry-run'],
    ]);
  });
});

describe('the check', () => {
  const check = (line: string) => reportOf('doc.md', docCommandsIn(`\`\`\`sh\n${line}\n\`\`\``));

  it('accepts what the CLI accepts', () => {
    expect(check('npx pc-hygiene sweep --endpoint=http://127.0.0.1:8000 --dry-run --format json')).toEqual(
      [],
    );
    expect(check('pc-hygiene owners resubscribe --stack S -- u1 u2')).toEqual([]);
    expect(check('pc-hygiene runs show <runId> --format csv > run.csv')).toEqual([]);
    expect(check('pc-hygiene <command> --help')).toEqual([]);
    expect(check('pc-hygiene help owners import --format json')).toEqual([]);
  });

  it('names a renamed flag, an unknown command, a missing value, a wrong choice and an extra word', () => {
    expect(check('pc-hygiene sweep --dry-run --allow-mass-deletes')).toEqual([
      'doc.md:2: pc-hygiene sweep --dry-run --allow-mass-deletes — unknown option --allow-mass-deletes for "pc-hygiene sweep"',
    ]);
    expect(check('pc-hygiene owners subscribe u1')).toEqual([
      'doc.md:2: pc-hygiene owners subscribe u1 — "pc-hygiene owners" has no command "subscribe" (it has import, export, list, sync-subscriptions, resubscribe, unsubscribe, clear-bouncing)',
    ]);
    expect(check('pc-hygiene guard approve --max-deletes --reason x')).toEqual([
      'doc.md:2: pc-hygiene guard approve --max-deletes --reason x — --max-deletes <n> takes a value and none is given',
    ]);
    expect(check('pc-hygiene help owners imports')).toEqual([
      'doc.md:2: pc-hygiene help owners imports — "pc-hygiene owners" has no command "imports" (it has import, export, list, sync-subscriptions, resubscribe, unsubscribe, clear-bouncing)',
    ]);
    expect(check('pc-hygiene report --format yaml')).toEqual([
      'doc.md:2: pc-hygiene report --format yaml — --format yaml: not one of table, json, csv',
    ]);
    expect(check('pc-hygiene sweep now')).toEqual([
      'doc.md:2: pc-hygiene sweep now — "pc-hygiene sweep" takes no arguments, given: now',
    ]);
  });
});

describe('the check of a command named without pc-hygiene', () => {
  const check = (span: string) => {
    const program = cliProgram();
    const commands = bareCommandsIn(`See \`${span}\`.`, commandNamesOf(program));
    return reportOf('doc.md', commands, program, bareCommandProblems);
  };

  it('checks only flag names: values, choices and arguments may be left out', () => {
    expect(check('sweep --stack')).toEqual([]);
    expect(check('guard approve --max-deletes')).toEqual([]);
    expect(check('report --format yaml')).toEqual([]);
    expect(check('owners import --as-of=ISO --allow-older --help')).toEqual([]);
    expect(check('restore')).toEqual([]);
  });

  it('names a renamed flag, with its command’s path', () => {
    expect(check('notify --dry-run --topic ARN')).toEqual([
      'doc.md:1: notify --dry-run --topic ARN — unknown option --topic for "pc-hygiene notify"',
    ]);
    expect(check('owners sync-subscriptions --filter-quota N')).toEqual([
      'doc.md:1: owners sync-subscriptions --filter-quota N — unknown option --filter-quota for "pc-hygiene owners sync-subscriptions"',
    ]);
  });

  it('names a misspelt or renamed subcommand of a group, each of alternatives, its flags unchecked', () => {
    const markdown = [
      'Run `owners sync-subscriptons --dry-run` (misspelt), then `runs list|shows`;',
      '`guard approve --max-deletes N` and `runs list|show` are right; `owners subscribe --bogus` is renamed.',
    ].join('\n');
    const program = cliProgram();
    const commands = bareCommandsIn(markdown, commandNamesOf(program));
    expect(reportOf('doc.md', commands, program, bareCommandProblems)).toEqual([
      'doc.md:1: owners sync-subscriptons --dry-run — "pc-hygiene owners" has no command "sync-subscriptons" (it has import, export, list, sync-subscriptions, resubscribe, unsubscribe, clear-bouncing)',
      'doc.md:1: runs list|shows — "pc-hygiene runs" has no command "shows" (it has list, show)',
      'doc.md:2: owners subscribe --bogus — "pc-hygiene owners" has no command "subscribe" (it has import, export, list, sync-subscriptions, resubscribe, unsubscribe, clear-bouncing)',
    ]);
  });

  it('skips a span whose words name no command: a group alone or before no subcommand word', () => {
    expect(check('owners')).toEqual([]);
    expect(check('owners --bogus')).toEqual([]);
    expect(check('owners … --bogus')).toEqual([]);
    expect(check('owners RUN_ID --bogus')).toEqual([]);
    expect(check('owners help import')).toEqual([]);
    expect(check('owners[].events')).toEqual([]);
  });
});

describe('the docs’ pc-hygiene command lines', () => {
  it('are checked against the commands cli/main.ts registers: the one list, and no other registration', () => {
    const main = readFileSync(new URL('../../cli/main.ts', import.meta.url), 'utf8');
    expect(main).toContain('for (const register of COMMAND_REGISTRATIONS) register(program);');
    expect([...main.matchAll(/^register\w+\(program\);$/gm)]).toEqual([]);
  });

  it('are found: at least 100 of them', () => {
    const found = docs().flatMap(({ markdown }) => docCommandsIn(markdown));
    expect(found.length).toBeGreaterThanOrEqual(100);
  });

  it('include the README command table, a command (and its shared flags) per row', () => {
    const readme = docs().find((doc) => doc.file === 'README.md')?.markdown ?? '';
    const table = tableCommandsIn(readme, README_CLI_HEADING);
    expect(table.length).toBeGreaterThanOrEqual(20);
    expect(reportOf('README.md', table)).toEqual([]);
  });

  it('include the code spans that name a command without pc-hygiene, each subcommand and flag one it has: 240 with a subcommand, 80 with flags at least', () => {
    const program = cliProgram();
    const names = commandNamesOf(program);
    const named = docs().map(({ file, markdown }) => ({
      file,
      commands: bareCommandsIn(markdown, names, README_CLI_HEADING),
    }));
    const spans = named.flatMap(({ commands }) => commands);
    const withSubcommand = spans.filter(({ args }) => {
      const group = subcommandOf(program, args[0] ?? '');
      return group !== undefined && group.commands.length > 0 && SUBCOMMAND_WORD.test(args[1] ?? '');
    });
    expect(withSubcommand.length).toBeGreaterThanOrEqual(240);
    const withFlags = spans.filter(
      ({ args }) => commandNamedBy(program, args).command !== undefined && args.some(isFlag),
    );
    expect(withFlags.length).toBeGreaterThanOrEqual(80);
    expect(
      named.flatMap(({ file, commands }) => reportOf(file, commands, program, bareCommandProblems)),
    ).toEqual([]);
  });

  it('are each accepted by the CLI (or refused on purpose, listed above)', () => {
    const program = cliProgram();
    const refused = docs().flatMap(({ file, markdown }) =>
      reportOf(
        file,
        docCommandsIn(markdown).filter(
          (command) =>
            !REFUSED_ON_PURPOSE.some((known) => known.file === file && known.text === command.text),
        ),
        program,
      ),
    );
    expect(refused).toEqual([]);
  });
});
