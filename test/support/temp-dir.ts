/**
 * Temporary folders for tests that write files (CLI inputs, configs, outputs).
 * Each folder is made under the OS temp folder before the suite's tests and
 * removed after them, so a test run leaves nothing behind in `/tmp`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * Registers a temporary folder for the enclosing `describe` (or the file, at top level): made in a `beforeAll`
 * registered here, so the suite's own later `beforeAll` hooks can already use it, and removed in an `afterAll`.
 *
 * @param prefix the start of the folder's name, to tell whose it is
 * @returns a function giving the folder's path (it throws when called before the folder exists)
 */
export function useTempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error(`useTempDir('${prefix}'): used before its beforeAll ran`);
    return dir;
  };
}
