/**
 * Loads an owner export into the owner directory: `pc-hygiene owners import`
 * and the local demo (`npm start`) share it (docs/deploy.md, "Owner
 * directory").
 *
 * Order, so a bad file, an older export or a suspicious sync changes
 * nothing: read and check every row → (create the table) → read the
 * directory's freshness → refuse an export older than it (unless
 * `allowOlder`) → read the directory → plan → `--sync` guard → write changed
 * owners → mark missing ones departed → record the freshness last (an
 * interrupted import never makes the directory look fresh; re-running it
 * finishes the job, since unchanged owners are skipped). The freshness write
 * never goes back to an older snapshot than the one recorded meanwhile by
 * another import: when it loses, the import reports `superseded`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import {
  checkOwnerRow,
  type ImportedOwner,
  judgeSnapshotOrder,
  judgeSyncGuard,
  type OwnerImportPlan,
  planOwnerImport,
  type RejectedOwnerRow,
} from '../../lambdas/hygiene/owner-import';
import { createOwnerDirectoryTable } from '../aws/create-owner-directory-table';
import { requireDirectoryTable } from '../options/directory-options';
import { detectOwnerFileFormat, type OwnerFileFormat, readOwnerFile } from './owner-file';

/** What `owners import` is asked to do. */
export interface OwnerImportRequest {
  readonly table: string;
  readonly file: string;
  /** Default: from the file name or its first character. */
  readonly format?: OwnerFileFormat;
  /** The instant the export reflects (canonical UTC). */
  readonly asOf: string;
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
  /** Called as owners are written. */
  readonly onWritten?: (written: number) => void;
}

/**
 * How the import ended: `imported`; `dry-run` (planned only); `rejected`
 * (bad rows, nothing written); `guard-tripped` (`--sync` would mark too many
 * owners departed, nothing written); `older-snapshot` (the export is older
 * than the directory's recorded snapshot, nothing written); `superseded`
 * (owners written, but another import recorded a newer snapshot meanwhile:
 * the freshness keeps it, and owners this import changed may hold older values).
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
  readonly rows: number;
  readonly rejectedRows: readonly RejectedOwnerRow[];
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  /** `--sync`: owners marked (or to be marked) departed. */
  readonly markedDeparted: number;
  /** Owners in the directory after the import. */
  readonly owners: number;
  readonly asOf: string;
  /** Why the `--sync` guard tripped (also when overridden). */
  readonly guardReason?: string;
  readonly guardOverridden: boolean;
  /** The directory's recorded snapshot instant when the import read it (absent: never imported). */
  readonly recordedAsOf?: string;
  /** Why the export counts as older than {@link recordedAsOf} (also when allowed). */
  readonly olderReason?: string;
  /** The export is older and `allowOlder` let it through: the freshness went back to {@link asOf}. */
  readonly olderAllowed: boolean;
  /** `superseded`: the snapshot instant another import recorded while this one ran. */
  readonly supersededBy?: string;
  readonly tableCreated: boolean;
}

/** Reads and checks every row; nothing is written from here. */
async function checkFile(
  file: string,
  format: OwnerFileFormat,
): Promise<{ owners: ImportedOwner[]; rejected: RejectedOwnerRow[]; rows: number }> {
  const owners: ImportedOwner[] = [];
  const rejected: RejectedOwnerRow[] = [];
  const firstLineOf = new Map<string, number>();
  let rows = 0;
  for await (const row of readOwnerFile(file, format)) {
    rows++;
    if ('problem' in row) {
      rejected.push({ line: row.line, userId: null, problems: [row.problem] });
      continue;
    }
    const checked = checkOwnerRow(row, firstLineOf);
    if ('owner' in checked) owners.push(checked.owner);
    else rejected.push(checked.rejected);
  }
  return { owners, rejected, rows };
}

async function prepareTable(client: DynamoDBDocumentClient, request: OwnerImportRequest): Promise<boolean> {
  if (request.createTable && !request.dryRun) {
    return (await createOwnerDirectoryTable(client, request.table, { ifNotExists: true })).created;
  }
  // A dry run with --create-table plans against an empty directory when the table is missing.
  if (!(request.createTable && request.dryRun)) await requireDirectoryTable(client, request.table);
  return false;
}

async function currentOwners(directory: DynamoOwnerDirectory): Promise<Map<string, OwnerRecord>> {
  const existing = new Map<string, OwnerRecord>();
  for await (const owner of directory.owners()) existing.set(owner.userId, owner);
  return existing;
}

