/**
 * An `expiresTime` with digits below the millisecond (Go's RFC3339Nano writes
 * nine) gets each expiry notice once: the sweep records the notice's
 * `hygieneExpiryNoticeFor` in canonical UTC, whole milliseconds
 * (docs/data-model.md, "Bookkeeping"), and reads the expiry back as the same
 * instant on the next run (lambdas/hygiene/time.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { decide } from '../../lambdas/hygiene/policy';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { credential, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

/** About 5 days after NOW (2026-06-01T12:00Z): inside the 7-day stage. */
const SUB_MILLISECOND_EXPIRIES = [
  '2026-06-06T12:00:00.123456789Z', // nanoseconds (Go's RFC3339Nano)
  '2026-06-06T12:00:00.000500Z', // microseconds, below the first millisecond
  '2026-06-06T12:00:00.9999Z',
  '2026-06-06T14:00:00.123456+02:00', // an offset: the general path
];

function validCredential(item: Record<string, unknown>) {
  const parsed = parseCredential(item);
  if (!parsed.ok) throw new Error(`test record is invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.credential;
}

describe('expiry notice for an expiresTime with sub-millisecond digits', () => {
  it.each(SUB_MILLISECOND_EXPIRIES)(
    '%s: notified once over two runs at the same now',
    async (expiresTime) => {
      const table = new MemoryTable([credential('a-micro', { expiresTime })]);
      const sweep = () =>
        runSweep(
          { clock: Date.now, scanner: new MemoryScanner(table), writer: new MemoryWriter(table) },
          { config: parseConfig({ scanSegments: 1 }), now: NOW, runId: 'run-1', mode: 'enforce' },
        );

      const first = await sweep();
      const second = await sweep();

      expect(first.applied['notify-expiry']).toBe(1);
      expect(table.get('a-micro')).toMatchObject({ hygieneExpiryNoticeStage: 7, expiresTime });
      expect(second.applied['notify-expiry']).toBe(0);
      expect(second.invalid.count).toBe(0);
    },
  );

  it('decides nothing once the stage is recorded for the expiry truncated to the millisecond', () => {
    const noticed = validCredential(
      credential('a-micro', {
        expiresTime: '2026-06-06T12:00:00.000500Z',
        hygieneExpiryNoticeStage: 7,
        hygieneExpiryNoticeFor: '2026-06-06T12:00:00.000Z',
      }),
    );
    expect(decide(noticed, parseConfig({}), NOW)).toEqual([]);
  });

  it('still notifies a more urgent stage for the same expiry', () => {
    const noticed = validCredential(
      credential('a-micro', {
        expiresTime: '2026-06-01T13:00:00.123456789Z',
        hygieneExpiryNoticeStage: 7,
        hygieneExpiryNoticeFor: '2026-06-01T13:00:00.123Z',
      }),
    );
    expect(decide(noticed, parseConfig({}), NOW)).toEqual([
      { type: 'notify-expiry', stageDays: 1, expiresTime: '2026-06-01T13:00:00.123Z' },
    ]);
  });
});
