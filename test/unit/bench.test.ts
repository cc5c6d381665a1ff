/**
 * The benchmark's own logic (no DynamoDB): the generator's exact change rate,
 * the options, the latency model, the meters at the client boundary, the
 * per-change figures and the target checks and verdicts. No timing assertions.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchGetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChildResult, ChildTaskName } from '../../bench/child-protocol';
import { batchItems, meterDynamo, scanTimeline } from '../../bench/dynamo-meter';
import { measureColdPlan, readEvaluateOptions } from '../../bench/evaluate';
import { BENCH_NOW, generateRecords, generateTable } from '../../bench/generate';
import {
  AWS_LATENCY_MODEL,
  bytesRead,
  createLatencySampler,
  LatencyParamsError,
  medianLatencyMs,
  type RequestShape,
  withLatencyParams,
} from '../../bench/latency-model';
import { startMeasuredProfile } from '../../bench/measured-profile';
import { combineMemoryReps, type MemoryResult } from '../../bench/memory';
import { BenchUsageError, latencyModelName, parseBenchOptions } from '../../bench/options';
import { timePageHolds } from '../../bench/page-hold';
import {
  outboxIndexWrites,
  PartiqlCapacityEstimator,
  pricedWrites,
  updatedKey,
} from '../../bench/partiql-capacity';
import { PROFILED_NOTE } from '../../bench/profiled-run';
import {
  cpuMarkdown,
  pageHoldMarkdown,
  perChangeMarkdown,
  runsMarkdown,
  scanTimelineMarkdown,
  targetsMarkdown,
} from '../../bench/report';
import type { CaseRep } from '../../bench/run-case';
import { parseScriptArgs } from '../../bench/script-args';
import { median } from '../../bench/stats';
import { checkTargets, type RunRow, summarizeCase } from '../../bench/summarize';
import { judgeTargets } from '../../bench/verdicts';
import { itemSizeBytes, valueSize } from '../../cli/aws/item-limits';
import { UsageError } from '../../cli/usage-error';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { markStatement } from '../../lambdas/aws/outbox-mark-write';
import { transitionStatement, transitionWrite } from '../../lambdas/aws/transition-write';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { eventsFor } from '../../lambdas/hygiene/events';
import { type Action, decide } from '../../lambdas/hygiene/policy';
import type { CredentialScanner, ScanPage } from '../../lambdas/hygiene/ports';
import { anUpdate, FAST_RUN } from './support/bench-fixtures';

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

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });
});

/** A target test's row, its unrounded figures (`exact`) those it shows unless the overrides give them. */
function withExact(row: Omit<RunRow, 'exact'> & { exact?: RunRow['exact'] }): RunRow {
  return {
    ...row,
    exact: row.exact ?? {
      ratioToFloor: row.ratioToFloor,
      speedupVsNaive: row.speedupVsNaive,
      requestsPerChange: row.requestsPerChange,
      wcuPerChange: row.wcuPerChange,
      notifyCpuMsPerEvent: row.notifyCpuMsPerEvent,
    },
  };
}

