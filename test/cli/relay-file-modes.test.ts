/**
 * `pc-hygiene relay --out DIR` writes real owners' emails (names, addresses,
 * their credentials) to disk, e.g. against a deployment's directory: the
 * directory it creates is its user's only (`0700`) and every file it writes,
 * the `.eml` files and the HTML one, is `0600`, so no other user of a shared
 * machine reads them, also when it overwrites a file an earlier run left at
 * another mode. A directory that already exists keeps its own mode.
 */
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relayToFiles, writeEmailHtml } from '../../cli/use-cases/relay-to-files';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { digestFromSnsEnvelope } from '../../lambdas/relay/digest-message';
import { digestRecord } from '../support/sample-digest';
import { useTempDir } from '../support/temp-dir';
import { memoryDirectory } from '../unit/support/relay-fakes';

const tempDir = useTempDir('relay-file-modes');

const OWNERS: OwnerRecord[] = [{ userId: 'ada', email: 'ada@corp.example', status: 'active' }];
const items = [{ id: 'ada', digest: digestFromSnsEnvelope(digestRecord('ada').body) }];
const options = { from: 'hygiene@corp.example', now: () => Date.parse('2026-11-26T03:00:00.000Z') };

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('relay --out file modes', () => {
  it('creates the output directory 0700 and writes each email 0600, the HTML one too', async () => {
    const outDir = join(tempDir(), 'emails', 'today');
    const directory = memoryDirectory(OWNERS);
    const summary = await relayToFiles(items, directory, { ...options, outDir });
    const [email] = summary.written;
    if (email === undefined) throw new Error('no email written');
    const html = await writeEmailHtml(email, items, directory, { from: options.from, now: options.now() });

    expect(await modeOf(outDir)).toBe(0o700);
    expect(await modeOf(email.path)).toBe(0o600);
    expect(html).toBeDefined();
    expect(await modeOf(html ?? '')).toBe(0o600);
  });

  it('leaves the mode of a directory that exists as it is', async () => {
    const outDir = join(tempDir(), 'shared');
    await mkdir(outDir, { mode: 0o755 });
    const summary = await relayToFiles(items, memoryDirectory(OWNERS), { ...options, outDir });

    expect(await modeOf(outDir)).toBe(0o755);
    expect(await modeOf(summary.written[0]?.path ?? '')).toBe(0o600);
  });

  it('sets 0600 on an email file an earlier run left world-readable, as it overwrites it', async () => {
    const outDir = join(tempDir(), 'again');
    await mkdir(outDir, { mode: 0o700 });
    const earlier = join(outDir, 'ada.part-1.eml');
    await writeFile(earlier, 'an earlier run');
    await chmod(earlier, 0o644);
    const summary = await relayToFiles(items, memoryDirectory(OWNERS), { ...options, outDir });

    expect(summary.written[0]?.path).toBe(earlier);
    expect(await modeOf(earlier)).toBe(0o600);
  });
});
