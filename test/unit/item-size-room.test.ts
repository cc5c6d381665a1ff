/**
 * The room a credential must leave for the worker's own writes under
 * DynamoDB's 400 KB item limit (lambdas/hygiene/item-size.ts;
 * docs/data-model.md, "Item size"): each part of it built at its largest with
 * the worker's own code (every sweep action's history entry and notice, every
 * attribute a transition sets), the documented figures, the parse refusing a
 * credential that leaves no room (naming its size), and a credential at the
 * limit staying valid as the worker fills its room.
 */
import { describe, expect, it } from 'vitest';
import { itemLimitProblems } from '../../cli/aws/item-limits';
import { actionChanges } from '../../lambdas/hygiene/action-changes';
import { MAX_GRACE_DAYS } from '../../lambdas/hygiene/config';
import { EXPIRY_NOTICE_STAGE_DAYS, MAX_KEY_BYTES, parseCredential } from '../../lambdas/hygiene/credential';
import {
  HISTORY_ATTR,
  HYGIENE_ATTR,
  OUTBOX_ATTR,
  PURGE_PENDING_ATTR,
} from '../../lambdas/hygiene/data-contract';
import { eventsFor } from '../../lambdas/hygiene/events';
import { HISTORY_LIMIT, transitionHistory } from '../../lambdas/hygiene/history';
import {
  itemSizeBytes,
  itemSizeProblem,
  judgedItemBytes,
  MAX_ITEM_BYTES,
  ROOM_BOUNDS,
  valueSize,
  WORKER_ROOM,
} from '../../lambdas/hygiene/item-size';
import { storedEvent } from '../../lambdas/hygiene/outbox-item';
import { ACTION_TYPES, type Action, type ActionType, DELETION_LEFTOVERS } from '../../lambdas/hygiene/policy';
import { createRunId } from '../../lambdas/hygiene/sweep';
import { purgeAt } from '../../lambdas/hygiene/sweep/apply';
import { MAX_INSTANT_MS } from '../../lambdas/hygiene/time';

const at = '9999-12-31T23:59:59.999Z';
/** The longest run id a sweep makes (the Lambda's nonce: 8 characters). */
const runId = createRunId(MAX_INSTANT_MS, 'ffffffff');
const run = { runId, now: MAX_INSTANT_MS };
/** A risk tier's longest name (64 UTF-16 units), 3 bytes a character. */
const tier = '\u4e00'.repeat(64);

/** Every sweep action, each with its largest values. */
const LARGEST: Readonly<Record<ActionType, Action>> = {
  'notify-expiry': { type: 'notify-expiry', stageDays: 365, expiresTime: at },
  'delete-expired': { type: 'delete-expired', expiresTime: at },
  'flag-stale': { type: 'flag-stale', deleteAfter: at, lastActivity: at, staleAfterDays: 3650, tier },
  'delete-stale': { type: 'delete-stale', flaggedAt: at, deleteAfter: at },
  'unflag-stale': { type: 'unflag-stale', reason: 'used-since-flagged' },
  'flag-orphan': { type: 'flag-orphan', deleteAfter: at },
  'delete-orphaned': { type: 'delete-orphaned', flaggedAt: at, deleteAfter: at },
  'unflag-orphan': { type: 'unflag-orphan', reason: 'owner-not-departed' },
  'clear-deletion-leftovers': { type: 'clear-deletion-leftovers', leftovers: DELETION_LEFTOVERS },
} as Readonly<Record<ActionType, Action>>;
const actions = ACTION_TYPES.map((type) => LARGEST[type]);

/** A credential whose notices carry every field (its last activity included). */
const parsed = parseCredential({ id: 'c', userId: 'u', createdAt: at, lastUsedAt: at });
if (!parsed.ok) throw new Error('the test credential must parse');
const credential = parsed.credential;

/** The run as it queues notices: a purge configured, so a deletion's notice also says until when it can be restored. */
const noticeRun = { ...run, purgeAt: Math.floor(MAX_INSTANT_MS / 1000) };

/** The compact notices `action` queues, as stored. */
const noticesOf = (action: Action) => eventsFor(credential, [action], noticeRun).map(storedEvent);

const largestEntry = () => Math.max(...actions.map((a) => valueSize(transitionHistory([a], run)[0])));
const largestNotice = () => Math.max(...actions.flatMap((a) => noticesOf(a).map(valueSize)));

/** Every attribute a transition sets besides its history and notices, each at its largest. */
function largestBookkeeping(): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const change of actionChanges(actions, run))
    if (change.kind === 'set') item[change.attribute] = change.value;
  return {
    ...item,
    [HYGIENE_ATTR.expiryNoticeStage]: EXPIRY_NOTICE_STAGE_DAYS.max, // the largest stage a record may hold
    [HYGIENE_ATTR.exempt]: false,
    [HYGIENE_ATTR.purgeAt]: purgeAt(MAX_INSTANT_MS, MAX_GRACE_DAYS),
    [PURGE_PENDING_ATTR]: purgeAt(MAX_INSTANT_MS, MAX_GRACE_DAYS),
    [OUTBOX_ATTR.owner]: 'u'.repeat(MAX_KEY_BYTES),
    [OUTBOX_ATTR.since]: at,
  };
}