/** The directory's recorded snapshot against the import's (`judgeSnapshotOrder`): refused when older and not allowed. */
async function judgeSnapshot(
  directory: DynamoOwnerDirectory,
  request: OwnerImportRequest,
): Promise<{
  refused: boolean;
  snapshot: Pick<OwnerImportSummary, 'recordedAsOf' | 'olderReason' | 'olderAllowed'>;
}> {
  const recordedAsOf = (await directory.freshness())?.asOf;
  const order = judgeSnapshotOrder(recordedAsOf, request.asOf);
  const olderAllowed = order.older && (request.allowOlder ?? false);
  return {
    refused: order.older && !olderAllowed,
    snapshot: {
      ...(recordedAsOf !== undefined && { recordedAsOf }),
      ...(order.reason !== undefined && { olderReason: order.reason }),
      olderAllowed,
    },
  };
}

/**
 * Writes the plan, then the freshness: forward only, or (an allowed older
 * export) back from exactly the snapshot the import read.
 * @returns owners marked departed, and the snapshot that superseded this import's when its freshness write lost
 */
async function applyPlan(
  directory: DynamoOwnerDirectory,
  plan: OwnerImportPlan,
  request: OwnerImportRequest,
  replacing: string | undefined,
): Promise<{ markedDeparted: number; supersededBy?: string }> {
  await directory.upsertOwners(plan.upserts, request.now, request.onWritten);
  const markedDeparted = await directory.markDeparted(plan.markDeparted, request.now);
  const freshness = { asOf: request.asOf, owners: plan.ownersAfter };
  const recorded = await directory.recordFreshness(freshness, request.now, {
    ...(replacing !== undefined && { replacing }),
  });
  if (recorded) return { markedDeparted };
  return { markedDeparted, supersededBy: (await directory.freshness())?.asOf ?? 'unknown' };
}

/**
 * Imports an owner file (see the file header for the order of steps).
 * @throws {UsageError} when the file cannot be read
 * @throws {TableAccessError} when the table is missing and not to be created
 */
export async function importOwnerFile(
  client: DynamoDBDocumentClient,
  request: OwnerImportRequest,
): Promise<OwnerImportSummary> {
  const format = request.format ?? (await detectOwnerFileFormat(request.file));
  const checked = await checkFile(request.file, format);
  const base = {
    table: request.table,
    file: request.file,
    format,
    rows: checked.rows,
    rejectedRows: checked.rejected,
    asOf: request.asOf,
  };
  const none = { created: 0, updated: 0, unchanged: 0, markedDeparted: 0, owners: 0 };
  if (checked.rejected.length > 0) {
    return {
      ...base,
      ...none,
      outcome: 'rejected',
      guardOverridden: false,
      olderAllowed: false,
      tableCreated: false,
    };
  }
  const tableCreated = await prepareTable(client, request);
  const directory = new DynamoOwnerDirectory(client, request.table);
  const { refused, snapshot } = await judgeSnapshot(directory, request);
  if (refused) {
    return { ...base, ...none, ...snapshot, outcome: 'older-snapshot', guardOverridden: false, tableCreated };
  }
  const plan = planOwnerImport(await currentOwners(directory), checked.owners, request.sync ?? false);
  const guard = judgeSyncGuard(plan, request.maxDeletePercent);
  const blocked = guard.tripped && !request.allowMassChange;
  const counts = {
    created: plan.created,
    updated: plan.updated,
    unchanged: plan.unchanged,
    markedDeparted: plan.markDeparted.length,
    owners: plan.ownersAfter,
  };
  const verdict = {
    ...(guard.reason !== undefined && { guardReason: guard.reason }),
    guardOverridden: guard.tripped && !blocked,
    ...snapshot,
    tableCreated,
  };
  if (blocked) return { ...base, ...counts, ...verdict, outcome: 'guard-tripped' };
  if (request.dryRun) return { ...base, ...counts, ...verdict, outcome: 'dry-run' };
  const applied = await applyPlan(
    directory,
    plan,
    request,
    snapshot.olderAllowed ? snapshot.recordedAsOf : undefined,
  );
  const outcome = applied.supersededBy === undefined ? 'imported' : 'superseded';
  return { ...base, ...counts, ...applied, ...verdict, outcome };
}
