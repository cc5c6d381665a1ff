/**
 * A date valid in RFC 3339 whose UTC form falls outside years 0000–9999
 * (`0000-01-01T00:00:00+01:00` is 31 December of year -1 in UTC) makes its
 * record invalid (docs/rules.md, "Invalid records"): acted on, it would be
 * written into history, events and manifests as `-000001-12-31T23:00:00.000Z`,
 * which is not RFC 3339 and which no reader accepts.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { credential, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

describe('a record with a date outside years 0000-9999 in UTC', () => {
  it.each([
    ['expiresTime', '0000-01-01T00:00:00+01:00', 'before 0000-01-01T00:00:00Z'],
    ['lastUsedAt', '0000-01-01T00:30:00.5+00:45', 'before 0000-01-01T00:00:00Z'],
    ['expiresTime', '9999-12-31T23:30:00-01:00', 'after 9999-12-31T23:59:59.999Z'],
  ])('%s %s is reported as invalid and never written', async (field, value, why) => {
    const item = credential('a-edge', { [field]: value, createdAt: undefined });
    const table = new MemoryTable([item]);
    const writer = new MemoryWriter(table);

    const summary = await runSweep(
      { clock: Date.now, scanner: new MemoryScanner(table), writer },
      { config: parseConfig({ scanSegments: 1 }), now: NOW, runId: 'run-1', mode: 'enforce' },
    );

    expect(summary.invalid.records).toEqual([
      {
        id: 'a-edge',
        userId: 'user-a',
        problems: [
          expect.stringMatching(
            new RegExp(`^${field}: "${value.replace(/[.+]/g, '\\$&')}" is an instant ${why}`),
          ),
        ],
      },
    ]);
    expect(writer.received).toEqual([]);
    expect(table.get('a-edge')).toEqual(item);
  });
});