/** The worker's parts at their room's largest content: 20 entries, the notices allowed for, every attribute. */
function workerPartsAtTheirLargest(): Record<string, unknown> {
  const entry = transitionHistory([LARGEST['flag-stale']], run)[0];
  const notice = noticesOf(LARGEST['flag-stale'])[0];
  return {
    ...largestBookkeeping(),
    [HISTORY_ATTR]: Array.from({ length: HISTORY_LIMIT }, () => entry),
    [OUTBOX_ATTR.events]: Array.from({ length: ROOM_BOUNDS.pendingNotices }, () => notice),
  };
}

/** A credential without the worker's attributes, `bytes` in all as DynamoDB counts them. */
function plainOf(bytes: number): Record<string, unknown> {
  const base = { id: 'big-1', userId: 'u-1', displayName: '' };
  return { ...base, displayName: 'x'.repeat(bytes - itemSizeBytes(base)) };
}

describe('the room for the worker’s own writes', () => {
  it('allows for the history at its bound, each sweep entry at its largest', () => {
    expect(ROOM_BOUNDS.historyEntries).toBe(HISTORY_LIMIT);
    expect(largestEntry()).toBeLessThanOrEqual(ROOM_BOUNDS.historyEntryBytes);
    expect(largestEntry()).toBeGreaterThan(ROOM_BOUNDS.historyEntryBytes / 2); // measured, not a guess far off
  });

  it('allows for the pending notices, each compact notice at its largest', () => {
    expect(largestNotice()).toBeLessThanOrEqual(ROOM_BOUNDS.noticeBytes);
    expect(largestNotice()).toBeGreaterThan(ROOM_BOUNDS.noticeBytes / 2);
  });

  it('allows for every attribute a transition sets, together at their largest', () => {
    const bookkeeping = itemSizeBytes(largestBookkeeping());
    expect(bookkeeping).toBeLessThanOrEqual(ROOM_BOUNDS.bookkeepingBytes);
    expect(bookkeeping).toBeGreaterThan(2_500);
  });

  it('leaves 385,975 bytes for a credential without them (docs/data-model.md, "Item size")', () => {
    expect(WORKER_ROOM.history + WORKER_ROOM.outbox + WORKER_ROOM.bookkeeping).toBe(23_625);
    expect(itemSizeProblem(plainOf(385_975))).toBeUndefined();
    expect(judgedItemBytes(plainOf(385_975))).toBe(MAX_ITEM_BYTES);
    expect(itemSizeProblem(plainOf(385_976))).toMatch(/^385,976 bytes .* 409,601 with the room/);
  });

  it('keeps a credential at the limit valid as the worker fills its room, and within DynamoDB’s limit', () => {
    const full = { ...plainOf(385_975), ...workerPartsAtTheirLargest() };

    expect(judgedItemBytes(full)).toBe(MAX_ITEM_BYTES);
    expect(itemLimitProblems(full)).toEqual([]);
    expect(itemSizeBytes(full)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
  });

  it('counts a worker part past its room at its size: a history or an outbox grown larger uses the room of the rest', () => {
    const plain = plainOf(385_975);
    const longHistory = Array.from({ length: 30 }, () => transitionHistory([LARGEST['flag-stale']], run)[0]);

    expect(itemLimitProblems({ ...plain, [HISTORY_ATTR]: longHistory })).toHaveLength(1);
    expect(itemLimitProblems({ ...plainOf(380_000), [HISTORY_ATTR]: longHistory })).toEqual([]);
  });
});

describe('a credential that leaves no room', () => {
  it('is refused where it enters (import), its problem naming its size, its size with the room and its largest attribute', () => {
    // DynamoDB would take this record (under 409,600 bytes), and then refuse every transition write on it.
    const item = {
      id: 's-1',
      userId: 'user-s',
      expiresTime: '2026-01-01T00:00:00Z',
      displayName: 'n'.repeat(409_100),
    };

    expect(itemLimitProblems(item)).toEqual([
      '(record): 409,159 bytes as DynamoDB counts them (attribute names + values), 432,784 with the room the ' +
        "worker's own writes may take (its history, pending notices and bookkeeping: docs/data-model.md, " +
        '"Item size"), over DynamoDB\'s 400 KB item limit (409,600 bytes); the largest attribute is displayName ' +
        '(409,111 bytes)',
    ]);
  });

  it('is still a valid credential to the sweep, plan and report: one stored past the rule is decided as any other', () => {
    const item = {
      id: 's-1',
      userId: 'user-s',
      expiresTime: '2026-01-01T00:00:00Z',
      displayName: 'n'.repeat(409_100),
    };

    const parsed = parseCredential(item);

    expect(parsed.ok).toBe(true);
  });

  it('counts multi-byte text and surrogate pairs in UTF-8 bytes, a lone surrogate as U+FFFD', () => {
    expect(itemSizeBytes({ é: 'ü€😀\ud800' })).toBe(2 + 2 + 3 + 4 + 3);
    expect(itemSizeBytes({ t: '\udc00\ud83d' })).toBe(1 + 3 + 3);
  });
});
