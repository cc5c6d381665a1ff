/**
 * The folder of one `pc-hygiene local` run (`$TMPDIR/pc-hygiene-local-*`): the demo's files (the owner directory
 * CSV, the digests, the emails) go there and stay there for the user to open. A fresh folder per run, as the file
 * sink appends and an earlier run's digests belong to another database. `local`'s last line on stderr names it and
 * the `rm -rf` that removes it (README.md, "The two commands"), also after a Ctrl-C, once the folder exists.
 * Kept apart from the cycle's steps (`cycle.ts`) because the command says that line whatever ended the run.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terminalText } from '../../../lambdas/render/sanitize';
import { typedWord } from '../../format/shell-word';

/**
 * `local`'s last line on stderr: its demo files are left in `dir`, for the user to open, and how to remove them
 * (README.md, "The two commands"), the path quoted for the shell by {@link typedWord}.
 * @param interrupted a Ctrl-C or kill ended the run: the files are those written so far, and may be partial
 */
export function demoFilesLeftLine(dir: string, { interrupted = false } = {}): string {
  const files = interrupted
    ? "The demo's files so far (interrupted: they may be partial)"
    : "The demo's files";
  return `${files} are left in ${terminalText(dir)}: remove it when done (rm -rf ${typedWord(dir)})`;
}

/** One run's demo folder: made once the run needs it, then named by the line that leaves it to the user. */
export interface DemoFolder {
  /** Makes the run's fresh `$TMPDIR/pc-hygiene-local-*` folder and returns its path. */
  readonly make: () => Promise<string>;
  /**
   * {@link demoFilesLeftLine} for the folder, once made; `undefined` before (nothing was left anywhere).
   * @param interrupted a Ctrl-C or kill ended the run
   */
  readonly leftLine: (options?: { readonly interrupted?: boolean }) => string | undefined;
}

/** A {@link DemoFolder} not made yet: `make` makes it; `leftLine` says nothing until then. */
export function demoFolder(): DemoFolder {
  let path: string | undefined;
  return {
    make: async () => {
      path = await mkdtemp(join(tmpdir(), 'pc-hygiene-local-'));
      return path;
    },
    leftLine: (options) => (path === undefined ? undefined : demoFilesLeftLine(path, options)),
  };
}
