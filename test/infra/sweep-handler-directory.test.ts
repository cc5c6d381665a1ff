/**
 * The sweep handler passes the owner directory to the sweep (orphan rule,
 * docs/rules.md): with a directory the run summary reports it used and the
 * departed owner's credential is flagged; without one the rule is off.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { SweepOwnerDirectory } from '../../lambdas/hygiene/owner-directory';
import type { Transition } from '../../lambdas/hygiene/ports';

describe('sweep handler with an owner directory', async () => {
  // The module builds its deployed dependencies at import: give it a valid environment first.
  process.env.TABLE_NAME = 'unused';
  process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:unused';
  process.env.AWS_REGION = 'us-east-1';
  const { createSweepHandler } = await import('../../lambdas/handlers/sweep');
  const now = '2026-11-26T03:00:00Z';

  async function run(directory: SweepOwnerDirectory | undefined) {
    const written: Transition[] = [];
    const handler = createSweepHandler({
      logger: {
        appendKeys: () => undefined,
        info: () => 0,
        warn: () => 0,
        error: () => 0,
      } as unknown as Logger,
      metrics: { addMetric: () => undefined } as unknown as Metrics,
      tracer: {} as Tracer,
      config: parseConfig({ mode: 'enforce' }),
      scanner: {
        async *scan() {
          yield { segment: 0, items: [{ id: 'pc-1', userId: 'gone', createdAt: '2026-11-01T00:00:00Z' }] };
        },
      },
      writer: {
        async apply(transition) {
          written.push(transition);
          return { status: 'applied' };
        },
      },
      publishAdminSummary: async () => ({ published: true }),
      clock: () => Date.parse(now),
      ...(directory !== undefined && { directory }),
    });
    const summary = await handler({ scheduledTime: now }, { getRemainingTimeInMillis: () => 600_000 });
    return { summary, written };
  }

  it('applies the orphan rule with the directory it is given', async () => {
    const { summary, written } = await run({
      freshness: async () => ({ asOf: now, owners: 1 }),
      departedUserIds: async () => new Set(['gone']),
      getMany: async () => new Map(),
    });
    expect(summary.directory.status).toBe('used');
    expect(written.map((t) => t.actions.map((a) => a.type))).toEqual([['flag-orphan']]);
  });

  it('without a directory the rule is off', async () => {
    const { summary, written } = await run(undefined);
    expect(summary.directory.status).toBe('no-directory');
    expect(written).toEqual([]);
  });
});
