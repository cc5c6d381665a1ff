/**
 * A stale warning names the limit and the risk tier that set it
 * (docs/rules.md, "Risk tiers") through DynamoDB Local: the sweep stores them
 * in the outbox entry, the notifier reads them back and the owner's email text
 * says them; an entry an earlier version stored without them still drains,
 * and its notice reads as it did.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR, OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant, requireInstant } from '../../lambdas/hygiene/time';
import { getItem } from '../support/items';
import { ownedCredential } from '../support/owned-credential';
import { deliveredTo } from '../support/sns-delivery';
import { useTestTable } from '../support/test-table';
import { RecordingPublisher } from '../unit/outbox-fakes';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const iso = (days: number) => formatInstant(addDays(NOW, days));
// The default risk tiers: unscoped and unrestricted credentials go stale after 30 days.
const config = parseConfig({ mode: 'enforce', maxDeletePercent: 100 });

/** A stale warning as the previous version stored it: compact, without the limit or a tier. */
const previousEntry = {
  eventId: `stale-warning:${iso(-1)}`,
  type: 'stale-warning',
  runId: 'run-previous',
  occurredAt: iso(-1),
  deleteAfter: iso(13),
  lastActivity: iso(-100),
};

describe('stale warnings and their limit over DynamoDB Local', () => {
  const table = useTestTable('stale-tier', 'all', () => [
    ownedCredential(NOW, 'pc-tier', 'alice', {
      scopedRoles: undefined,
      allowSourceCidr: undefined,
      lastUsedAt: iso(-31),
    }),
    ownedCredential(NOW, 'pc-old', 'bob', {
      lastUsedAt: iso(-100),
      [HYGIENE_ATTR.staleFlaggedAt]: iso(-1),
      [HYGIENE_ATTR.staleDeleteAfter]: iso(13),
      [OUTBOX_ATTR.events]: [previousEntry],
      [OUTBOX_ATTR.owner]: 'bob',
      [OUTBOX_ATTR.since]: iso(-1),
    }),
  ]);

  it('stores the limit and tier, and the owner’s email says them; a previous entry reads as before', async () => {
    await runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      { config, now: NOW, runId: 'run-1', mode: 'enforce' },
    );
    const stored = await getItem(table.client, table.tableName, 'pc-tier');
    expect(stored?.[OUTBOX_ATTR.events]).toEqual([
      expect.objectContaining({ type: 'stale-warning', staleAfterDays: 30, tier: 'unscoped-unrestricted' }),
    ]);

    const publisher = new RecordingPublisher();
    await runNotifier(
      {
        outbox: new DynamoDbOutboxStore(table.client, table.tableName),
        publisher,
        clock: () => NOW,
        sleep: timerSleep,
      },
      { leaseMs: 300_000 },
    );

    const text = (userId: string) => {
      const entry = publisher.delivered.find((e) => e.MessageAttributes.userId?.StringValue === userId);
      return deliveredTo(entry?.Message ?? '{}', 'email');
    };
    expect(text('alice')).toContain(
      `Not used since ${iso(-31)} (31 days ago); credentials unused for 30 days are flagged for deletion (risk tier unscoped-unrestricted). It will be soft-deleted on ${iso(14)} (in 14 days)`,
    );
    expect(text('bob')).toContain(
      `Not used since ${iso(-100)} (100 days ago). It will be soft-deleted on ${iso(13)} (in 13 days) unless it is used before then.`,
    );
  });
});
