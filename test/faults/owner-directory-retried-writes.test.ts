/**
 * Owner directory writes whose response was lost, against DynamoDB Local:
 * each is conditional on something its own change falsifies, so the SDK's
 * retry of a write that already applied fails its condition on the writer's
 * own change. Each is still judged done (`conditionalUpdate`'s `leaves`,
 * lambdas/aws/owner-directory-update.ts): the reconciler's state write
 * (recorded, not in `skippedStateChanges` and counted under the old state:
 * docs/notifications.md, "Subscription reconciler", step 5), an import's
 * `departed` mark (counted), and `owners clear-bouncing`'s removal (cleared).
 * Their controls: another writer that really changed the owner, before the
 * write applied (its first attempt refused) or after it (before the retry),
 * still makes the write report the owner changed meanwhile.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { ownerFilterPolicy, type TopicSubscription } from '../../lambdas/hygiene/subscription-plan';
import type { TopicSubscriptions } from '../../lambdas/hygiene/subscription-ports';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { createTestDirectoryTable, type TestDirectoryTable } from '../support/test-directory-table';
import { type LostResponsePlan, loseFirstResponseAfter } from './support/lost-response-between';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-retried-writes';
const ADA_ARN = `${TOPIC}:ada`;
const EMAIL = 'ada@example.com';
const IMPORTED_AT = '2026-12-01T00:00:00.000Z';
const BOUNCED_AT = '2026-12-02T00:00:00.000Z';
const BOUNCED_AGAIN_AT = '2026-12-03T00:00:00.000Z';

/** A topic holding ada's confirmed owner subscription, and nothing to create, repair or remove. */
class ConfirmedTopic implements TopicSubscriptions {
  readonly topicArn = TOPIC;
  async list(): Promise<readonly TopicSubscription[]> {
    const filterPolicy = ownerFilterPolicy('ada');
    return [{ arn: ADA_ARN, protocol: 'email', endpoint: EMAIL, filterPolicy, pending: false }];
  }
  async create(): Promise<string> {
    throw new Error('nothing to create');
  }
  async setFilterPolicy(): Promise<void> {
    throw new Error('nothing to repair');
  }
  async remove(): Promise<void> {
    throw new Error('nothing to remove');
  }
}

/** An `UpdateItem` of ada (the key marshalled or not, as the middleware meets it). */
const isUpdateOfAda = (input: Readonly<Record<string, unknown>>) =>
  'UpdateExpression' in input && JSON.stringify(input.Key ?? null).includes('"ada"');

