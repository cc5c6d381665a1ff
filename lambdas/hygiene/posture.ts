/**
 * The hygiene posture report (`pc-hygiene report`, README.md): where the fleet stands
 * at one instant, without deciding or writing anything. Pure: raw items in
 * (streamed, one at a time), figures out.
 *
 * Memory grows with the number of owners (one small counter record each), not
 * with the number of credentials.
 *
 * Most figures describe the active (not soft-deleted) valid credentials.
 * Pending notices do not: right after an enforce sweep every deletion notice
 * sits on a soft-deleted item, and the notifier is about to send it; and the
 * drain sends an invalid record's outbox too (it reads only the outbox
 * attributes, docs/notifications.md, "One drain"). So the pending figure
 * counts every item with an outbox, deleted or invalid or not, and the owners
 * the reach section judges include those items' owners (a departed owner
 * whose credentials were all deleted is judged by the drain too).
 *
 * What the sweep will do is never judged a second time here: "due for
 * deletion" is the policy's own decision (`decide`), and an exempt credential
 * (never flagged or deleted) counts as exempt, not as stale, expired or risky.
 * With an owner directory, orphan flags are decided with the directory as the
 * sweep loads it (`loadDirectoryState`, given by the caller): a stale, ahead,
 * empty or unreadable directory makes none due, as it orphans nothing in a
 * sweep at the same `now`; without one, with the flag's own premise
 * ({@link ORPHAN_FLAG_PREMISE}).
 *
 * Its renderings (JSON, text for a terminal) are in `lambdas/render/posture-text.ts`.
 */
import { collate } from './collate';
import type { HygieneConfig } from './config';
import { type Credential, hasUnrestrictedSource, isUnscoped, parseCredential } from './credential';
import { isReservedId, OUTBOX_ATTR } from './data-contract';
import { routedOwner } from './notifier/reach';
import {
  type DirectoryState,
  type OwnerDeliveryRoute,
  type OwnerStanding,
  ownerStanding,
  type UnreachableReason,
} from './owner-directory';
import { decide, isDeletion, isExempt, isExpired, isStale, staleLimit } from './policy';
import type { RawItem } from './ports';
import type { DirectorySummary, ReasonCounts } from './run-summary';
import { directorySummary } from './sweep/summary';
import { addDays, formatInstant } from './time';

/** One owner's verdict: reachable, or why not. */
export type OwnerReach = 'reachable' | UnreachableReason;

/** The directory the reach was judged against. */
export interface PostureDirectory {
  /** False when the directory was never imported (judged anyway on `relay`: `directoryJudgesReach`). */
  readonly imported: boolean;
  /** The instant the last import reflects (`owners import --as-of`), when known. */
  readonly asOf?: string;
  /** Owners in the directory (its last import's count). */
  readonly owners: number;
  /** `directoryMaxAgeDays`. */
  readonly maxAgeDays: number;
  /**
   * True when `asOf` is unknown or older than `maxAgeDays` at the report's `now` (the orphan rule then orphans
   * nothing). Not the whole verdict: the report's {@link PostureReport.directory} says whether the orphan rule
   * may use the directory, and why not (`ahead` of `now` too).
   */
  readonly stale: boolean;
}

/**
 * The owner reach of the report's owners. `unverified`: the directory table
 * is missing or was never imported, so nobody could be judged (on `sns-email`;
 * on `relay` an empty directory judges every owner `not-in-directory`), or it
 * could not be read (the report's `directory.status` is `unreadable`).
 */
export interface PostureReach {
  readonly status: 'verified' | 'unverified';
  /** `ownerDelivery`: the route judged. */
  readonly route: OwnerDeliveryRoute;
  /** Absent when `unverified`. */
  readonly directory?: PostureDirectory;
  /** Owners of active credentials or of pending notices judged (0 when unverified). */
  readonly ownersChecked: number;
  readonly reachable: number;
  readonly unreachable: number;
  /** Unreachable owners per reason (every reason present). */
  readonly byReason: ReasonCounts;
}

