/**
 * The transition write is conditional on every stored attribute the decision
 * read (docs/rules.md, "Races"; docs/data-model.md, "How conditional writes
 * protect against races"), including the owner (`userId`, which the orphan
 * rule looks up) and the lists that set the risk tier (`scopedRoles`,
 * `allowSourceCidr`), on both write paths and for buffered (compacted)
 * deletions as well as deletions a run writes at once. And a buffered
 * deletion keeps the pending notices' owner (`hygieneOutboxOwner`), so an
 * earlier owner's notice never lands in the new owner's digest
 * (docs/data-model.md, "Compact entries"). Real sweep, store and drain on
 * DynamoDB Local.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchExecuteStatementCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { transitionStatement, transitionUpdate, transitionWrite } from '../../lambdas/aws/transition-write';
import { parseConfig } from '../../lambdas/hygiene/config';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR, OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { eventsFor } from '../../lambdas/hygiene/events';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import type { SweepOwnerDirectory } from '../../lambdas/hygiene/owner-directory';
import { decide } from '../../lambdas/hygiene/policy';
import type { Transition, TransitionWriter } from '../../lambdas/hygiene/ports';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { addDays, formatInstant } from '../../lambdas/hygiene/time';
import { getItem, putItems } from '../support/items';
import { ownedCredential } from '../support/owned-credential';
import { type TestTable, useTestTable } from '../support/test-table';
import { TRANSITION_WRITERS } from '../support/transition-writers';
import { RecordingPublisher } from '../unit/outbox-fakes';
import { credential, days, NOW } from '../unit/support/credentials';

const config = parseConfig({ maxDeletePercent: 100, scanSegments: 1 });

/** A usable directory in which only `departed` have left; everyone else is active. */
function directoryWith(...departed: string[]): SweepOwnerDirectory {
  return {
    freshness: async () => ({ asOf: days(-1), owners: 10 }),
    departedUserIds: async () => new Set(departed),
    getMany: async () => new Map(),
  };
}

/** Sets `attributes` on item `id`: an admin's or a user's change. */
function setAttributes(table: TestTable, id: string, attributes: Record<string, unknown>) {
  const names = Object.keys(attributes);
  return table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: { id },
      UpdateExpression: `SET ${names.map((_, i) => `#n${i} = :v${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#n${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, attributes[n]])),
    }),
  );
}

/** `writer`, with `attributes` set on item `id` just before its transition is handed over (read, then changed). */
function changingBeforeWrite(
  writer: TransitionWriter,
  table: TestTable,
  id: string,
  attributes: Record<string, unknown>,
): TransitionWriter {
  return {
    async apply(transition: Transition) {
      if (transition.credential.id === id) await setAttributes(table, id, attributes);
      return writer.apply(transition);
    },
    flush: () => writer.flush?.(),
  };
}

const PATHS = [
  ['buffered for the guard', false],
  ['written at once (allowMassDelete)', true],
] as const;

