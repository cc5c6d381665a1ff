/**
 * `owners import` refuses, by line and with nothing written, what the file
 * does not state unambiguously, against DynamoDB Local: a JSON Lines line
 * whose object repeats a key (`"status":"departed","status":"active"` would
 * read as active), and an email with an invisible control or format
 * character, in angle brackets, or without a dotted domain.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { directoryFlags, runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';

/** The owner email rule each bad row of the test below breaks, in order. */
const RULES = ['no invisible characters', 'no invisible characters', 'a bare address', 'a dotted domain'];

describe('pc-hygiene owners import and ambiguous or bad input', () => {
  const table = useTestDirectoryTable('owners-bad-input', 'each');
  const dir = useTempDir('owners-bad-input');
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);
  const file = async (name: string, text: string) => {
    const path = join(dir(), `${randomUUID().slice(0, 8)}-${name}`);
    await writeFile(path, text);
    return path;
  };

  it('refuses a JSON Lines line that repeats a key, naming it; nothing written (exit 1)', async () => {
    const path = await file(
      'owners.jsonl',
      '{"userId":"ann","email":"ann@example.com","status":"active"}\n' +
        '{"userId":"bob","email":"bob@example.com","status":"departed","status":"active"}\n',
    );
    const run = await runCli(['owners', 'import', path, ...directoryFlags(table)]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'rejected line 2: is ambiguous JSON: the key "status" appears more than once in one object (at the top level)',
    );
    expect(run.stderr).toContain('nothing written');
    expect(await directory().getMany(['ann', 'bob'])).toEqual(new Map());
  });

  it('refuses invisible characters, angle brackets and an undotted domain in an email; nothing written', async () => {
    const path = await file(
      'owners.csv',
      'userId,email,name,status\n' +
        'ok,ok@example.com,Ok,active\n' +
        'zw,d@e\u200B.com,Zero Width,active\n' +
        'ctl,a@b\u0001c.com,Control,active\n' +
        'br,<br@example.com>,Brackets,active\n' +
        'local,root@localhost,Local,active\n',
    );
    const run = await runCli(['owners', 'import', path, ...directoryFlags(table)]);

    expect(run.code).toBe(1);
    const rejected = run.stderr.split('\n').filter((l) => l.includes('rejected line'));
    expect(rejected).toEqual([
      expect.stringContaining('line 3 (userId "zw"): email: "d@e'),
      expect.stringContaining('line 4 (userId "ctl"): email: "a@b'),
      expect.stringContaining('line 5 (userId "br"): email: "<br@example.com>" holds < or >'),
      expect.stringContaining(
        'line 6 (userId "local"): email: "root@localhost" has no dotted domain (such as example.com) after the @',
      ),
    ]);
    expect(rejected[0]).toContain('holds the invisible character U+200B');
    expect(rejected[1]).toContain('holds the invisible character U+0001');
    // Each names the rule it breaks and the way out: an export that imported before these rules can be mended.
    for (const [line, rule] of rejected.map((l, i) => [l, RULES[i]] as const)) {
      expect(line).toContain(
        `(owner email rule "${rule}", docs/deploy.md "Owner directory"): fix the address`,
      );
      expect(line).toContain('or leave the row out of the export (one rejected row refuses the whole file)');
    }
    expect(await directory().getMany(['ok'])).toEqual(new Map());
  });
});
