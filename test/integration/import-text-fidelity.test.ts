/**
 * `import` never stores text that differs from the file, against DynamoDB
 * Local: a string or attribute name with a lone UTF-16 surrogate escape
 * (`"\ud800"`, which DynamoDB would store as U+FFFD) and a line whose bytes
 * are not UTF-8 (which Node would read as U+FFFD) are rejected by their line,
 * naming the field and its path, and not written, as other bad lines are; a
 * real U+FFFD and a surrogate pair are text like any other, stored exactly.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { importJsonLines } from '../../cli/commands/import';
import { getItem } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { credential } from '../unit/support/credentials';

/** A record's line as bytes (JSON.stringify writes a lone surrogate as its `\\udXXX` escape, as such a file has it). */
const lineWith = (id: string, extra: Record<string, unknown>) =>
  Buffer.from(JSON.stringify(credential(id, extra)));

/** A valid record's line whose display name holds `bytes` (not UTF-8). */
function withBytes(id: string, bytes: readonly number[]): Buffer {
  const [before = '', after = ''] = JSON.stringify(credential(id, { displayName: 'caf@@' })).split('@@');
  return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
}

/** The file's lines, as bytes (line 5 and 6 are not UTF-8). */
function fileBytes(): Buffer {
  const lines = [
    lineWith('fid-1', {}),
    lineWith('fid-2', { displayName: 'a\ud800b' }),
    lineWith('fid-3', { vendor: { tags: ['ok', '\udc00'], 'x\ud83d': 1 } }),
    lineWith('fid-4', { displayName: 'replacement \ufffd, emoji \u{1f600}' }),
    // Valid records but for their bytes: read with U+FFFD in their place, they would be written.
    withBytes('fid-5', [0xe9]), // Latin-1 é
    withBytes('fid-6', [0xed, 0xa0, 0x80]), // a surrogate encoded as UTF-8 (CESU-8)
    lineWith('fid-7', {}),
  ];
  return Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')]));
}

describe('import and text DynamoDB would not store as the file has it', () => {
  const table = useTestTable('import-text-fidelity', 'each');
  const dir = useTempDir('pc-import-text');
  let file: string;
  beforeAll(async () => {
    file = join(dir(), 'records.jsonl');
    await writeFile(file, fileBytes());
  });

  async function storedIds(): Promise<string[]> {
    const out = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ConsistentRead: true }),
    );
    return (out.Items ?? []).map((item) => String(item.id)).sort();
  }

  it('rejects lone surrogates (naming the path) and non-UTF-8 lines by line; writes the rest exactly', async () => {
    const summary = await importJsonLines(table.client, { table: table.tableName, file });

    const stores =
      'which DynamoDB would store as U+FFFD (write the whole character, as a surrogate pair, or remove it)';
    expect(summary).toMatchObject({ written: 3, rejected: 4 });
    expect(summary.rejectedLines).toEqual([
      {
        line: 2,
        id: 'fid-2',
        problems: [`displayName: the text has a lone UTF-16 surrogate (\\ud800 at character 1), ${stores}`],
      },
      {
        line: 3,
        id: 'fid-3',
        problems: [
          `vendor.tags[1]: the text has a lone UTF-16 surrogate (\\udc00 at character 0), ${stores}`,
          `vendor."x\\ud83d": the attribute name has a lone UTF-16 surrogate (\\ud83d at character 1), ${stores}`,
        ],
      },
      { line: 5, id: null, problems: ['not valid UTF-8 (save the file as UTF-8)'] },
      { line: 6, id: null, problems: ['not valid UTF-8 (save the file as UTF-8)'] },
    ]);
    expect(await storedIds()).toEqual(['fid-1', 'fid-4', 'fid-7']);
    expect((await getItem(table.client, table.tableName, 'fid-4'))?.displayName).toBe(
      'replacement \ufffd, emoji \u{1f600}',
    );
  });

  it('CLI: each such line is reported on stderr by number and field, nothing of it written, exit 1', async () => {
    const run = await runCli(['import', file, ...tableFlags(table)]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `imported 3 record(s) into ${table.tableName}; 4 line(s) rejected, not written\n`,
    );
    const rejected = run.stderr.split('\n').filter((l) => l.startsWith('pc-hygiene import: rejected'));
    expect(rejected).toEqual([
      expect.stringMatching(
        /^pc-hygiene import: rejected line 2 \(id fid-2\): displayName: the text has a lone UTF-16 surrogate \(\\ud800 at character 1\)/,
      ),
      expect.stringMatching(
        /^pc-hygiene import: rejected line 3 \(id fid-3\): vendor\.tags\[1\]: .*; vendor\."x\\ud83d": the attribute name/,
      ),
      'pc-hygiene import: rejected line 5: not valid UTF-8 (save the file as UTF-8)',
      'pc-hygiene import: rejected line 6: not valid UTF-8 (save the file as UTF-8)',
    ]);
    expect(await storedIds()).toEqual(['fid-1', 'fid-4', 'fid-7']);
  });
});
