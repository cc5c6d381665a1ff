/**
 * Finds the `pc-hygiene` command lines that README.md and docs/*.md tell an
 * operator to type, so test/unit/docs-cli-commands.test.ts can check each
 * against the CLI's own definition. Only code counts: lines of shell fenced
 * blocks (`sh`, `bash`, `shell`, or no language) and inline code spans; prose
 * that names the CLI (`pc-hygiene sends no …`) is not a command. Each snippet
 * is read as a shell would split it, only as far as the docs need: quotes,
 * `$(…)`, `\` line continuations, `# comments`, and `|`, `&&`, `||`, `;`
 * between commands (only the `pc-hygiene` part is kept), environment
 * assignments and `npx` before it; a synopsis's `[optional]` and `(a | b)`
 * groups are read as the flags inside them. Code spans that start with a command
 * named without `pc-hygiene` (`notify --dry-run`, `owners list`) are found too ({@link bareCommandsIn}); not a
 * JSON path (`owners[].events`) nor the shell's `export PATH=…`.
 */

/** One `pc-hygiene` command as a doc shows it. */
export interface DocCommand {
  /** The 1-based line of the markdown where the command (or its code span) starts. */
  readonly line: number;
  /** The command as written, from `pc-hygiene` (or `npx pc-hygiene`) to its end. */
  readonly text: string;
  /** The words after `pc-hygiene`, quotes kept, a synopsis's brackets and `|` alternatives left out. */
  readonly args: readonly string[];
}

/** A piece of shell text from a doc and the line it starts on. */
interface Snippet {
  readonly line: number;
  readonly text: string;
}

/** A word of a snippet and where it starts in the snippet's text. */
interface Word {
  readonly text: string;
  readonly start: number;
}

/** The words of one command (between operators), and where the command ends in the snippet's text. */
interface Segment {
  readonly words: readonly Word[];
  readonly end: number;
}

/** The info strings of the fenced blocks that hold shell commands (the empty one: no language). */
const SHELL_FENCES: ReadonlySet<string> = new Set(['', 'sh', 'bash', 'shell']);

/** A fence line: its indentation, its backticks or tildes, and its info string. */
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)/;

/** An environment assignment before a command (`PC_HYGIENE_STACK=x`). */
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Every `pc-hygiene` command in `markdown`, in the order the doc shows them. */
export function docCommandsIn(markdown: string): DocCommand[] {
  const { shellLines, prose } = splitFences(markdown.split('\n'));
  const snippets = [...shellLines, ...inlineCodeSpans(prose)].sort((a, b) => a.line - b.line);
  return snippets.flatMap(commandsIn);
}

/**
 * The commands of the table in the section of `markdown` headed `heading` (README.md's "CLI: `pc-hygiene`"),
 * which names them without `pc-hygiene`: each code span of a row's first cell that names a command (`runs list`),
 * with the flag spans after it in that cell (`runs list` / `runs show RUN_ID` `[--format …]`: both take them).
 */