describe.each(TRANSITION_WRITERS)('the transition write races (%s)', (name, create) => {
  const table = useTestTable(
    `transition-races-${name.startsWith('batched') ? 'batched' : 'per-item'}`,
    'each',
  );
  const sweep = (writer: TransitionWriter, allowMassDelete: boolean, directory?: SweepOwnerDirectory) =>
    runSweep(
      {
        clock: Date.now,
        scanner: new DynamoDbCredentialScanner(table.client, table.tableName),
        writer,
        directory,
      },
      { config, now: NOW, runId: 'run-1', mode: 'enforce', allowMassDelete },
    );

  it.each(PATHS)(
    "does not delete as orphaned a departed owner's credential reassigned to an active owner after the read (%s)",
    async (_path, allowMassDelete) => {
      await putItems(table.client, table.tableName, [
        credential('a-orphan', {
          userId: 'departed-dave',
          hygieneOrphanedAt: days(-10),
          hygieneOrphanDeleteAfter: days(-3),
        }),
      ]);
      const writer = changingBeforeWrite(create(table.client, table.tableName), table, 'a-orphan', {
        userId: 'successor-sam',
      });

      const summary = await sweep(writer, allowMassDelete, directoryWith('departed-dave'));

      const item = await getItem(table.client, table.tableName, 'a-orphan');
      expect(item).not.toHaveProperty('deletedAt');
      expect(item).not.toHaveProperty(OUTBOX_ATTR.events);
      expect(summary.deletions).toMatchObject({ orphaned: 1, applied: 0, skippedChanged: 1 });
      expect(summary.skippedChanged.records).toEqual([{ id: 'a-orphan', changed: ['userId'] }]);
    },
  );

  it.each(PATHS)(
    'does not delete as stale a credential scoped and source-limited after the read (%s)',
    async (_path, allowMassDelete) => {
      // Unscoped and unrestricted: the 30-day tier (docs/rules.md, "Risk tiers"); scoped and limited: 90 days.
      await putItems(table.client, table.tableName, [
        credential('b-tiered', {
          scopedRoles: undefined,
          allowSourceCidr: undefined,
          lastUsedAt: days(-50),
          hygieneStaleFlaggedAt: days(-15),
          hygieneStaleDeleteAfter: days(-1),
        }),
      ]);
      const writer = changingBeforeWrite(create(table.client, table.tableName), table, 'b-tiered', {
        scopedRoles: ['ReadOnly'],
        allowSourceCidr: ['10.0.0.0/8'],
      });

      const summary = await sweep(writer, allowMassDelete);

      const item = await getItem(table.client, table.tableName, 'b-tiered');
      expect(item).not.toHaveProperty('deletedAt');
      expect(item).toHaveProperty(HYGIENE_ATTR.staleFlaggedAt, days(-15));
      expect(summary.deletions).toMatchObject({ stale: 1, applied: 0, skippedChanged: 1 });
      expect(summary.skippedChanged.records).toEqual([
        { id: 'b-tiered', changed: ['scopedRoles', 'allowSourceCidr'] },
      ]);
    },
  );

  it.each(PATHS)(
    'does not delete as stale a credential whose list changed to another list after the read (%s)',
    async (_path, allowMassDelete) => {
      // Read with a list that leaves the source unrestricted (the 30-day tier), then given a real limit.
      await putItems(table.client, table.tableName, [
        credential('c-listed', {
          scopedRoles: [],
          allowSourceCidr: ['0.0.0.0/0'],
          lastUsedAt: days(-50),
          hygieneStaleFlaggedAt: days(-15),
          hygieneStaleDeleteAfter: days(-1),
        }),
      ]);
      const writer = changingBeforeWrite(create(table.client, table.tableName), table, 'c-listed', {
        allowSourceCidr: ['10.0.0.0/8'],
      });

      const summary = await sweep(writer, allowMassDelete);

      expect(await getItem(table.client, table.tableName, 'c-listed')).not.toHaveProperty('deletedAt');
      expect(summary.skippedChanged.records).toEqual([{ id: 'c-listed', changed: ['allowSourceCidr'] }]);
    },
  );

  it.each(PATHS)(
    'deletes, unchanged, a credential whose lists are stored as lists, empty lists or string sets (%s)',
    async (_path, allowMassDelete) => {
      const expired = { expiresTime: days(-1) };
      await putItems(table.client, table.tableName, [
        credential('d-lists', { ...expired, scopedRoles: ['a', 'b'], allowSourceCidr: ['10.0.0.0/8'] }),
        credential('d-empty', { ...expired, scopedRoles: [], allowSourceCidr: [] }),
        credential('d-sets', {
          ...expired,
          scopedRoles: new Set(['b', 'a']),
          allowSourceCidr: new Set(['10.0.0.0/8', '192.168.0.0/16']),
        }),
        credential('d-absent', { ...expired, scopedRoles: undefined, allowSourceCidr: undefined }),
      ]);

      const summary = await sweep(create(table.client, table.tableName), allowMassDelete);

      expect(summary.skippedChanged.records).toEqual([]);
      expect(summary.deletions).toMatchObject({ expired: 4, applied: 4 });
      // The batched statements themselves held (a failed one would have been written alone).
      expect(summary.transitionsWrittenAlone).toBe(0);
      for (const id of ['d-lists', 'd-empty', 'd-sets', 'd-absent']) {
        expect(await getItem(table.client, table.tableName, id), id).toHaveProperty('deletedAt', days(0));
      }
    },
  );

  it("keeps the earlier owner's pending notice out of the new owner's digest when a buffered deletion follows", async () => {
    const id = 'e-reassigned';
    const writer = create(table.client, table.tableName);
    const run = (now: number, runId: string) =>
      runSweep(
        { clock: Date.now, scanner: new DynamoDbCredentialScanner(table.client, table.tableName), writer },
        { config, now, runId, mode: 'enforce' },
      );
    await putItems(table.client, table.tableName, [
      ownedCredential(NOW, id, 'alice', { expiresTime: formatInstant(addDays(NOW, 20)) }),
    ]);
    await run(NOW, 'run-1'); // alice's 30-day notice, not yet drained
    await setAttributes(table, id, { userId: 'bob' });
    const later = addDays(NOW, 21);
    const second = await run(later, 'run-2'); // expired: a deletion buffered for the guard, queued for bob

    expect(second.deletions).toMatchObject({ expired: 1, applied: 1 });
    const queued = await getItem(table.client, table.tableName, id);
    expect(queued).toHaveProperty('deletedAt', formatInstant(later));
    expect.soft(queued?.[OUTBOX_ATTR.owner]).toBe('alice');
    const publisher = new RecordingPublisher();
    await runNotifier(
      {
        outbox: new DynamoDbOutboxStore(table.client, table.tableName),
        publisher,
        clock: () => later,
        sleep: timerSleep,
      },
      { drainId: 'd1' },
    );

    const digests = publisher.documents().filter((d) => (d as { audience?: string }).audience === 'owner');
    const bobs = digests.filter((d) => d.userId === 'bob').flatMap((d) => d.events);
    expect(bobs.map((e) => [e.type, e.userId])).toEqual([['deleted-expired', 'bob']]);
    expect(digests.flatMap((d) => d.events).filter((e) => e.type === 'expiry-warning')).toEqual([]);
  });
});

