/**
 * What `owners import` is asked to do ({@link OwnerImportRequest}), and the request with the snapshot instant it
 * records resolved (`--as-of`, else the file's, else now: {@link datedRequest}), refused when they disagree.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ImportAsOfSource, resolveImportAsOf } from '../../../lambdas/hygiene/owner-import-as-of';
import { UsageError } from '../../usage-error';
import type { OwnerFileFormat } from '../owner-file';
import type { CheckedOwnerFile } from './check-file';

/** What `owners import` is asked to do. */
export interface OwnerImportRequest {
  readonly table: string;
  readonly file: string;
  /** Default: from the file name or its first character. */
  readonly format?: OwnerFileFormat;
  /**
   * The instant the export reflects (`--as-of`, canonical UTC); absent: an `owners export` file's own
   * (`directoryAsOf`), else {@link now} (`resolveImportAsOf`).
   */
  readonly asOf?: string;
  /** When the import runs (canonical UTC): the owners' `updatedAt`. */
  readonly now: string;
  readonly sync?: boolean;
  /** The operator's override of the `--sync` guard. */
  readonly allowMassChange?: boolean;
  /** The operator's override: import an export older than the directory's recorded snapshot. */
  readonly allowOlder?: boolean;
  /** The guard's share (config `maxDeletePercent`). */
  readonly maxDeletePercent: number;
  readonly createTable?: boolean;
  readonly dryRun?: boolean;
  /**
   * The caller's check that the directory exists and is an owner directory, made when `--create-table` is not
   * given (the command's: `requireDirectoryTable`, cli/options/directory-options.ts, which says a missing table
   * at a local endpoint with `howToCreate`: add `--create-table` to this import). Absent: only its key is checked
   * (`requireTableKind`), a missing table failing with DynamoDB's own error.
   */
  readonly requireTable?: (client: DynamoDBDocumentClient, howToCreate: string) => Promise<void>;
  /** Called as owners are written. */
  readonly onWritten?: (written: number) => void;
}

/** A request with the instant the import records resolved (`resolveImportAsOf`), and where it came from. */
export type DatedImportRequest = OwnerImportRequest & {
  readonly asOf: string;
  readonly asOfFrom: ImportAsOfSource;
};

/**
 * The instant the import records (`resolveImportAsOf`: `--as-of`, else the
 * file's `directoryAsOf`, else now), and where it came from.
 * @param refuse whether a problem with it is refused (not for a file whose rows are refused: they come first)
 * @throws {UsageError} when refused: `--as-of` disagrees with the file's, the file's is in the future, or an
 * `owners export` file states none and `--as-of` is not given
 */
export function datedRequest(
  request: OwnerImportRequest,
  checked: CheckedOwnerFile,
  { refuse }: { readonly refuse: boolean },
): DatedImportRequest {
  const resolved = resolveImportAsOf(request.asOf, checked.snapshot, request.now);
  if (refuse && resolved.problem !== undefined) throw new UsageError(`${request.file}: ${resolved.problem}`);
  return { ...request, asOf: resolved.asOf, asOfFrom: resolved.from };
}
