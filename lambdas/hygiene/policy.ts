/**
 * The hygiene policy (docs/rules.md): a pure function from one credential, the
 * configuration and one instant to the transitions it needs. No I/O, no clock.
 */
import { DEFAULT_TIER_NAME, expiryNoticeLookaheadMs, type HygieneConfig, type RiskTier } from './config';
import {
  type Credential,
  formatProblem,
  type HygieneState,
  hasUnrestrictedSource,
  isUnscoped,
  lastActivity,
  parseCredential,
  type StoredInstant,
} from './credential';
import { HYGIENE_ATTR, PURGE_PENDING_ATTR } from './data-contract';
import type { OwnerStanding } from './owner-directory';
import { AFTER_NOW_TOLERANCE_MS, addDays, DAY_MS, formatInstant } from './time';

/** Queue an expiry notice for the most urgent stage not yet noticed. */
export interface NotifyExpiryAction {
  readonly type: 'notify-expiry';
  /** The stage (days before `expiresTime`) this notice is for. */
  readonly stageDays: number;
  /** The `expiresTime` noticed, in canonical UTC form. */
  readonly expiresTime: string;
}

/** Soft-delete a credential whose `expiresTime` has passed. */
export interface DeleteExpiredAction {
  readonly type: 'delete-expired';
  readonly expiresTime: string;
}

/** Flag a stale credential and schedule its soft-delete. */
export interface FlagStaleAction {
  readonly type: 'flag-stale';
  /** When the credential will be soft-deleted unless used, canonical UTC. */
  readonly deleteAfter: string;
  /** Last activity the decision was made from (`lastUsedAt`, else `createdAt`). */
  readonly lastActivity: string;
  /** The stale limit that applied, in days. */
  readonly staleAfterDays: number;
  /** The risk tier that set the limit, or `default`. */
  readonly tier: string;
}

/** Soft-delete a flagged credential still unused after its grace period. */
export interface DeleteStaleAction {
  readonly type: 'delete-stale';
  readonly flaggedAt: string;
  readonly deleteAfter: string;
}

/** Clear a stale flag silently. */
export interface UnflagStaleAction {
  readonly type: 'unflag-stale';
  readonly reason: 'used-since-flagged' | 'no-longer-stale' | 'exempt' | 'flagged-in-future';
}

/** Flag a credential whose owner the directory marks `departed`, and schedule its soft-delete. */
export interface FlagOrphanAction {
  readonly type: 'flag-orphan';
  /** When the credential will be soft-deleted unless its owner is active again, canonical UTC. */
  readonly deleteAfter: string;
}

/** Soft-delete an orphan-flagged credential whose owner is still departed after the grace period. */
export interface DeleteOrphanedAction {
  readonly type: 'delete-orphaned';
  readonly flaggedAt: string;
  readonly deleteAfter: string;
}

/** Clear an orphan flag silently. */
export interface UnflagOrphanAction {
  readonly type: 'unflag-orphan';
  /** `owner-not-departed`: the directory no longer marks the owner departed (active again, or absent). */
  readonly reason: 'owner-not-departed' | 'exempt' | 'flagged-in-future';
}

/**
 * Clear what a soft-delete left on a credential no longer soft-deleted
 * ({@link deletionLeftovers}), silently, so the next run judges it afresh.
 */
export interface ClearDeletionLeftoversAction {
  readonly type: 'clear-deletion-leftovers';
  /** The leftover attributes found, in {@link DELETION_LEFTOVERS} order. */
  readonly leftovers: readonly string[];
}

/** One planned transition of a credential. */
export type Action =
  | NotifyExpiryAction
  | DeleteExpiredAction
  | FlagStaleAction
  | DeleteStaleAction
  | UnflagStaleAction
  | FlagOrphanAction
  | DeleteOrphanedAction
  | UnflagOrphanAction
  | ClearDeletionLeftoversAction;

export type ActionType = Action['type'];

/** Every action type, in the order a report lists them. */
export const ACTION_TYPES: readonly ActionType[] = [
  'notify-expiry',
  'delete-expired',
  'flag-stale',
  'delete-stale',
  'unflag-stale',
  'flag-orphan',
  'delete-orphaned',
  'unflag-orphan',
  'clear-deletion-leftovers',
];

/**
 * What a soft-delete writes besides `deletedAt` and `updatedAt`: its reason,
 * its run, and its purge time (or the purge held back for its notice).
 */
