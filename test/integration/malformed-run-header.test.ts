/**
 * A run manifest header with a field of the wrong type, written with the
 * low-level client as a hand edit or a bad import would leave it (a number a
 * double cannot hold, a page count as text, an unknown status): `runs show`
 * and `restore --run` (child processes, DynamoDB Local) stop with an error
 * naming the run and the field, read no page from it and restore nothing —
 * never a wrong page loop (docs/data-model.md, "Run manifests").
 */
import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import { RUN_MANIFEST_ATTR, runHeaderId } from '../../lambdas/hygiene/data-contract';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { getItem } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { exportTable, sweepDeps } from './support/sweep-deps';

const config = parseConfig({ maxDeletePercent: 100, writeConcurrency: 4 });

describe('a malformed run manifest header (CLI, DynamoDB Local)', { timeout: 240_000 }, () => {
  const table = useTestTable('malformed-run-header', 'each', () => [
    credential('a-healthy'),
    credential('b-one', { expiresTime: days(-1) }),
    credential('b-two', { expiresTime: days(-2) }),
  ]);
  const deletedIds = async () =>
    (await exportTable(table)).filter((i) => i.deletedAt !== undefined).map((i) => String(i.id));

  /** A real enforce sweep deletes the two expired credentials; then one header field is overwritten as stored. */
  async function sweepThenCorrupt(runId: string, field: string, value: AttributeValue): Promise<void> {
    const manifest = new DynamoDbRunManifestWriter(table.client, table.tableName);
    await runSweep({ ...sweepDeps(table, 10), manifest }, { config, now: NOW, runId, mode: 'enforce' });
    const item = await getItem(table.client, table.tableName, runHeaderId(runId));
    const raw = marshall(item ?? {}, { removeUndefinedValues: true });
    const header = raw[RUN_MANIFEST_ATTR.header]?.M;
    if (header === undefined) throw new Error(`no header for ${runId}`);
    header[field] = value;
    await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: raw }));
  }

  it.each([
    [
      'pages',
      { N: '1E+125' },
      'pages = the number 1E+125, which a double cannot hold exactly: must be a whole number',
    ],
    ['pages', { S: '1' }, 'pages = "1": must be a whole number'],
    ['status', { S: 'done' }, 'status = "done": must be one of complete, incomplete, aborted'],
  ])(
    '%s = %j: runs show and restore --run name the run and the field, and restore nothing',
    async (field, value, text) => {
      await sweepThenCorrupt('run-bad', field, value);
      expect((await deletedIds()).sort()).toEqual(['b-one', 'b-two']);
      const error = `pc-hygiene: run run-bad: its manifest header in ${table.tableName} is malformed: ${text}`;

      const show = await runCli(['runs', 'show', 'run-bad', ...tableFlags(table), '--format', 'json']);
      const restore = await runCli([
        'restore',
        '--run',
        'run-bad',
        '--reason',
        'bad config',
        '--now',
        days(0),
        ...tableFlags(table),
      ]);

      for (const command of [show, restore]) {
        expect(command.code).toBe(1);
        expect(command.stdout).toBe('');
        expect(command.stderr).toContain(error);
        expect(command.stderr).toContain(
          '(pc-hygiene export --include-reserved shows the item __hygiene__#run#run-bad)',
        );
      }
      expect((await deletedIds()).sort()).toEqual(['b-one', 'b-two']);
    },
  );
});