describe('checkTargets', () => {
  const row = (overrides: Partial<RunRow>): RunRow =>
    withExact({
      size: 10_000,
      changeRate: 0.01,
      ...FAST_RUN,
      snsCalls: 9,
      notifySnsCalls: 9,
      owners: 89,
      splitParts: 0,
      peakRssMb: 100,
      sweepRssMb: 100,
      notifyRssMb: 50,
      ...overrides,
    } as RunRow);

  it('judges each target on the rows it applies to', () => {
    const checks = checkTargets([
      row({}),
      row({ changeRate: 0.1, speedupVsNaive: 4.9, snsCalls: 11, notifySnsCalls: 10, owners: 89 }),
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
    expect(checks.every((c) => c.judged)).toBe(true);
  });

  it("holds the notifier's publishes to the SNS calls target, its listing pages reported apart", () => {
    const [, sns] = checkTargets([
      row({ changeRate: 0.1, owners: 742, snsCalls: 98, notifySnsCalls: 96, notifySnsListCalls: 21 }),
    ]);
    expect(sns).toMatchObject({ judged: true, holds: true });
    expect(sns?.detail).toBe(
      '75 notifier publish calls for 742 owners (limit 75); 21 ListSubscriptionsByTopic pages reported apart, not judged',
    );
  });

  it('on a profiled run reports the timing targets with the reason; the SNS calls and the peak RSS are still judged', () => {
    const checks = checkTargets(
      [
        row({}),
        row({ changeRate: 0.1, speedupVsNaive: 4.9, snsCalls: 11, notifySnsCalls: 10, owners: 89 }),
        row({ size: 100_000, peakRssMb: 121 }),
      ],
      { profiled: true },
    );

    expect(checks.map((c) => [c.target.split(' (')[0], c.judged, c.holds])).toEqual([
      ['ratioToFloor ≤ 1.3', false, true],
      ['snsCalls ≤ ceil(owners/10) + split parts', true, true],
      ['speedupVsNaive ≥ 5', false, false],
      ['snsCalls ≤ ceil(owners/10) + split parts', true, false],
      ['ratioToFloor ≤ 1.3', false, true],
      ['snsCalls ≤ ceil(owners/10) + split parts', true, true],
      ['peak RSS at 100k ≤ 1.2 × at 10k', true, false],
    ]);
    for (const check of checks) expect(check.detail.startsWith(PROFILED_NOTE)).toBe(!check.judged);
    expect(checks[2]?.detail).toBe(
      'profiled run (--cpu-prof): a timing here is a diagnostic, not a verdict; naive 1000 ms / (sweep 120 + notify 10) ms = 4.9',
    );
    expect(
      targetsMarkdown(checks)
        .split('\n')
        .map((line) => line.split(':')[0]),
    ).toEqual(['- REPORTED', '- HOLDS', '- REPORTED', '- MISSED', '- REPORTED', '- HOLDS', '- MISSED']);
  });
});

describe('generateRecords', () => {
  it('streams the same records generateTable collects', () => {
    const options = { size: 300, changeRate: 0.1, seed: 11 };
    expect([...generateRecords(options)]).toEqual(generateTable(options).items);
  });
});

describe('parseBenchOptions: latency and memory', () => {
  it('--latency aws takes the documented model, --latency none (the default) none', () => {
    const aws = parseBenchOptions(['--latency', 'aws'], '/x');
    expect(aws.latency).toEqual(AWS_LATENCY_MODEL);
    expect(latencyModelName(aws)).toBe('aws');
    expect(parseBenchOptions(['--latency', 'none'], '/x').latency).toBeUndefined();
    expect(latencyModelName(parseBenchOptions([], '/x'))).toBe('none');
  });

  it('--latency-params overrides single figures of the model', () => {
    const options = parseBenchOptions(
      ['--latency', 'aws', '--latency-params', 'pointWriteMs=8, sigma=0'],
      '/x',
    );
    expect(options.latency).toEqual({ ...AWS_LATENCY_MODEL, pointWriteMs: 8, sigma: 0 });
  });

  it.each([
    [['--latency', 'azure']],
    [['--latency-params', 'pointWriteMs=8']],
    [['--latency', 'aws', '--latency-params', 'pointWritesMs=8']],
    [['--latency', 'aws', '--latency-params', 'pointWriteMs=-1']],
    [['--latency', 'aws', '--latency-params', 'pointWriteMs']],
    [['--memory', '1M']],
    [['--memory-heap-mb', '64']],
    [['--memory-semi-space-mb', '16']],
    [['--memory', '1000000', '--memory-semi-space-mb', '0']],
  ])('rejects %j with a usage error', (argv) => {
    expect(() => parseBenchOptions(argv, '/x')).toThrow(BenchUsageError);
  });

  it('--deployed-reach measures the default deployment with imported owners; without it, as the reference runs', () => {
    expect(parseBenchOptions(['--deployed-reach'], '/x').deployedReach).toBe(true);
    expect(parseBenchOptions([], '/x').deployedReach).toBeUndefined();
  });

  it('--latency-params that change a figure name the model aws-modified; restating the documented ones keeps aws', () => {
    const named = (params: string) =>
      latencyModelName(parseBenchOptions(['--latency', 'aws', '--latency-params', params], '/x'));
    expect(named('scanPerMbMs=400')).toBe('aws-modified');
    expect(named('sigma=0')).toBe('aws-modified');
    expect(named(`scanPerMbMs=${AWS_LATENCY_MODEL.scanPerMbMs}`)).toBe('aws');
  });

  it('--cpu-prof takes a directory relative to the caller', () => {
    expect(parseBenchOptions(['--cpu-prof', 'prof'], '/work').cpuProfDir).toBe('/work/prof');
  });

  it('--memory alone measures memory only, with the 100k reference and a 64 MB cap', () => {
    const options = parseBenchOptions(['--memory', '1000000'], '/x');
    expect(options.memory).toEqual({ sizes: [100_000, 1_000_000], heapCapMb: 64 });
    expect(options.sizes).toEqual([]);
  });

  it('--memory with --sizes runs the timing cases too; --memory-heap-mb sets the cap', () => {
    const options = parseBenchOptions(
      ['--memory', '100000,500000', '--memory-heap-mb', '48', '--sizes', '10000'],
      '/x',
    );
    expect(options.memory).toEqual({ sizes: [100_000, 500_000], heapCapMb: 48 });
    expect(options.sizes).toEqual([10_000]);
  });

  it('--memory-semi-space-mb sizes the young generation of the memory runs (V8 picks it when absent)', () => {
    const options = parseBenchOptions(['--memory', '1000000', '--memory-semi-space-mb', '16'], '/x');
    expect(options.memory).toEqual({ sizes: [100_000, 1_000_000], heapCapMb: 64, semiSpaceMb: 16 });
  });
});

describe('latency model', () => {
  const model = { ...AWS_LATENCY_MODEL, sigma: 0 };

  it('gives each request type its figure', () => {
    const at = (request: RequestShape) => medianLatencyMs(model, request);
    expect(at({ command: 'GetItemCommand' })).toBe(model.pointReadMs);
    expect(at({ command: 'UpdateItemCommand' })).toBe(model.pointWriteMs);
    expect(at({ command: 'PutItemCommand' })).toBe(model.pointWriteMs);
    expect(at({ command: 'BatchGetItemCommand', items: 100 })).toBeCloseTo(
      model.batchGetMs + 100 * model.batchPerItemMs,
    );
    expect(at({ command: 'BatchWriteItemCommand', items: 25 })).toBeCloseTo(
      model.batchWriteMs + 25 * model.batchPerItemMs,
    );
    expect(at({ command: 'TransactWriteItemsCommand', items: 100 })).toBeCloseTo(
      model.transactMs + 100 * model.transactPerItemMs,
    );
    expect(at({ command: 'PublishCommand' })).toBe(model.snsPublishMs);
    expect(at({ command: 'PublishBatchCommand', items: 10 })).toBeCloseTo(
      model.snsPublishBatchMs + 10 * model.batchPerItemMs,
    );
    // A page of the topic's subscriptions (--deployed-reach), its own figure, not a write's.
    expect(at({ command: 'ListSubscriptionsByTopicCommand' })).toBe(model.snsListMs);
    expect(medianLatencyMs({ ...model, snsListMs: 40 }, { command: 'ListSubscriptionsByTopicCommand' })).toBe(
      40,
    );
  });

  it('makes a Scan cost more the more it reads (8 KB per eventually consistent read unit, 4 KB consistent)', () => {
    expect(bytesRead(128, false)).toBe(1024 * 1024);
    expect(bytesRead(128, true)).toBe(512 * 1024);
    const scan = (readUnits: number) => medianLatencyMs(model, { command: 'ScanCommand', readUnits });
    expect(scan(0)).toBe(model.scanBaseMs);
    expect(scan(128)).toBeCloseTo(model.scanBaseMs + model.scanPerMbMs);
    expect(scan(44)).toBeLessThan(scan(128));
    expect(medianLatencyMs(model, { command: 'QueryCommand', readUnits: 128 })).toBeCloseTo(
      model.pointReadMs + model.scanPerMbMs,
    );
  });

  it('draws the same sequence for a seed, another for another seed, spread around the median', () => {
    const draws = (seed: number) => {
      const sample = createLatencySampler(AWS_LATENCY_MODEL, seed);
      return Array.from({ length: 2_001 }, () => sample({ command: 'UpdateItemCommand' }));
    };
    const a = draws(1);
    expect(draws(1)).toEqual(a);
    expect(draws(2)).not.toEqual(a);
    expect(a.every((ms) => ms > 0)).toBe(true);
    // log-normal around the median: the sample median is close to it, and the draws do spread.
    expect(median(a) / AWS_LATENCY_MODEL.pointWriteMs).toBeGreaterThan(0.9);
    expect(median(a) / AWS_LATENCY_MODEL.pointWriteMs).toBeLessThan(1.1);
    expect(Math.max(...a)).toBeGreaterThan(1.5 * AWS_LATENCY_MODEL.pointWriteMs);
  });

  it('with sigma 0 every request takes its median', () => {
    const sample = createLatencySampler(model, 3);
    expect(sample({ command: 'GetItemCommand' })).toBe(model.pointReadMs);
  });

  it('rejects unknown names and bad values', () => {
    expect(() => withLatencyParams(AWS_LATENCY_MODEL, 'nope=1')).toThrow(LatencyParamsError);
    expect(() => withLatencyParams(AWS_LATENCY_MODEL, 'sigma=abc')).toThrow(LatencyParamsError);
    expect(withLatencyParams(AWS_LATENCY_MODEL, '')).toEqual(AWS_LATENCY_MODEL);
  });
});

describe('meterDynamo', () => {
  /** A client whose requests a terminal middleware answers (no network). */
  function answeredClient(
    answer: (command: string, input: Record<string, unknown>) => Record<string, unknown>,
  ) {
    const client = createDocumentClient({ endpoint: 'http://127.0.0.1:9' });
    client.middlewareStack.add(
      (_next, context) => async (args) => {
        const output = answer(context.commandName ?? '', args.input as Record<string, unknown>);
        return { output: { ...output, $metadata: {} }, response: {} } as never;
      },
      { step: 'initialize', name: 'benchTestAnswer', priority: 'low' },
    );
    return client;
  }

  it('counts requests and capacity and hands each request with what it read to the latency model', async () => {
    const seen: RequestShape[] = [];
    const client = answeredClient((command) =>
      command === 'ScanCommand'
        ? { Items: [], ConsumedCapacity: { CapacityUnits: 12.5 } }
        : command === 'BatchGetItemCommand'
          ? { Responses: {}, ConsumedCapacity: [{ CapacityUnits: 1.5 }] }
          : { ConsumedCapacity: { CapacityUnits: 2 } },
    );
    const meter = meterDynamo(client, {
      latency: (request) => {
        seen.push(request);
        return 0;
      },
    });

    await client.send(new ScanCommand({ TableName: 't', Limit: 1000 }));
    await client.send(
      new BatchGetCommand({ RequestItems: { t: { Keys: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] } } }),
    );
    await client.send(anUpdate());

    expect(seen).toEqual([
      { command: 'ScanCommand', items: 0, consistentRead: false, readUnits: 12.5 },
      { command: 'BatchGetItemCommand', items: 3, consistentRead: false, readUnits: 1.5 },
      { command: 'UpdateItemCommand', items: 0, consistentRead: false, readUnits: 0 },
    ]);
    expect(meter.totals()).toMatchObject({
      requests: 3,
      consumedRcu: 14,
      consumedWcu: 2,
      byCommand: { ScanCommand: 1, BatchGetItemCommand: 1, UpdateItemCommand: 1 },
    });
    client.destroy();
  });

  it('a failed request also pays its latency and counts as failed', async () => {
    const seen: string[] = [];
    const client = answeredClient(() => {
      throw Object.assign(new Error('conditional'), { name: 'ConditionalCheckFailedException' });
    });
    const meter = meterDynamo(client, {
      latency: (request) => {
        seen.push(request.command);
        return 0;
      },
    });

    await expect(client.send(anUpdate())).rejects.toThrow('conditional');
    expect(seen).toEqual(['UpdateItemCommand']);
    expect(meter.totals()).toMatchObject({ requests: 1, failedRequests: 1 });
    client.destroy();
  });

  it('charges a write refused by its condition 1 WCU, as the service bills it; no other failure', async () => {
    let failure = 'ConditionalCheckFailedException';
    const client = answeredClient(() => {
      throw Object.assign(new Error('refused'), { name: failure });
    });
    const meter = meterDynamo(client);

    await expect(client.send(anUpdate())).rejects.toThrow('refused');
    failure = 'ValidationException';
    await expect(client.send(anUpdate())).rejects.toThrow('refused');
    failure = 'ConditionalCheckFailedException';
    await expect(client.send(new ScanCommand({ TableName: 't' }))).rejects.toThrow('refused');

    expect(meter.totals()).toMatchObject({
      requests: 3,
      failedRequests: 3,
      failedConditionalWrites: 1,
      consumedWcu: 1,
      consumedRcu: 0,
    });
    client.destroy();
  });

  it('notes when the first and the last Scan page came back, latency waited, and nothing for other requests', async () => {
    const client = answeredClient((command) =>
      command === 'ScanCommand' ? { Items: [], ConsumedCapacity: { CapacityUnits: 1 } } : {},
    );
    // Virtual time: the modelled latency is a fake timer, and the meter reads the page times from the fake clock.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const meter = meterDynamo(client, {
        latency: (request) => (request.command === 'ScanCommand' ? 50 : 0),
        clock: () => Date.now(),
      });
      await client.send(anUpdate());
      expect(meter.scanWindow()).toBeUndefined();
      const start = Date.now();
      const aPage = () => client.send(new ScanCommand({ TableName: 't', Limit: 1000 }));

      const firstPage = aPage();
      await vi.advanceTimersByTimeAsync(49);
      expect(meter.scanWindow()).toBeUndefined(); // not before its modelled 50 ms are waited
      await vi.advanceTimersByTimeAsync(1);
      await firstPage;
      expect(meter.scanWindow()).toEqual({ firstPageAt: start + 50, lastPageAt: start + 50 });

      const lastPage = aPage();
      await vi.advanceTimersByTimeAsync(50);
      await lastPage;
      expect(meter.scanWindow()).toEqual({ firstPageAt: start + 50, lastPageAt: start + 100 });
    } finally {
      vi.useRealTimers();
      client.destroy();
    }
  });

  it('scanTimeline places the pages in the call and names what followed the scan', () => {
    expect(scanTimeline({ firstPageAt: 1_030, lastPageAt: 1_300 }, 1_000, 380)).toEqual({
      firstPageMs: 30,
      scanEndMs: 300,
      afterScanMs: 80,
    });
    expect(scanTimeline(undefined, 1_000, 380)).toBeUndefined();
  });

  it('batchItems counts batch keys/items and transaction actions', () => {
    expect(batchItems({ RequestItems: { a: [{}, {}], b: [{}] } })).toBe(3);
    expect(batchItems({ RequestItems: { a: { Keys: [{}, {}] } } })).toBe(2);
    expect(batchItems({ TransactItems: [{}, {}, {}, {}] })).toBe(4);
    expect(batchItems({ TableName: 't' })).toBe(0);
  });
});