const DELETION_FIELDS = [
  HYGIENE_ATTR.deletedReason,
  HYGIENE_ATTR.deletedByRun,
  HYGIENE_ATTR.purgeAt,
  PURGE_PENDING_ATTR,
] as const;

/**
 * Every stored attribute a decision depends on (besides `deletedAt`, which
 * must be absent): what {@link decide} and the helpers it calls read — the
 * dates, the bookkeeping (a soft-delete's leftovers too:
 * {@link deletionLeftovers}), and the lists that select the risk tier
 * ({@link staleLimit}) — and `userId`, the owner whose standing in the owner
 * directory the caller looks up and passes in (the orphan rule). A transition
 * write is conditional on each keeping the value it was decided from; a
 * deferred deletion keeps them (docs/data-model.md, "How conditional writes
 * protect against races"). One list, so the policy, the store's conditions and
 * the sweep's compaction cannot drift apart; test/unit/decision-fields.test.ts
 * fails when a decision depends on an attribute missing here. The key (`id`,
 * also matched against `exemptIds`) is not listed: the write is addressed by it.
 */
export const DECISION_FIELDS = [
  'userId',
  'expiresTime',
  'lastUsedAt',
  'createdAt',
  'scopedRoles',
  'allowSourceCidr',
  HYGIENE_ATTR.expiryNoticeStage,
  HYGIENE_ATTR.expiryNoticeFor,
  HYGIENE_ATTR.staleFlaggedAt,
  HYGIENE_ATTR.staleDeleteAfter,
  HYGIENE_ATTR.orphanedAt,
  HYGIENE_ATTR.orphanDeleteAfter,
  HYGIENE_ATTR.exempt,
  ...DELETION_FIELDS,
] as const;

/**
 * What `clear-deletion-leftovers` removes: the soft-delete's own fields and
 * the stale and orphan flags it left in place (the set `pc-hygiene restore`
 * removes with `deletedAt`).
 */
export const DELETION_LEFTOVERS = [
  ...DELETION_FIELDS,
  HYGIENE_ATTR.staleFlaggedAt,
  HYGIENE_ATTR.staleDeleteAfter,
  HYGIENE_ATTR.orphanedAt,
  HYGIENE_ATTR.orphanDeleteAfter,
] as const;

type DeletionLeftover = (typeof DELETION_LEFTOVERS)[number];

const NO_LEFTOVERS: readonly DeletionLeftover[] = [];

/**
 * The leftovers rule (docs/rules.md, "Soft-delete"): the attributes in
 * {@link DELETION_LEFTOVERS} a credential holds while no `deletedAt` says it
 * is soft-deleted — left when `deletedAt` was removed by anything but
 * `pc-hygiene restore` (the platform un-revoking the credential, an
 * operator's `REMOVE deletedAt`). Left alone, a `hygienePurgeAt` has TTL
 * hard-delete the live credential, a held-back purge is released into one,
 * and the old flags, long due, delete it again at the next run with no new
 * warning or grace. Empty unless a deletion field is there: flags alone are a
 * live credential's flags.
 */
export function deletionLeftovers(hygiene: HygieneState): readonly DeletionLeftover[] {
  const { deletedReason, deletedByRun, purgeAt, purgeHeldBack } = hygiene;
  // The common case first, allocating nothing: the sweep decides every record of the table.
  if (deletedReason === undefined && deletedByRun === undefined && purgeAt === undefined && !purgeHeldBack)
    return NO_LEFTOVERS;
  const held: Record<DeletionLeftover, boolean> = {
    [HYGIENE_ATTR.deletedReason]: deletedReason !== undefined,
    [HYGIENE_ATTR.deletedByRun]: deletedByRun !== undefined,
    [HYGIENE_ATTR.purgeAt]: purgeAt !== undefined,
    [PURGE_PENDING_ATTR]: purgeHeldBack,
    [HYGIENE_ATTR.staleFlaggedAt]: hygiene.staleFlaggedAt !== undefined,
    [HYGIENE_ATTR.staleDeleteAfter]: hygiene.staleDeleteAfter !== undefined,
    [HYGIENE_ATTR.orphanedAt]: hygiene.orphanedAt !== undefined,
    [HYGIENE_ATTR.orphanDeleteAfter]: hygiene.orphanDeleteAfter !== undefined,
  };
  return DELETION_LEFTOVERS.filter((attribute) => held[attribute]);
}

