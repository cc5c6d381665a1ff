/**
 * Why: one rule for where the CLI writes files the user names, so every
 * command behaves alike (docs/data-model.md, "Import and export";
 * docs/notifications.md, "CLI"):
 *
 * - An output **file** (`export --output FILE`, `notify --sink jsonl:FILE`)
 *   is checked before the command reads or writes anything: a path that can
 *   never be written — empty, an existing directory, or in a folder that does
 *   not exist or is a file (or is under one) — is a usage error (exit 2) naming
 *   the option (and the missing folder, or the file in the way); so is one
 *   that cannot be checked (only "no such file" means missing: a folder that
 *   cannot be searched, or a symbolic link loop, is named with why). A missing
 *   folder is never created: a mistyped path (`--output exprots/x.jsonl`)
 *   should fail at once, not leave a new folder behind and the file where
 *   nobody looks.
 * - An output **directory** the user names for many files (`relay --out DIR`)
 *   is created when missing, with its parents, as `--out-dir`-style options
 *   usually are: naming the directory is the point of the option, and a
 *   command that writes many files there would otherwise need a separate
 *   `mkdir` every time. Something other than a directory in the way is a
 *   usage error naming it.
 *
 * Folders the tool makes for itself (`local`'s `$TMPDIR/pc-hygiene-local-*`)
 * are not user-named and need neither check.
 */
import type { Stats } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import { describeFileError } from './file-errors';
import { UsageError } from './usage-error';

/**
 * Checks an output file the user named, before anything is looked up, read or
 * written: a path that can never be written is refused here, not after a full
 * scan or a drain. Creates nothing.
 * @param path the file, as given
 * @param option the option that names it, as `--help` shows it (`--output`, `--sink jsonl:PATH`)
 * @param given how the user wrote it, for messages (default: `${option} ${path}`)
 * @throws {UsageError} naming the option when `path` is empty, an existing directory (or ends with
 *   a path separator), or in a folder that does not exist (the folder named) or is under a file (the
 *   nearest existing folder on its path is one: that file named), or when it or a folder on its way
 *   cannot be checked (permission denied, a symbolic link loop: that path named, and why; permission
 *   denied also names the folder that cannot be searched)
 */
export async function checkOutputFile(
  path: string,
  option: string,
  given = `${option} ${path}`,
): Promise<void> {
  if (path === '') throw new UsageError(`${option} must not be empty: give the file to write`);
  const isDirectory = () => new UsageError(`${given} is a directory: give the file to write`);
  if (path.endsWith(sep)) throw isDirectory();
  // The folders first: a folder that cannot be checked is named, not the file under it (which fails alike).
  const parent = dirname(path);
  const nearest = await nearestExisting(parent, given);
  if (nearest !== undefined && !nearest.isDirectory) {
    throw new UsageError(`${given}: ${nearest.path} is not a directory`);
  }
  if (nearest?.path !== parent) throw new UsageError(`${given}: the directory ${parent} does not exist`);
  if ((await statIfPresent(path, given))?.isDirectory()) throw isDirectory();
}

/**
 * The nearest of `dir` and its ancestors that exists (`undefined`: none can
 * be seen), so a file further up (`file.txt` in `file.txt/sub/x.jsonl`) is
 * named as the folder in the way, not its missing child. The walk goes up
 * only past a folder that is missing ({@link statIfPresent}).
 * @throws {UsageError} naming the first folder on the way up that cannot be checked
 */
async function nearestExisting(
  dir: string,
  given: string,
): Promise<{ path: string; isDirectory: boolean } | undefined> {
  for (let at = dir; ; at = dirname(at)) {
    const found = await statIfPresent(at, given);
    if (found !== undefined) return { path: at, isDirectory: found.isDirectory() };
    if (dirname(at) === at) return undefined;
  }
}

/**
 * `stat(path)`, `undefined` when the path is missing: ENOENT, or ENOTDIR (a
 * file on its way, which the walk up then names). Any other error
 * (permission denied, a symbolic link loop, …) leaves the path unknown, not
 * missing: calling it a missing folder would send the user looking for the
 * wrong fault. Permission denied names the folder that denied it (one that
 * cannot be searched: {@link unsearchableFolder}), the real cause, not only
 * the path under it.
 * @param given how the user wrote the output path, for the message
 * @throws {UsageError} naming `path` and why it could not be checked
 */
async function statIfPresent(path: string, given: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error: unknown) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    const denied = code === 'EACCES' ? await unsearchableFolder(path) : undefined;
    const why =
      denied === undefined
        ? describeFileError(error)
        : `permission denied on the directory ${denied} (its entries cannot be looked up)`;
    throw new UsageError(`${given}: cannot check ${path}: ${why}`);
  }
}

/**
 * The folder that denied `stat(path)` its permission (EACCES): looking a path
 * up needs search permission on every folder on its way, not on the path
 * itself, so the denial comes from the nearest folder above `path` that can
 * be looked up (it exists, its own folders are searchable, and it is not).
 * `undefined` when none can (the path's whole way is denied).
 */
async function unsearchableFolder(path: string): Promise<string | undefined> {
  const canLookUp = (at: string) =>
    stat(at).then(
      () => true,
      () => false,
    );
  for (let at = dirname(path); ; at = dirname(at)) {
    if (await canLookUp(at)) return at;
    if (dirname(at) === at) return undefined;
  }
}

/**
 * The mode of every file the CLI writes owners' mail or the table's items into (`0600`): `relay --out`'s emails,
 * `notify --sink jsonl:`'s digests and `export --output`'s items hold real owners' names, addresses and credentials,
 * so no other user of the machine reads them (the directory `relay --out` creates is `0700`:
 * {@link createOutputDirectory}).
 */
export const OWNER_ONLY_FILE_MODE = 0o600;

/**
 * Creates an output directory the user named for many files (with its
 * parents) when it is missing, readable by its owner only (`0700`): the
 * files written there are emails with real owners' names and addresses. One
 * that exists is used as it is (its mode is the user's choice).
 * @param dir the directory, as given
 * @throws {UsageError} naming `dir` when something other than a directory is in the way, or it
 *   cannot be created (e.g. permission denied)
 */
export async function createOutputDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error: unknown) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : describeFileError(error);
    throw new UsageError(`cannot create output directory ${dir}: ${why}`);
  }
}