describe('owner directory writes whose retry meets their own change (DynamoDB Local)', () => {
  let table: TestDirectoryTable;
  /** The client whose first write of ada loses its response: the writer under test's. */
  let faulty: DynamoDBDocumentClient;
  /** The directory on the table's own client: the other writer, and the reads. */
  let other: DynamoOwnerDirectory;
  const underTest = (plan: Omit<LostResponsePlan, 'matches'>) => {
    const counts = loseFirstResponseAfter(faulty, { ...plan, matches: isUpdateOfAda });
    return { directory: new DynamoOwnerDirectory(faulty, table.tableName), counts };
  };
  const ada = async () => (await other.getMany(['ada'])).get('ada');
  const putAda = (extra: Record<string, unknown> = {}) =>
    table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { userId: 'ada', email: EMAIL, name: 'Ada', status: 'active', ...extra },
      }),
    );

  beforeEach(async () => {
    table = await createTestDirectoryTable('retried-writes');
    faulty = createDocumentClient({ endpoint: table.endpoint });
    other = new DynamoOwnerDirectory(table.client, table.tableName);
    return async () => {
      faulty.destroy();
      await table.drop();
    };
  });

  describe('the reconciler records a state', () => {
    const reconcile = (directory: DynamoOwnerDirectory) =>
      reconcileSubscriptions({ topic: new ConfirmedTopic(), directory }, { route: 'sns-email' });
    /** An operator's `owners unsubscribe` of ada, from the state `read`. */
    const unsubscribedByHand =
      (read: { subscription?: 'confirmed'; subscriptionArn?: string }) => async () => {
        const held = await other.recordSubscription({
          userId: 'ada',
          email: EMAIL,
          state: 'unsubscribed',
          subscriptionArn: ADA_ARN,
          read,
        });
        expect(held).toBe(true);
      };

    it('counts its own retried write as recorded, not as a state change skipped', async () => {
      await putAda();
      const { directory, counts } = underTest({});

      const summary = await reconcile(directory);

      expect(counts.lost).toBe(1);
      expect(summary.skippedStateChanges).toEqual([]);
      expect(summary.stateChanges.map((s) => [s.userId, s.state])).toEqual([['ada', 'confirmed']]);
      expect(summary.states).toMatchObject({ confirmed: 1, none: 0 });
      expect(await ada()).toMatchObject({ subscription: 'confirmed', subscriptionArn: ADA_ARN });
    });

    it('control: an opt-out recorded before its write applied: skipped, the opt-out stands', async () => {
      await putAda();
      const { directory, counts } = underTest({ throttled: true, between: unsubscribedByHand({}) });

      const summary = await reconcile(directory);

      expect(counts.lost).toBe(1);
      expect(summary.skippedStateChanges.map((s) => [s.userId, s.state])).toEqual([['ada', 'confirmed']]);
      expect(summary.states).toMatchObject({ confirmed: 0, none: 1 });
      expect((await ada())?.subscription).toBe('unsubscribed');
    });

    it('control: an opt-out recorded after its write applied, before the retry: skipped, the opt-out stands', async () => {
      await putAda();
      const between = unsubscribedByHand({ subscription: 'confirmed', subscriptionArn: ADA_ARN });
      const { directory, counts } = underTest({ between });

      const summary = await reconcile(directory);

      expect(counts.lost).toBe(1);
      expect(summary.skippedStateChanges.map((s) => s.userId)).toEqual(['ada']);
      expect((await ada())?.subscription).toBe('unsubscribed');
    });
  });

  describe('an import marks an owner departed', () => {
    const NOW = '2026-12-05T00:00:00.000Z';
    const markedByAnotherImport = async () => {
      expect(await other.markDeparted(['ada'], '2026-12-04T00:00:00.000Z')).toBe(1);
    };

    it('counts its own retried mark', async () => {
      await putAda({ updatedAt: IMPORTED_AT });
      const { directory, counts } = underTest({});

      expect(await directory.markDeparted(['ada'], NOW)).toBe(1);
      expect(counts.lost).toBe(1);
      expect(await ada()).toMatchObject({ status: 'departed' });
    });

    it('control: another import marked them departed first: not counted', async () => {
      await putAda({ updatedAt: IMPORTED_AT });
      const { directory, counts } = underTest({ throttled: true, between: markedByAnotherImport });

      expect(await directory.markDeparted(['ada'], NOW)).toBe(0);
      expect(counts.lost).toBe(1);
    });
  });

  describe('owners clear-bouncing', () => {
    /** Another operator's clear of the bounce read, then a new bounce at the same address. */
    const clearedAndBouncedAgain = (clearFirst: boolean) => async () => {
      if (clearFirst) expect(await other.clearBouncing('ada', EMAIL, BOUNCED_AT)).toBe(true);
      expect(await other.markBouncing('ada', EMAIL, BOUNCED_AGAIN_AT)).toBe(true);
    };

    it('counts its own retried removal as cleared', async () => {
      await putAda({ bouncingSince: BOUNCED_AT });
      const { directory, counts } = underTest({});

      expect(await directory.clearBouncing('ada', EMAIL, BOUNCED_AT)).toBe(true);
      expect(counts.lost).toBe(1);
      expect((await ada())?.bouncingSince).toBeUndefined();
    });

    it('control: cleared and bounced again before its write applied: not cleared, the new bounce stands', async () => {
      await putAda({ bouncingSince: BOUNCED_AT });
      const { directory } = underTest({ throttled: true, between: clearedAndBouncedAgain(true) });

      expect(await directory.clearBouncing('ada', EMAIL, BOUNCED_AT)).toBe(false);
      expect((await ada())?.bouncingSince).toBe(BOUNCED_AGAIN_AT);
    });

    it('control: bounced again after its write applied, before the retry: not cleared, the new bounce stands', async () => {
      await putAda({ bouncingSince: BOUNCED_AT });
      const { directory } = underTest({ between: clearedAndBouncedAgain(false) });

      expect(await directory.clearBouncing('ada', EMAIL, BOUNCED_AT)).toBe(false);
      expect((await ada())?.bouncingSince).toBe(BOUNCED_AGAIN_AT);
    });
  });
});
