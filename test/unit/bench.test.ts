/**
 * The benchmark's own logic (no DynamoDB): the generator's exact change rate,
 * the options, the meters at the client boundary, and the target checks.
 */
import { PublishBatchCommand, PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { BENCH_NOW, generateTable } from '../../bench/generate';
import { BenchUsageError, parseBenchOptions } from '../../bench/options';
import { createStubSnsClient, messageBytes } from '../../bench/sns-stub';
import { median } from '../../bench/stats';
import { checkTargets, type RunRow } from '../../bench/summarize';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { decide } from '../../lambdas/hygiene/policy';

describe('generateTable', () => {
  it.each([
    [1_000, 0.01, 10],
    [1_000, 0.1, 100],
    [2_345, 0.1, 235],
  ])('%i records at %f: exactly %i need a transition under the real policy', (size, changeRate, expected) => {
    const table = generateTable({ size, changeRate, seed: 42 });

    const changing = table.items.filter((item) => {
      const parsed = parseCredential(item);
      return (
        parsed.ok &&
        parsed.credential.deletedAt === undefined &&
        decide(parsed.credential, DEFAULT_CONFIG, BENCH_NOW).length > 0
      );
    });
    expect(table.items).toHaveLength(size);
    expect(table.changes).toBe(expected);
    expect(changing).toHaveLength(expected);
    expect(new Set(table.items.map((i) => i.id)).size).toBe(size);
  });

  it('is deterministic for a seed', () => {
    expect(generateTable({ size: 200, changeRate: 0.1, seed: 7 })).toEqual(
      generateTable({ size: 200, changeRate: 0.1, seed: 7 }),
    );
  });
});

describe('parseBenchOptions', () => {
  it('defaults to 10k records, 1% and 10% changes, 3 repetitions', () => {
    expect(parseBenchOptions([], '/x')).toEqual({
      sizes: [10_000],
      changeRates: [0.01, 0.1],
      reps: 3,
      skipBundles: false,
      rttMs: 0,
    });
  });

  it('reads sizes, a JSON path relative to the caller, a round trip and a heap cap', () => {
    expect(
      parseBenchOptions(
        ['--sizes', '10000,100000', '--json', 'out.json', '--rtt-ms', '5', '--heap-cap-mb', '64'],
        '/work',
      ),
    ).toMatchObject({ sizes: [10_000, 100_000], jsonPath: '/work/out.json', rttMs: 5, heapCapMb: 64 });
  });

  it.each([['--sizes', '10k'], ['--rates', '0'], ['--reps', '-1'], ['--rtt-ms', '1.5'], ['--nope']])(
    'rejects %s %s with a usage error',
    (...argv) => {
      expect(() =>
        parseBenchOptions(
          argv.filter((a) => a !== undefined),
          '/x',
        ),
      ).toThrow(BenchUsageError);
    },
  );
});

describe('createStubSnsClient', () => {
  it('answers Publish and PublishBatch without a network and counts calls, messages and bytes', async () => {
    const { client, totals } = createStubSnsClient();
    const entry = {
      Id: 'a',
      Message: 'héllo',
      Subject: 'S',
      MessageAttributes: { userId: { DataType: 'String', StringValue: 'u1' } },
    };

    await client.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:1:t', Message: 'hi' }));
    const batch = await client.send(
      new PublishBatchCommand({
        TopicArn: 'arn:aws:sns:us-east-1:1:t',
        PublishBatchRequestEntries: [entry, { ...entry, Id: 'b' }],
      }),
    );

    expect(batch.Successful?.map((s) => s.Id)).toEqual(['a', 'b']);
    expect(messageBytes(entry)).toBe(6 + 1 + 'userId'.length + 'String'.length + 2);
    expect(totals()).toEqual({ calls: 2, messages: 3, bytes: 2 + 2 * messageBytes(entry) });
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('checkTargets', () => {
  const row = (overrides: Partial<RunRow>): RunRow =>
    ({
      size: 10_000,
      changeRate: 0.01,
      floorMs: 100,
      parallelFloorMs: 100,
      sweepMs: 120,
      notifyMs: 10,
      naiveMs: 1_000,
      ratioToFloor: 1.2,
      speedupVsNaive: 7.7,
      snsCalls: 9,
      owners: 89,
      splitParts: 0,
      peakRssMb: 100,
      sweepRssMb: 100,
      notifyRssMb: 50,
      ...overrides,
    }) as RunRow;

  it('judges each target on the rows it applies to', () => {
    const checks = checkTargets([
      row({}),
      row({ changeRate: 0.1, speedupVsNaive: 4.9, snsCalls: 10, owners: 89 }),
      row({ size: 100_000, peakRssMb: 121 }),
    ]);

    expect(checks.map((c) => [c.target.split(' (')[0], c.holds])).toEqual([
      ['ratioToFloor ≤ 1.3', true],
      ['snsCalls ≤ ceil(owners/10) + split parts', true],
      ['speedupVsNaive ≥ 5', false],
      ['snsCalls ≤ ceil(owners/10) + split parts', false],
      ['ratioToFloor ≤ 1.3', true],
      ['snsCalls ≤ ceil(owners/10) + split parts', true],
      ['peak RSS at 100k ≤ 1.2 × at 10k', false],
    ]);
  });
});
