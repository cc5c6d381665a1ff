/**
 * Compact deletions: the sweep buffers every planned deletion until the guard
 * has seen them all, so each is kept as the few fields the conditional write
 * and the owner event need, not the whole item (memory stays small on a large
 * table; docs/sweep.md, "Phases").
 */
import { type Credential, formatProblem, parseCredential } from '../credential';
import { HYGIENE_ATTR, OUTBOX_ATTR } from '../data-contract';
import { DECISION_FIELDS } from '../policy';

/**
 * The item attributes a deferred deletion keeps: the key, what the owner
 * event names, every field the conditional write compares, and whether a
 * notice is pending (`hygieneOutboxSince`, which the batched write's statement
 * is shaped by: docs/data-model.md, "The transition write"). Lists
 * (`allowSourceCidr`, `scopedRoles`, the outbox itself) and unknown
 * attributes are dropped.
 */
const COMPACT_FIELDS: readonly string[] = [
  'id',
  'userId',
  'clientId',
  'displayName',
  'deletedAt',
  ...DECISION_FIELDS,
  ...Object.values(HYGIENE_ATTR),
  OUTBOX_ATTR.since,
];

/** A credential reduced to {@link COMPACT_FIELDS}, re-parsed so it is a complete `Credential`. */
export function compactCredential(credential: Credential): Credential {
  const picked: Record<string, unknown> = {};
  for (const field of COMPACT_FIELDS) {
    if (field in credential.raw) picked[field] = credential.raw[field];
  }
  const parsed = parseCredential(picked);
  // A valid record stays valid without its lists: they never make another field invalid.
  if (!parsed.ok)
    throw new Error(`compacting ${credential.id} made it invalid: ${parsed.problems.map(formatProblem)}`);
  return parsed.credential;
}
