/**
 * The `sns-email` drain checks the topic's live subscriptions before it
 * trusts `confirmed` (docs/notifications.md, "Owner reach"): a real sweep and
 * outbox on DynamoDB Local, the owner directory on its own DynamoDB Local
 * table with states the real reconciler recorded, the real SDK SNS client,
 * `SnsPublisher` and `SnsTopicSubscriptions`, and the SNS-compatible local
 * server — which drops a digest no confirmed subscription matches, so the
 * test sees what an owner would silently miss. Also the CLI: a drain to a
 * file without a topic (recorded states, said so), and `notify --dry-run`,
 * whose verdicts must equal the drain's.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { type NotifierSummary, runNotifier, SubscriptionListingError } from '../../lambdas/hygiene/notifier';
import { ownerFilterPolicy } from '../../lambdas/hygiene/subscription-plan';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import type { UnreachableReportDocument } from '../../lambdas/hygiene/unreachable-report';
import { putItems } from '../support/items';
import { ownedCredential } from '../support/owned-credential';
import { directoryFlags, runCli, tableFlags } from '../support/run-cli';
import { deliveredDocument } from '../support/sns-delivery';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { type TestTable, useTestTable } from '../support/test-table';
import type { DeliveredMessage } from './fake-sns-server';
import { upsertNewOwners, useSnsPublisher } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene';
/** The topic of an earlier deployment, whose directory was kept. */
const OLD_TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene-old';
const NOW = Date.parse('2026-11-26T02:00:00.000Z');
const iso = (days: number) => formatInstant(addDays(NOW, days));
const OWNERS = ['alice', 'bob', 'carol'] as const;
const address = (userId: string) => `${userId}@example.com`;

/** The document a machine subscription received (the fake delivers what its protocol gets). */
const documentOf = <T>(m: DeliveredMessage): T => JSON.parse(m.delivered) as T;
const entryDocument = <T>(e: PublishEntry): T => deliveredDocument<T>(e.Message);
const ownersOf = (report: UnreachableReportDocument) =>
  report.owners.map((o) => ({ userId: o.userId, reason: o.reason, events: o.events.length }));

/** Every item of a test table, in a stable order: a before/after picture of what was written. */
async function itemsOf(t: TestTable): Promise<string[]> {
  const { Items = [] } = await t.client.send(
    new ScanCommand({ TableName: t.tableName, ConsistentRead: true }),
  );
  return Items.map((item) => JSON.stringify(item)).sort();
}

