/**
 * The sweep handler passes the owner directory to the sweep (orphan rule,
 * docs/rules.md): with a directory the run summary reports it used and the
 * departed owner's credential is flagged; without one the rule is off. The
 * run's reach metrics (docs/sweep.md, "Owner reach") come out of the handler,
 * judged on `relay` by the relay sender's own rule of what SES can take.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { describe, expect, it } from 'vitest';
import { type HygieneConfigInput, parseConfig } from '../../lambdas/hygiene/config';
import type { SweepOwnerDirectory } from '../../lambdas/hygiene/owner-directory';
import type { Transition } from '../../lambdas/hygiene/ports';
import { reachableOwner } from '../unit/owner-directory-fake';
import { importSweepHandler, silentLogger } from './sweep-handler-module';

describe('sweep handler with an owner directory', async () => {
  const { createSweepHandler } = await importSweepHandler();
  const now = '2026-11-26T03:00:00Z';

  const gone = { id: 'pc-1', userId: 'gone', createdAt: '2026-11-01T00:00:00Z' };

  async function run(
    directory: SweepOwnerDirectory | undefined,
    { item = gone, config = {} }: { item?: Record<string, unknown>; config?: HygieneConfigInput } = {},
  ) {
    const written: Transition[] = [];
    const metrics: Record<string, number> = {};
    const handler = createSweepHandler({
      logger: silentLogger(),
      metrics: {
        addMetric: (name: string, _unit: unknown, value: number) => {
          metrics[name] = value;
        },
      } as unknown as Metrics,
      tracer: {} as Tracer,
      config: parseConfig({ mode: 'enforce', ...config }),
      scanner: {
        async *scan() {
          yield { segment: 0, items: [item] };
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
    return { summary, written, metrics };
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

  it('emits the reach metrics: unreachable owners with events, and DirectoryUnusable for a stale directory', async () => {
    const stale = await run({
      freshness: async () => ({ asOf: '2026-10-01T00:00:00Z', owners: 1 }),
      departedUserIds: async () => new Set(),
      getMany: async () => new Map(),
    });
    // The departed owner's credential is flagged: one event for 'gone', who is not in the directory.
    const used = await run({
      freshness: async () => ({ asOf: now, owners: 1 }),
      departedUserIds: async () => new Set(['gone']),
      getMany: async () => new Map(),
    });
    const none = await run(undefined);

    expect(stale.metrics).toMatchObject({ SweepUnreachableOwners: 0, DirectoryUnusable: 1 });
    expect(used.summary.reach).toMatchObject({ status: 'verified', byReason: { 'not-in-directory': 1 } });
    expect(used.metrics).toMatchObject({ SweepUnreachableOwners: 1, DirectoryUnusable: 0 });
    expect(none.metrics).toMatchObject({ SweepUnreachableOwners: 0, DirectoryUnusable: 0 });
  });

  it('without a directory the rule is off', async () => {
    const { summary, written } = await run(undefined);
    expect(summary.directory.status).toBe('no-directory');
    expect(written).toEqual([]);
  });

  it('on relay, judges an owner whose address SES cannot take unsendable-address', async () => {
    // Expiring in 6 days: a 7-day notice for bob, whose domain has no Punycode form.
    const expiring = {
      ...gone,
      userId: 'bob',
      lastUsedAt: '2026-11-25T00:00:00Z',
      expiresTime: '2026-12-02T00:00:00Z',
    };
    const { summary } = await run(
      {
        freshness: async () => ({ asOf: now, owners: 1 }),
        departedUserIds: async () => new Set(),
        getMany: async () => new Map([['bob', { ...reachableOwner('bob'), email: 'bob@example.123' }]]),
      },
      { item: expiring, config: { ownerDelivery: 'relay', senderIdentity: 'hygiene@corp.example' } },
    );
    expect(summary.reach).toMatchObject({ status: 'verified', byReason: { 'unsendable-address': 1 } });
  });
});
