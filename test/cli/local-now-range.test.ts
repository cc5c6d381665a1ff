/**
 * `local --now` and the demo data's range (cli/local/demo-data.ts,
 * cli/commands/local.ts): the demo's dates reach `DEMO_DAYS_BEFORE_NOW` days
 * before `now`, so a `--now` too close to year 0 would generate records no
 * store accepts (`-000001-…`). Such a `--now` is refused before DynamoDB
 * Local starts, naming the flag and the range it accepts; at the earliest
 * instant accepted every record is as its situation wants it.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_DAYS_BEFORE_NOW, EARLIEST_DEMO_NOW_MS, generateDemoScenarios } from '../../cli/local/demo-data';
import { LATEST_NOW_MS } from '../../cli/options/now-option';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { addDays, formatInstant, MIN_INSTANT_MS } from '../../lambdas/hygiene/time';
import { runCli } from '../support/run-cli';

/** The demo records at `now` that fail to parse although their situation is a valid one. */
function unexpectedlyInvalid(now: number, seed: number): string[] {
  return generateDemoScenarios({ now, seed })
    .filter(({ scenario, record }) => scenario !== 'invalid' && !parseCredential(record).ok)
    .map(({ scenario, record }) => `${scenario} ${JSON.stringify(record)}`);
}

describe('the demo data near the ends of the instants a record can hold', () => {
  it('reaches back no further than DEMO_DAYS_BEFORE_NOW: the earliest now it accepts is that far after year 0', () => {
    expect(EARLIEST_DEMO_NOW_MS).toBeGreaterThanOrEqual(addDays(MIN_INSTANT_MS, DEMO_DAYS_BEFORE_NOW));
  });

  it.each([1, 7, 99, 2024])(
    'generates only storable dates at the earliest and the latest now (seed %d)',
    (seed) => {
      expect(unexpectedlyInvalid(EARLIEST_DEMO_NOW_MS, seed)).toEqual([]);
      expect(unexpectedlyInvalid(LATEST_NOW_MS, seed)).toEqual([]);
    },
  );

  it('refuses an earlier now instead of generating records no store accepts', () => {
    expect(() => generateDemoScenarios({ now: EARLIEST_DEMO_NOW_MS - 1 })).toThrow(RangeError);
  });
});

describe('pc-hygiene local --now', () => {
  it.each(['0000-01-01T00:00:00Z', '0000-06-01T00:00:00Z', formatInstant(EARLIEST_DEMO_NOW_MS - 1)])(
    'refuses %s before DynamoDB Local starts: one line naming --now and the range, exit 2',
    async (now) => {
      const run = await runCli(['local', '--now', now]);

      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr:
          `pc-hygiene: --now "${now}" is too early for the demo data, whose dates go back ${DEMO_DAYS_BEFORE_NOW} ` +
          `days before it: give one from ${formatInstant(EARLIEST_DEMO_NOW_MS)} to ${formatInstant(LATEST_NOW_MS)}\n`,
      });
    },
  );
});