describe('the sns-email drain checks the topic’s live subscriptions', () => {
  const table = useTestTable('notify-live-subs', 'each');
  const owners = useTestDirectoryTable('notify-live-subs-owners', 'each');
  const wire = useSnsPublisher(TOPIC);
  const dir = useTempDir('notify-live-subs');
  let directory: DynamoOwnerDirectory;

  beforeEach(() => {
    directory = new DynamoOwnerDirectory(owners.client, owners.tableName);
  });
  afterEach(() => {
    wire.sns.throttle.clear();
    vi.unstubAllEnvs();
  });

  const topicOn = (topicArn = TOPIC) =>
    new SnsTopicSubscriptions(createSnsClient({ endpoint: wire.sns.endpoint }), topicArn);

  /**
   * Three owners with one expiring credential each (one event each, queued by
   * a real sweep), subscribed by the real reconciler and confirmed: each is
   * recorded `confirmed` with the ARN of their subscription on `topicArn`.
   */
  async function seed(topicArn = TOPIC): Promise<void> {
    await putItems(
      table.client,
      table.tableName,
      OWNERS.map((u) => ownedCredential(NOW, `${u}-1`, u, { expiresTime: iso(5) })),
    );
    await upsertNewOwners(
      directory,
      OWNERS.map((userId) => ({ userId, email: address(userId), status: 'active' as const })),
      iso(-1),
    );
    await directory.recordFreshness({ asOf: iso(-1), owners: OWNERS.length }, iso(-1));
    const reconcile = () =>
      reconcileSubscriptions({ topic: topicOn(topicArn), directory }, { route: 'sns-email' });
    await reconcile();
    for (const u of OWNERS) wire.sns.confirm(address(u));
    await reconcile();
    const records = await directory.getMany([...OWNERS]);
    for (const u of OWNERS) {
      expect(records.get(u)).toMatchObject({ subscription: 'confirmed' });
      expect(records.get(u)?.subscriptionArn?.startsWith(`${topicArn}:`)).toBe(true);
    }
    await runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer: new DynamoDbTransitionWriter(table.client, table.tableName),
      },
      { config: parseConfig({ mode: 'enforce' }), now: NOW, runId: 'run-1', mode: 'enforce' },
    );
  }

  const drain = (drainId = 'drain-1', at = NOW) =>
    runNotifier(
      {
        outbox: new DynamoDbOutboxStore(table.client, table.tableName),
        publisher: wire.publisher,
        clock: () => at,
        directory,
        topicSubscriptions: topicOn(),
        sleep: timerSleep,
      },
      // One owner per PublishBatch and per read: three owner groups, one listing.
      { ownerDelivery: 'sns-email', drainId, maxBatchEntries: 1, readBatchItems: 1 },
    );
  const ownerSubscription = (userId: string) =>
    wire.sns.subscriptionsOf(TOPIC).find((s) => s.endpoint === address(userId));

  it('reports an owner who clicked the unsubscribe link, marking their events only once the report is accepted', async () => {
    await seed();
    const admins = wire.sns.subscribe({ audience: ['admin'] });
    const bob = ownerSubscription('bob');
    expect(wire.sns.unsubscribeByLink(address('alice'))).toBe(1);
    // The first report is refused: alice's events must stay pending, not be marked sent unreported.
    wire.sns.failEntry = (m) => (m.attributes.audience?.value === 'admin' ? 'InternalError' : undefined);

    const refused = await drain('drain-1');

    expect(refused).toMatchObject({
      reach: 'verified',
      subscriptionCheck: 'listed',
      unreachableOwners: 1,
      reportParts: 0,
      eventsFailed: 1,
    });
    expect(refused.unreachableReasons['no-subscription']).toBe(1);
    expect(admins.received).toEqual([]);
    expect(bob?.received).toHaveLength(1);

    wire.sns.failEntry = undefined;
    // Alice's digest went out unmarked when her report part failed: drain-1 kept its lease until it lapsed.
    const reported = await drain('drain-2', NOW + 15 * 60_000);

    expect(reported).toMatchObject({
      pendingItems: 1,
      unreachableOwners: 1,
      reportParts: 1,
      eventsFailed: 0,
    });
    const [report, ...more] = admins.received.map((m) => documentOf<UnreachableReportDocument>(m));
    expect(more).toEqual([]);
    expect(report?.owners.map((o) => [o.userId, o.reason])).toEqual([['alice', 'no-subscription']]);
    expect(report?.owners[0]?.events.map((e: OutboxEvent) => e.credentialId)).toEqual(['alice-1']);
    expect(await drain('drain-3', NOW + 15 * 60_000)).toMatchObject({ pendingItems: 0 });
    // Nothing was written to the directory: the reconciler records the opt-out on its next run.
    expect((await directory.getMany(['alice'])).get('alice')).toMatchObject({ subscription: 'confirmed' });
  });

  it('takes an owner whose recorded ARN belongs to another topic for unreachable (a directory kept across a redeploy)', async () => {
    await seed(OLD_TOPIC);
    // The new topic has confirmed subscriptions at every address, but none is the recorded one.
    for (const u of OWNERS)
      wire.sns.addSubscription({
        topicArn: TOPIC,
        protocol: 'email',
        endpoint: address(u),
        filterPolicy: JSON.parse(ownerFilterPolicy(u)),
      });
    const admins = wire.sns.subscribe({ audience: ['admin'] });

    const summary = await drain();

    expect(summary).toMatchObject({ unreachableOwners: 3, reportParts: 1 });
    expect(summary.unreachableReasons['no-subscription']).toBe(3);
    // Digests judged unreachable pass no owner filter: the unrecorded subscriptions receive none of them.
    expect(wire.sns.subscriptionsOf(TOPIC).flatMap((s) => s.received)).toEqual([]);
    const report = documentOf<UnreachableReportDocument>(admins.received[0]!);
    expect(report.owners.map((o) => o.reason)).toEqual([
      'no-subscription',
      'no-subscription',
      'no-subscription',
    ]);
  });

  it('judges owners still subscribed reachable, listing the topic once per drain, not per owner group', async () => {
    await seed();
    const admins = wire.sns.subscribe({ audience: ['admin'] });
    const listedBefore = wire.sns.callCount('ListSubscriptionsByTopic');
    const readsBefore = wire.sns.callCount('GetSubscriptionAttributes');
    const publishesBefore = wire.sns.requests;

    const summary = await drain();

    expect(summary).toMatchObject({
      subscriptionCheck: 'listed',
      digests: 3,
      unreachableOwners: 0,
      reportParts: 0,
      eventsPublished: 3,
    });
    expect(wire.sns.requests - publishesBefore).toBe(3); // three owner groups, one PublishBatch each
    expect(wire.sns.callCount('ListSubscriptionsByTopic') - listedBefore).toBe(1);
    expect(wire.sns.callCount('GetSubscriptionAttributes') - readsBefore).toBe(0);
    expect(admins.received).toEqual([]);
    for (const u of OWNERS) expect(ownerSubscription(u)?.received).toHaveLength(1);
  });

  it.each([
    ['throttled past the SDK’s retries', () => wire.sns.throttle.set('ListSubscriptionsByTopic', 10)],
    ['access denied', () => wire.sns.denied.add('ListSubscriptionsByTopic')],
  ])('fails before publishing anything when the listing is %s; the events stay pending', async (_, fail) => {
    await seed();
    fail();
    const publishesBefore = wire.sns.requests;

    const failure = drain();

    await expect(failure).rejects.toBeInstanceOf(SubscriptionListingError);
    await expect(failure).rejects.toThrow(/nothing was published, the 3 pending item\(s\) stay pending/);
    expect(wire.sns.requests).toBe(publishesBefore);
    wire.sns.throttle.clear();
    wire.sns.denied.clear();
    expect(await drain('drain-2')).toMatchObject({ pendingItems: 3, eventsPublished: 3 });
  });

  it('the notifier Lambda, as deployed, lists its topic (TOPIC_ARN) before it judges reach', async () => {
    await seed();
    expect(wire.sns.unsubscribeByLink(address('bob'))).toBe(1);
    const admins = wire.sns.subscribe({ audience: ['admin'] });
    const environment = {
      [HANDLER_ENV.tableName]: table.tableName,
      [HANDLER_ENV.topicArn]: TOPIC,
      [HANDLER_ENV.directoryTableName]: owners.tableName,
      [HANDLER_ENV.dynamoDbEndpoint]: table.endpoint,
      [HANDLER_ENV.snsEndpoint]: wire.sns.endpoint,
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
    const { notifierHandler } = await import('../../lambdas/handlers/notifier');

    const summary = await notifierHandler({}, { getRemainingTimeInMillis: () => 300_000 });

    expect(summary).toMatchObject({ subscriptionCheck: 'listed', unreachableOwners: 1, reportParts: 1 });
    const report = documentOf<UnreachableReportDocument>(admins.received[0]!);
    expect(report.owners.map((o) => [o.userId, o.reason])).toEqual([['bob', 'no-subscription']]);
  });

  it('without a topic (notify --sink jsonl:PATH) judges on the recorded states and says so', async () => {
    await seed();
    expect(wire.sns.unsubscribeByLink(address('alice'))).toBe(1);
    const listed = wire.sns.callCount('ListSubscriptionsByTopic');
    const flags = [...tableFlags(table), ...directoryFlags(owners), '--now', iso(0)];

    const dry = await runCli([
      'notify',
      ...flags,
      '--dry-run',
      '--sink',
      `jsonl:${join(dir(), 'dry.jsonl')}`,
    ]);
    const run = await runCli(['notify', ...flags, '--sink', `jsonl:${join(dir(), 'out.jsonl')}`]);
    const json = await runCli([
      'notify',
      ...flags,
      '--sink',
      `jsonl:${join(dir(), 'out.jsonl')}`,
      '--format',
      'json',
    ]);

    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('subscriptions not listed: judged on the recorded states');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('subscriptions        not listed: judged on the recorded states');
    expect(run.stdout).toContain('verified on sns-email: 0 unreachable owners');
    // Nothing left pending after the drain: an empty drain has nothing to judge.
    expect(JSON.parse(json.stdout)).toMatchObject({ pendingItems: 0, subscriptionCheck: 'not-applicable' });
    expect(wire.sns.callCount('ListSubscriptionsByTopic')).toBe(listed);
  });

  /** `notify`'s flags for the test's tables at day 0, publishing to the topic through `snsEndpoint`. */
  function notifyFlags(snsEndpoint: string): string[] {
    const tables = [...tableFlags(table), ...directoryFlags(owners)];
    return [...tables, '--now', iso(0), '--topic-arn', TOPIC, '--sns-endpoint', snsEndpoint];
  }

  it('notify tells a failed listing as itself, not as an unreachable DynamoDB, and writes nothing', async () => {
    await seed();
    const snapshot = async () => [await itemsOf(table), await itemsOf(owners)];
    const before = await snapshot();
    const out = join(dir(), 'listing-failed.jsonl');
    // Nothing listens on port 9 (discard): SNS cannot be reached, DynamoDB Local can.
    const flags = notifyFlags('http://127.0.0.1:9');

    const dry = await runCli(['notify', ...flags, '--dry-run']);
    const run = await runCli(['notify', ...flags, '--sink', `jsonl:${out}`]);

    for (const { code, stderr } of [dry, run]) {
      expect(code, stderr).toBe(1);
      expect(stderr).toContain(`pc-hygiene: listing the subscriptions of ${TOPIC} failed (`);
      expect(stderr).toContain('ECONNREFUSED 127.0.0.1:9');
      expect(stderr).toContain('nothing was published, the 3 pending item(s) stay pending');
      expect(stderr).not.toContain('DynamoDB');
    }
    expect(existsSync(out)).toBe(false);
    expect(await snapshot()).toEqual(before);
  });

  it('notify still tells an unreachable DynamoDB as the table’s error', async () => {
    const dead = 'http://127.0.0.1:9';
    const flags = ['--table', table.tableName, '--directory-table', owners.tableName, '--endpoint', dead];
    const sns = ['--topic-arn', TOPIC, '--sns-endpoint', wire.sns.endpoint, '--now', iso(0)];

    const dry = await runCli(['notify', ...flags, ...sns, '--dry-run']);

    expect(dry.code, dry.stderr).toBe(1);
    expect(dry.stderr).toBe(`pc-hygiene: cannot reach DynamoDB at ${dead} (ECONNREFUSED): is it running?\n`);
  });

  it('notify --dry-run lists the topic too: its verdicts equal the drain’s', async () => {
    await seed();
    expect(wire.sns.unsubscribeByLink(address('alice'))).toBe(1);
    const admins = wire.sns.subscribe({ audience: ['admin'] });
    const machine = wire.sns.subscribe({ audience: ['owner'] });
    const flags = [...notifyFlags(wire.sns.endpoint), '--format', 'json'];

    const listed = wire.sns.callCount('ListSubscriptionsByTopic');
    const dry = await runCli(['notify', ...flags, '--dry-run']);
    const listedByDryRun = wire.sns.callCount('ListSubscriptionsByTopic') - listed;
    const run = await runCli(['notify', ...flags]);

    expect(dry.code, dry.stderr).toBe(0);
    expect(run.code, run.stderr).toBe(0);
    const preview = JSON.parse(dry.stdout) as { subscriptionCheck: string; entries: PublishEntry[] };
    const summary = JSON.parse(run.stdout) as NotifierSummary;
    expect(preview.subscriptionCheck).toBe('listed');
    expect(summary.subscriptionCheck).toBe('listed');
    const previewReports = preview.entries
      .filter((e) => e.MessageAttributes.audience?.StringValue === 'admin')
      .map((e) => ownersOf(entryDocument<UnreachableReportDocument>(e)));
    const drainReports = admins.received.map((m) => ownersOf(documentOf<UnreachableReportDocument>(m)));
    expect(previewReports).toEqual([[{ userId: 'alice', reason: 'no-subscription', events: 1 }]]);
    expect(drainReports).toEqual(previewReports);
    const reachOf = (pairs: [string | undefined, string | undefined][]) => pairs.sort();
    expect(
      reachOf(
        preview.entries
          .filter((e) => e.MessageAttributes.audience?.StringValue === 'owner')
          .map((e) => [e.MessageAttributes.userId?.StringValue, e.MessageAttributes.ownerReach?.StringValue]),
      ),
    ).toEqual(
      reachOf(machine.received.map((m) => [m.attributes.userId?.value, m.attributes.ownerReach?.value])),
    );
    expect(summary).toMatchObject({ unreachableOwners: 1, reportParts: 1 });
    // Each run listed the topic once.
    expect(listedByDryRun).toBe(1);
    expect(wire.sns.callCount('ListSubscriptionsByTopic') - listed).toBe(2);
  });
});
