/**
 * `pc-hygiene plan --table` against DynamoDB Local: the same plan as from a
 * file, reserved items skipped, the table left untouched.
 */
import { describe, expect, it } from 'vitest';
import { generateDemoData } from '../../cli/local/demo-data';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { RESERVED_ID_PREFIX } from '../../lambdas/hygiene/data-contract';
import { planRecord } from '../../lambdas/hygiene/policy';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { exportTable } from './support/sweep-deps';

const NOW_ISO = '2026-11-26T00:00:00.000Z';
const NOW = Date.parse(NOW_ISO);

describe('pc-hygiene plan --table (DynamoDB Local)', () => {
  // Only items with a string id can be stored; the invalid demo record without userId still can.
  const records = generateDemoData({ now: NOW, count: 60, seed: 5 }).filter((r) => typeof r.id === 'string');
  const table = useTestTable('plan-table', 'all', () => [
    ...records,
    { id: `${RESERVED_ID_PREFIX}checkpoint`, segments: 4 },
  ]);

  it('plans every credential of the table exactly like the policy does, and writes nothing', async () => {
    const before = await exportTable(table);
    const result = await runCli(['plan', ...tableFlags(table), '--now', NOW_ISO, '--format', 'jsonl']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(lines.map((l) => l.id).sort()).toEqual(records.map((r) => r.id as string).sort());
    const expected = new Map(
      records.map((r) => {
        const { id, userId, actions, problems } = planRecord(r, DEFAULT_CONFIG, NOW);
        return [id, { id, userId, actions, problems }];
      }),
    );
    for (const line of lines) expect(line).toEqual(expected.get(line.id));
    expect(await exportTable(table)).toEqual(before);
  });

  it('names a missing table in one line and exits 1', async () => {
    const result = await runCli(['plan', '--table', 'no-such-table', '--endpoint', table.endpoint]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^pc-hygiene: table no-such-table not found at http:\/\/\S+ \(create it with/,
    );
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
