/**
 * Invariants of the credentials table that must hold after any fault, at any
 * moment (not only after recovery): nothing deleted that the rules do not
 * delete, no half-applied transition, no orphan outbox event, and the outbox
 * index keys present exactly on items with pending events.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DELETED_REASON_OF } from '../../../lambdas/hygiene/action-changes';
import type { HygieneConfig } from '../../../lambdas/hygiene/config';
import { parseCredential } from '../../../lambdas/hygiene/credential';
import {
  HISTORY_ATTR,
  HYGIENE_ATTR,
  isReservedId,
  OUTBOX_ATTR,
  OUTBOX_CLAIM_ATTR,
  OUTBOX_INDEX,
} from '../../../lambdas/hygiene/data-contract';
import { readPendingItem } from '../../../lambdas/hygiene/outbox-item';
import type { OwnerStanding } from '../../../lambdas/hygiene/owner-directory';
import { decide, isDeletion } from '../../../lambdas/hygiene/policy';
import type { TestTable } from '../../support/test-table';

type Item = Record<string, unknown>;

const present = (item: Item, name: string): boolean => item[name] !== undefined && item[name] !== null;

/** Every item of the table (consistent reads), reserved items excluded, by id. */
export async function readTable(table: TestTable): Promise<Map<string, Item>> {
  const items = new Map<string, Item>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) if (!isReservedId(item.id)) items.set(String(item.id), item);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

