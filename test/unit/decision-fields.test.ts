/**
 * `DECISION_FIELDS` is complete: every stored attribute a sweep's decision
 * depends on is listed, so the transition write is conditional on it
 * (docs/rules.md, "Races"; docs/data-model.md, "How conditional writes
 * protect against races"). A decision made as the sweep makes it (parse,
 * then `decide` with the owner's standing looked up by `userId`) is repeated
 * for a representative set of credentials with each stored attribute varied
 * over a pool of values; an attribute whose variation changes the actions
 * must be listed. Variations that make the record invalid are left out: the
 * sweep acts on no invalid record.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { parseCredential } from '../../lambdas/hygiene/credential';
import {
  HISTORY_ATTR,
  HYGIENE_ATTR,
  OUTBOX_ATTR,
  OUTBOX_CLAIM_ATTR,
  PURGE_PENDING_ATTR,
  RESTORE_ATTR,
  SEED_FIELDS,
} from '../../lambdas/hygiene/data-contract';
import { type DirectoryState, ownerStanding } from '../../lambdas/hygiene/owner-directory';
import { type Action, DECISION_FIELDS, decide } from '../../lambdas/hygiene/policy';
import { credential, days, NOW } from './support/credentials';

const config = parseConfig({});
const directory: DirectoryState = { departed: new Set(['departed-dave']) };

/** The actions the sweep plans for a raw item, or `undefined` when the item is invalid (never acted on). */
function planned(item: Record<string, unknown>): Action[] | undefined {
  const parsed = parseCredential(item);
  if (!parsed.ok) return undefined;
  const { credential: c } = parsed;
  return decide(c, config, NOW, ownerStanding(directory, c.userId));
}

const unscopedUnrestricted = { scopedRoles: undefined, allowSourceCidr: undefined };
const staleFlag = (flagged: number, deleteAfter: number) => ({
  [HYGIENE_ATTR.staleFlaggedAt]: days(flagged),
  [HYGIENE_ATTR.staleDeleteAfter]: days(deleteAfter),
});
const orphanFlag = (flagged: number, deleteAfter: number) => ({
  [HYGIENE_ATTR.orphanedAt]: days(flagged),
  [HYGIENE_ATTR.orphanDeleteAfter]: days(deleteAfter),
});

/** One credential in each situation the rules know. */
const REPRESENTATIVES: Record<string, unknown>[] = [
  credential('a-healthy'),
  credential('b-tier-stale', { ...unscopedUnrestricted, lastUsedAt: days(-50) }),
  credential('c-tier-flagged-due', { ...unscopedUnrestricted, lastUsedAt: days(-50), ...staleFlag(-15, -1) }),
  credential('d-flagged-due', { lastUsedAt: days(-120), ...staleFlag(-20, -6) }),
  credential('e-flagged-waiting', { lastUsedAt: days(-120), ...staleFlag(-3, 11) }),
  credential('f-never-used', { lastUsedAt: undefined, createdAt: days(-100) }),
  credential('g-expiring-noticed', {
    expiresTime: days(5),
    [HYGIENE_ATTR.expiryNoticeStage]: 7,
    [HYGIENE_ATTR.expiryNoticeFor]: days(5),
  }),
  credential('h-expired', { expiresTime: days(-1) }),
  credential('i-orphan-due', { userId: 'departed-dave', ...orphanFlag(-10, -3) }),
  credential('j-orphan-waiting', { userId: 'departed-dave', ...orphanFlag(-1, 6) }),
  credential('k-departed-owner', { userId: 'departed-dave' }),
  credential('l-returned-owner', { userId: 'active-amy', ...orphanFlag(-10, -3) }),
  credential('m-exempt-flagged', {
    [HYGIENE_ATTR.exempt]: true,
    expiresTime: days(-1),
    ...staleFlag(-20, -6),
  }),
  credential('n-flagged-in-future', { lastUsedAt: days(-120), ...staleFlag(3, 17) }),
];

/** Every stored attribute of a credential item the data contract names, and one it does not. */
const STORED_ATTRIBUTES = [
  ...new Set([
    ...SEED_FIELDS,
    ...Object.values(HYGIENE_ATTR),
    ...Object.values(RESTORE_ATTR),
    ...Object.values(OUTBOX_ATTR),
    ...Object.values(OUTBOX_CLAIM_ATTR),
    PURGE_PENDING_ATTR,
    HISTORY_ATTR,
    'someUnknownAttribute',
  ]),
].filter((attribute) => attribute !== 'id'); // the key: the write is addressed by it

/** Values of every kind an attribute may hold (`undefined`: removed), tried on every attribute. */
const VALUE_POOL: unknown[] = [
  undefined,
  null,
  ...[-400, -120, -100, -50, -31, -20, -15, -10, -3, -1, 0, 1, 5, 20, 40, 400].map((n) => days(n)),
  0,
  1,
  7,
  30,
  Math.floor(NOW / 1000),
  true,
  false,
  'departed-dave',
  'active-amy',
  'expired',
  'stale',
  'orphaned',
  'run-x',
  [],
  ['ReadOnly'],
  ['10.0.0.0/8'],
  ['0.0.0.0/0'],
  new Set(['ReadOnly']),
  [{ at: days(-1), action: 'notify-expiry', runId: 'run-x' }],
];

/** The attributes whose variation (on any representative, to any pool value) changes the planned actions. */
function attributesTheDecisionDependsOn(): Set<string> {
  const dependsOn = new Set<string>();
  for (const base of REPRESENTATIVES) {
    const before = planned(base);
    if (before === undefined) throw new Error(`representative ${String(base.id)} is invalid`);
    for (const attribute of STORED_ATTRIBUTES) {
      for (const value of VALUE_POOL) {
        const varied = { ...base, [attribute]: value };
        if (value === undefined) delete varied[attribute];
        const after = planned(varied);
        if (after !== undefined && !isDeepStrictEqual(after, before)) dependsOn.add(attribute);
      }
    }
  }
  return dependsOn;
}

describe('DECISION_FIELDS', () => {
  const dependsOn = attributesTheDecisionDependsOn();
  const listed = new Set<string>(['deletedAt', ...DECISION_FIELDS]);

  it('lists every stored attribute a decision depends on', () => {
    expect([...dependsOn].filter((attribute) => !listed.has(attribute))).toEqual([]);
  });

  it('lists only attributes a decision depends on (each one is seen to matter here)', () => {
    expect([...listed].filter((attribute) => !dependsOn.has(attribute))).toEqual([]);
  });
});