/** True for actions that soft-delete (counted by the blast-radius guard). */
export function isDeletion(
  action: Action,
): action is DeleteExpiredAction | DeleteStaleAction | DeleteOrphanedAction {
  return (
    action.type === 'delete-expired' || action.type === 'delete-stale' || action.type === 'delete-orphaned'
  );
}

/** True when the credential must never be flagged or deleted ({@link isExemptBy}). */
export function isExempt(credential: Credential, config: HygieneConfig): boolean {
  return isExemptBy(credential.hygiene.exempt, credential.id, exemptIdSet(config));
}

/**
 * The exemption rule (docs/rules.md, "Exempt credentials"): exempt when the
 * record's own `hygieneExempt` flag is set or the configured `exemptIds` list
 * its id. The one rule for a parsed credential ({@link isExempt}) and for a
 * raw item read outside the sweep (`restore`).
 * @param flag `hygieneExempt` as the record parse reads it: `true` only for a stored boolean `true` (anything else
 *   present makes the record invalid, and reads `false`)
 * @param id the credential's id (its key)
 * @param exemptIds the configured `exemptIds`, as a set
 */
export function isExemptBy(flag: boolean, id: string, exemptIds: ReadonlySet<string>): boolean {
  return flag || exemptIds.has(id);
}

// One Set per config object: the list may hold thousands of ids and is consulted for every record.
const exemptSets = new WeakMap<HygieneConfig, ReadonlySet<string>>();

function exemptIdSet(config: HygieneConfig): ReadonlySet<string> {
  let set = exemptSets.get(config);
  if (set === undefined) {
    set = new Set(config.exemptIds);
    exemptSets.set(config, set);
  }
  return set;
}

/** The stale limit for this credential: the strictest of the default and every matching tier. */
export function staleLimit(credential: Credential, config: HygieneConfig): { days: number; tier: string } {
  let limit = { days: config.staleAfterDays, tier: DEFAULT_TIER_NAME };
  for (const tier of config.riskTiers) {
    if (tierMatches(tier, credential) && tier.staleAfterDays < limit.days) {
      limit = { days: tier.staleAfterDays, tier: tier.name };
    }
  }
  return limit;
}

function tierMatches(tier: RiskTier, credential: Credential): boolean {
  if (tier.unscoped && !isUnscoped(credential)) return false;
  if (tier.unrestrictedSource && !hasUnrestrictedSource(credential)) return false;
  return true;
}

/** True when the credential has an `expiresTime` and it is not after `now` (epoch ms). */
export function isExpired<C extends Pick<Credential, 'expiresTime'>>(
  credential: C,
  now: number,
): credential is C & { readonly expiresTime: StoredInstant } {
  const expires = credential.expiresTime;
  return expires !== undefined && expires.ms <= now;
}

/**
 * True when the credential's last activity ({@link lastActivity}) is at least
 * `staleAfterDays` before `now` (epoch ms); never without any (no evidence of
 * staleness: never guess).
 * @param staleAfterDays the limit that applies ({@link staleLimit})
 */
export function isStale(credential: Credential, staleAfterDays: number, now: number): boolean {
  const activity = lastActivity(credential);
  return activity !== undefined && activity.ms <= now - staleAfterDays * DAY_MS;
}

/**
 * The most urgent expiry stage due at `now`: the smallest configured stage `d`
 * with `now < expiresTime <= now + d days + lookahead`, or `undefined` when
 * none is due. The lookahead (`expiryNoticeLookaheadHours`, a deployment's
 * longest gap between sweeps) makes the sweep before a stage's instant send it
 * when the next one would come after that instant (docs/rules.md, "The rules").
 */
export function dueExpiryStage(expiresMs: number, config: HygieneConfig, now: number): number | undefined {
  if (expiresMs <= now) return undefined;
  const horizon = now + expiryNoticeLookaheadMs(config);
  let due: number | undefined;
  for (const d of config.expiryNoticeDays) {
    if (expiresMs <= addDays(horizon, d) && (due === undefined || d < due)) due = d;
  }
  return due;
}

