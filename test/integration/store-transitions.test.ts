/**
 * The transition write (docs/data-model.md, "The transition write", "How conditional writes protect against races"),
 * for both writers (per-item UpdateItem and batched PartiQL) on DynamoDB Local: each action writes exactly its
 * attributes and nothing else, several in one write; outbox events appended with the index keys, an outbox the
 * notifier drained meanwhile no obstacle; a credential changed since the read (used, renewed, exempted, flagged,
 * notified, deleted, removed) is skipped untouched, naming what changed; of two runs at once, exactly one applies.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ITEM_GONE } from '../../lambdas/aws/transition-writer';
import type { Credential } from '../../lambdas/hygiene/credential';
import { HISTORY_ATTR, HYGIENE_ATTR, OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { eventsFor, type OutboxEvent } from '../../lambdas/hygiene/events';
import { readPendingItem, storedEvent } from '../../lambdas/hygiene/outbox-item';
import type { Action } from '../../lambdas/hygiene/policy';
import type { Transition, TransitionWriter } from '../../lambdas/hygiene/ports';
import { formatInstant, parseInstant } from '../../lambdas/hygiene/time';
import { changeItem, getItem, outboxIndexEntriesOf, putItem, readCredential } from '../support/items';
import { createTestTable, type TestTable } from '../support/test-table';
import { TRANSITION_WRITERS } from '../support/transition-writers';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const NOW_ISO = formatInstant(NOW);
const RUN_ID = 'run-2026-11-26';

/** A full seed record, with offset and sub-millisecond dates and an unknown attribute. */
function seedItem(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    clientId: `client-${id}`,
    userId: 'user-7',
    displayName: 'CI deploy token',
    createdAt: '2026-01-01T09:00:00+02:00',
    updatedAt: '2026-01-02T10:00:00Z',
    expiresTime: '2026-12-03T12:00:00.123456Z',
    lastUsedAt: '2026-03-01T00:00:00.5Z',
    allowSourceCidr: ['10.0.0.0/8'],
    scopedRoles: ['role-read'],
    vendorField: { nested: [1, 'two'] },
    ...extra,
  };
}

function transition(
  credential: Credential,
  actions: Action[],
  withEvents = false,
  purgeAt?: number,
): Transition {
  return {
    credential,
    actions,
    events: withEvents ? eventsFor(credential, actions, { runId: RUN_ID, now: NOW }) : [],
    runId: RUN_ID,
    now: NOW,
    ...(purgeAt !== undefined && { purgeAt }),
  };
}

const expiresIso = (c: Credential) => formatInstant(c.expiresTime!.ms);

/** The history the transition appends (docs/data-model.md, "History"): one entry per action, at the run's now. */
const history = (...entries: { action: string; reason?: string; detail?: string }[]) => ({
  [HISTORY_ATTR]: entries.map((e) => ({ at: NOW_ISO, runId: RUN_ID, ...e })),
});

/** A stale flag whose details the write does not depend on. */
const FLAG_STALE: Action = {
  type: 'flag-stale',
  deleteAfter: '2026-12-10T12:00:00.000Z',
  lastActivity: 'x',
  staleAfterDays: 90,
  tier: 'default',
};

/** The item after a soft-delete by this run: deleted now, with its reason, run and history entry. */
const softDeleted = (item: Record<string, unknown>, reason: 'expired' | 'stale', detail: string) => ({
  ...item,
  deletedAt: NOW_ISO,
  updatedAt: NOW_ISO,
  [HYGIENE_ATTR.deletedReason]: reason,
  [HYGIENE_ATTR.deletedByRun]: RUN_ID,
  ...history({ action: `delete-${reason}`, reason, detail }),
});

/**
 * The writer's outcomes only (applied, or skipped and why): the contract both
 * writers share. Whether the batched writer needed a request of its own for a
 * transition (`writtenAlone`) is its own test's matter
 * (batched-transition-writer.test.ts).
 */