/** Ids listed by the sparse outbox index. */
export async function outboxIndexIds(table: TestTable): Promise<Set<string>> {
  const ids = new Set<string>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({ TableName: table.tableName, IndexName: OUTBOX_INDEX, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) ids.add(String(item.id));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return ids;
}

/**
 * Structural violations of one table state: half-applied transitions, orphan
 * or malformed outbox events, index keys without events (or events without
 * keys), and an index that disagrees with the table. Empty when consistent.
 * @param original the items before any run: a soft-delete already there is not the worker's
 */
export function consistencyViolations(
  items: ReadonlyMap<string, Item>,
  indexIds: ReadonlySet<string>,
  original: ReadonlyMap<string, Item>,
): string[] {
  const violations: string[] = [];
  for (const [id, item] of items) {
    const was = original.get(id);
    const deletedByWorker = present(item, 'deletedAt') && !present(was ?? {}, 'deletedAt');
    const deleteParts = [
      present(item, HYGIENE_ATTR.deletedReason),
      present(item, HYGIENE_ATTR.deletedByRun),
      item.updatedAt === item.deletedAt,
    ];
    if (deletedByWorker && deleteParts.some((p) => !p)) {
      violations.push(`${id}: soft-delete half-applied (reason/run/updatedAt missing)`);
    }
    if (
      !deletedByWorker &&
      present(item, HYGIENE_ATTR.deletedByRun) &&
      !present(was ?? {}, HYGIENE_ATTR.deletedByRun)
    ) {
      violations.push(`${id}: deletedByRun written without deletedAt`);
    }
    if (present(item, HYGIENE_ATTR.staleFlaggedAt) !== present(item, HYGIENE_ATTR.staleDeleteAfter)) {
      violations.push(`${id}: stale flag half-applied`);
    }
    if (present(item, HYGIENE_ATTR.orphanedAt) !== present(item, HYGIENE_ATTR.orphanDeleteAfter)) {
      violations.push(`${id}: orphan flag half-applied`);
    }
    if (present(item, HYGIENE_ATTR.expiryNoticeStage) !== present(item, HYGIENE_ATTR.expiryNoticeFor)) {
      violations.push(`${id}: expiry notice half-applied`);
    }
    const list = item[OUTBOX_ATTR.events];
    const pending = Array.isArray(list) && list.length > 0;
    if (list !== undefined && !pending) violations.push(`${id}: empty outbox list left behind`);
    if (pending !== present(item, OUTBOX_ATTR.owner) || pending !== present(item, OUTBOX_ATTR.since)) {
      violations.push(`${id}: outbox index keys ${pending ? 'missing on' : 'left on'} an item`);
    }
    if (pending !== indexIds.has(id)) {
      violations.push(`${id}: outbox index ${pending ? 'does not list' : 'still lists'} the item`);
    }
    if (pending && item[OUTBOX_ATTR.owner] !== item.userId) {
      violations.push(`${id}: outbox owner ${String(item[OUTBOX_ATTR.owner])} is not the credential's owner`);
    }
    // Read as the notifier reads it: compact entries take the credential and owner from the item.
    const read = pending ? readPendingItem(item) : undefined;
    for (const { problem } of read?.malformed ?? [])
      violations.push(`${id}: malformed outbox event (${problem})`);
    for (const event of read?.events ?? []) {
      if (event.credentialId !== id || event.userId !== item.userId) {
        violations.push(`${id}: orphan outbox event ${event.eventId} for ${event.credentialId}`);
      }
    }
  }
  for (const id of indexIds)
    if (!items.has(id)) violations.push(`${id}: index lists an item not in the table`);
  return violations;
}

/** Claims left on items (a drain crashed holding them): harmless once the lease lapses, listed for the figures. */
export function leftoverClaims(items: ReadonlyMap<string, Item>): string[] {
  return [...items].filter(([, item]) => present(item, OUTBOX_CLAIM_ATTR.claim)).map(([id]) => id);
}

/**
 * Each owner's standing in the owner directory a run used (the orphan rule's
 * input: docs/rules.md, "Orphaned credentials"), as the test knows it from the
 * directory it set up; `undefined` when the run had no directory.
 */
export type OwnerStandingOf = (userId: string) => OwnerStanding | undefined;

/**
 * Credentials soft-deleted now that the rules do not delete: for each item
 * deleted since `original`, `decide` on its original record at `now`, with
 * its owner's standing, must plan a deletion for the same reason.
 * @param standingOf the owners' standing in the run's directory; by default none (the orphan rule is off)
 */
export function wrongDeletions(
  original: ReadonlyMap<string, Item>,
  items: ReadonlyMap<string, Item>,
  config: HygieneConfig,
  now: number,
  standingOf: OwnerStandingOf = () => undefined,
): string[] {
  const wrong: string[] = [];
  for (const [id, item] of items) {
    const was = original.get(id);
    if (!present(item, 'deletedAt') || (was !== undefined && present(was, 'deletedAt'))) continue;
    const parsed = parseCredential(was);
    if (!parsed.ok) {
      wrong.push(`${id}: deleted, but it was invalid or absent before the run`);
      continue;
    }
    const owner = standingOf(parsed.credential.userId);
    const deletion = decide(parsed.credential, config, now, owner).find(isDeletion);
    if (deletion === undefined) {
      wrong.push(`${id}: deleted, but the rules plan no deletion`);
      continue;
    }
    const reason = DELETED_REASON_OF[deletion.type];
    if (item[HYGIENE_ATTR.deletedReason] !== reason) {
      wrong.push(`${id}: deleted as ${String(item[HYGIENE_ATTR.deletedReason])}, the rules say ${reason}`);
    }
  }
  for (const id of original.keys()) if (!items.has(id)) wrong.push(`${id}: the item is gone`);
  return wrong;
}

/**
 * Credentials whose planned transition (per `decide` on the original record)
 * did not commit exactly once, per the ledger's commit counts.
 */
export function notExactlyOnce(
  original: ReadonlyMap<string, Item>,
  commits: ReadonlyMap<string, number>,
  config: HygieneConfig,
  now: number,
): string[] {
  const problems: string[] = [];
  for (const [id, item] of original) {
    const parsed = parseCredential(item);
    const planned = parsed.ok && decide(parsed.credential, config, now).length > 0;
    const count = commits.get(id) ?? 0;
    if (planned && count !== 1) problems.push(`${id}: planned transition committed ${count} times`);
    if (!planned && count !== 0) problems.push(`${id}: ${count} writes committed but nothing was planned`);
  }
  return problems;
}

/** The item without the attributes that legitimately differ between two runs (run ids). */
export function comparable(item: Item | undefined): Item {
  const copy = { ...item };
  delete copy[HYGIENE_ATTR.deletedByRun];
  // The history names the run of each transition (docs/data-model.md, "History").
  const history = copy[HISTORY_ATTR];
  if (Array.isArray(history)) {
    copy[HISTORY_ATTR] = history.map((entry: Record<string, unknown>) => ({ ...entry, runId: '(run)' }));
  }
  return copy;
}
