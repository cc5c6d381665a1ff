/**
 * The sweep Lambda honours the operator's guard approval and keeps the run
 * manifest (docs/sweep.md, "The blast-radius guard"; docs/data-model.md,
 * "Run manifests"): the handler passes both to the sweep, the tripped guard
 * is overridden once by a covering approval, and the summary says so.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { ApprovalOutcome, GuardApproval } from '../../lambdas/hygiene/guard';
import type { GuardApprovals, RunManifestWriter } from '../../lambdas/hygiene/ports';
import type { RunManifestHeader } from '../../lambdas/hygiene/run-manifest';
import { importSweepHandler, silentLogger } from './sweep-handler-module';

describe('sweep handler with a guard approval and a manifest writer', async () => {
  const { createSweepHandler } = await importSweepHandler();
  const now = '2026-11-26T03:00:00Z';
  const approval: GuardApproval = {
    id: 'a-1',
    by: 'arn:aws:sts::123456789012:assumed-role/ops/alice',
    reason: 'backlog',
    maxDeletes: 2,
    approvedAt: '2026-11-26T01:00:00.000Z',
    expiresAt: '2026-11-27T01:00:00.000Z',
  };

  /** One approval store: the first consume gets it, later ones find none. */
  function approvals(): GuardApprovals & { readonly calls: number[] } {
    const calls: number[] = [];
    let pending = true;
    return {
      calls,
      async consume({ plannedDeletes }): Promise<ApprovalOutcome> {
        calls.push(plannedDeletes);
        if (!pending) return { status: 'none' };
        pending = false;
        return { status: 'used', approval };
      },
    };
  }

  async function run(store: GuardApprovals) {
    const headers: RunManifestHeader[] = [];
    const manifest: RunManifestWriter = {
      writePage: async () => undefined,
      writeHeader: async (header) => {
        headers.push(header);
      },
    };
    const handler = createSweepHandler({
      logger: silentLogger(),
      metrics: { addMetric: () => undefined } as unknown as Metrics,
      tracer: {} as Tracer,
      // Two expired of two: over the default 10 %.
      config: parseConfig({ mode: 'enforce' }),
      scanner: {
        async *scan() {
          yield {
            segment: 0,
            items: ['pc-1', 'pc-2'].map((id) => ({ id, userId: 'u', expiresTime: '2026-11-01T00:00:00Z' })),
          };
        },
      },
      writer: { apply: async () => ({ status: 'applied' }) },
      publishAdminSummary: async () => ({ published: true }),
      clock: () => Date.parse(now),
      approvals: store,
      manifest,
    });
    const summary = await handler({ scheduledTime: now }, { getRemainingTimeInMillis: () => 600_000 });
    return { summary, headers };
  }

  it('the tripped guard uses the approval once; the manifest names the approver', async () => {
    const store = approvals();
    const first = await run(store);
    expect(first.summary.guard).toMatchObject({
      tripped: true,
      overridden: true,
      approval: { status: 'used' },
    });
    expect(first.summary.deletions.applied).toBe(2);
    expect(first.headers).toEqual([
      expect.objectContaining({
        deleted: { expired: 2, stale: 0, orphaned: 0, total: 2, unconfirmed: 0 },
        guard: { tripped: true, overridden: true, approvedBy: approval.by },
      }),
    ]);
    const second = await run(store);
    expect(second.summary.guard.deletionsAllowed).toBe(false);
    expect(second.headers).toEqual([]);
    expect(store.calls).toEqual([2, 2]);
  });
});
