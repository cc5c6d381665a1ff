/**
 * The snapshot instant an owner import records (`asOf`, docs/deploy.md,
 * "Owner directory"): the operator's `--as-of`; else the one an `owners
 * export` file carries; else, for an HR export that states none, now.
 *
 * Why an export carries it: moving a directory (export, then import into
 * another table) must keep the source's instant. Imported as of now, a moved
 * export older than the HR snapshot the target already recorded would not be
 * refused (its older addresses and statuses would overwrite newer ones), and
 * a stale source would look fresh in the target. So `owners export` writes
 * the source directory's recorded `asOf` on every line
 * ({@link EXPORT_AS_OF_FIELD}: on each line, not in a header, so a line
 * filtered, sorted or split out of the file keeps it), and the import takes
 * it. Its lines must agree (one export is one snapshot); an explicit
 * `--as-of` that differs from it is refused; and an export line that states
 * no instant (an export of an earlier version, or of a directory with no
 * snapshot recorded: it carries the route state the worker records, which no
 * HR file has) needs `--as-of`, rather than being recorded as of now.
 * Pure: the lines' values in, the instant or the refusal out.
 */
import { formatInstant, parseInstant } from './time';

/** The key of an `owners export` line that holds the exported directory's recorded snapshot instant. */
export const EXPORT_AS_OF_FIELD = 'directoryAsOf';

/** The instant a file's lines state, and the first line stating it. */
export interface StatedInstant {
  readonly line: number;
  /** Epoch milliseconds. */
  readonly ms: number;
}

/**
 * What the lines of one file say of its snapshot instant, noted line by line
 * as they are checked (`checkOwnerRow`, owner-import-rows.ts).
 */
export class FileSnapshotInstant {
  private first: StatedInstant | undefined;
  private firstExportLine: number | undefined;

  /**
   * Notes one line: its {@link EXPORT_AS_OF_FIELD} (absent or `null`: none),
   * and whether it is an `owners export` line (`exportLine`: it carries the
   * route state the worker records).
   * @returns the line's problems with it: not an instant, or another instant than an earlier line's
   */
  note(line: number, value: unknown, exportLine: boolean): string[] {
    if (exportLine && this.firstExportLine === undefined) this.firstExportLine = line;
    if (value === undefined || value === null) return [];
    const parsed = typeof value === 'string' ? parseInstant(value) : undefined;
    if (parsed === undefined || !parsed.ok) {
      const why =
        parsed === undefined
          ? `got ${JSON.stringify(value)}`
          : `${JSON.stringify(value)} is ${parsed.reason}`;
      return [`${EXPORT_AS_OF_FIELD}: must be an RFC 3339 instant, as owners export writes it; ${why}`];
    }
    if (this.first === undefined) this.first = { line, ms: parsed.ms };
    if (this.first.ms === parsed.ms) return [];
    return [
      `${EXPORT_AS_OF_FIELD}: ${value} differs from line ${this.first.line}'s ${formatInstant(this.first.ms)} ` +
        '(one export is one snapshot: were two exports joined?)',
    ];
  }

  /** The instant the file's lines state, if any does. */
  get stated(): StatedInstant | undefined {
    return this.first;
  }

  /** The first `owners export` line (route state the worker records), if any. */
  get exportLine(): number | undefined {
    return this.firstExportLine;
  }
}

/** Where the instant an import records came from. */
export type ImportAsOfSource = 'as-of' | 'export' | 'now';

/** The instant an import records, or why it is refused. */
export interface ImportAsOf {
  /** The instant: `--as-of` as given, the export's (canonical UTC), or now; shown even when refused. */
  readonly asOf: string;
  readonly from: ImportAsOfSource;
  /** Why the import is refused (a usage error: the command line or the file must change); absent when not. */
  readonly problem?: string;
}

/**
 * The instant an import records (see the file header), from the operator's
 * `--as-of` (`given`, a valid instant), the file's ({@link FileSnapshotInstant})
 * and `now` (canonical UTC). An export's instant after `now` is refused as an
 * `--as-of` after it is: a snapshot dated in the future looks fresh for longer
 * than it is.
 */
export function resolveImportAsOf(
  given: string | undefined,
  file: Pick<FileSnapshotInstant, 'stated' | 'exportLine'>,
  now: string,
): ImportAsOf {
  const stated = file.stated;
  if (given !== undefined) {
    const ms = parseInstant(given);
    if (stated === undefined || (ms.ok && ms.ms === stated.ms)) return { asOf: given, from: 'as-of' };
    return {
      asOf: given,
      from: 'as-of',
      problem:
        `--as-of ${given} is not the instant this owners export records (${EXPORT_AS_OF_FIELD} ` +
        `${formatInstant(stated.ms)} on line ${stated.line}: the exported directory's snapshot): run the import ` +
        "without --as-of to record the export's own instant",
    };
  }
  if (stated !== undefined) {
    const asOf = formatInstant(stated.ms);
    const nowMs = parseInstant(now);
    const future = nowMs.ok && stated.ms > nowMs.ms;
    return {
      asOf,
      from: 'export',
      ...(future && {
        problem: `the export's ${EXPORT_AS_OF_FIELD} ${asOf} (line ${stated.line}) is in the future`,
      }),
    };
  }
  if (file.exportLine === undefined) return { asOf: now, from: 'now' };
  return {
    asOf: now,
    from: 'now',
    problem:
      `this file is an owners export (line ${file.exportLine} carries the route state the worker records) that ` +
      `records no snapshot instant (no ${EXPORT_AS_OF_FIELD}: exported by an earlier version, or from a directory ` +
      "with no snapshot recorded): give --as-of with the exported directory's asOf (owners export says it on " +
      "stderr and writes it on each line; pc-hygiene report on the source shows it, 'directory as of'), or " +
      'export it again with this version. Imported as of now, a stale source would look fresh here, and an ' +
      'export older than the snapshot this directory recorded would not be refused',
  };
}