describe('summarizeCase: per-change figures', () => {
  const result = (task: ChildTaskName, figures: Partial<ChildResult> & { requests?: number; wcu?: number }) =>
    ({
      task,
      ms: 100,
      cpuMs: 50,
      maxRssMb: 100,
      peakHeapUsedMb: 20,
      baseHeapUsedMb: 10,
      dynamo: {
        requests: figures.requests ?? 0,
        byCommand: {},
        failedRequests: 0,
        consumedRcu: 0,
        consumedWcu: figures.wcu ?? 0,
        capacityReports: 0,
      },
      sns: { calls: 0, messages: 0, bytes: 0, byAction: {} },
      detail: {},
      ...figures,
    }) as ChildResult;
  const rep = (notifyCpuMs: number, events: number): CaseRep => ({
    size: 10_000,
    changeRate: 0.1,
    rep: 0,
    changes: 1_000,
    loadMs: 1,
    serverCpuMs: {},
    results: {
      floor: result('floor', {}),
      'parallel-floor': result('parallel-floor', {}),
      naive: result('naive', {}),
      'write-floor': result('write-floor', { ms: 130 }),
      'batched-write-floor': result('batched-write-floor', { ms: 110 }),
      sweep: result('sweep', { requests: 1_005, wcu: 2_020 }),
      notify: result('notify', {
        requests: 400,
        wcu: 2_000,
        cpuMs: notifyCpuMs,
        sns: { calls: 75, messages: 1_000, bytes: 1, byAction: { PublishBatch: 75 } },
        detail: { eventsPublished: events, owners: 742, parts: 742 },
      }),
    },
  });

  it('divides all DynamoDB + SNS requests and the WCU of sweep + notify by the changes; CPU per event is a median', () => {
    const row = summarizeCase([rep(400, 1_000), rep(300, 1_000), rep(1_000, 1_000)], 'aws');

    expect(row.latencyModel).toBe('aws');
    expect(row.requestsPerChange).toBe(1.48); // (1,005 + 400 + 75) / 1,000
    expect(row.wcuPerChange).toBe(4.02);
    expect(row.notifyCpuMsPerEvent).toBe(0.4);
    expect(row.eventsPublished).toBe(1_000);
  });

  it('counts the topic listings among the SNS calls and reports them apart (--deployed-reach)', () => {
    const listing = (): CaseRep => {
      const base = rep(400, 1_000);
      const { sweep, notify } = base.results;
      return {
        ...base,
        deployedReach: true,
        results: {
          ...base.results,
          sweep: {
            ...sweep,
            sns: {
              calls: 2,
              messages: 1,
              bytes: 1,
              byAction: { PublishBatch: 1, ListSubscriptionsByTopic: 1 },
            },
          },
          notify: {
            ...notify,
            sns: {
              calls: 96,
              messages: 1_000,
              bytes: 1,
              byAction: { PublishBatch: 75, ListSubscriptionsByTopic: 21 },
            },
          },
        },
      };
    };
    const row = summarizeCase([listing(), listing(), listing()], 'aws');

    expect(row).toMatchObject({
      deployedReach: true,
      snsCalls: 98,
      notifySnsCalls: 96,
      snsListCalls: 22,
      notifySnsListCalls: 21,
    });
    expect(row.exact.requestsPerChange).toBeCloseTo((1_005 + 400 + 98) / 1_000, 10);
    expect(runsMarkdown([row]).split('\n')[6]).toContain('| 98 / 0 | 22 (1 + 21) |');
    expect(perChangeMarkdown([row]).split('\n')[2]).toContain('| aws | yes |');
    const plain = summarizeCase([rep(400, 1_000)], 'aws');
    expect(plain).toMatchObject({ snsListCalls: 0, notifySnsListCalls: 0 });
    expect(plain.deployedReach).toBeUndefined();
  });

  it('takes the median of each scan timeline figure, and none when a repetition did not scan', () => {
    const timed = (firstPageMs: number, scanEndMs: number, afterScanMs: number): CaseRep => {
      const base = rep(400, 1_000);
      return {
        ...base,
        results: {
          ...base.results,
          sweep: { ...base.results.sweep, scanTimeline: { firstPageMs, scanEndMs, afterScanMs } },
        },
      };
    };
    const row = summarizeCase([timed(30, 300, 80), timed(50, 250, 60), timed(40, 400, 100)], 'aws');
    expect(row.stages.sweep.scanTimeline).toEqual({ firstPageMs: 40, scanEndMs: 300, afterScanMs: 80 });
    expect(row.stages.notify.scanTimeline).toBeUndefined();

    const partly = summarizeCase([timed(30, 300, 80), rep(400, 1_000)], 'aws');
    expect(partly.stages.sweep.scanTimeline).toBeUndefined();
  });

  it('takes the median of each page-hold figure and sets the total beside what the sweep adds to the floor', () => {
    const held = (totalMs: number, firstMs: number, maxMs: number, ms: number): CaseRep => {
      const base = rep(400, 1_000);
      return {
        ...base,
        results: {
          ...base.results,
          floor: result('floor', { ms: 80 }),
          sweep: { ...base.results.sweep, ms, pageHold: { pages: 12, totalMs, firstMs, maxMs } },
        },
      };
    };
    const row = summarizeCase([held(30, 10, 12, 120), held(50, 20, 25, 140), held(40, 15, 30, 130)], 'aws');
    expect(row.stages.sweep.pageHold).toEqual({ pages: 12, totalMs: 40, firstMs: 15, maxMs: 25 });
    expect(row.stages.floor.pageHold).toBeUndefined();

    const lines = pageHoldMarkdown([row]).split('\n');
    expect(lines[0]).toBe(
      '| size | changes | sweep − faster floor | pages held: total / first / longest | pages | held / sweep |',
    );
    // sweep 130 − floor 80 (faster than the parallel floor's 100); 40 / 130 = 0.31.
    expect(lines[2]).toBe('| 10000 | 10% | 50 | 40 / 15 / 25 | 12 | 0.31 |');

    // A repetition without page holds: none reported. Sweep 110 (median of 120, 100) − floor 90 (of 80, 100).
    const partly = summarizeCase([held(30, 10, 12, 120), rep(400, 1_000)], 'aws');
    expect(partly.stages.sweep.pageHold).toBeUndefined();
    expect(pageHoldMarkdown([partly]).split('\n')[2]).toBe('| 10000 | 10% | 20 | – | – | – |');
  });

  it('prints one cell per stage: CPU for every stage, the scan timeline for those that scan', () => {
    const base = rep(400, 1_000);
    const withTimeline: CaseRep = {
      ...base,
      serverCpuMs: { sweep: 70 },
      snsServerCpuMs: { sweep: 4 },
      results: {
        ...base.results,
        sweep: { ...base.results.sweep, scanTimeline: { firstPageMs: 30, scanEndMs: 300, afterScanMs: 80 } },
      },
    };
    const row = summarizeCase([withTimeline], 'aws');

    const cpu = cpuMarkdown([row]).split('\n');
    expect(cpu[0]).toBe(
      '| size | changes | floor | parallel floor | sweep | notify | naive | write floor | batched write floor |',
    );
    expect(cpu[2]).toBe(
      '| 10000 | 10% | 100 / 50 / ? / ? | 100 / 50 / ? / ? | 100 / 50 / 70 / 4 | 100 / 400 / ? / ? | 100 / 50 / ? / ? | 130 / 50 / ? / ? | 110 / 50 / ? / ? |',
    );
    const timeline = scanTimelineMarkdown([row]).split('\n');
    expect(timeline[0]).toBe(
      '| size | changes | floor | parallel floor | sweep | naive | write floor | batched write floor |',
    );
    expect(timeline[2]).toBe('| 10000 | 10% | – | – | 30 / 300 / 80 | – | – | – |');
  });

  it('sets the write floors beside the read floors: each / the faster floor, and sweep / write floor', () => {
    const row = summarizeCase([rep(400, 1_000)], 'aws');

    expect(row.writeFloorMs).toBe(130);
    expect(row.ratioWriteFloorToFloor).toBe(1.3); // 130 / 100
    expect(row.ratioToWriteFloor).toBe(0.77); // sweep 100 / 130
    expect(row.stages.writeFloor.ms).toBe(130);
    expect(row.batchedWriteFloorMs).toBe(110);
    expect(row.ratioBatchedWriteFloorToFloor).toBe(1.1);
  });
});

