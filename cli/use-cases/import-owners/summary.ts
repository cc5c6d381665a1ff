/**
 * What an owner import reports: how it ended ({@link OwnerImportOutcome}) and what it did or would do
 * ({@link OwnerImportSummary}), the caps on the bad rows and departing owners it names, and the summary's fields
 * built from a plan: departing owners, opt-outs, and the counts when nothing was planned.
 */
import type { ImportAsOfSource } from '../../../lambdas/hygiene/owner-import-as-of';
import type { OptOutNotApplied, OptOutReport } from '../../../lambdas/hygiene/owner-import-opt-outs';
import type { RejectedOwnerRow } from '../../../lambdas/hygiene/owner-import-rows';
import type { OwnerFileFormat } from '../owner-file';

/**
 * How the import ended: `imported`; `dry-run` (planned only); `rejected`
 * (bad rows, or no rows: {@link OwnerImportSummary.noRows}; nothing written); `guard-tripped` (`--sync` would mark too many
 * owners departed, nothing written); `older-snapshot` (the export is older
 * than the directory's recorded snapshot, or another export is recorded as of
 * the same instant, nothing written); `superseded`
 * (owners written, but another import recorded its snapshot meanwhile: the
 * freshness keeps that one, this import's is not recorded, and the two
 * imports' owner writes may have interleaved).
 */
export type OwnerImportOutcome =
  | 'imported'
  | 'dry-run'
  | 'rejected'
  | 'guard-tripped'
  | 'older-snapshot'
  | 'superseded';

/** What an import did (or would do). */
export interface OwnerImportSummary {
  readonly outcome: OwnerImportOutcome;
  readonly table: string;
  readonly file: string;
  readonly format: OwnerFileFormat;
  /** Rows read (a CSV header is no row; none after a bad header is read). */
  readonly rows: number;
  /**
   * The first bad rows, in line order, at most {@link MAX_LISTED_REJECTED_ROWS} (and a bad CSV header:
   * `RejectedOwnerRow.header`); {@link rejectedRowCount} counts them all.
   */
  readonly rejectedRows: readonly RejectedOwnerRow[];
  /** Every bad row (a bad CSV header included), listed in {@link rejectedRows} or not: more than it lists when over the cap. */
  readonly rejectedRowCount: number;
  /**
   * `rejected` because the file holds no owner row (empty, blank lines only, or a CSV header alone). An empty
   * export is a failed one, never a directory of nobody: with `--sync` it would mark every owner departed, and
   * without it, it would record the snapshot as fresh with nothing loaded.
   */
  readonly noRows?: true;
  /**
   * Owners created, updated and left unchanged: as planned (`dry-run`, `guard-tripped`); after writing, as
   * written: an owner whose write was refused and re-planned counts as the re-plan classed them (one planned as
   * new whom another import created meanwhile: `updated`, or `unchanged` when nothing was left to write).
   */
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  /**
   * `--sync`: owners marked (or to be marked) departed. After writing, those
   * marked: one no longer active by then is skipped, and not counted.
   */
  readonly markedDeparted: number;
  /**
   * `--sync`: who the plan marks departed (active owners missing from the file), sorted by `userId`, the first
   * {@link MAX_LISTED_DEPARTING}; {@link departingNotListed} counts the rest. Stored ids, as stored (print them
   * escaped). Filled for `dry-run` and `guard-tripped` too, so an operator sees who would go before any does.
   */
  readonly departing: readonly string[];
  /** How many more owners the plan marks departed than {@link departing} lists. */
  readonly departingNotListed: number;
  /**
   * How many owners' export line opt-outs were (or would be) all kept, with
   * something the table did not hold written: the `unsubscribed` state, or
   * remembered addresses (`OptOutReport.optOutsKept`), counted as
   * {@link created} is. Owners in {@link optOutsNotApplied} are not counted,
   * even when their line's remembered addresses were merged.
   */
  readonly optOutsKept: number;
  /**
   * Owners whose export line says `unsubscribed` at their current address,
   * not recorded because of their state in this table (`OptOutNotApplied`):
   * `confirmed` (a subscription on this table's topic, which would win);
   * their remembered addresses are merged. `pc-hygiene owners unsubscribe --
   * <userId>` records it.
   */
  readonly optOutsNotApplied: readonly OptOutNotApplied[];
  /**
   * Owners (counted in {@link optOutsKept}) whose export line's `unsubscribed`
   * was (or would be) recorded over the state `none` or `pending` in this
   * table (`OptOutReport.optOutsOverNoneOrPending`): what `owners
   * resubscribe` leads to (`none`, then `pending` once a reconcile subscribed
   * the owner again), and what the reconciler records on route relay or
   * where it keeps no subscription (`none`) or for any subscription awaiting
   * confirmation (`pending`). `pc-hygiene owners resubscribe -- <userId>`
   * undoes it for one resubscribed on purpose.
   */
  readonly optOutsOverNoneOrPending: readonly string[];
  /** Owners in the directory after the import (`OwnerImportPlan.ownersAfter`: a retry does not change it). */
  readonly owners: number;
  /** The snapshot instant the import records (or would): from {@link asOfFrom}. */
  readonly asOf: string;
  /** Where {@link asOf} came from: `--as-of`, the `owners export` file's `directoryAsOf`, or now. */
  readonly asOfFrom: ImportAsOfSource;
  /** Why the `--sync` guard tripped (also when overridden). */
  readonly guardReason?: string;
  readonly guardOverridden: boolean;
  /**
   * The directory's recorded snapshot instant when the import read it (absent:
   * never imported); a stored value that is not a string is described (`the number 5`).
   */
  readonly recordedAsOf?: string;
  /** Why the export counts as older than {@link recordedAsOf} (also when allowed). */
  readonly olderReason?: string;
  /** True when it counts as older because a different export is recorded as of the same instant. */
  readonly otherExport?: true;
  /** The export's content digest (`ownerExportDigest`; absent for `rejected`): recorded with the freshness. */
  readonly contentDigest?: string;
  /**
   * The directory's recorded content digest when the import read it (absent: none recorded); a stored value that
   * is not a string is described, as {@link recordedAsOf} is.
   */
  readonly recordedContentDigest?: string;
  /** The export is older and `allowOlder` let it through: the freshness went back to {@link asOf}. */
  readonly olderAllowed: boolean;
  /**
   * `superseded`: the snapshot instant recorded now (another import's, while
   * this one ran), shown as {@link recordedAsOf} is; `none` when none is.
   */
  readonly supersededBy?: string;
  readonly tableCreated: boolean;
}

