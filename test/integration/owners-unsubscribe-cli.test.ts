/**
 * An owner's opt-out recorded by hand, end to end as an operator runs it
 * (child processes): the directory on DynamoDB Local, the topic on the
 * SNS-compatible local server. On `sns-email` the owner's subscription
 * leaves the topic and `unsubscribed` is recorded with its ARN, so a real
 * reconcile keeps them unsubscribed (and subscribes them again only after
 * `owners resubscribe`); on `relay` the same when a topic is given, else only
 * the record. Owners not in the directory or already unsubscribed, a removal
 * SNS refuses, and an owner gone or at a new address between the command's
 * read and its write are named, exit 1; a state a reconcile records in
 * between (its mass-unsubscribe guard's `none`, or the opt-out itself) does
 * not stop the opt-out, nor does an import that only re-spells the address
 * (the same mailbox, by the rule given: `mailboxKey`). The topic is listed at the named owners' addresses
 * only: other subscriptions' attributes are never read (SNS calls counted).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OptOutTopic, unsubscribeOwners } from '../../cli/use-cases/unsubscribe-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { type OwnerRecord, reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { mailboxKey } from '../../lambdas/relay/ses-address';
import { directoryFlags, runCli } from '../support/run-cli';
import { hookSends, updateOwnerAfterRead } from '../support/send-hooks';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';
import { syncSubscriptionsJson, upsertNewOwners } from './support/sns-wire';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';

describe('pc-hygiene owners unsubscribe', () => {
  let sns: FakeSnsServer;
  let table: TestDirectoryTable;
  let directory: DynamoOwnerDirectory;

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
    table = await createTestDirectoryTable('unsubscribe-cli');
    directory = new DynamoOwnerDirectory(table.client, table.tableName);
  });
  afterAll(async () => {
    await sns.stop();
    await table.drop();
  });

  const addOwners = (...userIds: string[]) =>
    upsertNewOwners(
      directory,
      userIds.map((userId) => ({ userId, email: `${userId}@example.com`, status: 'active' as const })),
      '2026-12-01T00:00:00.000Z',
    );
  const sync = () => syncSubscriptionsJson(TOPIC, sns, table);
  const unsubscribe = (...args: string[]) =>
    runCli([
      'owners',
      'unsubscribe',
      ...args,
      '--topic-arn',
      TOPIC,
      '--sns-endpoint',
      sns.endpoint,
      ...directoryFlags(table),
    ]);
  const owner = async (userId: string) => (await directory.getMany([userId])).get(userId);
  const states = async () =>
    Object.fromEntries((await directory.listOwners()).map((o) => [o.userId, o.subscription ?? '-']));
  const subscribed = () => sns.subscriptionsOf(TOPIC).map((s) => [s.endpoint, s.pending]);
  const topicPort = () => new SnsTopicSubscriptions(createSnsClient({ endpoint: sns.endpoint }), TOPIC);
  /** Subscribes `userIds` (a reconcile) and has them confirm; returns each one's subscription ARN. */
  const confirmedOwners = async (...userIds: string[]) => {
    await addOwners(...userIds);
    await sync();
    for (const userId of userIds) sns.confirm(`${userId}@example.com`);
    await sync();
    const arns = await directory.getMany(userIds);
    return userIds.map((userId) => {
      expect(arns.get(userId)?.subscription).toBe('confirmed');
      return arns.get(userId)?.subscriptionArn ?? '';
    });
  };

  it('removes a confirmed owner’s subscription, records the opt-out with its ARN; a reconcile keeps it until resubscribe', async () => {
    const [adaArn] = await confirmedOwners('ada', 'bob');

    const run = await unsubscribe('ada');

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(
      `ada: unsubscribe recorded in ${table.tableName} (state unsubscribed, unreachable on both routes; undo: pc-hygiene owners resubscribe); removed from the topic: ${adaArn}\n`,
    );
    expect(subscribed()).toEqual([['bob@example.com', false]]);
    expect(await owner('ada')).toMatchObject({ subscription: 'unsubscribed', subscriptionArn: adaArn });

    // the reconciler honours it: nothing created for ada, the state stays (also once SNS forgets the ARN)
    const subscribes = sns.callCount('Subscribe');
    const reconciled = await sync();
    expect(reconciled.created).toBe(0);
    expect(reconciled.states).toEqual({ confirmed: 1, pending: 0, none: 0, unsubscribed: 1 });
    expect(sns.callCount('Subscribe')).toBe(subscribes);
    expect(await owner('ada')).toMatchObject({ subscription: 'unsubscribed', subscriptionArn: adaArn });

    // the way back: resubscribe, and the next reconcile subscribes ada again
    expect((await runCli(['owners', 'resubscribe', 'ada', ...directoryFlags(table)])).code).toBe(0);
    expect((await sync()).created).toBe(1);
    expect(subscribed()).toEqual([
      ['bob@example.com', false],
      ['ada@example.com', true],
    ]);
    expect(await states()).toMatchObject({ ada: 'pending', bob: 'confirmed' });
  });

  it('reads the attributes of the named owners’ subscriptions only, in one listing, not every subscription’s on the topic', async () => {
    const [niaArn, otoArn] = await confirmedOwners('nia', 'oto', 'pia', 'qui', 'rae');
    const topicSize = sns.subscriptionsOf(TOPIC).length;
    const [reads, listings] = [
      sns.callCount('GetSubscriptionAttributes'),
      sns.callCount('ListSubscriptionsByTopic'),
    ];

    const run = await unsubscribe('nia', 'oto', '--format', 'json');

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout).unsubscribed.map((o: { removed: string[] }) => o.removed)).toEqual([
      [niaArn],
      [otoArn],
    ]);
    expect(topicSize).toBeGreaterThanOrEqual(5);
    expect(sns.callCount('ListSubscriptionsByTopic') - listings).toBe(1); // one page (under 100 subscriptions)
    expect(sns.callCount('GetSubscriptionAttributes') - reads).toBe(2); // nia's and oto's, not the others'
    expect(subscribed()).toEqual(
      expect.arrayContaining(['pia', 'qui', 'rae'].map((id) => [`${id}@example.com`, false])),
    );
    expect(await states()).toMatchObject({ nia: 'unsubscribed', oto: 'unsubscribed', pia: 'confirmed' });
  });

  it('on route relay without a topic only records the opt-out: unreachable, reason unsubscribed', async () => {
    await addOwners('cyd');
    sns.calls.clear();

    const run = await runCli(
      ['owners', 'unsubscribe', 'cyd', '--route', 'relay', '--format', 'json', ...directoryFlags(table)],
      { PC_HYGIENE_TOPIC_ARN: '' },
    );

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({
      route: 'relay',
      unsubscribed: [{ userId: 'cyd', removed: [], pendingLeft: false, recordedMeanwhile: false }],
      notChanged: [],
    });
    expect(sns.calls.size).toBe(0);
    const cyd = await owner('cyd');
    expect(cyd?.subscription).toBe('unsubscribed');
    expect(reachabilityOf(cyd, 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });
  });

  it('on route relay with a topic removes the owner’s subscription too, so a reconcile keeps them unsubscribed', async () => {
    // A deployment on sns-email, the operator passing --route relay: SNS must stop emailing them as well.
    const [kimArn] = await confirmedOwners('kim');

    const run = await unsubscribe('kim', '--route', 'relay');

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(
      `kim: unsubscribe recorded in ${table.tableName} (state unsubscribed, unreachable on both routes; undo: pc-hygiene owners resubscribe); route relay: the relay emails them no more; removed from the topic: ${kimArn}\n`,
    );
    expect(subscribed()).not.toContainEqual(['kim@example.com', false]);
    const reconciled = await sync();
    expect(reconciled.created).toBe(0);
    expect(await owner('kim')).toMatchObject({ subscription: 'unsubscribed', subscriptionArn: kimArn });
  });

  it('names owners not in the directory or already unsubscribed, changes nothing, exits 1', async () => {
    await addOwners('dee');
    await directory.recordSubscription({
      userId: 'dee',
      email: 'dee@example.com',
      state: 'unsubscribed',
      subscriptionArn: `${TOPIC}:0d0d`,
      read: {},
    });
    const before = await directory.listOwners();
    const topicBefore = subscribed();
    sns.calls.clear();

    const run = await unsubscribe('dee', 'zed', 'evil\u001b[2J');

    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'dee: not changed: already unsubscribed: nothing to record\n' +
        'zed: not changed: not in the owner directory\n' +
        'evil\\x1b[2J: not changed: not in the owner directory\n',
    );
    expect(await directory.listOwners()).toEqual(before);
    expect(subscribed()).toEqual(topicBefore);
    expect(sns.calls.size).toBe(0);
  });

  it('prints JSON naming the removed subscription, and leaves an arn-less pending one the reconciler cannot count', async () => {
    const [eliArn] = await confirmedOwners('eli');
    await addOwners('fay');
    await sync(); // fay: a pending subscription, listed without its ARN

    const run = await unsubscribe('eli', 'fay', '--format', 'json');

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({
      route: 'sns-email',
      topicArn: TOPIC,
      unsubscribed: [
        {
          userId: 'eli',
          removed: [eliArn],
          subscriptionArn: eliArn,
          pendingLeft: false,
          recordedMeanwhile: false,
        },
        { userId: 'fay', removed: [], pendingLeft: true, recordedMeanwhile: false },
      ],
      notChanged: [],
    });
    const text = await unsubscribe('eli');
    expect(text.stdout).toBe('eli: not changed: already unsubscribed: nothing to record\n');
    expect(subscribed()).toContainEqual(['fay@example.com', true]);
    expect(subscribed()).not.toContainEqual(['eli@example.com', false]);
    const subscribes = sns.callCount('Subscribe');
    await sync();
    expect(sns.callCount('Subscribe')).toBe(subscribes);
    expect(await states()).toMatchObject({ eli: 'unsubscribed', fay: 'unsubscribed' });
  });

  it('says in text that a pending subscription, theirs or a sharer’s, could not be removed', async () => {
    await addOwners('gil');
    await sync();

    const run = await unsubscribe('gil');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('; no subscription of theirs on the topic\n');
    expect(run.stdout).toContain(
      "gil: a subscription awaiting confirmation at their address (theirs, or another owner's at the same address) is still on the topic (SNS hides its ARN, so it cannot be removed): the reconciler leaves it alone and SNS deletes it unconfirmed; if it is theirs and they confirm it, the next reconcile records them confirmed: run this again then\n",
    );
  });

  it('does not record an owner whose removal SNS refuses, and exits 1 naming it', async () => {
    const [halArn] = await confirmedOwners('hal');
    sns.throttle.set('Unsubscribe', 100);

    const run = await unsubscribe('hal').finally(() => sns.throttle.delete('Unsubscribe'));

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `^hal: not changed: SNS refused to remove ${halArn} \\(Throttling(Exception)?: Rate exceeded\\); not recorded: run it again\\n$`,
      ),
    );
    expect(await owner('hal')).toMatchObject({ subscription: 'confirmed', subscriptionArn: halArn });
    expect(subscribed()).toContainEqual(['hal@example.com', false]);
  });

  it('records nothing when the address changed between the read and the write (changed-meanwhile, exit 1)', async () => {
    const [ivyArn] = await confirmedOwners('ivy');
    // An import gives ivy a new address (clearing her state) between the command's read and its write.
    const spy = updateOwnerAfterRead(table.client, table.tableName, 'ivy', {
      expression: 'SET email = :email REMOVE subscription, subscriptionArn',
      values: { ':email': 'ivy@new.example' },
    });

    const result = await unsubscribeOwners(directory, { route: 'sns-email', topic: topicPort() }, [
      'ivy',
    ]).finally(() => spy.mockRestore());

    expect(result).toEqual({
      route: 'sns-email',
      topicArn: TOPIC,
      unsubscribed: [],
      notChanged: [{ userId: 'ivy', reason: 'changed-meanwhile', removed: [ivyArn] }],
    });
    const ivy = await owner('ivy');
    expect(ivy?.email).toBe('ivy@new.example');
    expect(ivy?.subscription).toBeUndefined();
  });

  it('records the opt-out when an import only re-spells the address between the read and the write (same mailbox)', async () => {
    // uma subscribed with her domain in Unicode; an import writes it in Punycode (one mailbox: state and ARN kept)
    // between the command's read and its write: the write, conditional on the spelling read, is refused.
    const [unicode, punycode] = ['uma@bücher.example', 'uma@xn--bcher-kva.example'];
    await upsertNewOwners(
      directory,
      [{ userId: 'uma', email: unicode, status: 'active' }],
      '2026-12-01T00:00:00Z',
    );
    await sync();
    sns.confirm(unicode);
    await sync();
    const umaArn = (await owner('uma'))?.subscriptionArn;
    expect(await owner('uma')).toMatchObject({
      subscription: 'confirmed',
      subscriptionArn: expect.any(String),
    });
    const spy = updateOwnerAfterRead(table.client, table.tableName, 'uma', {
      expression: 'SET email = :email',
      values: { ':email': punycode },
    });

    const result = await unsubscribeOwners(directory, { route: 'sns-email', topic: topicPort() }, ['uma'], {
      mailboxKey,
    }).finally(() => spy.mockRestore());

    // not changed-meanwhile: the same mailbox, so the opt-out is retried at the new spelling and recorded
    expect(result.notChanged).toEqual([]);
    expect(result.unsubscribed).toEqual([
      {
        userId: 'uma',
        removed: [umaArn],
        subscriptionArn: umaArn,
        pendingLeft: false,
        recordedMeanwhile: false,
      },
    ]);
    expect(await owner('uma')).toMatchObject({
      email: punycode,
      subscription: 'unsubscribed',
      subscriptionArn: umaArn,
    });
    expect(subscribed()).not.toContainEqual([unicode, false]);
  });

  it('keeps the owner unsubscribed when a reconcile runs right after its first write, and says it was recorded meanwhile', async () => {
    const [judArn] = await confirmedOwners('jud');
    // One reconcile, right after the command's first write, whichever it is: a topic removal or a directory write.
    let reconciled = false;
    const reconcileOnce = async () => {
      if (reconciled) return;
      reconciled = true;
      await reconcileSubscriptions({ topic: topicPort(), directory }, { route: 'sns-email' });
    };
    const spy = hookSends(table.client, {
      after: async (command) => {
        if (command instanceof UpdateCommand) await reconcileOnce();
      },
    });
    const topic = topicPort();
    const reconcilingTopic = {
      topicArn: TOPIC,
      list: () => topic.list(),
      remove: async (arn: string) => {
        await topic.remove(arn);
        await reconcileOnce();
      },
    };

    const result = await unsubscribeOwners(directory, { route: 'sns-email', topic: reconcilingTopic }, [
      'jud',
    ]).finally(() => spy.mockRestore());

    // The reconcile took the vanished ARN for the opt-out and recorded it first (so this write found the state
    // changed: the re-read finds it done); had the command recorded first, the reconcile would have matched the
    // live subscription: confirmed.
    expect(reconciled).toBe(true);
    expect(await owner('jud')).toMatchObject({ subscription: 'unsubscribed', subscriptionArn: judArn });
    expect(result.notChanged).toEqual([]);
    expect(result.unsubscribed).toEqual([
      {
        userId: 'jud',
        removed: [judArn],
        subscriptionArn: judArn,
        pendingLeft: false,
        recordedMeanwhile: true,
      },
    ]);
    expect(subscribed()).not.toContainEqual(['jud@example.com', false]);
  });

  it('retries a write whose owner keeps changing state, at most 3 attempts, then names it changed-meanwhile', async () => {
    const [louArn] = await confirmedOwners('lou');
    // Before each of the command's writes, another state lands (a reconcile matching a new pending subscription).
    let writes = 0;
    const spy = hookSends(table.client, {
      before: async (command, send) => {
        if (!(command instanceof UpdateCommand)) return;
        writes += 1;
        await send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: { userId: 'lou' },
            UpdateExpression: 'SET subscription = :pending, subscriptionArn = :arn',
            ExpressionAttributeValues: { ':pending': 'pending', ':arn': `${TOPIC}:lou-${writes}` },
          }),
        );
      },
    });

    const topic = topicPort();
    const listedAt: (readonly string[] | 'all')[] = [];
    const recordingTopic: OptOutTopic = {
      topicArn: TOPIC,
      list: (options) => {
        listedAt.push(options?.atAddresses === undefined ? 'all' : [...options.atAddresses]);
        return topic.list(options);
      },
      remove: (arn) => topic.remove(arn),
    };
    const reads = sns.callCount('GetSubscriptionAttributes');

    const result = await unsubscribeOwners(directory, { route: 'sns-email', topic: recordingTopic }, [
      'lou',
    ]).finally(() => spy.mockRestore());

    expect(writes).toBe(3);
    // each attempt lists at lou's address only (the first and each retry): lou's subscription is read once, then gone
    expect(listedAt).toEqual([['lou@example.com'], ['lou@example.com'], ['lou@example.com']]);
    expect(sns.callCount('GetSubscriptionAttributes') - reads).toBe(1);
    expect(result.notChanged).toEqual([{ userId: 'lou', reason: 'changed-meanwhile', removed: [louArn] }]);
    expect(await owner('lou')).toMatchObject({ subscription: 'pending', subscriptionArn: `${TOPIC}:lou-3` });
  });

  it('refuses route sns-email without a topic (exit 2), before changing anything', async () => {
    const run = await runCli(['owners', 'unsubscribe', 'bob', ...directoryFlags(table)], {
      PC_HYGIENE_TOPIC_ARN: '',
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--topic-arn is required on route sns-email');
    expect((await owner('bob'))?.subscription).toBe('confirmed');
  });

  describe('while a reconcile’s mass-unsubscribe guard trips between a removal and its record', () => {
    // A directory and topic of their own: the guard compares with every owner recorded confirmed.
    const GUARDED = 'arn:aws:sns:eu-west-1:123456789012:hygiene-guarded';
    let guardedTable: TestDirectoryTable;
    let guarded: DynamoOwnerDirectory;
    beforeAll(async () => {
      guardedTable = await createTestDirectoryTable('unsubscribe-guard');
      guarded = new DynamoOwnerDirectory(guardedTable.client, guardedTable.tableName);
    });
    afterAll(() => guardedTable.drop());
    const guardedSync = () => syncSubscriptionsJson(GUARDED, sns, guardedTable);
    const guardedTopic = () =>
      new SnsTopicSubscriptions(createSnsClient({ endpoint: sns.endpoint }), GUARDED);

    it('records both owners unsubscribed (the explicit opt-out wins over the guard’s none); the next reconcile creates nothing', async () => {
      await upsertNewOwners(
        guarded,
        ['lee', 'max'].map((userId) => ({
          userId,
          email: `${userId}@example.com`,
          status: 'active' as const,
        })),
        '2026-12-01T00:00:00.000Z',
      );
      await guardedSync();
      sns.confirm('lee@example.com');
      sns.confirm('max@example.com');
      await guardedSync();
      const read = await guarded.getMany(['lee', 'max']);
      const [leeArn, maxArn] = ['lee', 'max'].map((id) => read.get(id)?.subscriptionArn ?? '');
      expect(read.get('max')?.subscription).toBe('confirmed');

      // A real reconcile, overlapping: it reads the directory once lee's subscription is gone (both still
      // recorded confirmed) and lists the topic once max's is gone: every confirmed owner's subscription
      // vanished at once, so its guard trips and records them none, between max's removal and its record.
      let directoryRead: readonly OwnerRecord[] | undefined;
      let verdict: { tripped: boolean } | undefined;
      const topic = guardedTopic();
      const overlappingTopic = {
        topicArn: GUARDED,
        list: () => topic.list(),
        remove: async (arn: string) => {
          await topic.remove(arn);
          // Read before lee's record is written (the command awaits this removal before it records).
          if (arn === leeArn) directoryRead = await guarded.listOwners();
          if (arn !== maxArn || directoryRead === undefined) return;
          const owners = directoryRead;
          // The real directory, except that its listing is the one read before lee's record.
          const overlapping: DynamoOwnerDirectory = Object.assign(Object.create(guarded), {
            listOwners: async () => owners,
          });
          const summary = await reconcileSubscriptions(
            { topic: guardedTopic(), directory: overlapping },
            { route: 'sns-email' },
          );
          verdict = summary.unsubscribeGuard;
        },
      };

      const result = await unsubscribeOwners(guarded, { route: 'sns-email', topic: overlappingTopic }, [
        'lee',
        'max',
      ]);

      expect(verdict).toMatchObject({ tripped: true, newlyUnsubscribed: ['lee', 'max'] });
      expect(result.notChanged).toEqual([]); // exit 0
      expect(result.unsubscribed).toEqual([
        {
          userId: 'lee',
          removed: [leeArn],
          subscriptionArn: leeArn,
          pendingLeft: false,
          recordedMeanwhile: false,
        },
        {
          userId: 'max',
          removed: [maxArn],
          subscriptionArn: maxArn,
          pendingLeft: false,
          recordedMeanwhile: false,
        },
      ]);
      const reconciled = await guardedSync();
      expect(reconciled.created).toBe(0);
      expect(reconciled.states).toEqual({ confirmed: 0, pending: 0, none: 0, unsubscribed: 2 });
      expect(sns.subscriptionsOf(GUARDED)).toEqual([]);
    });
  });
});