/** Per-owner figures, over the owner's active (not soft-deleted) valid credentials. */
export interface OwnerPosture {
  readonly userId: string;
  readonly credentials: number;
  /**
   * Credentials with at least one risk: expired but not deleted, stale, unscoped and unrestricted, or no expiry;
   * exempt ones are not counted (an admin accepted them: the sweep never flags or deletes them).
   */
  readonly risky: number;
  /** Exempt credentials (`hygieneExempt` or `exemptIds`): never risky, stale or expired-not-deleted here. */
  readonly exempt: number;
  readonly expiredNotDeleted: number;
  readonly stale: number;
  readonly unscopedUnrestricted: number;
  readonly noExpiry: number;
  readonly expiringIn30Days: number;
  /** With an owner directory (`report --directory-table`): the directory's display name, when it has one. */
  readonly name?: string;
  /** With an owner directory: whether a digest reaches the owner, or why not. */
  readonly reach?: OwnerReach;
}

/** The posture of the table at `now`. */
export interface PostureReport {
  /** The instant the report is relative to (UTC ISO). */
  readonly now: string;
  /** Items read (the worker's reserved items excluded). */
  readonly total: number;
  readonly valid: number;
  /** Never acted on by the sweep: fix them (see `pc-hygiene plan`). */
  readonly invalid: number;
  /** Valid and soft-deleted. */
  readonly deleted: number;
  /** Valid and not soft-deleted: every figure below counts these only, except `pendingNotices`. */
  readonly active: number;
  /** Expiring within 7 days (`now < expiresTime <= now + 7 d`). */
  readonly expiringIn7Days: number;
  /** Expiring within 30 days (includes the 7-day ones). */
  readonly expiringIn30Days: number;
  /** Past `expiresTime` but not soft-deleted yet, exempt ones left out (the next enforce sweep deletes them). */
  readonly expiredNotDeleted: number;
  /**
   * Last activity older than the stale limit that applies, per risk tier (`default` = the base limit);
   * exempt ones left out (never flagged).
   */
  readonly stale: { readonly total: number; readonly byTier: Readonly<Record<string, number>> };
  /**
   * Flagged stale; `dueForDeletion`: those the policy deletes as stale at `now` (`decide` plans `delete-stale`:
   * past `hygieneStaleDeleteAfter`, not used since the flag, still stale, not exempt, not expired).
   */
  readonly flagged: { readonly total: number; readonly dueForDeletion: number };
  /**
   * Flagged orphaned (the owner directory marked the owner departed, docs/rules.md); `dueForDeletion`: those
   * the policy deletes as orphaned at `now` — with an owner directory, as a sweep judges with it then
   * ({@link PostureReport.directory}: none while it is unusable); without one, while the directory still marks
   * the owner departed ({@link ORPHAN_FLAG_PREMISE}).
   */
  readonly orphaned: { readonly total: number; readonly dueForDeletion: number };
  /** No `lastUsedAt`. */
  readonly neverUsed: number;
  /** No `expiresTime` (never expires). */
  readonly noExpiry: number;
  /** No `scopedRoles`: the owner's full permissions. */
  readonly unscoped: number;
  /** No real source limit (no CIDRs, or a block with prefix length 0: 0.0.0.0/0, ::/0, any `/0`). */
  readonly unrestrictedSource: number;
  /** Both unscoped and unrestricted: the riskiest shape. */
  readonly unscopedAndUnrestricted: number;
  /** Exempt (never flagged or deleted; left out of `stale`, `expiredNotDeleted` and the owners' `risky`). */
  readonly exempt: number;
  /**
   * Items with owner notices waiting in the outbox, soft-deleted and invalid ones included (what the notifier
   * will send).
   */
  readonly pendingNotices: number;
  readonly owners: {
    /** Owners with at least one active credential. */
    readonly count: number;
    /** The riskiest owners first (most risky credentials, then most credentials). */
    readonly top: readonly OwnerPosture[];
  };
  /**
   * With an owner directory (`report --directory-table`): the directory as the orphan rule judges it at `now`,
   * loaded as a sweep loads it (the run summary's `directory` shape: used, or why nothing is orphaned).
   */
  readonly directory?: DirectorySummary;
  /** With an owner directory (`report --directory-table`): the owners' reach (`posture-reach.ts`). */
  readonly reach?: PostureReach;
}

