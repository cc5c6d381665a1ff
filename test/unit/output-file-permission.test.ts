/**
 * cli/output-file.ts on a path through a folder that cannot be searched
 * (permission denied): the output path is refused naming that folder, the
 * real cause, never as a folder that "does not exist" nor only as the path
 * under it that could not be checked. The denial is injected (`stat` failing
 * with EACCES, as the kernel answers for every path under such a folder), so
 * the rule is tested when the tests run as root, where `chmod 000` denies
 * nothing; the same check with a real `chmod 000` runs only when not root.
 */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkOutputFile } from '../../cli/output-file';
import { UsageError } from '../../cli/usage-error';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, stat: vi.fn(actual.stat) };
});

const realStat = (await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises')).stat;

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'output-file-permission-'));
});
afterEach(async () => {
  vi.mocked(fs.stat).mockImplementation(realStat);
  await fs.chmod(join(dir, 'locked'), 0o755).catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
});

/** `text` matched literally in a regular expression. */
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An EACCES error as `stat` throws it. */
function permissionDenied(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EACCES: permission denied, stat '${path}'`), {
    code: 'EACCES',
    errno: -13,
    syscall: 'stat',
    path,
  });
}

/** `stat` as the kernel answers when `locked` cannot be searched: every path under it is denied. */
function denySearchIn(locked: string): void {
  vi.mocked(fs.stat).mockImplementation(async (path, ...rest) => {
    if (String(path).startsWith(`${locked}/`)) throw permissionDenied(String(path));
    return realStat(path, ...rest);
  });
}

describe('checkOutputFile under a folder that cannot be searched', () => {
  it.each([
    ['a file right in it', ['x.jsonl']],
    ['a file in a missing folder under it', ['missing', 'x.jsonl']],
    ['a file deeper under it', ['missing', 'deeper', 'x.jsonl']],
  ])('names that folder and permission denied: %s', async (_case, parts) => {
    const locked = join(dir, 'locked');
    await fs.mkdir(locked);
    denySearchIn(locked);
    const path = join(locked, ...parts);

    const refused = checkOutputFile(path, '--output');

    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(
      new RegExp(
        `^${escaped(`--output ${path}: cannot check `)}.*${escaped(`: permission denied on the directory ${locked} `)}`,
      ),
    );
    await expect(refused).rejects.not.toThrow('does not exist');
  });

  it.runIf(process.getuid?.() !== 0)('says the same with a real chmod 000 (not as root)', async () => {
    const locked = join(dir, 'locked');
    await fs.mkdir(locked);
    await fs.chmod(locked, 0o000);
    const path = join(locked, 'missing', 'x.jsonl');

    await expect(checkOutputFile(path, '--output')).rejects.toThrow(
      `permission denied on the directory ${locked} `,
    );
  });
});
