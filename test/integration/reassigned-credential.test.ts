/**
 * A credential reassigned while a notice for its earlier owner is still
 * pending (docs/notifications.md, "Events addressed to the wrong owner"): the
 * earlier owner's notice goes to no digest — reported to the admins as
 * `owner-mismatch` — and the new owner's notice, queued by a later sweep on
 * the same item, goes to the new owner alone. Real sweep, store and drain on
 * DynamoDB Local, through both write paths (batched PartiQL and per item).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { parseConfig } from '../../lambdas/hygiene/config';
import { OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import type { TransitionWriter } from '../../lambdas/hygiene/ports';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, DAY_MS, formatInstant, requireInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { getItem, putItems } from '../support/items';
import { ownedCredential } from '../support/owned-credential';
import { useTestTable } from '../support/test-table';
import { TRANSITION_WRITERS } from '../support/transition-writers';
import { RecordingPublisher } from '../unit/outbox-fakes';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');
const LATER = NOW + 14 * DAY_MS;
const config = parseConfig({ mode: 'enforce', scanSegments: 1, maxDeletePercent: 100 });

describe.each(TRANSITION_WRITERS)('a credential reassigned with a notice pending (%s)', (name, create) => {
  const slug = name.startsWith('batched') ? 'batched' : 'per-item';
  const table = useTestTable(`reassigned-${slug}`);
  let runs = 0;
  const sweep = (now: number, writer: TransitionWriter) =>
    runSweep(
      { clock: Date.now, scanner: new DynamoDbCredentialScanner(table.client, table.tableName), writer },
      { config, now, runId: `run-${++runs}`, mode: 'enforce' },
    );
  const reassign = (id: string, userId: string) =>
    table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { id },
        UpdateExpression: 'SET userId = :u',
        ExpressionAttributeValues: { ':u': userId },
      }),
    );

  it("keeps the earlier owner's notice out of the new owner's digest, and reports it", async () => {
    const writer = create(table.client, table.tableName);
    const id = `pc-${slug}`;
    await putItems(table.client, table.tableName, [
      ownedCredential(NOW, id, 'alice', { expiresTime: formatInstant(addDays(NOW, 20)) }),
    ]);
    await sweep(NOW, writer); // the 30-day notice, queued for alice; no drain yet
    await reassign(id, 'bob');
    await sweep(LATER, writer); // the 7-day notice, queued for bob on the same item

    const queued = await getItem(table.client, table.tableName, id);
    expect(queued?.[OUTBOX_ATTR.owner]).toBe('alice');
    const publisher = new RecordingPublisher();
    const summary = await runNotifier(
      {
        outbox: new DynamoDbOutboxStore(table.client, table.tableName),
        publisher,
        clock: () => LATER,
        sleep: timerSleep,
      },
      { drainId: 'd1' },
    );

    const documents = publisher.documents();
    const digests = documents.filter((d) => (d as { audience?: string }).audience === 'owner');
    expect(digests.map((d) => [d.userId, d.events.map((e) => e.userId)])).toEqual([['bob', ['bob']]]);
    const [report] = documents.filter(
      (d) => (d as { audience?: string }).audience === 'admin',
    ) as unknown as UnreachableReportDocument[];
    expect(report?.invalidEvents).toEqual([
      expect.objectContaining({
        credentialId: id,
        itemUserId: 'bob',
        problem: 'owner-mismatch',
        event: expect.objectContaining({ userId: 'alice' }),
      }),
    ]);
    expect(summary).toMatchObject({ invalidEvents: 1, eventsFailed: 0 });
    // Both settled: the item left the outbox.
    const drained = await getItem(table.client, table.tableName, id);
    expect(drained?.[OUTBOX_ATTR.events]).toBeUndefined();
    expect(drained?.[OUTBOX_ATTR.owner]).toBeUndefined();
  });
});
