/**
 * `import` and a `hygieneHistory` that is not a list (cli/commands/import.ts,
 * docs/data-model.md "History"): the worker's first write on the credential
 * would replace it, losing what it holds, so the line is refused as malformed,
 * as a malformed outbox is (named by line, not written, exit 1), instead of
 * being written and left out of the `longHistories` count. An absent or `null`
 * history holds nothing and is accepted; a list of any length is written.
 * The command's dry run runs in process against a stand-in DynamoDB answering
 * the one `DescribeTable` it makes (the table's kind, checked on a dry run too).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkImportLine, registerImportCommand } from '../../cli/commands/import';
import { HISTORY_ATTR } from '../../lambdas/hygiene/data-contract';
import { runInProcess } from '../support/in-process-cli';
import { credentialsTableDescription } from '../support/table-descriptions';

const RECORD = {
  id: 'cred-1',
  userId: 'user-1',
  createdAt: '2026-01-01T00:00:00Z',
  lastUsedAt: '2026-11-20T00:00:00Z',
};

/** `checkImportLine` on one line holding `RECORD` with `history` as its `hygieneHistory`. */
const checked = (history: unknown) =>
  checkImportLine({ lineNumber: 3, ok: true, value: { ...RECORD, [HISTORY_ATTR]: history } }, new Map());

describe('checkImportLine: a history that is not a list', () => {
  it.each([
    ['a string', 'restored by hand', '"restored by hand"'],
    ['a map', { action: 'restore' }, 'a map {"action":"restore"}'],
    ['a number', 7, 'the number 7'],
    ['a boolean', true, 'boolean true'],
  ])('rejects %s, naming the attribute and what it holds', (_case, history, shown) => {
    const result = checked(history);

    expect(result).toEqual({ rejected: { line: 3, id: 'cred-1', problems: [expect.any(String)] } });
    const [problem] = 'rejected' in result ? result.rejected.problems : [];
    expect(problem?.startsWith(`${HISTORY_ATTR}: must be a list `)).toBe(true);
    expect(problem?.endsWith(`, got ${shown}`)).toBe(true);
  });

  it.each([
    ['absent', undefined],
    ['null', null],
    ['an empty list', []],
    ['a list', [{ at: '2026-01-01T00:00:00Z', action: 'restore' }]],
  ])('accepts a history %s', (_case, history) => {
    expect(checked(history)).toHaveProperty('item');
  });
});

describe('pc-hygiene import --dry-run', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'import-history-'));
    ddb.on(DescribeTableCommand).resolves(credentialsTableDescription('Credentials'));
  });
  afterAll(async () => {
    ddb.restore();
    await rm(dir, { recursive: true, force: true });
  });

  it('names a line whose history is not a list, writes the others, exit 1', async () => {
    const file = join(dir, 'credentials.jsonl');
    const lines = [
      { ...RECORD, id: 'good' },
      { ...RECORD, id: 'string-history', [HISTORY_ATTR]: 'oops' },
      { ...RECORD, id: 'map-history', [HISTORY_ATTR]: {} },
    ];
    await writeFile(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));

    const run = await runInProcess(registerImportCommand, [
      'import',
      file,
      '--dry-run',
      '--table',
      'Credentials',
      '--endpoint',
      'http://127.0.0.1:1',
    ]);

    expect(run.exitCode).toBe(1);
    expect(ddb.commandCalls(DescribeTableCommand)).toHaveLength(1);
    expect(run.stderr).toContain(
      `pc-hygiene import: rejected line 2 (id string-history): ${HISTORY_ATTR}: must be a list`,
    );
    expect(run.stderr).toContain(
      `pc-hygiene import: rejected line 3 (id map-history): ${HISTORY_ATTR}: must be a list`,
    );
    expect(run.stdout).toBe(
      'would import 1 record(s) into Credentials (ids already in the table not checked); 2 line(s) rejected, not written\n',
    );
  });
});
