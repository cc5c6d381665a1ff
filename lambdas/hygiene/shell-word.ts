/**
 * One POSIX shell word for a value a message tells someone to type (a credential id in the admins' restore command,
 * a table name in the CLI's advice), in one place: as is when it holds only characters no shell treats specially,
 * else in single quotes, the only quoting in which every character but `'` itself stands for itself (`'` written
 * `'\''`). Advice that quoted a value its own way would run another command than the one shown. Pure; the CLI's
 * `shellWord` (cli/format/shell-word.ts) adds its refusal of values the terminal would print changed.
 */

/** Characters that need no quoting in any POSIX shell word (the set of Python's `shlex.quote`). */
const PLAIN_WORD = /^[\w@%+=:,./-]+$/;

/** `text` as one POSIX shell word that types it back exactly: as is when plain, else single-quoted (`''` for none). */
export function posixShellWord(text: string): string {
  return PLAIN_WORD.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