/**
 * The categories an active credential can fall in: each report figure counts
 * one of them, and `pc-hygiene report --list CATEGORY` lists its credentials.
 */
export const POSTURE_CATEGORIES = [
  'expiring-7d',
  'expiring-30d',
  'expired',
  'stale',
  'flagged-stale',
  'flagged-stale-due',
  'orphaned',
  'orphaned-due',
  'never-used',
  'no-expiry',
  'unscoped',
  'unrestricted',
  'unscoped-unrestricted',
  'exempt',
  'pending-notices',
] as const;
export type PostureCategory = (typeof POSTURE_CATEGORIES)[number];

/** Where one active credential stands: its categories, and the risk tier whose stale limit it exceeded. */
export interface CredentialPosture {
  readonly categories: ReadonlySet<PostureCategory>;
  /** Set when stale: the tier whose limit applies (`default` = the base limit). */
  readonly staleTier?: string;
}

/**
 * The owner standing a report without an owner directory decides orphan
 * flags with: the flag's own premise, a usable directory that marks the
 * owner departed. Such a report reads no set of departed owners, so an
 * orphan deletion it counts due is one the sweep makes unless the directory
 * no longer marks the owner departed (or is unusable) by then. With a
 * directory, the owner's standing in it is used instead. For every other
 * rule the standing changes nothing the report counts.
 */
const ORPHAN_FLAG_PREMISE: OwnerStanding = { directoryUsable: true, departed: true };

/** What the owner directory says of `userId`: its loaded state's standing, or without one the flag's premise. */
function standingOf(directory: DirectoryState | undefined, userId: string): OwnerStanding {
  return directory === undefined ? ORPHAN_FLAG_PREMISE : ownerStanding(directory, userId);
}

/**
 * The categories of one active (valid, not soft-deleted) credential at `now`:
 * the one definition the report's figures and `report --list` share. An exempt
 * credential is never `expired` or `stale` here (the sweep neither deletes
 * nor flags it): it is `exempt`. The `-due` categories are the policy's own
 * decision ({@link decide}), not a second copy of its rules.
 * @param directory the owner directory as a sweep loads it (`loadDirectoryState`); absent: none was given,
 *   and an orphan flag is judged with its own premise ({@link ORPHAN_FLAG_PREMISE})
 */
export function credentialPosture(
  c: Credential,
  config: HygieneConfig,
  now: number,
  directory?: DirectoryState,
): CredentialPosture {
  const categories = new Set<PostureCategory>();
  const add = (category: PostureCategory, when: boolean) => {
    if (when) categories.add(category);
  };
  const exempt = isExempt(c, config);
  const expires = c.expiresTime?.ms;
  add('no-expiry', expires === undefined);
  add('expired', !exempt && isExpired(c, now));
  add('expiring-7d', expires !== undefined && expires > now && expires <= addDays(now, 7));
  add('expiring-30d', expires !== undefined && expires > now && expires <= addDays(now, 30));
  const limit = staleLimit(c, config);
  const stale = !exempt && isStale(c, limit.days, now);
  add('stale', stale);
  const { staleFlaggedAt, staleDeleteAfter, orphanedAt, orphanDeleteAfter } = c.hygiene;
  const flaggedStale = staleFlaggedAt !== undefined && staleDeleteAfter !== undefined;
  const orphaned = orphanedAt !== undefined && orphanDeleteAfter !== undefined;
  add('flagged-stale', flaggedStale);
  add('orphaned', orphaned);
  // Only a flagged credential can be due for a stale or orphan deletion: the policy decides the rest never is.
  const deletion =
    flaggedStale || orphaned
      ? decide(c, config, now, standingOf(directory, c.userId)).find(isDeletion)?.type
      : undefined;
  add('flagged-stale-due', deletion === 'delete-stale');
  add('orphaned-due', deletion === 'delete-orphaned');
  add('never-used', c.lastUsedAt === undefined);
  const unscoped = isUnscoped(c);
  const unrestricted = hasUnrestrictedSource(c);
  add('unscoped', unscoped);
  add('unrestricted', unrestricted);
  add('unscoped-unrestricted', unscoped && unrestricted);
  add('exempt', exempt);
  return { categories, ...(stale && { staleTier: limit.tier }) };
}

