/**
 * Compact deletions: the sweep buffers every planned deletion until the guard
 * has seen them all, so each is kept as the few item attributes the
 * conditional write and the owner event need, not the whole item, and not
 * parsed: it is parsed again when it is applied (memory stays small on a large
 * table; docs/sweep.md, "Phases").
 */
import { type Credential, formatProblem, parseCredential } from '../credential';
import { HYGIENE_ATTR, OUTBOX_ATTR } from '../data-contract';
import { DECISION_FIELDS } from '../policy';
import type { RawItem } from '../ports';

/**
 * The item attributes a deferred deletion keeps: the key, what the owner
 * event names, every field the conditional write compares (all of
 * {@link DECISION_FIELDS}: the owner and the risk tier's lists too, so a
 * buffered deletion is as conditional as one written at once), and the
 * pending outbox's owner and age (`hygieneOutboxOwner`, which the write keeps
 * so an earlier owner's notices stay theirs; `hygieneOutboxSince`, which the
 * batched write's statement is shaped by: docs/data-model.md, "Compact
 * entries" and "The transition write"). The outbox's events, the history
 * (its length is kept beside the record), `updatedAt` and unknown attributes
 * are dropped.
 */
const COMPACT_FIELDS: readonly string[] = [
  ...new Set([
    'id',
    'userId',
    'clientId',
    'displayName',
    'deletedAt',
    ...DECISION_FIELDS,
    ...Object.values(HYGIENE_ATTR),
    OUTBOX_ATTR.owner,
    OUTBOX_ATTR.since,
  ]),
];

/** A credential's item reduced to {@link COMPACT_FIELDS}: what a buffered deletion keeps. */
export function compactRecord(credential: Credential): RawItem {
  const picked: Record<string, unknown> = {};
  for (const field of COMPACT_FIELDS) {
    if (field in credential.raw) picked[field] = credential.raw[field];
  }
  return picked;
}

/**
 * A compact record parsed again into a complete `Credential`, as it was
 * planned (every field the decision read is kept).
 * @throws when it does not parse: a valid record stays valid without the
 *   attributes dropped (each is optional, and none makes another invalid),
 *   so this is a bug
 */
export function expandRecord(record: RawItem): Credential {
  const parsed = parseCredential(record);
  if (!parsed.ok)
    throw new Error(`compacting ${String(record.id)} made it invalid: ${parsed.problems.map(formatProblem)}`);
  return parsed.credential;
}

/** A credential reduced to {@link COMPACT_FIELDS} and parsed again: what a buffered deletion is applied as. */
export function compactCredential(credential: Credential): Credential {
  return expandRecord(compactRecord(credential));
}