describe('timePageHolds', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const page = (segment: number): ScanPage => ({ segment, items: [] });
  const scannerOf = (pages: readonly ScanPage[], returned: string[]): CredentialScanner => ({
    scan: () => ({
      [Symbol.asyncIterator]: () => {
        let i = 0;
        return {
          next: async () =>
            i < pages.length
              ? { done: false, value: pages[i++] as ScanPage }
              : { done: true, value: undefined },
          return: async () => {
            returned.push('inner');
            return { done: true, value: undefined };
          },
        };
      },
    }),
  });
  /** A clock the test moves: `performance.now()` reads it. */
  const clock = () => {
    let now = 1_000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    return (ms: number) => {
      now += ms;
    };
  };

  it('times each page from being handed out to the next one asked for, the last until the scan ends', async () => {
    const advance = clock();
    const returned: string[] = [];
    const timer = timePageHolds(scannerOf([page(0), page(1), page(0)], returned));
    const seen: number[] = [];
    const holds = [7, 3, 11];
    for await (const p of timer.scanner.scan({ segments: 2 })) {
      seen.push(p.segment);
      advance(holds[seen.length - 1] as number);
    }
    expect(seen).toEqual([0, 1, 0]);
    expect(timer.figures()).toEqual({ pages: 3, totalMs: 21, firstMs: 7, maxMs: 11 });
  });

  it('ends the hold of a page the consumer stops at, and passes the stop on to the scanner', async () => {
    const advance = clock();
    const returned: string[] = [];
    const timer = timePageHolds(scannerOf([page(0), page(1), page(2)], returned));
    for await (const p of timer.scanner.scan({ segments: 3 })) {
      advance(5);
      if (p.segment === 1) break;
    }
    advance(100); // after the stop: not a hold
    expect(timer.figures()).toEqual({ pages: 2, totalMs: 10, firstMs: 5, maxMs: 5 });
    expect(returned).toEqual(['inner']);
  });

  it('reports nothing held before any page', () => {
    expect(timePageHolds(scannerOf([], [])).figures()).toEqual({
      pages: 0,
      totalMs: 0,
      firstMs: 0,
      maxMs: 0,
    });
  });
});