/**
 * Whether an item has owner notices waiting in the outbox: a non-empty
 * `hygieneOutbox` list, whatever else the item holds (soft-deleted, or an
 * invalid record: the drain sends its outbox all the same).
 */
export function hasPendingNotices(item: RawItem): boolean {
  const outbox = item[OUTBOX_ATTR.events];
  return Array.isArray(outbox) && outbox.length > 0;
}

/**
 * The owner the drain judges for an item's pending notices, by the drain's
 * own rule ({@link routedOwner}; docs/notifications.md, "Events addressed to
 * the wrong owner"): the item's `userId`, else the owner the notices were
 * queued for (`hygieneOutboxOwner`). After a reassignment that is the
 * credential's new owner: the drain sends the earlier owner's notices to the
 * admins (`owner-mismatch`), never to that owner, so it never judges them.
 * Read from the raw item, so an invalid record's outbox is addressed too;
 * `undefined` without notices or without an owner id that is a non-empty string.
 */
export function pendingNoticeOwner(item: RawItem): string | undefined {
  if (!hasPendingNotices(item)) return undefined;
  const owner = routedOwner(item, item[OUTBOX_ATTR.owner]);
  return typeof owner === 'string' && owner !== '' ? owner : undefined;
}

type MutableOwner = { -readonly [K in keyof OwnerPosture]: OwnerPosture[K] };

/** Counts raw items one at a time into a {@link PostureReport}. */
export class PostureAccumulator {
  private total = 0;
  private valid = 0;
  private invalid = 0;
  private deleted = 0;
  private active = 0;
  private expiringIn7Days = 0;
  private expiringIn30Days = 0;
  private expiredNotDeleted = 0;
  private staleTotal = 0;
  private readonly staleByTier = new Map<string, number>();
  private flagged = 0;
  private flaggedDue = 0;
  private orphaned = 0;
  private orphanedDue = 0;
  private neverUsed = 0;
  private noExpiry = 0;
  private unscoped = 0;
  private unrestrictedSource = 0;
  private unscopedAndUnrestricted = 0;
  private exempt = 0;
  private pendingNotices = 0;
  private readonly owners = new Map<string, MutableOwner>();
  /** The owner the drain judges for each item with pending notices (the reach section judges them too). */
  private readonly noticeOwners = new Set<string>();

  /**
   * @param now epoch ms the report is relative to
   * @param directory the owner directory as a sweep loads it at `now` (`loadDirectoryState`), when one is given:
   *   orphan flags are judged with it, and the report says how ({@link PostureReport.directory})
   */
  constructor(
    private readonly config: HygieneConfig,
    private readonly now: number,
    private readonly directory?: DirectoryState,
  ) {}

  /** Counts one raw item (the worker's reserved items are ignored). */
  add(item: RawItem): void {
    if (isReservedId(item.id)) return;
    this.total++;
    // Before the record is judged: the drain sends an invalid record's outbox too.
    if (hasPendingNotices(item)) this.pendingNotices++;
    const noticeOwner = pendingNoticeOwner(item);
    if (noticeOwner !== undefined) this.noticeOwners.add(noticeOwner);
    const parsed = parseCredential(item);
    if (!parsed.ok) {
      this.invalid++;
      return;
    }
    this.valid++;
    const credential = parsed.credential;
    if (credential.deletedAt !== undefined) {
      this.deleted++;
      return;
    }
    this.addActive(credential);
  }

