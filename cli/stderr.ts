/**
 * The CLI's one way to tell the operator something beside a command's output
 * (which stack and config it uses, a table it cannot check, …): a
 * `pc-hygiene: …` line on stderr, so stdout stays the command's result. A
 * module of its own, below the options layer, so the AWS helpers that say
 * such a line (`cli/aws/table-key.ts`, used by `createTableFrom` in tests and
 * the bench) do not pull in commander and config loading.
 */

/**
 * Says `line` on stderr as one `pc-hygiene: …` line: how a command tells the
 * operator which stack and config it uses, and what it could not check.
 * @param line the text, without the prefix or a newline
 */
export function sayOnStderr(line: string): void {
  process.stderr.write(`pc-hygiene: ${line}\n`);
}