export function tableCommandsIn(markdown: string, heading: string): DocCommand[] {
  const lines = markdown.split('\n');
  const { start, end } = sectionOf(lines, heading);
  return lines.slice(start, end).flatMap((line, index) => {
    const firstCell = FIRST_CELL.exec(line)?.[1] ?? '';
    const spans = [...firstCell.matchAll(/`([^`]+)`/g)].map((match) =>
      (match[1] ?? '').replace(/\\\|/g, '|'),
    );
    const named = spans.filter((span) => !/^[-[]/.test(span));
    const flags = spans.filter((span) => /^[-[]/.test(span)).join(' ');
    return named.flatMap((span) =>
      commandsIn({ line: start + index + 1, text: `pc-hygiene ${span} ${flags}` }),
    );
  });
}

/**
 * The commands that inline code spans of `markdown` name without `pc-hygiene` (`notify --dry-run`, `owners
 * sync-subscriptions --filter-policy-quota N`): in a span (outside fenced blocks) that starts with a command
 * ({@link namesCommand}), each command that is one, with its words from its name on. A span starting with
 * anything else is shell or prose, a command after it too (`npm install … && export PATH=…` is the shell's
 * `export`). The first cells of the table in the section headed `tableHeading` are left out:
 * {@link tableCommandsIn} reads them.
 */
export function bareCommandsIn(
  markdown: string,
  commandNames: ReadonlySet<string>,
  tableHeading?: string,
): DocCommand[] {
  const { prose } = splitFences(markdown.split('\n'));
  const table = sectionOf(prose, tableHeading);
  const outsideTable = prose.map((line, index) =>
    index >= table.start && index < table.end ? line.replace(FIRST_CELL, '||') : line,
  );
  return inlineCodeSpans(outsideTable).flatMap((snippet) => {
    const segments = segmentsOf(snippet.text);
    const namedBy = (segment: Segment) => namesCommand(segment, snippet.text, commandNames);
    if (segments[0] === undefined || !namedBy(segments[0])) return [];
    return segments.filter(namedBy).flatMap((segment) => {
      const args = withoutRedirections(segment.words.map((word) => word.text));
      if (isMessage(args)) return [];
      const start = segment.words[0]?.start ?? 0;
      return [{ line: snippet.line, text: snippet.text.slice(start, segment.end).trim(), args }];
    });
  });
}

/**
 * Whether `segment` of the span `text` names one of `commandNames` (the program's top-level commands): its
 * first word is one, standing as a word (`owners[].events` is a JSON path), and is not the shell's builtin of
 * that name setting a variable (`export PATH=…`, `local NAME=value`: the next word an assignment).
 */
function namesCommand(segment: Segment, text: string, commandNames: ReadonlySet<string>): boolean {
  const [first, second] = segment.words;
  if (first === undefined || !commandNames.has(first.text)) return false;
  const after = text[first.start + first.text.length];
  const standsAlone = after === undefined || /[\s;&|]/.test(after);
  return standsAlone && !ENV_ASSIGNMENT.test(second?.text ?? '');
}

/** A table row's first cell (its text: group 1), a `\|` in it read as part of the cell. */
const FIRST_CELL = /^\|((?:[^|\\]|\\.)*)\|/;

/** The lines of `lines` in the section headed `heading`, up to the next `## ` heading (none: an empty range). */
function sectionOf(lines: readonly string[], heading?: string): { start: number; end: number } {
  const start = heading === undefined ? -1 : lines.indexOf(heading);
  if (start === -1) return { start: 0, end: 0 };
  const end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  return { start, end: end === -1 ? lines.length : end };
}

/**
 * The logical lines of the shell fenced blocks (a line ending in `\` joined with the next), and the doc with
 * every fenced block's lines blanked, so inline code is looked for only outside them (line numbers kept).
 */
function splitFences(lines: readonly string[]): { shellLines: Snippet[]; prose: string[] } {
  const shellLines: Snippet[] = [];
  const prose: string[] = [];
  let fence: { marker: string; shell: boolean } | undefined;
  let continued: Snippet | undefined;
  lines.forEach((line, index) => {
    const opening = FENCE.exec(line);
    if (fence === undefined && opening !== null) {
      fence = { marker: opening[2] ?? '```', shell: SHELL_FENCES.has((opening[3] ?? '').toLowerCase()) };
    } else if (fence !== undefined && isClosingFence(line, fence.marker)) {
      fence = undefined;
    } else if (fence?.shell) {
      const text = `${continued?.text ?? ''}${line}`;
      const snippet = { line: continued?.line ?? index + 1, text };
      continued = /\\\s*$/.test(line) ? { ...snippet, text: text.replace(/\\\s*$/, ' ') } : undefined;
      if (continued === undefined) shellLines.push(snippet);
    }
    prose.push(fence === undefined && opening === null ? line : '');
  });
  return { shellLines, prose };
}

/** Whether `line` closes a fenced block opened with `marker` (the same character, at least as many). */
function isClosingFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && trimmed === (marker[0] ?? '`').repeat(trimmed.length);
}

/**
 * The inline code spans of `prose` (a run of backticks up to the next run of as many), each on one line, with
 * a table cell's escaped `\|` read as the `|` it shows.
 */
function inlineCodeSpans(prose: readonly string[]): Snippet[] {
  const text = prose.join('\n');
  const lineStarts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  const lineOf = (offset: number) => lineStarts.findLastIndex((start) => start <= offset) + 1;
  const spans: Snippet[] = [];
  for (const match of text.matchAll(/(?<!`)(`+)(?!`)([\s\S]+?)(?<!`)\1(?!`)/g)) {
    const body = (match[2] ?? '').replace(/\s*\n\s*/g, ' ').replace(/\\\|/g, '|');
    spans.push({ line: lineOf(match.index), text: body });
  }
  return spans;
}

/** The `pc-hygiene` commands of one snippet: each segment whose command, after assignments and `npx`, is it. */
function commandsIn(snippet: Snippet): DocCommand[] {
  return segmentsOf(snippet.text).flatMap((segment) => {
    const words = segment.words.map((word) => word.text);
    let first = words.findIndex((word) => !ENV_ASSIGNMENT.test(word));
    if (words[first] === '$') first += 1; // a shell prompt
    const start = segment.words[first];
    const named = words[first] === 'npx' ? first + 1 : first;
    if (start === undefined || words[named] !== 'pc-hygiene') return [];
    const args = withoutRedirections(words.slice(named + 1));
    if (isMessage(args)) return [];
    return [{ line: snippet.line, text: snippet.text.slice(start.start, segment.end).trim(), args }];
  });
}

/** A redirection's operator (`>`, `>>`, `2>`, `<`, `2>&1`), alone or with its file attached (`>out.csv`). */
const REDIRECTION = /^\d*(>>?|<)(&\d+)?$|^\d*>>?[^>&]/;

/** `words` without their redirections (`> run.csv`, `2>&1`): what the shell gives the command. */
function withoutRedirections(words: readonly string[]): string[] {
  const kept: string[] = [];
  for (let at = 0; at < words.length; at += 1) {
    const word = words[at] ?? '';
    if (!REDIRECTION.test(word)) kept.push(word);
    else if (/^\d*(>>?|<)$/.test(word)) at += 1; // its file is the next word
  }
  return kept;
}

/**
 * Whether the words after `pc-hygiene` are one of its messages quoted (`pc-hygiene owners import: notice: …`):
 * a word before the first flag ends with `:`, as the command path never does.
 */
function isMessage(args: readonly string[]): boolean {
  const firstFlag = args.findIndex((arg) => arg.startsWith('-'));
  return args.slice(0, firstFlag === -1 ? args.length : firstFlag).some((arg) => arg.endsWith(':'));
}

/**
 * Splits shell text into commands: words end at unquoted whitespace; `'…'`, `"…"`, `$(…)` and `<a placeholder>`
 * stay in their word; an unquoted `#` starting a word starts a comment; `;`, `&` and a `|` starting a word end a
 * command ({@link isOperator}); a synopsis's `[`, `]`, `(`, `)` end a word and are dropped, as is a `|` standing
 * alone between them.
 */
function segmentsOf(text: string): Segment[] {
  const segments: Segment[] = [];
  let words: Word[] = [];
  let word: { text: string; start: number } | undefined;
  let depth = 0;
  const endWord = () => {
    if (word !== undefined && word.text !== '|') words.push(word);
    word = undefined;
  };
  const endSegment = (end: number) => {
    endWord();
    if (words.length > 0) segments.push({ words, end });
    words = [];
  };
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at] ?? '';
    if (/\s/.test(char) || '[]()'.includes(char)) {
      endWord();
      depth = Math.max(0, depth + ('[('.includes(char) ? 1 : ')]'.includes(char) ? -1 : 0));
    } else if (char === '#' && word === undefined) {
      endSegment(at);
      return segments;
    } else if (isOperator(text, at, depth, word === undefined)) {
      endSegment(at);
    } else {
      const quoted = quotedRun(text, at);
      word ??= { text: '', start: at };
      word.text += text.slice(at, quoted);
      at = quoted - 1;
    }
  }
  endSegment(text.length);
  return segments;
}

/**
 * Whether the character at `at` ends a command: `;`, `&` (not of a redirection such as `2>&1`), and a `|` that
 * starts a word outside a synopsis's brackets; one inside a word separates alternatives (`table|json`), as one
 * standing alone inside brackets does (`(--input FILE | --table NAME)`).
 */
function isOperator(text: string, at: number, depth: number, startsWord: boolean): boolean {
  const char = text[at] ?? '';
  if (char === '|') return depth === 0 && startsWord;
  if (char === '&') return !'<>'.includes(text[at - 1] ?? ' ');
  return char === ';';
}

/**
 * Where the run of one word's characters that starts at `start` ends: after its closing quote for `'…'` and
 * `"…"`, after the matching `)` for `$(…)` (quotes and parentheses inside counted), after the `>` of a
 * placeholder of several words (`<export time>`), else after one character (a `\` escaping the next: two).
 * An unclosed run ends with the text.
 */
function quotedRun(text: string, start: number): number {
  const placeholder = /^<[^\s<>][^<>]*>/.exec(text.slice(start));
  if (placeholder !== null) return start + placeholder[0].length;
  const closers: string[] = [];
  let at = start;
  do {
    const char = text[at] ?? '';
    const closer = closers.at(-1);
    if (char === '\\' && closer !== "'") at += 1;
    else if (char === closer) closers.pop();
    else if (closer === "'") {
      // inside single quotes nothing else counts
    } else if (char === '$' && text[at + 1] === '(') {
      closers.push(')');
      at += 1;
    } else if (char === '(' && closer === ')') closers.push(')');
    else if ((char === '"' || char === "'") && closer !== '"') closers.push(char);
    at += 1;
  } while (closers.length > 0 && at < text.length);
  return Math.min(at, text.length);
}