  private addActive(c: Credential): void {
    this.active++;
    const owner = this.owner(c.userId);
    owner.credentials++;
    const { categories, staleTier } = credentialPosture(c, this.config, this.now, this.directory);
    const is = (category: PostureCategory) => categories.has(category);
    if (is('no-expiry')) {
      this.noExpiry++;
      owner.noExpiry++;
    }
    if (is('expired')) {
      this.expiredNotDeleted++;
      owner.expiredNotDeleted++;
    }
    if (is('expiring-7d')) this.expiringIn7Days++;
    if (is('expiring-30d')) {
      this.expiringIn30Days++;
      owner.expiringIn30Days++;
    }
    if (staleTier !== undefined) {
      this.staleTotal++;
      this.staleByTier.set(staleTier, (this.staleByTier.get(staleTier) ?? 0) + 1);
      owner.stale++;
    }
    if (is('flagged-stale')) this.flagged++;
    if (is('flagged-stale-due')) this.flaggedDue++;
    if (is('orphaned')) this.orphaned++;
    if (is('orphaned-due')) this.orphanedDue++;
    if (is('never-used')) this.neverUsed++;
    if (is('unscoped')) this.unscoped++;
    if (is('unrestricted')) this.unrestrictedSource++;
    if (is('unscoped-unrestricted')) {
      this.unscopedAndUnrestricted++;
      owner.unscopedUnrestricted++;
    }
    if (is('exempt')) {
      // Accepted by an admin: counted here, never as a risk.
      this.exempt++;
      owner.exempt++;
    } else if (is('expired') || is('stale') || is('unscoped-unrestricted') || is('no-expiry')) owner.risky++;
  }

  private owner(userId: string): MutableOwner {
    let owner = this.owners.get(userId);
    if (owner === undefined) {
      owner = {
        userId,
        credentials: 0,
        risky: 0,
        exempt: 0,
        expiredNotDeleted: 0,
        stale: 0,
        unscopedUnrestricted: 0,
        noExpiry: 0,
        expiringIn30Days: 0,
      };
      this.owners.set(userId, owner);
    }
    return owner;
  }

  /**
   * The owners the reach section judges, sorted: the owners of the active
   * credentials counted so far, and the owner the drain judges for each
   * item's pending notices, soft-deleted credentials' included ({@link
   * pendingNoticeOwner}: the drain judges them before it sends those notices).
   */
  reachOwners(): string[] {
    return [...new Set([...this.owners.keys(), ...this.noticeOwners])].sort();
  }

  /** The report so far. @param topOwners how many owners to list (default 10) */
  report(topOwners = 10): PostureReport {
    const top = [...this.owners.values()]
      .sort((a, b) => b.risky - a.risky || b.credentials - a.credentials || collate(a.userId, b.userId))
      .slice(0, topOwners)
      .map((o) => ({ ...o }));
    return {
      now: formatInstant(this.now),
      total: this.total,
      valid: this.valid,
      invalid: this.invalid,
      deleted: this.deleted,
      active: this.active,
      expiringIn7Days: this.expiringIn7Days,
      expiringIn30Days: this.expiringIn30Days,
      expiredNotDeleted: this.expiredNotDeleted,
      stale: {
        total: this.staleTotal,
        byTier: Object.fromEntries([...this.staleByTier].sort(([a], [b]) => collate(a, b))),
      },
      flagged: { total: this.flagged, dueForDeletion: this.flaggedDue },
      orphaned: { total: this.orphaned, dueForDeletion: this.orphanedDue },
      neverUsed: this.neverUsed,
      noExpiry: this.noExpiry,
      unscoped: this.unscoped,
      unrestrictedSource: this.unrestrictedSource,
      unscopedAndUnrestricted: this.unscopedAndUnrestricted,
      exempt: this.exempt,
      pendingNotices: this.pendingNotices,
      owners: { count: this.owners.size, top },
      ...(this.directory !== undefined && {
        directory: directorySummary(this.directory, this.config.directoryMaxAgeDays),
      }),
    };
  }
}