describe('measureColdPlan', () => {
  it('times one pass over every record, the first and the last 1,000 apart (a last chunk may be short)', () => {
    const { items } = generateTable({ size: 2_500, changeRate: 0.1, seed: 3 });
    const figures = measureColdPlan(items);
    expect(figures.size).toBe(2_500);
    const { firstPass, firstChunk, lastChunk } = figures.usPerRecord;
    for (const us of [firstPass, firstChunk, lastChunk]) {
      expect(Number.isFinite(us)).toBe(true);
      expect(us).toBeGreaterThan(0);
    }
    expect(measureColdPlan([]).usPerRecord).toEqual({ firstPass: 0, firstChunk: 0, lastChunk: 0 });
  });
});

describe('judgeTargets', () => {
  const row = (overrides: Partial<RunRow>): RunRow =>
    withExact({
      latencyModel: 'aws',
      size: 10_000,
      reps: 3,
      changeRate: 0.1,
      changes: 1_000,
      ...FAST_RUN,
      requestsPerChange: 1.4,
      wcuPerChange: 4.6,
      notifyCpuMsPerEvent: 0.3,
      eventsPublished: 1_000,
      dynamoRequests: 1_325,
      snsCalls: 76,
      notifySnsCalls: 75,
      consumedWcu: 4_600,
      owners: 742,
      splitParts: 0,
      stages: { sweep: { wcu: 2_000 }, notify: { wcu: 2_600, cpuMs: 300 } },
      ...overrides,
    } as RunRow);
  const memory = (size: number, peakHeapUsedMb: number | null, completed = true): MemoryResult => ({
    size,
    heapCapMb: 64,
    completed,
    peakHeapUsedMb,
    peakLiveHeapUsedMb: 15,
    peakRssMb: 100,
    baseHeapUsedMb: 10,
    peakHeapTotalMb: 50,
    peakExternalMb: 5,
    floorPeakHeapUsedMb: 30,
    floorPeakLiveHeapUsedMb: 12,
    floorPeakRssMb: 90,
    changes: size / 100,
    loadMs: 1,
    sweepMs: 1,
  });

  it('judges the timing targets only with the latency model, the counts always', () => {
    const verdicts = (model: 'none' | 'aws') =>
      judgeTargets(
        [
          row({ latencyModel: model, changeRate: 0.01, ratioToFloor: 1.5 }),
          row({ latencyModel: model, speedupVsNaive: 4 }),
        ],
        [],
      ).map((v) => [v.figure.split(',')[0], v.judged, v.holds]);

    expect(verdicts('aws')).toEqual([
      ['sweep / read floor', true, false],
      ['SNS calls', true, true],
      ['naive / (sweep + notify)', true, false],
      ['requests per changed credential (sweep + notify)', true, true],
      ['WCU per changed credential', true, true],
      ['notifier client CPU per event', true, true],
      ['SNS calls', true, true],
    ]);
    expect(
      verdicts('none')
        .slice(0, 3)
        .map((v) => v[1]),
    ).toEqual([false, true, false]);
  });

  it('judges no timing target of a profiled run (--cpu-prof), the counts still', () => {
    const rows = [
      row({ changeRate: 0.01, ratioToFloor: 1.5 }),
      row({ speedupVsNaive: 4, notifyCpuMsPerEvent: 0.8 }),
    ];
    const judged = (profiled: boolean) =>
      judgeTargets(rows, [], { profiled }).map((v) => [v.figure.split(',')[0], v.judged]);

    expect(judged(true)).toEqual([
      ['sweep / read floor', false],
      ['SNS calls', true],
      ['naive / (sweep + notify)', false],
      ['requests per changed credential (sweep + notify)', true],
      ['WCU per changed credential', true],
      ['notifier client CPU per event', false],
      ['SNS calls', true],
    ]);
    expect(judged(false).every(([, isJudged]) => isJudged)).toBe(true);
    expect(judgeTargets(rows, [], { profiled: true })[0]?.detail).toContain('profiled run (--cpu-prof)');
  });

  it('misses each count target just past its limit', () => {
    const holds = judgeTargets(
      [
        row({
          requestsPerChange: 1.51,
          wcuPerChange: 5.01,
          notifyCpuMsPerEvent: 0.41,
          snsCalls: 77,
          notifySnsCalls: 76,
        }),
      ],
      [],
    )
      .filter((v) => v.judged)
      .map((v) => v.holds);
    expect(holds).toEqual([true, false, false, false, false]);
  });

  it('memory: holds when every size completes and the largest heap is ≤ 1.5× the 100k one', () => {
    const verdict = (results: MemoryResult[]) => judgeTargets([], results)[0];
    expect(verdict([memory(100_000, 40), memory(1_000_000, 60)])).toMatchObject({ holds: true, value: 1.5 });
    expect(verdict([memory(100_000, 40), memory(1_000_000, 61)])).toMatchObject({ holds: false });
    expect(verdict([memory(100_000, 40), memory(1_000_000, null, false)])).toMatchObject({
      holds: false,
      value: null,
    });
    expect(judgeTargets([], [memory(100_000, 40)])).toEqual([]);
  });
});

