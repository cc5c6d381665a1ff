/**
 * The two judgements an owner import must pass before a single owner changes
 * (`pc-hygiene owners import`, docs/deploy.md "Owner directory"): the
 * blast-radius guard on `--sync` (missing owners become `departed`, which
 * orphans their credentials) and the snapshot order (an older export, or
 * another export as of the same instant, must not replace the one the
 * directory has recorded). Pure: a plan and the recorded snapshot in,
 * verdicts out; the CLI refuses on them.
 */
import { exceedsPercent, shareAboveLimitText } from './guard';
import { shortDigest } from './owner-export-digest';
import type { OwnerImportPlan } from './owner-import';
import { describeStoredValue } from './stored-value-text';
import { parseInstant } from './time';

/** The `--sync` guard's verdict. */
export interface SyncGuardVerdict {
  readonly tripped: boolean;
  /** Why, in one sentence (absent when not tripped). */
  readonly reason?: string;
}

/**
 * The blast-radius guard for `--sync` (the same `maxDeletePercent` share as
 * the sweep's deletion guard, docs/configuration.md): marking more than that
 * share of the active owners `departed` in one import looks like a truncated
 * export, not a wave of departures. Zero departures never trip.
 */
export function judgeSyncGuard(
  plan: Pick<OwnerImportPlan, 'markDeparted' | 'activeBefore'>,
  maxDeletePercent: number,
): SyncGuardVerdict {
  const changes = plan.markDeparted.length;
  if (changes === 0 || !exceedsPercent(changes, plan.activeBefore, maxDeletePercent))
    return { tripped: false };
  const share = shareAboveLimitText(changes, plan.activeBefore, maxDeletePercent);
  return {
    tripped: true,
    reason:
      `--sync would mark ${changes} of ${plan.activeBefore} active owners departed ` +
      `(${share}), above maxDeletePercent ${maxDeletePercent}%`,
  };
}

/** Whether an import's snapshot may replace the one the directory has recorded. */
export interface SnapshotOrderVerdict {
  /**
   * True when the import's snapshot cannot be shown to be the same as or newer than the recorded one: its
   * `--as-of` is older, the recorded one cannot be read, or ({@link otherExport}) a different export is
   * recorded as of the same instant. Only the override (`--allow-older`) then replaces it.
   */
  readonly older: boolean;
  /** Why, in one sentence (absent when not older). */
  readonly reason?: string;
  /** True when `older` because a different export (another content digest) is recorded as of the same instant. */
  readonly otherExport?: true;
}

/** The content digests an import's snapshot is judged by (docs/data-model.md, "Owner directory"). */
export interface SnapshotContent {
  /** The directory's recorded `contentDigest` exactly as stored, of any type (`undefined`: none recorded). */
  readonly recordedDigest: unknown;
  /** The import's (`ownerExportDigest`). */
  readonly digest: string;
}

/** A recorded digest as a message names it: short when it is one, else described (stored text: sanitise). */
function shownDigest(recorded: unknown): string {
  return typeof recorded === 'string' && /^[0-9a-f]{64}$/.test(recorded)
    ? shortDigest(recorded)
    : describeStoredValue(recorded);
}

/**
 * Judges an import's snapshot instant against the directory's recorded one
 * (docs/deploy.md, "Owner directory"). An older export imported over a newer
 * one would bring back stale rows (an old address, a departed owner active
 * again; with `--sync`, newer owners marked departed) and make the directory
 * look older than the data it held, so it is refused unless the operator
 * overrides it. The same instant is not older when it is the same export:
 * re-running an interrupted import finishes it. A different export (its
 * `content` digest differs from the recorded one) as of the same instant is
 * refused like an older one: both claim to be the source as of that instant,
 * and at most one can be. A recorded digest that is absent (recorded before
 * digests were) cannot tell, so the import proceeds; one that is not a string
 * differs from any. A recorded instant that cannot be read (not a string, or
 * a string that does not parse) cannot be ordered, so it counts as newer (the
 * override replaces it); the reason names it (stored text: sanitise).
 * @param recordedAsOf the directory's recorded `asOf` exactly as stored, of any type (`undefined`: never imported, anything goes)
 * @param asOf the import's `--as-of`, canonical UTC
 * @param content the digests to compare at the same instant (absent: not compared)
 * @param stated how the reasons name where `asOf` came from (`--as-of`, or an export's own instant)
 */
export function judgeSnapshotOrder(
  recordedAsOf: unknown,
  asOf: string,
  content?: SnapshotContent,
  stated = '--as-of',
): SnapshotOrderVerdict {
  if (recordedAsOf === undefined) return { older: false };
  const recorded = typeof recordedAsOf === 'string' ? parseInstant(recordedAsOf) : { ok: false as const };
  const incoming = parseInstant(asOf);
  if (!recorded.ok) {
    return {
      older: true,
      reason: `the directory's recorded snapshot instant (${describeStoredValue(recordedAsOf)}) is not a valid instant, so ${stated} ${asOf} cannot be shown to be newer`,
    };
  }
  if (!incoming.ok) throw new RangeError(`asOf ${JSON.stringify(asOf)} is ${incoming.reason}`);
  if (incoming.ms > recorded.ms) return { older: false };
  if (incoming.ms === recorded.ms) return judgeSameInstant(asOf, content);
  return {
    older: true,
    reason: `${stated} ${asOf} is older than the directory's snapshot (as of ${recordedAsOf})`,
  };
}

/** {@link judgeSnapshotOrder} at the recorded instant: the same export, or one that cannot be told apart, goes. */
function judgeSameInstant(asOf: string, content: SnapshotContent | undefined): SnapshotOrderVerdict {
  if (content === undefined || content.recordedDigest === undefined) return { older: false };
  if (content.recordedDigest === content.digest) return { older: false };
  return {
    older: true,
    otherExport: true,
    reason:
      `the directory's snapshot as of ${asOf} is a different export (content digest ` +
      `${shownDigest(content.recordedDigest)}; this export's is ${shortDigest(content.digest)})`,
  };
}