describe('each rendering of the condition compares the lists as stored (DynamoDB Local)', () => {
  const table = useTestTable('transition-list-conditions');

  /** The expired credential's deletion, decided from the item as `read`. */
  function deletionOf(read: Record<string, unknown>): Transition {
    const parsed = parseCredential(read);
    if (!parsed.ok) throw new Error(`fixture ${String(read.id)} is invalid`);
    const actions = decide(parsed.credential, config, NOW);
    const run = { runId: 'run-1', now: NOW };
    return {
      credential: parsed.credential,
      actions,
      events: eventsFor(parsed.credential, actions, run),
      ...run,
    };
  }

  /** The deletion as one `UpdateItem`, and as one PartiQL statement: whether each was written. */
  async function writeBothWays(byUpdate: Transition, byStatement: Transition): Promise<[boolean, boolean]> {
    const update = transitionUpdate(table.tableName, byUpdate);
    const write = transitionWrite(byStatement);
    if (update === undefined || write === undefined) throw new Error('nothing to write');
    const updated = await table.client.send(new UpdateCommand(update)).then(
      () => true,
      (error: unknown) => {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      },
    );
    const out = await table.client.send(
      new BatchExecuteStatementCommand({ Statements: [transitionStatement(table.tableName, write, false)] }),
    );
    const code = out.Responses?.[0]?.Error?.Code;
    if (code !== undefined && code !== 'ConditionalCheckFailed') throw new Error(`statement failed: ${code}`);
    return [updated, code === undefined];
  }

  const roles = { scopedRoles: ['a', 'b'] };
  it.each([
    ['a list, unchanged', true, roles, roles],
    ['an empty list, unchanged', true, { scopedRoles: [] }, { scopedRoles: [] }],
    [
      'a string set, unchanged',
      true,
      { scopedRoles: new Set(['a', 'b']) },
      { scopedRoles: new Set(['b', 'a']) },
    ],
    ['a list given another item', false, roles, { scopedRoles: ['a', 'b', 'c'] }],
    ['a list reordered', false, roles, { scopedRoles: ['b', 'a'] }],
    ['a list emptied', false, roles, { scopedRoles: [] }],
    ['a list removed', false, roles, { scopedRoles: undefined }],
    ['a list added', false, { scopedRoles: undefined }, roles],
    ['a list stored again as a set', false, roles, { scopedRoles: new Set(['a', 'b']) }],
    [
      'a set given another member',
      false,
      { scopedRoles: new Set(['a']) },
      { scopedRoles: new Set(['a', 'b']) },
    ],
  ] as const)('%s: written %s', async (label, written, read, current) => {
    const slug = label.replace(/[^a-z]+/g, '-');
    const item = (id: string, fields: Record<string, unknown>) =>
      credential(id, { expiresTime: days(-1), ...fields });
    const [viaUpdate, viaStatement] = [`u-${slug}`, `s-${slug}`];
    const byUpdate = deletionOf(item(viaUpdate, read));
    const byStatement = deletionOf(item(viaStatement, read));
    await putItems(table.client, table.tableName, [item(viaUpdate, current), item(viaStatement, current)]);

    expect(await writeBothWays(byUpdate, byStatement)).toEqual([written, written]);
    for (const id of [viaUpdate, viaStatement]) {
      expect((await getItem(table.client, table.tableName, id))?.deletedAt, id).toBe(
        written ? days(0) : undefined,
      );
    }
  });
});