describe('PartiQL write capacity (DynamoDB Local reports none for BatchExecuteStatement)', () => {
  it('sizes items by the service rules: names + values, numbers by digits, lists/maps 3 + 1 per element', () => {
    expect(itemSizeBytes({ id: 'abc' })).toBe(2 + 3);
    expect(itemSizeBytes({ n: 12345 })).toBe(1 + 4);
    expect(itemSizeBytes({ ok: true })).toBe(2 + 1);
    expect(itemSizeBytes({ l: ['ab', 'c'] })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    expect(itemSizeBytes({ m: { k: 'v' } })).toBe(1 + 3 + (1 + 1 + 1));
    expect(valueSize('é')).toBe(2);
  });

  it('reads the key and the outbox index writes from the notifier’s own mark statements', () => {
    const leaves = markStatement('tbl', 'cred-1', {
      entryGuards: [{ index: 0, eventId: 'e1' }],
      sizeGuard: { compare: '=', size: 1 },
      removeIndexes: [],
      removeAttributes: [OUTBOX_ATTR.events, OUTBOX_ATTR.owner, OUTBOX_ATTR.since],
      set: [],
    });
    const stays = markStatement('tbl', 'cred-2', {
      entryGuards: [{ index: 1, eventId: 'e2' }],
      sizeGuard: { compare: '>', size: 1 },
      removeIndexes: [1],
      removeAttributes: [],
      set: [[OUTBOX_ATTR.since, '2026-11-20T00:00:00Z']],
    });

    expect(updatedKey(leaves)).toBe('cred-1');
    expect(updatedKey(stays)).toBe('cred-2');
    expect(outboxIndexWrites(leaves)).toBe(1);
    expect(outboxIndexWrites(stays)).toBe(2);
    expect(updatedKey({ Statement: 'DELETE FROM "tbl" WHERE "id" = ?', Parameters: ['x'] })).toBeUndefined();
    // The low-level client's marshalled parameters name the same key.
    const marshalled = { ...leaves, Parameters: leaves.Parameters.map((p) => ({ S: String(p) })) };
    expect(updatedKey(marshalled)).toBe('cred-1');
  });

  it('estimates each successful UPDATE as its item’s size in KB (last read) plus its index writes', () => {
    const estimator = new PartiqlCapacityEstimator();
    const big = { id: 'cred-1', payload: 'x'.repeat(1_500) };
    estimator.recordItems([big, { id: 'cred-2', payload: 'y' }]);
    const statement = (id: string) =>
      markStatement('tbl', id, {
        entryGuards: [{ index: 0, eventId: 'e' }],
        sizeGuard: { compare: '=', size: 1 },
        removeIndexes: [],
        removeAttributes: [OUTBOX_ATTR.events, OUTBOX_ATTR.owner, OUTBOX_ATTR.since],
        set: [],
      });

    const wcu = estimator.wcu(
      pricedWrites(
        { Statements: [statement('cred-1'), statement('cred-2'), statement('cred-3'), statement('cred-2')] },
        { Responses: [{}, {}, {}, { Error: { Code: 'ConditionalCheckFailed' } }] },
      ),
    );

    expect(wcu).toBe(2 + 1 + (1 + 1)); // 1.5 KB → 2 WCU, 1 KB → 1 WCU, each + 1 index delete; the failed one is not billed
    expect(estimator.unestimated).toBe(1); // cred-3's size is unknown
  });

  it('prices the sweep’s transition statements: entering the outbox index is 1 index write, an append none', () => {
    const credential = parseCredential({ id: 'cred-9', userId: 'u-1', expiresTime: '2026-11-01T00:00:00Z' });
    if (!credential.ok) throw new Error('test credential is invalid');
    const actions: Action[] = [{ type: 'delete-expired', expiresTime: '2026-11-01T00:00:00.000Z' }];
    const now = Date.parse('2026-11-26T00:00:00Z');
    const write = transitionWrite({
      credential: credential.credential,
      actions,
      events: eventsFor(credential.credential, actions, { runId: 'r', now }),
      runId: 'r',
      now,
    });
    if (write === undefined) throw new Error('nothing to write');
    const enters = transitionStatement('tbl', write, false);
    const appends = transitionStatement('tbl', write, true);

    expect(updatedKey(enters)).toBe('cred-9');
    expect(updatedKey(appends)).toBe('cred-9');
    expect(outboxIndexWrites(enters)).toBe(1);
    expect(outboxIndexWrites(appends)).toBe(0);
  });

  it('asks for the sizes it lacks (successful statements only) and keeps the larger of two sizes', () => {
    const estimator = new PartiqlCapacityEstimator();
    estimator.recordItems([{ id: 'known', payload: 'x'.repeat(1_500) }]);
    const update = (id: string) => ({
      Statement: 'UPDATE "tbl" SET "a" = ? WHERE "id" = ?',
      Parameters: [1, id],
    });
    const writes = pricedWrites(
      { Statements: [update('known'), update('new-1'), update('failed'), update('new-1')] },
      { Responses: [{}, {}, { Error: { Code: 'ConditionalCheckFailed' } }, {}] },
    );

    expect(estimator.unsizedKeys(writes)).toEqual(['new-1']);
    estimator.recordItems([
      { id: 'known', payload: 'x' },
      { id: 'new-1', payload: 'y'.repeat(2_100) },
    ]);
    expect(estimator.unsizedKeys(writes)).toEqual([]);
    // 'known' keeps its larger (1.5 KB) size; 'new-1' is 3 KB, twice.
    expect(estimator.wcu(writes)).toBe(2 + 3 + 3);
  });
});

describe('combineMemoryReps', () => {
  const rep = (
    peakHeapUsedMb: number,
    peakLiveHeapUsedMb: number | null,
    completed = true,
    peakYoungUsedMb = 30,
  ): MemoryResult => ({
    size: 1_000_000,
    heapCapMb: 64,
    changes: 10_000,
    completed,
    peakHeapUsedMb: completed ? peakHeapUsedMb : null,
    peakLiveHeapUsedMb,
    peakYoungUsedMb: completed ? peakYoungUsedMb : null,
    peakOldUsedMb: completed ? 30 : null,
    peakRssMb: 250,
    baseHeapUsedMb: 9.5,
    peakHeapTotalMb: 170,
    peakExternalMb: 15,
    loadMs: 130_000,
    sweepMs: completed ? 35_000 : null,
    deletionsBuffered: 2_944,
    eventOwners: 8_790,
    floorPeakHeapUsedMb: 50,
    floorPeakLiveHeapUsedMb: 23.7,
    floorPeakRssMb: 250,
    ...(!completed && { error: 'heap out of memory' }),
  });

  it('reports the median of each figure over the repetitions, and each repetition’s heap peaks', () => {
    const combined = combineMemoryReps([
      rep(67.6, 28, true, 38),
      rep(61.2, 27.1, true, 31),
      rep(64.3, null, true, 34),
    ]);
    expect(combined).toMatchObject({
      completed: true,
      peakHeapUsedMb: 64.3,
      peakLiveHeapUsedMb: 27.6,
      peakYoungUsedMb: 34,
      peakOldUsedMb: 30,
      reps: 3,
      runs: [
        { peakHeapUsedMb: 67.6, peakLiveHeapUsedMb: 28, peakYoungUsedMb: 38 },
        { peakHeapUsedMb: 61.2, peakLiveHeapUsedMb: 27.1, peakYoungUsedMb: 31 },
        { peakHeapUsedMb: 64.3, peakLiveHeapUsedMb: null, peakYoungUsedMb: 34 },
      ],
    });
  });

  it('is not completed when any repetition did not complete, with that repetition’s reason', () => {
    const combined = combineMemoryReps([rep(60, 27), rep(0, null, false)]);
    expect(combined.completed).toBe(false);
    expect(combined.error).toBe('heap out of memory');
    expect(combined.peakHeapUsedMb).toBe(60);
  });
});

describe('startMeasuredProfile', () => {
  /**
   * Keeps this thread busy until it has run `cpuMs` of its own CPU time (a workload for the sampler, not a timing
   * assertion): by work done, not wall time, so a loaded machine that leaves the thread waiting cannot cut it short.
   */
  function spin(cpuMs: number): number {
    let n = 0;
    const cpuUsedMs = () => {
      const { user, system } = process.threadCpuUsage();
      return (user + system) / 1000;
    };
    for (const end = cpuUsedMs() + cpuMs; cpuUsedMs() < end; ) n++;
    return n;
  }
  function spinBeforeTheProfile(): number {
    return spin(40);
  }
  function spinInTheProfile(): number {
    return spin(60);
  }

  it('profiles what runs between start and stop only, and writes it as a .cpuprofile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pch-profile-'));
    try {
      const path = join(dir, 'call.cpuprofile');
      spinBeforeTheProfile();
      const stop = await startMeasuredProfile(path);
      spinInTheProfile();
      await stop();
      const profile = JSON.parse(await readFile(path, 'utf8')) as {
        nodes: { callFrame: { functionName: string } }[];
        samples: number[];
        startTime: number;
        endTime: number;
      };
      // The call tree holds only the stacks that some sample caught.
      const sampled = new Set(profile.nodes.map((node) => node.callFrame.functionName));
      expect(profile.samples.length).toBeGreaterThan(0);
      expect(profile.endTime).toBeGreaterThan(profile.startTime);
      expect(sampled).toContain('spinInTheProfile');
      expect(sampled).not.toContain('spinBeforeTheProfile');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without a path profiles nothing', async () => {
    const stop = await startMeasuredProfile(undefined);
    await expect(stop()).resolves.toBeUndefined();
  });
});