function expiryNotice(
  credential: Credential,
  config: HygieneConfig,
  now: number,
): NotifyExpiryAction | undefined {
  const expires = credential.expiresTime;
  if (!expires) return undefined;
  const stage = dueExpiryStage(expires.ms, config, now);
  if (stage === undefined) return undefined;
  const { expiryNoticeFor, expiryNoticeStage } = credential.hygiene;
  // Stages are armed per expiresTime: a renewal (different instant) re-arms them.
  const sameExpiry = expiryNoticeFor !== undefined && expiryNoticeFor.ms === expires.ms;
  if (sameExpiry && expiryNoticeStage !== undefined && expiryNoticeStage <= stage) return undefined;
  return { type: 'notify-expiry', stageDays: stage, expiresTime: formatInstant(expires.ms) };
}

/**
 * A flag dated after `now` by more than {@link AFTER_NOW_TOLERANCE_MS}
 * came from a run whose clock was ahead: it could neither clear on use nor
 * come due on time, so it is dropped, and the next run flags again from
 * correct dates if the rule still applies. (Within the tolerance a flag is
 * kept: a use since `now` still clears it, as the credential is no longer
 * stale.)
 */
function flaggedInFuture(flaggedAtMs: number, now: number): boolean {
  return flaggedAtMs > now + AFTER_NOW_TOLERANCE_MS;
}

function staleActions(credential: Credential, config: HygieneConfig, now: number): Action[] {
  const { staleFlaggedAt, staleDeleteAfter } = credential.hygiene;
  const flagged = staleFlaggedAt !== undefined && staleDeleteAfter !== undefined;
  if (isExempt(credential, config)) {
    return flagged ? [{ type: 'unflag-stale', reason: 'exempt' }] : [];
  }
  const limit = staleLimit(credential, config);
  const stale = isStale(credential, limit.days, now);
  if (flagged) {
    if (flaggedInFuture(staleFlaggedAt.ms, now))
      return [{ type: 'unflag-stale', reason: 'flagged-in-future' }];
    const lastUsed = credential.lastUsedAt;
    if (lastUsed !== undefined && lastUsed.ms > staleFlaggedAt.ms) {
      return [{ type: 'unflag-stale', reason: 'used-since-flagged' }];
    }
    if (!stale) return [{ type: 'unflag-stale', reason: 'no-longer-stale' }];
    if (now >= staleDeleteAfter.ms) {
      return [
        {
          type: 'delete-stale',
          flaggedAt: formatInstant(staleFlaggedAt.ms),
          deleteAfter: formatInstant(staleDeleteAfter.ms),
        },
      ];
    }
    return [];
  }
  const activity = lastActivity(credential);
  if (!stale || activity === undefined) return [];
  return [
    {
      type: 'flag-stale',
      deleteAfter: formatInstant(addDays(now, config.staleGraceDays)),
      lastActivity: formatInstant(activity.ms),
      staleAfterDays: limit.days,
      tier: limit.tier,
    },
  ];
}

/**
 * The orphan rule: flag at once when a usable directory marks the owner
 * departed, delete after `orphanGraceDays`, clear the flag silently when the
 * owner is no longer departed (active again, or absent: absent is
 * unreachable, not departed). While the directory is unusable (missing,
 * empty, stale) a flag is kept but nothing is flagged or deleted: a stale
 * export must never cause deletions, nor hide a departure it recorded.
 */
function orphanActions(
  credential: Credential,
  config: HygieneConfig,
  now: number,
  owner: OwnerStanding | undefined,
): Action[] {
  const { orphanedAt, orphanDeleteAfter } = credential.hygiene;
  const flagged = orphanedAt !== undefined && orphanDeleteAfter !== undefined;
  if (isExempt(credential, config)) return flagged ? [{ type: 'unflag-orphan', reason: 'exempt' }] : [];
  if (flagged && flaggedInFuture(orphanedAt.ms, now))
    return [{ type: 'unflag-orphan', reason: 'flagged-in-future' }];
  if (owner === undefined || !owner.directoryUsable) return [];
  if (!owner.departed) return flagged ? [{ type: 'unflag-orphan', reason: 'owner-not-departed' }] : [];
  if (!flagged)
    return [{ type: 'flag-orphan', deleteAfter: formatInstant(addDays(now, config.orphanGraceDays)) }];
  if (now < orphanDeleteAfter.ms) return [];
  return [
    {
      type: 'delete-orphaned',
      flaggedAt: formatInstant(orphanedAt.ms),
      deleteAfter: formatInstant(orphanDeleteAfter.ms),
    },
  ];
}

