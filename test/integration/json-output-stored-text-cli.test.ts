/**
 * The CLI's JSON output of stored text cannot drive a terminal and keeps
 * every value (`lambdas/render/json-text.ts`): a bidi override (U+202E), a C1
 * control (U+009B, a one-byte CSI) and a line separator stored in a
 * credential, a run manifest and an owner come out as `\uXXXX` escapes in
 * `sweep --format json`, `runs list|show --format json`, `export`, `owners
 * list --format json` and `owners export`, and parse back to what is stored.
 * Child processes against DynamoDB Local, as a user runs them.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunIndexEntry, RunManifestHeader } from '../../lambdas/hygiene/run-manifest';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { type CliRun, directoryFlags, runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { useTestTable } from '../support/test-table';
import { credential, days, staleDue } from '../unit/support/credentials';

/** Stored text that would reorder (U+202E) or drive (U+009B) a terminal, and a line separator. */
const HOSTILE = 'evil\u202e\u009b2J\u2028x';
/** What `JSON.stringify` writes raw and a terminal must not get: DEL, C1, format characters, U+2028/9. */
const RAW_UNSAFE = /[\u007f-\u009f\p{Cf}\u2028\u2029]/u;
const NOW_ISO = days(0);
const OPERATOR = `ops ${HOSTILE}`;

/** The run's output, checked to hold no raw unsafe character, parsed as one JSON document. */
function escapedJson(run: CliRun): unknown {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  expect(run.stdout).not.toMatch(RAW_UNSAFE);
  return JSON.parse(run.stdout);
}

/** The same, for JSON Lines output: one value a line. */
function escapedJsonLines(run: CliRun): unknown[] {
  expect(run.code).toBe(0);
  expect(run.stdout).not.toMatch(RAW_UNSAFE);
  return run.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
}

describe('JSON output of stored text (CLI, DynamoDB Local)', { timeout: 240_000 }, () => {
  const tempDir = useTempDir('json-stored-text');
  const table = useTestTable('json-stored-text', 'all', () => [
    credential('a-healthy'),
    { ...staleDue('e-stale'), displayName: HOSTILE, userId: `user-${HOSTILE}` },
    { id: `x-${HOSTILE}`, userId: 'user-x', expiresTime: 'soon' },
  ]);
  let sweep: CliRun;
  beforeAll(async () => {
    const config = join(tempDir(), 'config.json');
    await writeFile(config, JSON.stringify({ maxDeletePercent: 100 }));
    sweep = await runCli(
      ['sweep', ...tableFlags(table), '--now', NOW_ISO, '--config', config, '--format', 'json'],
      { PC_HYGIENE_OPERATOR: OPERATOR },
    );
  });

  it('sweep --format json: the run summary names the stored id escaped', () => {
    const summary = escapedJson(sweep) as RunSummary;

    expect(summary.deletions.stale).toBe(1);
    expect(summary.invalid.records.map((r) => r.id)).toEqual([`x-${HOSTILE}`]);
    expect(sweep.stdout).toContain('\\u202e\\u009b2J\\u2028');
  });

  it('runs list and runs show --format json: the operator and the deleted credential escaped', async () => {
    const { runId } = JSON.parse(sweep.stdout) as RunSummary;

    const list = escapedJson(await runCli(['runs', 'list', ...tableFlags(table), '--format', 'json']));
    const show = escapedJson(
      await runCli(['runs', 'show', runId, ...tableFlags(table), '--format', 'json']),
    ) as { header: RunManifestHeader; entries: { displayName: string; userId: string }[] };

    expect((list as RunIndexEntry[]).map((r) => r.runId)).toEqual([runId]);
    expect(show.header.by).toBe(OPERATOR);
    expect(show.entries).toEqual([
      expect.objectContaining({ displayName: HOSTILE, userId: `user-${HOSTILE}` }),
    ]);
  });

  it('export (stdout): stored text escaped, the same values read back', async () => {
    const items = escapedJsonLines(await runCli(['export', ...tableFlags(table)])) as { id: string }[];

    expect(items.find((i) => i.id === 'e-stale')).toMatchObject({ displayName: HOSTILE });
    expect(items.map((i) => i.id)).toContain(`x-${HOSTILE}`);
  });
});

describe('JSON output of a stored owner (CLI, DynamoDB Local)', { timeout: 240_000 }, () => {
  const tempDir = useTempDir('json-stored-owner');
  const owners = useTestDirectoryTable('json-stored-owner');
  beforeAll(async () => {
    const file = join(tempDir(), 'owners.jsonl');
    const owner = { userId: 'ann', email: 'ann@example.com', name: `Ann ${HOSTILE}`, status: 'active' };
    await writeFile(file, `${JSON.stringify(owner)}\n`);
    const imported = await runCli(['owners', 'import', file, ...directoryFlags(owners), '--as-of', NOW_ISO]);
    expect(imported.stderr).toBe('');
  });

  it('owners list --format json: the name escaped, the same value read back', async () => {
    const list = escapedJson(
      await runCli(['owners', 'list', ...directoryFlags(owners), '--format', 'json']),
    ) as { owners: { name: string }[] };

    expect(list.owners).toEqual([expect.objectContaining({ name: `Ann ${HOSTILE}` })]);
  });

  it('owners export: the name escaped, the same value read back', async () => {
    const exported = escapedJsonLines(await runCli(['owners', 'export', ...directoryFlags(owners)]));

    expect(exported).toEqual([expect.objectContaining({ name: `Ann ${HOSTILE}` })]);
  });
});
