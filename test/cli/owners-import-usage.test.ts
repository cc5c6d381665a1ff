/**
 * `pc-hygiene owners import` usage errors (exit 2, nothing done; docs/deploy.md,
 * "Owner directory"): `--allow-mass-change` without `--sync`, which it would
 * silently not apply to; an `owners export` file whose recorded snapshot
 * instant (`directoryAsOf`) an explicit `--as-of` contradicts; and an export
 * that records none, imported without `--as-of` (recorded as of now, a stale
 * source would look fresh, and an older export would not be refused). The real
 * CLI, with no database: each is refused before the table is touched, so the
 * endpoint given is never contacted.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';

const tempDir = useTempDir('owners-import-usage');

/** Flags naming a local directory table; nothing listens on the port, and nothing is sent there. */
const NO_DATABASE = ['--directory-table', 'owners', '--endpoint', 'http://127.0.0.1:9'];

async function file(name: string, text: string): Promise<string> {
  const path = join(tempDir(), name);
  await writeFile(path, text);
  return path;
}

/** Lines as `owners export` writes them (`extra`: more fields on each). */
const exportLines = (extra: Record<string, unknown>) =>
  ['ada', 'bob']
    .map((userId) =>
      JSON.stringify({
        userId,
        email: `${userId}@example.com`,
        status: 'active',
        updatedAt: '2026-11-25T00:00:01.000Z',
        ...extra,
      }),
    )
    .join('\n');

describe('owners import: usage errors (exit 2)', () => {
  it('refuses --allow-mass-change without --sync', async () => {
    const csv = await file('owners.csv', 'userId,email,name,status\nada,ada@example.com,Ada,active\n');

    const run = await runCli(['owners', 'import', csv, ...NO_DATABASE, '--allow-mass-change']);

    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain('--allow-mass-change applies only with --sync');
  });

  it('refuses an --as-of that contradicts the directoryAsOf of an owners export file', async () => {
    const moved = await file('moved.jsonl', exportLines({ directoryAsOf: '2026-11-25T00:00:00.000Z' }));

    const run = await runCli(['owners', 'import', moved, ...NO_DATABASE, '--as-of', '2026-12-05T00:00:00Z']);

    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(
      '--as-of 2026-12-05T00:00:00.000Z is not the instant this owners export records (directoryAsOf ' +
        '2026-11-25T00:00:00.000Z on line 1',
    );
  });

  it('refuses an owners export file that records no instant, without --as-of, naming --as-of', async () => {
    const earlier = await file('earlier-version.jsonl', exportLines({}));

    const run = await runCli(['owners', 'import', earlier, ...NO_DATABASE]);

    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(`${earlier}: this file is an owners export (line 1 carries the route state`);
    expect(run.stderr).toContain("give --as-of with the exported directory's asOf");
  });
});
