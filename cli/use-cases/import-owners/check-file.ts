/**
 * The first step of an owner import: every row of the file read and checked, nothing written, the file refused
 * whole on any bad row, the first bad rows kept and all of them counted, and what the rows say of the file's
 * snapshot instant.
 */
import { FileSnapshotInstant } from '../../../lambdas/hygiene/owner-import-as-of';
import {
  checkOwnerRow,
  type ImportedOwner,
  type RejectedOwnerRow,
  rejectUnreadRow,
} from '../../../lambdas/hygiene/owner-import-rows';
import { type OwnerFileFormat, readOwnerFile } from '../owner-file';
import { MAX_LISTED_REJECTED_ROWS } from './summary';

/** What {@link checkOwnerFile} found: the owners of a clean file, the first bad rows and the count of all of them. */
export interface CheckedOwnerFile {
  /**
   * The owners of the rows, in line order; absent once any row is rejected: the file is refused whole, so a bad
   * file (another export, maybe millions of rows) holds no owners while the rest of it is checked.
   */
  readonly owners?: readonly ImportedOwner[];
  /** At most {@link MAX_LISTED_REJECTED_ROWS}, in line order. */
  readonly rejected: readonly RejectedOwnerRow[];
  readonly rejectedCount: number;
  readonly rows: number;
  /** What the rows say of the file's snapshot instant (`directoryAsOf`, and whether they are an export's). */
  readonly snapshot: FileSnapshotInstant;
}

/**
 * Reads and checks every row of an owner file; nothing is written from here.
 * Every row is checked, after a rejected one too (each userId is remembered to
 * name a later repeat), but the owners are kept only while no row is rejected.
 */
export async function checkOwnerFile(file: string, format: OwnerFileFormat): Promise<CheckedOwnerFile> {
  let owners: ImportedOwner[] | undefined = [];
  const rejected: RejectedOwnerRow[] = [];
  let rejectedCount = 0;
  const firstLineOf = new Map<string, number>();
  const snapshot = new FileSnapshotInstant();
  let rows = 0;
  for await (const row of readOwnerFile(file, format)) {
    // A CSV header's problem is the file's, not a row's.
    if (!('problem' in row && row.header)) rows++;
    const checked =
      'problem' in row ? { rejected: rejectUnreadRow(row) } : checkOwnerRow(row, firstLineOf, snapshot);
    if ('owner' in checked) {
      owners?.push(checked.owner);
      continue;
    }
    // The file will be refused: its owners are no longer needed.
    owners = undefined;
    rejectedCount++;
    if (rejected.length < MAX_LISTED_REJECTED_ROWS) rejected.push(checked.rejected);
  }
  return { ...(owners !== undefined && { owners }), rejected, rejectedCount, rows, snapshot };
}