function outcomesOf(writer: TransitionWriter): TransitionWriter {
  return {
    apply: async (t) => {
      const { writtenAlone: _writtenAlone, ...outcome } = await writer.apply(t);
      return outcome;
    },
  };
}

describe.each(TRANSITION_WRITERS)('transition writer: %s', (_name, makeWriter) => {
  let table: TestTable;
  let writer: TransitionWriter;
  let n = 0;
  /** Puts a fresh item and reads it back as the sweep would. */
  const seed = async (extra: Record<string, unknown> = {}) => {
    const id = `pc-${++n}`;
    const item = seedItem(id, extra);
    await putItem(table.client, table.tableName, item);
    return { id, item, credential: await readCredential(table.client, table.tableName, id) };
  };
  const current = (id: string) => getItem(table.client, table.tableName, id);

  beforeAll(async () => {
    table = await createTestTable(undefined, 'store-transitions');
    writer = outcomesOf(makeWriter(table.client, table.tableName));
  });
  afterAll(() => table.drop());

  describe('each action writes exactly its attributes, nothing else', () => {
    it('notify-expiry sets the stage and the expiry it refers to', async () => {
      const { id, item, credential } = await seed();
      const result = await writer.apply(
        transition(credential, [
          { type: 'notify-expiry', stageDays: 7, expiresTime: expiresIso(credential) },
        ]),
      );
      expect(result).toEqual({ status: 'applied' });
      expect(await current(id)).toEqual({
        ...item,
        [HYGIENE_ATTR.expiryNoticeStage]: 7,
        [HYGIENE_ATTR.expiryNoticeFor]: '2026-12-03T12:00:00.123Z',
        ...history({ action: 'notify-expiry', detail: 'expires 2026-12-03T12:00:00.123Z (7-day notice)' }),
      });
    });

    it('flag-stale records when it was flagged and when it will be deleted', async () => {
      const { id, item, credential } = await seed();
      const deleteAfter = '2026-12-10T12:00:00.000Z';
      await writer.apply(
        transition(credential, [
          {
            type: 'flag-stale',
            deleteAfter,
            lastActivity: '2026-03-01T00:00:00.500Z',
            staleAfterDays: 90,
            tier: 'default',
          },
        ]),
      );
      expect(await current(id)).toEqual({
        ...item,
        [HYGIENE_ATTR.staleFlaggedAt]: NOW_ISO,
        [HYGIENE_ATTR.staleDeleteAfter]: deleteAfter,
        ...history({
          action: 'flag-stale',
          detail: `last activity 2026-03-01T00:00:00.500Z, stale after 90 days (tier default); delete after ${deleteAfter}`,
        }),
      });
    });

    it('unflag-stale removes both stale attributes', async () => {
      const { id, item, credential } = await seed({
        [HYGIENE_ATTR.staleFlaggedAt]: '2026-11-01T00:00:00.000Z',
        [HYGIENE_ATTR.staleDeleteAfter]: '2026-11-15T00:00:00.000Z',
      });
      await writer.apply(transition(credential, [{ type: 'unflag-stale', reason: 'used-since-flagged' }]));
      const {
        [HYGIENE_ATTR.staleFlaggedAt]: _flagged,
        [HYGIENE_ATTR.staleDeleteAfter]: _after,
        ...unflagged
      } = item;
      expect(await current(id)).toEqual({
        ...unflagged,
        ...history({ action: 'unflag-stale', reason: 'used-since-flagged' }),
      });
    });

    it('delete-expired soft-deletes with reason, run id and purge time', async () => {
      const { id, item, credential } = await seed({ expiresTime: '2026-11-01T00:00:00Z' });
      const purgeAt = Math.floor(NOW / 1000) + 30 * 86_400;
      await writer.apply(
        transition(
          credential,
          [{ type: 'delete-expired', expiresTime: '2026-11-01T00:00:00.000Z' }],
          false,
          purgeAt,
        ),
      );
      expect(await current(id)).toEqual({
        ...softDeleted(item, 'expired', 'expiresTime 2026-11-01T00:00:00.000Z'),
        [HYGIENE_ATTR.purgeAt]: purgeAt,
      });
    });

    it('delete-stale soft-deletes without a purge time when none is configured', async () => {
      const { id, item, credential } = await seed({
        [HYGIENE_ATTR.staleFlaggedAt]: '2026-11-01T00:00:00.000Z',
        [HYGIENE_ATTR.staleDeleteAfter]: '2026-11-15T00:00:00.000Z',
      });
      await writer.apply(
        transition(credential, [
          {
            type: 'delete-stale',
            flaggedAt: '2026-11-01T00:00:00.000Z',
            deleteAfter: '2026-11-15T00:00:00.000Z',
          },
        ]),
      );
      expect(await current(id)).toEqual(
        softDeleted(item, 'stale', 'flagged 2026-11-01T00:00:00.000Z, delete after 2026-11-15T00:00:00.000Z'),
      );
    });

    it('several actions of one credential go in one write', async () => {
      const { id, item, credential } = await seed();
      await writer.apply(
        transition(credential, [
          { type: 'notify-expiry', stageDays: 30, expiresTime: expiresIso(credential) },
          FLAG_STALE,
        ]),
      );
      expect(await current(id)).toEqual({
        ...item,
        [HYGIENE_ATTR.expiryNoticeStage]: 30,
        [HYGIENE_ATTR.expiryNoticeFor]: '2026-12-03T12:00:00.123Z',
        [HYGIENE_ATTR.staleFlaggedAt]: NOW_ISO,
        [HYGIENE_ATTR.staleDeleteAfter]: '2026-12-10T12:00:00.000Z',
        ...history(
          { action: 'notify-expiry', detail: 'expires 2026-12-03T12:00:00.123Z (30-day notice)' },
          {
            action: 'flag-stale',
            detail:
              'last activity x, stale after 90 days (tier default); delete after 2026-12-10T12:00:00.000Z',
          },
        ),
      });
    });

    it('a credential whose optional dates are stored as NULL is still written', async () => {
      const { id, credential } = await seed({ lastUsedAt: null, expiresTime: null });
      const result = await writer.apply(transition(credential, [FLAG_STALE]));
      expect(result).toEqual({ status: 'applied' });
      expect((await current(id))?.[HYGIENE_ATTR.staleFlaggedAt]).toBe(NOW_ISO);
    });
  });

  describe('outbox', () => {
    it('creates the outbox on an item without one, and the item appears in the outbox index', async () => {
      const { id, credential } = await seed({ expiresTime: '2026-11-01T00:00:00Z' });
      const t = transition(
        credential,
        [{ type: 'delete-expired', expiresTime: '2026-11-01T00:00:00.000Z' }],
        true,
      );
      expect(t.events).toHaveLength(1);
      await writer.apply(t);
      const after = await current(id);
      // Stored compact: the entry does not repeat what the item holds; read back, the event is whole again.
      expect(after?.[OUTBOX_ATTR.events]).toEqual(t.events.map(storedEvent));
      const [stored] = (after?.[OUTBOX_ATTR.events] ?? []) as Record<string, unknown>[];
      for (const field of ['credentialId', 'userId', 'displayName', 'clientId']) {
        expect(stored).not.toHaveProperty(field);
      }
      expect(after && readPendingItem(after)?.events).toEqual(t.events);
      expect(after?.[OUTBOX_ATTR.owner]).toBe('user-7');
      expect(after?.[OUTBOX_ATTR.since]).toBe(NOW_ISO);
      const indexed = await outboxIndexEntriesOf(table.client, table.tableName, 'user-7');
      expect(indexed.map((i) => i.id)).toContain(id);
      // KEYS_ONLY: the index holds which item, which owner and how old, never the events.
      const entry = indexed.find((i) => i.id === id) ?? {};
      expect(Object.keys(entry).sort()).toEqual(['hygieneOutboxOwner', 'hygieneOutboxSince', 'id']);
    });

    it('appends to an existing outbox and keeps its oldest-pending time', async () => {
      const earlier: OutboxEvent = {
        eventId: 'expiry-warning:2026-12-03T12:00:00.123Z:30',
        type: 'expiry-warning',
        credentialId: 'pc-x',
        userId: 'user-7',
        runId: 'run-earlier',
        occurredAt: '2026-11-03T12:00:00.000Z',
        stageDays: 30,
        expiresTime: '2026-12-03T12:00:00.123Z',
      };
      const { id, credential } = await seed({
        [OUTBOX_ATTR.events]: [earlier],
        [OUTBOX_ATTR.owner]: 'user-7',
        [OUTBOX_ATTR.since]: '2026-11-03T12:00:00.000Z',
      });
      const t = transition(
        credential,
        [{ type: 'notify-expiry', stageDays: 7, expiresTime: expiresIso(credential) }],
        true,
      );
      await writer.apply(t);
      const after = await current(id);
      expect(after?.[OUTBOX_ATTR.events]).toEqual([earlier, ...t.events.map(storedEvent)]);
      expect(after?.[OUTBOX_ATTR.since]).toBe('2026-11-03T12:00:00.000Z');
    });

    it('an outbox drained by the notifier after the read does not block the write', async () => {
      const { id, credential } = await seed({
        [OUTBOX_ATTR.events]: [{ eventId: 'old' }],
        [OUTBOX_ATTR.owner]: 'user-7',
        [OUTBOX_ATTR.since]: '2026-11-03T12:00:00.000Z',
      });
      await changeItem(table, id, 'REMOVE #e, #o, #s', undefined, {
        '#e': OUTBOX_ATTR.events,
        '#o': OUTBOX_ATTR.owner,
        '#s': OUTBOX_ATTR.since,
      });
      const t = transition(
        credential,
        [{ type: 'notify-expiry', stageDays: 7, expiresTime: expiresIso(credential) }],
        true,
      );
      expect(await writer.apply(t)).toEqual({ status: 'applied' });
      const after = await current(id);
      expect(after?.[OUTBOX_ATTR.events]).toEqual(t.events.map(storedEvent));
      expect(after?.[OUTBOX_ATTR.since]).toBe(NOW_ISO);
    });
  });

  describe('a changed item is skipped, untouched, naming what changed', () => {
    const deleteExpired: Action[] = [{ type: 'delete-expired', expiresTime: '2026-11-01T00:00:00.000Z' }];

    it('lastUsedAt advanced since the read', async () => {
      const { id, credential } = await seed({ expiresTime: '2026-11-01T00:00:00Z' });
      await changeItem(table, id, 'SET lastUsedAt = :t', { ':t': '2026-11-26T11:59:00Z' });
      const before = await current(id);
      expect(await writer.apply(transition(credential, deleteExpired, true))).toEqual({
        status: 'skipped-changed',
        changed: ['lastUsedAt'],
      });
      expect(await current(id)).toEqual(before);
    });

    it('lastUsedAt set for the first time since the read', async () => {
      const { id, credential } = await seed({ lastUsedAt: undefined });
      await changeItem(table, id, 'SET lastUsedAt = :t', { ':t': '2026-11-26T11:59:00Z' });
      const result = await writer.apply(transition(credential, [FLAG_STALE]));
      expect(result).toEqual({ status: 'skipped-changed', changed: ['lastUsedAt'] });
    });

    it('expiresTime renewed since the read', async () => {
      const { id, credential } = await seed({ expiresTime: '2026-11-01T00:00:00Z' });
      await changeItem(table, id, 'SET expiresTime = :t', { ':t': '2027-11-01T00:00:00Z' });
      expect(await writer.apply(transition(credential, deleteExpired))).toEqual({
        status: 'skipped-changed',
        changed: ['expiresTime'],
      });
      expect((await current(id))?.deletedAt).toBeUndefined();
    });

    it('the same instant written differently counts as a change (values compared as stored)', async () => {
      const { id, credential } = await seed({ expiresTime: '2026-11-01T00:00:00Z' });
      await changeItem(table, id, 'SET expiresTime = :t', { ':t': '2026-11-01T00:00:00.000Z' });
      expect(parseInstant('2026-11-01T00:00:00.000Z')).toEqual(parseInstant('2026-11-01T00:00:00Z'));
      expect(await writer.apply(transition(credential, deleteExpired))).toEqual({
        status: 'skipped-changed',
        changed: ['expiresTime'],
      });
    });

    it('an admin exempted it since the read', async () => {
      const { id, credential } = await seed({ expiresTime: '2026-11-01T00:00:00Z' });
      await changeItem(table, id, 'SET #x = :t', { ':t': true }, { '#x': HYGIENE_ATTR.exempt });
      expect(await writer.apply(transition(credential, deleteExpired))).toEqual({
        status: 'skipped-changed',
        changed: [HYGIENE_ATTR.exempt],
      });
    });

    it('another run flagged it since the read', async () => {
      const { id, credential } = await seed();
      await changeItem(
        table,
        id,
        'SET #f = :f, #d = :d',
        { ':f': '2026-11-26T11:00:00.000Z', ':d': '2026-12-10T11:00:00.000Z' },
        { '#f': HYGIENE_ATTR.staleFlaggedAt, '#d': HYGIENE_ATTR.staleDeleteAfter },
      );
      const result = await writer.apply(transition(credential, [FLAG_STALE]));
      expect(result).toEqual({
        status: 'skipped-changed',
        changed: [HYGIENE_ATTR.staleFlaggedAt, HYGIENE_ATTR.staleDeleteAfter],
      });
    });

    it('another run already sent this expiry stage', async () => {
      const { id, credential } = await seed();
      await changeItem(table, id, 'SET #s = :s', { ':s': 7 }, { '#s': HYGIENE_ATTR.expiryNoticeStage });
      const result = await writer.apply(
        transition(
          credential,
          [{ type: 'notify-expiry', stageDays: 7, expiresTime: expiresIso(credential) }],
          true,
        ),
      );
      expect(result).toEqual({ status: 'skipped-changed', changed: [HYGIENE_ATTR.expiryNoticeStage] });
      expect((await current(id))?.[OUTBOX_ATTR.events]).toBeUndefined();
    });

    it('soft-deleted since the read', async () => {
      const { id, credential } = await seed({ expiresTime: '2026-11-01T00:00:00Z' });
      await changeItem(table, id, 'SET deletedAt = :t', { ':t': '2026-11-26T11:00:00.000Z' });
      expect(await writer.apply(transition(credential, deleteExpired))).toEqual({
        status: 'skipped-changed',
        changed: ['deletedAt'],
      });
    });

    it('removed from the table since the read', async () => {
      const { id, credential } = await seed({ expiresTime: '2026-11-01T00:00:00Z' });
      await table.client.send(new DeleteCommand({ TableName: table.tableName, Key: { id } }));
      expect(await writer.apply(transition(credential, deleteExpired))).toEqual({
        status: 'skipped-changed',
        changed: [ITEM_GONE],
      });
      expect(await current(id)).toBeUndefined();
    });

    it('two runs applying the same transition at once: exactly one applies', async () => {
      const { id, credential } = await seed({ expiresTime: '2026-11-01T00:00:00Z' });
      const t = transition(credential, deleteExpired, true);
      const results = await Promise.all([writer.apply(t), writer.apply(t), writer.apply(t)]);
      expect(results.filter((r) => r.status === 'applied')).toHaveLength(1);
      // The winner's deletion wrote its reason and run too: condition fields, named as changed with deletedAt.
      const changed = ['deletedAt', HYGIENE_ATTR.deletedReason, HYGIENE_ATTR.deletedByRun];
      expect(results.filter((r) => r.status === 'skipped-changed')).toEqual([
        { status: 'skipped-changed', changed },
        { status: 'skipped-changed', changed },
      ]);
      expect((await current(id))?.[OUTBOX_ATTR.events]).toHaveLength(1);
    });
  });
});
