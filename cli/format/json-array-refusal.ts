/**
 * The one refusal of a records file that is one JSON array rather than JSON Lines, for every command that reads
 * records from a JSON Lines file (`import FILE`, `plan --input FILE`). A pretty-printed array (`[{…},{…}]`, as many
 * tools export) read line by line is rejected line by line but for a line holding one whole record (its last
 * element, no comma after it), which would pass for one: `import` would write it alone, `plan` would plan it among
 * "invalid record" lines and counts that describe no file the operator has (docs/data-model.md, "Import and export";
 * docs/cli-plan.md). So the file is refused whole, a usage error before anything is written or printed, and the way
 * out is one command. Which files open such an array is the reader's to say (cli/jsonl.ts, `opensJsonArray`).
 */

import type { JsonlLine } from '../jsonl';
import { UsageError } from '../usage-error';
import { typedWord } from './shell-word';

/** What each command that refuses a JSON array says it did not do. */
const NOTHING_DONE = {
  import: 'nothing written',
  plan: 'nothing planned',
} as const;

/** A command that reads records from a JSON Lines file and refuses a JSON array. */
export type JsonLinesCommand = keyof typeof NOTHING_DONE;

/**
 * Why `file`, whose first non-blank line opens a JSON array it does not close (`[`, `[{…},`), is refused by
 * `command`: what it looks like, that nothing was done, and the `jq` command that turns it into JSON Lines. The JSON
 * Lines file it suggests is never the file itself (`x.json` → `x.jsonl`, else `FILE.jsonl`); a name that cannot be
 * typed back from the screen is shown as a placeholder (`typedWord`).
 */
export function jsonArrayRefusal(file: string, command: JsonLinesCommand): string {
  const jsonl = /\.json$/i.test(file) ? `${file}l` : `${file}.jsonl`;
  return (
    `${typedWord(file, 'FILE')} looks like a JSON array (it starts with [), but ${command} reads JSON Lines, one ` +
    `JSON object a line: ${NOTHING_DONE[command]}; convert it, e.g. jq -c '.[]' ${typedWord(file, 'FILE')} > ` +
    `${typedWord(jsonl, 'FILE.jsonl')}, and ${command} that file`
  );
}

/**
 * The lines of `file` as read (`readJsonLines`), refused whole when the first one opens a JSON array
 * (`opensJsonArray`): the refusal is thrown when that line is asked for, before any line is handed on, and the
 * reading is closed. A whole array on one line is handed on as the bad line it is.
 * @throws {UsageError} {@link jsonArrayRefusal}, when the file opens a JSON array
 */
export async function* refusingJsonArray(
  lines: AsyncIterable<JsonlLine>,
  file: string,
  command: JsonLinesCommand,
): AsyncGenerator<JsonlLine> {
  for await (const line of lines) {
    if (line.opensJsonArray) throw new UsageError(jsonArrayRefusal(file, command));
    yield line;
  }
}
