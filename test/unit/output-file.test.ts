/**
 * cli/output-file.ts, the one rule for paths the user names for output: a
 * file in a folder that does not exist or is a file (or a directory given as
 * the file) is refused with the folder named and nothing created, and one
 * under a file further up with that file named; a directory
 * named for many files is created with its parents, and something else in its
 * way is refused. A path that cannot be checked (ELOOP: a symbolic link loop)
 * is refused with that path named, not called a missing folder.
 */
import { mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkOutputFile, createOutputDirectory } from '../../cli/output-file';
import { UsageError } from '../../cli/usage-error';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'output-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkOutputFile', () => {
  it('accepts a new or existing file in an existing folder, creating nothing', async () => {
    await writeFile(join(dir, 'old.jsonl'), 'kept\n');

    await checkOutputFile(join(dir, 'new.jsonl'), '--output');
    await checkOutputFile(join(dir, 'old.jsonl'), '--output');

    expect(await readdir(dir)).toEqual(['old.jsonl']);
  });

  it('refuses a file in a folder that does not exist, naming the option and the folder, and creates no folder', async () => {
    const missing = join(dir, 'exprots', 'deeper');
    const path = join(missing, 'out.jsonl');

    const refused = checkOutputFile(path, '--sink jsonl:PATH', `--sink jsonl:${path}`);

    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(`--sink jsonl:${path}: the directory ${missing} does not exist`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a folder given as the file, a path ending with a separator, a file as the folder, and an empty path', async () => {
    await writeFile(join(dir, 'plain'), '');

    await expect(checkOutputFile(dir, '--output')).rejects.toThrow(
      `--output ${dir} is a directory: give the file to write`,
    );
    await expect(checkOutputFile(`${join(dir, 'new')}${sep}`, '--output')).rejects.toThrow('is a directory');
    // A file where the folder should be is said so, not called a missing directory.
    await expect(checkOutputFile(join(dir, 'plain', 'x.jsonl'), '--output')).rejects.toThrow(
      `--output ${join(dir, 'plain', 'x.jsonl')}: ${join(dir, 'plain')} is not a directory`,
    );
    await expect(checkOutputFile('', '--output')).rejects.toThrow(
      '--output must not be empty: give the file to write',
    );
  });

  it('names a file further up the path as the folder in the way, not its missing child', async () => {
    const file = join(dir, 'file.txt');
    await writeFile(file, '');

    for (const path of [join(file, 'sub', 'x.jsonl'), join(file, 'sub', 'deeper', 'x.jsonl')]) {
      const refused = checkOutputFile(path, '--output');
      await expect(refused).rejects.toThrow(UsageError);
      await expect(refused).rejects.toThrow(`--output ${path}: ${file} is not a directory`);
    }
    expect(await readdir(dir)).toEqual(['file.txt']);
  });
});

describe('checkOutputFile on a path it cannot check', () => {
  /** `a -> b`, `b -> a` in the test folder: every path through `a` gives ELOOP, not ENOENT. */
  async function symlinkLoop(): Promise<string> {
    await symlink(join(dir, 'b'), join(dir, 'a'));
    await symlink(join(dir, 'a'), join(dir, 'b'));
    return join(dir, 'a');
  }

  it('names the folder on the way that cannot be checked, and why, not a missing folder', async () => {
    const loop = await symlinkLoop();

    for (const [path, unchecked] of [
      [join(loop, 'x.jsonl'), loop],
      [join(loop, 'sub', 'x.jsonl'), join(loop, 'sub')],
    ] as const) {
      const refused = checkOutputFile(path, '--output');
      await expect(refused).rejects.toThrow(UsageError);
      await expect(refused).rejects.toThrow(
        `--output ${path}: cannot check ${unchecked}: too many levels of symbolic links`,
      );
    }
    expect((await readdir(dir)).sort()).toEqual(['a', 'b']);
  });

  it('refuses a file that cannot be checked in a folder that can', async () => {
    const loop = await symlinkLoop();

    await expect(checkOutputFile(loop, '--output')).rejects.toThrow(
      `--output ${loop}: cannot check ${loop}: too many levels of symbolic links`,
    );
  });
});

describe('createOutputDirectory', () => {
  it('creates a directory named for many files with its parents, and uses one that exists as it is', async () => {
    const out = join(dir, 'emails', 'today');

    await createOutputDirectory(out);
    await writeFile(join(out, 'a.eml'), 'x');
    await createOutputDirectory(out);

    expect((await stat(out)).isDirectory()).toBe(true);
    expect(await readdir(out)).toEqual(['a.eml']);
  });

  it('refuses a file in the way, as a usage error naming it', async () => {
    const file = join(dir, 'emails');
    await writeFile(file, '');

    for (const out of [file, join(file, 'sub')]) {
      const refused = createOutputDirectory(out);
      await expect(refused).rejects.toThrow(UsageError);
      await expect(refused).rejects.toThrow(`cannot create output directory ${out}: a file is in the way`);
    }
  });
});
