/**
 * Stored numbers a double cannot hold exactly, against DynamoDB Local: a
 * `hygieneExpiryNoticeStage` of `30.00000000000000000001` read as the double
 * `30` made every transition write fail its condition (DynamoDB compares the
 * exact decimal), so the credential was skipped as "changed" on every run and
 * never reported. It is reported as an invalid record instead, naming the
 * field, and never written; the posture report counts it invalid too
 * (docs/data-model.md, "Numbers").
 */
import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { reportTable } from '../../cli/use-cases/report-table';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { getItem } from '../support/items';
import { type TestTable, useTestTable } from '../support/test-table';
import { TRANSITION_WRITERS } from '../support/transition-writers';
import { credential, days, NOW } from '../unit/support/credentials';
import { exportTable } from './support/sweep-deps';

const STAGE = HYGIENE_ATTR.expiryNoticeStage;

/** Stage texts a double rounds: each would be compared as a different decimal by the write's condition. */
const INEXACT_STAGES = ['30.00000000000000000001', '7.0000000000000000000000000000000000001'];

/**
 * Credentials expiring in five days whose notice stage for that expiry is
 * stored with the exact number text given (the low-level client: no double in
 * between), plus one valid expired credential. Read as doubles, the first
 * (`30`) gets the 7-day notice, whose write fails its condition on every run;
 * the second (`7`) silently needs nothing.
 */
async function seed(table: TestTable): Promise<void> {
  const items: Record<string, AttributeValue>[] = INEXACT_STAGES.map((stage, i) => {
    const expiresTime = days(5);
    const item = marshall(
      credential(`inexact-${i}`, { expiresTime, [HYGIENE_ATTR.expiryNoticeFor]: expiresTime }),
    );
    return { ...item, [STAGE]: { N: stage } };
  });
  items.push(marshall(credential('good-expired', { expiresTime: days(-1) })));
  for (const Item of items) await table.client.send(new PutItemCommand({ TableName: table.tableName, Item }));
}

describe.each(TRANSITION_WRITERS)(
  'a sweep over a stored number a double rounds (%s)',
  (_name, makeWriter) => {
    const table = useTestTable('inexact-numbers', 'each');

    it('reports the record invalid, naming the field, instead of skipping it as changed', async () => {
      await seed(table);
      const before = await exportTable(table);

      const summary = await runSweep(
        {
          clock: Date.now,
          scanner: new DynamoDbCredentialScanner(table.client, table.tableName, { pageSize: 2 }),
          writer: makeWriter(table.client, table.tableName),
        },
        { config: parseConfig({ maxDeletePercent: 100 }), now: NOW, runId: 'run-1', mode: 'enforce' },
      );

      expect(summary.status).toBe('complete');
      expect(summary.skippedChanged.count).toBe(0);
      expect(summary.invalid.count).toBe(INEXACT_STAGES.length);
      const invalid = [...summary.invalid.records].sort((a, b) => String(a.id).localeCompare(String(b.id)));
      expect(invalid.map((r) => [r.id, r.problems])).toEqual(
        INEXACT_STAGES.map((stage, i) => [
          `inexact-${i}`,
          [
            `${STAGE}: must be an integer from 1 to 365, got the number ${stage}, which a double cannot hold exactly`,
          ],
        ]),
      );
      const after = await exportTable(table);
      for (const item of before.filter((i) => String(i.id).startsWith('inexact-'))) {
        expect(after.find((i) => i.id === item.id)).toEqual(item);
      }
      expect(await getItem(table.client, table.tableName, 'good-expired')).toMatchObject({
        deletedAt: days(0),
        hygieneDeletedReason: 'expired',
      });
    });
  },
);

describe('the posture report over a stored number a double rounds', () => {
  const table = useTestTable('inexact-numbers-report', 'each');

  it('counts the record as invalid in the posture report', async () => {
    await seed(table);

    const report = await reportTable({
      client: table.client,
      tableName: table.tableName,
      config: parseConfig({}),
      now: NOW,
    });

    expect(report.invalid).toBe(INEXACT_STAGES.length);
  });
});