/**
 * Bad rows an import lists (the summary's `rejectedRows`, and one stderr line
 * each), the rest only counted: a file bad throughout (another export, a
 * wrong delimiter) would otherwise print, and hold until then, a problem text
 * for each of its rows, maybe millions. The first fifty show what is wrong;
 * every row is still checked and counted, and the file refused whole.
 */
export const MAX_LISTED_REJECTED_ROWS = 50;

/**
 * Owners `--sync` marks departed that an import names (the summary's
 * `departing`, and its text), the rest only counted: a truncated export
 * would otherwise print every owner of the directory. The same cap as
 * {@link MAX_LISTED_REJECTED_ROWS}, for the same reason.
 */
export const MAX_LISTED_DEPARTING = MAX_LISTED_REJECTED_ROWS;

/** The summary's departing fields of the ids a plan marks departed: the first ones by `userId`, and how many more. */
export function departingOf(
  markDeparted: readonly string[],
): Pick<OwnerImportSummary, 'departing' | 'departingNotListed'> {
  const departing = [...markDeparted].sort().slice(0, MAX_LISTED_DEPARTING);
  return { departing, departingNotListed: markDeparted.length - departing.length };
}

/** The summary's opt-out fields. */
export type OptOutSummary = Pick<
  OwnerImportSummary,
  'optOutsKept' | 'optOutsNotApplied' | 'optOutsOverNoneOrPending'
>;

/** The summary's opt-out fields of a plan's (or a write's) report. */
export function optOutSummary(report: OptOutReport): OptOutSummary {
  return {
    optOutsKept: report.optOutsKept.length,
    optOutsNotApplied: report.optOutsNotApplied,
    optOutsOverNoneOrPending: report.optOutsOverNoneOrPending,
  };
}

/** The summary's counts when nothing was planned (a rejected file, a refused snapshot). */
export const NOTHING_PLANNED = {
  created: 0,
  updated: 0,
  unchanged: 0,
  markedDeparted: 0,
  ...departingOf([]),
  owners: 0,
  ...optOutSummary({ optOutsKept: [], optOutsNotApplied: [], optOutsOverNoneOrPending: [] }),
};
