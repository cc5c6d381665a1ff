/**
 * The handlers' own logic, with in-memory fakes (the bundled artifact is run
 * for real in deployable.test.ts): the run instant, the time budget, the
 * environment contract, and what the sweep handler does around `runSweep`.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { describe, expect, it } from 'vitest';
import { configFromEnvironment, configToEnvironment } from '../../lambdas/handlers/environment';
import { remainingBudget } from '../../lambdas/handlers/remaining-budget';
import { runInstant } from '../../lambdas/handlers/scheduled-event';
import {
  RECORDS_PER_ENTRY,
  SUMMARY_ENTRY_RECORDS,
  splitSummaryForLog,
} from '../../lambdas/handlers/summary-log';
import { ConfigError, parseConfig } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { MemoryCheckpointStore } from '../unit/support/memory-ports';
import { importSweepHandler } from './sweep-handler-module';

describe('runInstant', () => {
  const wall = Date.UTC(2026, 10, 26, 3, 7, 42);

  it('uses the scheduled time, so a retried delivery decides at the same instant', () => {
    const event = { job: 'sweep', scheduledTime: '2026-11-26T03:00:00Z' };
    expect(runInstant(event, wall)).toEqual({ now: Date.UTC(2026, 10, 26, 3), source: 'schedule' });
    expect(runInstant(event, wall + 3_600_000)).toEqual(runInstant(event, wall));
  });

  it('falls back to the wall clock without a scheduled time, saying why when one was unusable', () => {
    expect(runInstant({}, wall)).toEqual({ now: wall, source: 'clock' });
    expect(runInstant(null, wall)).toEqual({ now: wall, source: 'clock' });
    expect(runInstant({ scheduledTime: '<aws.scheduler.scheduled-time>' }, wall)).toMatchObject({
      now: wall,
      source: 'clock',
      ignored: expect.stringContaining('not an RFC 3339 date-time'),
    });
  });
});

describe('remainingBudget', () => {
  it('is Lambda’s remaining time minus the margin, never negative', () => {
    let left = 60_000;
    const budget = remainingBudget({ getRemainingTimeInMillis: () => left }, 20_000);
    expect(budget()).toBe(40_000);
    left = 5_000;
    expect(budget()).toBe(0);
  });
});

describe('environment contract', () => {
  it('round-trips the config through HYGIENE_* variables', () => {
    const config = parseConfig({ mode: 'enforce', exemptIds: ['a,b', 'c'], purgeAfterDays: 30 });
    expect(configFromEnvironment(configToEnvironment(config))).toEqual(config);
  });

  it('fails naming the key when a variable is bad', () => {
    expect(() => configFromEnvironment({ HYGIENE_maxDeletePercent: '250' })).toThrow(ConfigError);
    expect(() => configFromEnvironment({ HYGIENE_maxDeletePercent: '250' })).toThrow(
      /maxDeletePercent = 250: must be a number from 0 to 100/,
    );
  });
});

// Silence-able stand-ins for the Powertools tools: only what the handler calls.
function fakeTools() {
  const metrics: Record<string, number> = {};
  const logs: { level: string; message: string }[] = [];
  const logger = {
    appendKeys: () => undefined,
    info: (message: string) => logs.push({ level: 'info', message }),
    warn: (message: string) => logs.push({ level: 'warn', message }),
    error: (message: string) => logs.push({ level: 'error', message }),
  } as unknown as Logger;
  const metricsTool = {
    addMetric: (name: string, _unit: string, value: number) => {
      metrics[name] = value;
    },
  } as unknown as Metrics;
  return { metrics, logs, tools: { logger, metrics: metricsTool, tracer: {} as Tracer } };
}

describe('sweep handler', async () => {
  const { createSweepHandler } = await importSweepHandler();
  const context = { getRemainingTimeInMillis: () => 600_000 };
  const item = {
    id: 'expired-1',
    userId: 'u1',
    createdAt: '2026-01-01T00:00:00Z',
    expiresTime: '2026-11-01T00:00:00Z',
    scopedRoles: ['r'],
    allowSourceCidr: ['10.0.0.0/8'],
  };

  function handlerWith(options: {
    publishFails?: boolean;
    writerThrows?: boolean;
    mode?: 'audit' | 'enforce';
    secondPage?: boolean;
  }) {
    const fake = fakeTools();
    const written: unknown[] = [];
    const published: string[] = [];
    const handler = createSweepHandler({
      ...fake.tools,
      config: parseConfig({ mode: options.mode ?? 'enforce', maxDeletePercent: 100 }),
      scanner: {
        async *scan() {
          // Enough failing writes to exceed runSweep's tolerance when the writer throws.
          const count = options.writerThrows ? 20 : 1;
          yield {
            segment: 0,
            items: Array.from({ length: count }, (_, i) => ({ ...item, id: `expired-${i}` })),
            lastEvaluatedKey: { id: 'expired-0' },
          };
          if (options.secondPage) yield { segment: 0, items: [{ ...item, id: 'page-2' }] };
        },
      },
      writer: {
        async apply(transition) {
          if (options.writerThrows) throw new Error('DynamoDB is down');
          written.push(transition);
          return { status: 'applied' };
        },
      },
      // As deployed: a run stopped by its budget saves its place (in enforce; audit keeps no checkpoint).
      checkpoints: new MemoryCheckpointStore(),
      publishAdminSummary: async (summary) => {
        published.push(summary.runId);
        return options.publishFails
          ? {
              published: false,
              failure: { id: 'x', code: 'Throttled', message: 'slow down', senderFault: false },
            }
          : { published: true };
      },
      clock: () => Date.UTC(2026, 10, 26, 3, 0, 5),
      nonce: () => 'n1',
    });
    return { handler, written, published, ...fake };
  }

  it('runs at the scheduled time, records the run metrics and publishes the admin summary', async () => {
    const { handler, written, published, metrics } = handlerWith({});
    const summary = await handler({ scheduledTime: '2026-11-26T03:00:00Z' }, context);
    expect(summary).toMatchObject({
      runId: 'sweep-2026-11-26T03:00:00.000Z-n1',
      now: '2026-11-26T03:00:00.000Z',
    });
    expect(written).toHaveLength(1);
    expect(published).toEqual(['sweep-2026-11-26T03:00:00.000Z-n1']);
    expect(metrics).toMatchObject({
      PlannedDeleteExpired: 1,
      AppliedDeleteExpired: 1,
      RecordsScanned: 1,
      InvalidRecords: 0,
      GuardTripped: 0,
      EventsQueued: 1,
      AdminSummaryPublishFailed: 0,
    });
  });

  it('stops cleanly when Lambda’s remaining time minus the margin falls under the sweep’s reserve', async () => {
    const { handler, metrics } = handlerWith({ secondPage: true });
    // 45 s left - 20 s handler margin = 25 s: under the sweep's 30 s reserve.
    const summary = await handler({}, { getRemainingTimeInMillis: () => 45_000 });
    expect(summary).toMatchObject({ status: 'incomplete', scanned: 1 });
    expect(metrics.RunIncomplete).toBe(1);
  });

  it('does not fail the run when the admin summary cannot be published, but says so', async () => {
    const { handler, metrics, logs } = handlerWith({ publishFails: true });
    await expect(handler({}, context)).resolves.toMatchObject({ status: 'complete' });
    expect(metrics.AdminSummaryPublishFailed).toBe(1);
    expect(logs).toContainEqual({ level: 'error', message: 'admin run summary not published' });
  });

  it('refuses a scheduled time too far from the wall clock: counted, logged, nothing read, written or published', async () => {
    const { handler, written, published, metrics, logs } = handlerWith({});
    await expect(handler({ scheduledTime: '2036-11-26T03:00:00Z' }, context)).rejects.toThrow(
      expect.objectContaining({
        name: 'ScheduledTimeSkewError',
        message: expect.stringContaining('ahead of the wall clock'),
      }),
    );
    expect(metrics).toEqual({ ScheduledTimeRejected: 1 });
    expect(written).toEqual([]);
    expect(published).toEqual([]);
    expect(logs).toContainEqual({ level: 'error', message: 'scheduled time rejected' });
  });

  it('counts a run that finished its pass for the heartbeat, and one that did not as 0', async () => {
    const complete = handlerWith({});
    await complete.handler({ scheduledTime: '2026-11-26T03:00:00Z' }, context);
    expect(complete.metrics).toMatchObject({ SweepCompleted: 1, ScheduledTimeRejected: 0 });
    const incomplete = handlerWith({ secondPage: true });
    await incomplete.handler({}, { getRemainingTimeInMillis: () => 45_000 });
    expect(incomplete.metrics).toMatchObject({ SweepCompleted: 0, RunIncomplete: 1 });
    const aborted = handlerWith({ writerThrows: true });
    await expect(aborted.handler({}, context)).rejects.toThrow(
      expect.objectContaining({ name: 'SweepAbortedError' }),
    );
    expect(aborted.metrics.SweepCompleted).toBe(0);
  });

  it('an audit run stopped by its budget keeps no checkpoint: RunIncomplete 0, and it is not counted completed', async () => {
    const { handler, metrics } = handlerWith({ mode: 'audit', secondPage: true });
    const summary = await handler({}, { getRemainingTimeInMillis: () => 45_000 });
    expect(summary).toMatchObject({ status: 'incomplete', scanned: 1 });
    expect(summary).not.toHaveProperty('checkpoint');
    // What shows it: the heartbeat's SweepCompleted 0 (SweepHeartbeat fires while every run stops short).
    expect(metrics).toMatchObject({ SweepCompleted: 0, RunIncomplete: 0 });
  });

  it('reports and publishes a run aborted by failing writes, then fails the invocation', async () => {
    const { handler, published, metrics } = handlerWith({ writerThrows: true });
    await expect(handler({ scheduledTime: '2026-11-26T03:00:00Z' }, context)).rejects.toThrow(
      expect.objectContaining({ name: 'SweepAbortedError' }),
    );
    expect(published).toHaveLength(1);
    expect(metrics.WriteFailures).toBeGreaterThan(0);
  });
});

describe('splitSummaryForLog', () => {
  it('keeps exact counts in the summary entry and every listed record in chunks', () => {
    const records = Array.from({ length: 450 }, (_, i) => ({
      id: `bad-${i}`,
      userId: null,
      problems: ['x'],
    }));
    const summary = {
      invalid: { count: 1500, records, omitted: 1050 },
      skippedChanged: { count: 1, records: [{ id: 's', changed: ['lastUsedAt'] }], omitted: 0 },
      failed: { count: 0, records: [], omitted: 0 },
      events: { perOwner: [] },
    } as unknown as RunSummary;
    const { summary: entry, chunks } = splitSummaryForLog(summary);
    expect(entry.invalid).toMatchObject({ count: 1500, omitted: 1500 - SUMMARY_ENTRY_RECORDS });
    expect(entry.invalid.records).toHaveLength(SUMMARY_ENTRY_RECORDS);
    expect(entry.skippedChanged.records).toHaveLength(1);
    expect(chunks.map((c) => [c.list, c.offset, c.records.length])).toEqual([
      ['invalid', 0, RECORDS_PER_ENTRY],
      ['invalid', 200, RECORDS_PER_ENTRY],
      ['invalid', 400, 50],
    ]);
    expect(chunks.flatMap((c) => c.records)).toEqual(records);
  });
});