/** The stale and orphan rules' actions other than a deletion: flags and unflags. */
function flagActions(
  credential: Credential,
  config: HygieneConfig,
  now: number,
  owner: OwnerStanding | undefined,
): Action[] {
  return [...staleActions(credential, config, now), ...orphanActions(credential, config, now, owner)].filter(
    (a) => !isDeletion(a),
  );
}

/**
 * Decides the transitions one valid credential needs at `now`.
 *
 * Already soft-deleted credentials get none. One that is not but carries a
 * soft-delete's leftovers ({@link deletionLeftovers}) gets only their
 * clearing: the next run judges it afresh, from a record without them (in the
 * same write, a fresh flag would set the attributes the clearing removes, and
 * a deletion the reason, run and purge time). An expired credential is deleted
 * as `expired` whatever else applies (unless exempt). Then an orphan deletion
 * wins over a stale one (the owner has left; one deletion per record).
 * Otherwise a record may get an expiry notice, a stale transition and an
 * orphan transition in the same run; a deletion makes a notice pointless, so
 * it is dropped (and written after all when the guard blocks the deletion:
 * {@link actionsIfDeletionBlocked}).
 *
 * @param now epoch milliseconds, one instant for the whole run
 * @param owner what the owner directory says about the owner (orphan rule); absent: the rule is off
 */
export function decide(
  credential: Credential,
  config: HygieneConfig,
  now: number,
  owner?: OwnerStanding,
): Action[] {
  if (credential.deletedAt !== undefined) return [];
  const leftovers = deletionLeftovers(credential.hygiene);
  if (leftovers.length > 0) return [{ type: 'clear-deletion-leftovers', leftovers }];
  if (isExpired(credential, now)) {
    if (isExempt(credential, config)) return flagActions(credential, config, now, owner);
    return [{ type: 'delete-expired', expiresTime: formatInstant(credential.expiresTime.ms) }];
  }
  const orphan = orphanActions(credential, config, now, owner);
  if (orphan.some(isDeletion)) return orphan;
  const stale = staleActions(credential, config, now);
  if (stale.some(isDeletion)) return stale;
  const notice = expiryNotice(credential, config, now);
  return notice ? [notice, ...stale, ...orphan] : [...stale, ...orphan];
}

/**
 * The actions {@link decide} drops for a planned deletion (the expiry notice,
 * and the other rule's flag or unflag): what the run writes instead when the
 * blast-radius guard blocks the deletion, so the owner still hears of an
 * expiry, and a departure is still flagged, while the deletion waits for an
 * operator (docs/sweep.md, "The blast-radius guard"). An expired credential
 * has none: no notice or flag applies to it.
 * @param now epoch milliseconds, one instant for the whole run
 * @param owner as given to {@link decide}
 */
export function actionsIfDeletionBlocked(
  credential: Credential,
  config: HygieneConfig,
  now: number,
  owner?: OwnerStanding,
): Action[] {
  if (credential.deletedAt !== undefined || isExpired(credential, now)) return [];
  const rest = flagActions(credential, config, now, owner);
  const notice = expiryNotice(credential, config, now);
  return notice ? [notice, ...rest] : rest;
}

/** The plan for one raw record: what `pc-hygiene plan` prints per input line. */
export interface RecordPlan {
  readonly id: string | null;
  readonly userId: string | null;
  readonly actions: readonly Action[];
  /** Why the record is invalid (`field: message`); empty when valid. */
  readonly problems: readonly string[];
  /** True when the record is valid and already soft-deleted (ignored). */
  readonly deleted: boolean;
}

/** Parses a raw item and decides its actions; an invalid record never gets actions. */
export function planRecord(
  item: unknown,
  config: HygieneConfig,
  now: number,
  owner?: (userId: string) => OwnerStanding,
): RecordPlan {
  const parsed = parseCredential(item);
  if (!parsed.ok) {
    return {
      id: parsed.id,
      userId: parsed.userId,
      actions: [],
      problems: parsed.problems.map(formatProblem),
      deleted: false,
    };
  }
  const { credential } = parsed;
  return {
    id: credential.id,
    userId: credential.userId,
    actions: decide(credential, config, now, owner?.(credential.userId)),
    problems: [],
    deleted: credential.deletedAt !== undefined,
  };
}