describe('parseScriptArgs', () => {
  function exitsWith() {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    return { stderr, exit };
  }
  afterEach(() => vi.restoreAllMocks());

  it("returns the parse's result", () => {
    expect(parseScriptArgs('tool', () => 42)).toBe(42);
  });

  it('prints a usage error as one line and exits 2', () => {
    const { stderr } = exitsWith();
    expect(() =>
      parseScriptArgs('tool', () => {
        throw new UsageError('--top "0" must be an integer from 1 to 10000');
      }),
    ).toThrow('exit 2');
    expect(stderr).toHaveBeenCalledWith('tool: --top "0" must be an integer from 1 to 10000\n');
  });

  it("treats parseArgs's unknown flags as usage errors", () => {
    const { stderr } = exitsWith();
    expect(() =>
      parseScriptArgs('tool', () => parseArgs({ args: ['--bogus'], options: {}, strict: true })),
    ).toThrow('exit 2');
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(/^tool: Unknown option '--bogus'/);
  });

  it('lets any other error through', () => {
    const { exit } = exitsWith();
    expect(() =>
      parseScriptArgs('tool', () => {
        throw new TypeError('a bug');
      }),
    ).toThrow('a bug');
    expect(exit).not.toHaveBeenCalled();
  });
});

describe('readEvaluateOptions (bench/evaluate.ts)', () => {
  it('reads the defaults and the flags given', () => {
    expect(readEvaluateOptions([])).toMatchObject({ size: 100_000, changeRate: 0.01, rounds: 9, warmup: 3 });
    expect(readEvaluateOptions(['--size', '2000', '--rate', '12.5', '--warmup', '0'])).toMatchObject({
      size: 2000,
      changeRate: 0.125,
      warmup: 0,
    });
  });

  it.each([
    [['--size', 'abc'], '--size "abc" must be an integer from 1 to 10000000'],
    [['--rate', '0'], '--rate must be a percentage in (0, 100], got "0"'],
    [['--rate', ''], '--rate must be a percentage in (0, 100], got ""'],
    [['--rounds', '1.5'], '--rounds "1.5" must be an integer from 1 to 1000'],
    [['--cold', '--in-process'], '--cold --in-process needs --items FILE'],
  ])('refuses %j with a usage error naming the flag', (args, message) => {
    expect(() => readEvaluateOptions(args)).toThrow(new UsageError(message));
  });
});
