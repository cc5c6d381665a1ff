/**
 * What a command a message prints becomes pasted into a POSIX shell: the arguments `sh` gives `pc-hygiene`. Shared
 * by the tests of printed commands (test/unit/shell-word.test.ts, the `runs show` advice of `restore --run` and
 * `runs list`), so that each checks the words a shell reads, not the text as written.
 */
import { execFileSync } from 'node:child_process';

/**
 * The arguments `sh` gives `pc-hygiene` when `command` (starting `pc-hygiene `) is pasted: `pc-hygiene` is replaced
 * by a shell function that prints each argument on its own line (a function: dash's names take no `-`).
 */
export function pastedArguments(command: string): string[] {
  const pasted = command.replace(/^pc-hygiene /, 'pc_hygiene ');
  const script = `pc_hygiene() { for a in "$@"; do printf '%s\\n' "$a"; done; }; ${pasted}`;
  const out = execFileSync('sh', ['-c', script], { encoding: 'utf8', env: { HOME: '/nonexistent' } });
  return out.split('\n').slice(0, -1);
}
