/**
 * `import` never writes a value other than the one the file states, against
 * DynamoDB Local: a line whose object repeats a key (`JSON.parse` would keep
 * the last: another id, a deleted credential read as active) and a line with a
 * number neither a JavaScript number nor DynamoDB carries exactly (`1e-400`,
 * read as 0) are rejected by their line, naming the key or the field, and not
 * written; the good lines are written, numbers in any exact notation (`1.0`,
 * `1e2`) included, and numbers DynamoDB stores but a double does not
 * (`3.14159265358979323846`, `9007199254740993`) with the file's digits; exit 1
 * (docs/data-model.md, "Import and export").
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { getItem } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';

/** A record's JSON line with `tail` (raw JSON members) added inside its object. */
const lineWith = (id: string, tail: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify(credential(id, extra)).slice(0, -1)},${tail}}`;

const LINES = [
  JSON.stringify(credential('amb-1')),
  lineWith('amb-2a', '"id":"amb-2b"'),
  lineWith('amb-3', '"deletedAt":null', { deletedAt: days(-1) }),
  lineWith('amb-4', '"vendor":{"ratio":3.14159265358979323846}'),
  lineWith('amb-5', '"vendor":{"tiny":[1,1e-400]}'),
  lineWith('amb-6', '"vendor":{"huge":1.5e300}'),
  lineWith('amb-7', '"counter":9007199254740993'),
  lineWith('amb-8', '"vendor":{"one":1.0,"hundred":1e2,"tenth":0.1,"nested":{"k":1,"v":{"k":2}}}'),
];

describe('import and lines JSON.parse would read as something else', () => {
  const table = useTestTable('import-ambiguous', 'each');
  const dir = useTempDir('pc-import-ambiguous');
  let file: string;
  beforeAll(async () => {
    file = join(dir(), 'records.jsonl');
    await writeFile(file, `${LINES.join('\n')}\n`);
  });

  async function storedIds(): Promise<string[]> {
    const out = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ConsistentRead: true }),
    );
    return (out.Items ?? []).map((item) => String(item.id)).sort();
  }

  /** An attribute of an item as DynamoDB holds it (the low-level form: a number as its text). */
  async function storedNumber(id: string, name: string): Promise<unknown> {
    const out = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { id: { S: id } }, ConsistentRead: true }),
    );
    return out.Item?.[name];
  }

  it('rejects each by line, naming the repeated key or the number DynamoDB cannot store; writes the rest exactly; exit 1', async () => {
    const run = await runCli(['import', file, ...tableFlags(table)]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `imported 4 record(s) into ${table.tableName}; 4 line(s) rejected, not written\n`,
    );
    const rejected = run.stderr.split('\n').filter((l) => l.startsWith('pc-hygiene import: rejected'));
    const guess = 'which value counts would be a guess';
    const quote = 'quote it as a string';
    expect(rejected).toEqual([
      `pc-hygiene import: rejected line 2: ambiguous JSON: the key "id" appears more than once in one object (at the top level); ${guess}`,
      `pc-hygiene import: rejected line 3: ambiguous JSON: the key "deletedAt" appears more than once in one object (at the top level); ${guess}`,
      `pc-hygiene import: rejected line 5 (id amb-5): vendor.tiny[1]: the number 1e-400 is too small for DynamoDB (a non-zero magnitude must be at least 1E-130) (JSON reads it as 0; ${quote})`,
      // Exact, but past what DynamoDB stores: its own reason, not a precision one.
      `pc-hygiene import: rejected line 6 (id amb-6): vendor.huge: the number 1.5e+300 is too large for DynamoDB (a magnitude must be below 1E+126) (${quote})`,
    ]);
    expect(await storedIds()).toEqual(['amb-1', 'amb-4', 'amb-7', 'amb-8']);
    // Past a double but stored by DynamoDB: written with the file's digits, not JSON.parse's rounding.
    expect(await storedNumber('amb-4', 'vendor')).toEqual({ M: { ratio: { N: '3.14159265358979323846' } } });
    expect(await storedNumber('amb-7', 'counter')).toEqual({ N: '9007199254740993' });
    expect((await getItem(table.client, table.tableName, 'amb-8'))?.vendor).toEqual({
      one: 1,
      hundred: 100,
      tenth: 0.1,
      nested: { k: 1, v: { k: 2 } },
    });
  });
});
