/**
 * The in-memory transition writer keeps the outbox owner as the DynamoDB
 * writers do (`lambdas/aws/transition-write.ts`): a credential reassigned
 * while notices for its earlier owner are pending keeps `hygieneOutboxOwner`
 * (those notices stay routed to that owner; the new notice names its own),
 * and an empty outbox takes the credential's owner. Unit tests that sweep the
 * memory table then see what the real table would hold.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

describe('MemoryWriter and the outbox owner', () => {
  it('keeps an earlier owner with pending notices, and sets the owner of an empty outbox', async () => {
    const pending = { eventId: 'e-0', type: 'expiry-warning', runId: 'run-0', occurredAt: days(-2) };
    const table = new MemoryTable([
      credential('a-reassigned', {
        userId: 'user-new',
        expiresTime: days(5),
        [OUTBOX_ATTR.events]: [pending],
        [OUTBOX_ATTR.owner]: 'user-earlier',
        [OUTBOX_ATTR.since]: days(-2),
      }),
      credential('b-fresh', { userId: 'user-b', expiresTime: days(5) }),
    ]);

    const summary = await runSweep(
      { clock: Date.now, scanner: new MemoryScanner(table), writer: new MemoryWriter(table) },
      { config: parseConfig({ mode: 'enforce' }), now: NOW, runId: 'run-1', mode: 'enforce' },
    );

    expect(summary.applied['notify-expiry']).toBe(2);
    const reassigned = table.get('a-reassigned');
    expect(reassigned?.[OUTBOX_ATTR.owner]).toBe('user-earlier');
    expect(reassigned?.[OUTBOX_ATTR.events]).toEqual([
      pending,
      expect.objectContaining({ userId: 'user-new' }),
    ]);
    expect(reassigned?.[OUTBOX_ATTR.since]).toBe(days(-2));
    expect(table.get('b-fresh')?.[OUTBOX_ATTR.owner]).toBe('user-b');
  });
});
