/**
 * What `pc-hygiene import` is asked ({@link ImportOptions}) and what it did: the summary
 * ({@link ImportSummary}), the lines not written and the records already in the table it names, and the error that
 * carries the summary when writing failed ({@link ImportIncompleteError}). The shapes its parts share.
 */

/** A line that was not written, and why. */
export interface RejectedLine {
  readonly line: number;
  /** The record's id when it has a usable one. */
  readonly id: string | null;
  readonly problems: readonly string[];
}

/** A valid record whose id the table already held: not written, or replaced with `--replace`. */
export interface ExistingRecord {
  readonly line: number;
  readonly id: string;
}

/** What an import did. */
export interface ImportSummary {
  readonly table: string;
  readonly file: string;
  /** Records written (or, in a dry run, that would be). */
  readonly written: number;
  readonly rejected: number;
  readonly rejectedLines: readonly RejectedLine[];
  /**
   * `--dry-run`: the table was only checked to be a credentials table (its description read: no item read, nothing
   * written); {@link ImportSummary.written} then counts the records that would be, ids already in the table not
   * checked (the key keeps its name in both modes, for scripts that read it).
   */
  readonly dryRun: boolean;
  /**
   * Valid records NOT written because the table already held their id (without `--replace`): writing them
   * would replace the item whole, its history and pending notices too. Counted apart from
   * {@link ImportSummary.rejected} and {@link ImportSummary.notWritten}; the exit code is 1 as for a bad line.
   */
  readonly notReplaced: number;
  /** The records of {@link ImportSummary.notReplaced}, in file order. */
  readonly notReplacedRecords: readonly ExistingRecord[];
  /** Records written over an item with the same id (`--replace`), counted in {@link ImportSummary.written} too. */
  readonly replaced: number;
  /** The records of {@link ImportSummary.replaced}, in file order. */
  readonly replacedRecords: readonly ExistingRecord[];
  /** Whether `--create-table` created the table (false: it existed or was not asked). */
  readonly tableCreated: boolean;
  /**
   * Valid records whose `hygieneHistory` holds more than `HISTORY_LIMIT` entries (the worker never writes one):
   * written as given, not rejected; each later write drops at most `HISTORY_MAX_DROP` of the oldest until the
   * newest `HISTORY_LIMIT` remain (docs/data-model.md, "History").
   */
  readonly longHistories: number;
  /**
   * Valid records NOT written because writing failed ({@link ImportIncompleteError}):
   * those of {@link ImportSummary.notWrittenLines} plus every one from {@link ImportSummary.notWrittenFrom} on.
   * 0 when all were written.
   */
  readonly notWritten: number;
  /** Lines of records not written before {@link ImportSummary.notWrittenFrom} (a failed or throttled request's), in file order. */
  readonly notWrittenLines: readonly number[];
  /** The line where writing stopped: no record from it on was written (null: writing did not stop). */
  readonly notWrittenFrom: number | null;
}

/**
 * Writing failed: some valid records were not written (`summary` says
 * which; the others were). `writeError` is what failed (deliberately not
 * `cause`, so the table-error rewriting leaves this error whole).
 */
export class ImportIncompleteError extends Error {
  override readonly name = 'ImportIncompleteError';
  constructor(
    readonly summary: ImportSummary,
    readonly writeError: unknown,
  ) {
    super(`import incomplete: ${summary.written} record(s) written, ${summary.notWritten} not written`);
  }
}

/** Options of {@link importJsonLines}. */
export interface ImportOptions {
  readonly table: string;
  readonly file: string;
  readonly dryRun?: boolean;
  readonly createTable?: boolean;
  /** Write records whose id the table already holds, replacing those items (default: leave them out). */
  readonly replace?: boolean;
  /** Called for each record whose id the table already holds, as it is found (`replaced`: it is written). */
  readonly onExisting?: (existing: ExistingRecord, replaced: boolean) => void;
  /** Called for each rejected line as it is found. */
  readonly onRejected?: (rejected: RejectedLine) => void;
  /** Called as records are validated and written. */
  readonly onProgress?: (progress: { readonly read: number; readonly written: number }) => void;
  /** Backoff tuning for unprocessed items (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}
