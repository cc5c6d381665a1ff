/**
 * Loads an owner export into the owner directory: `pc-hygiene owners import`
 * and the local demo (`npm start`) share it (docs/deploy.md, "Owner
 * directory").
 *
 * Order, so a bad file or a suspicious sync changes nothing: read and check
 * every row → (create the table) → read the directory → plan → `--sync`
 * guard → write changed owners → mark missing ones departed → record the
 * freshness last (an interrupted import never makes the directory look
 * fresh; re-running it finishes the job, since unchanged owners are skipped).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import {
  checkOwnerRow,
  type ImportedOwner,
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
 * owners departed, nothing written).
 */
export type OwnerImportOutcome = 'imported' | 'dry-run' | 'rejected' | 'guard-tripped';

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

async function applyPlan(
  directory: DynamoOwnerDirectory,
  plan: OwnerImportPlan,
  request: OwnerImportRequest,
): Promise<number> {
  await directory.upsertOwners(plan.upserts, request.now, request.onWritten);
  const departed = await directory.markDeparted(plan.markDeparted, request.now);
  await directory.recordFreshness({ asOf: request.asOf, owners: plan.ownersAfter }, request.now);
  return departed;
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
    return { ...base, ...none, outcome: 'rejected', guardOverridden: false, tableCreated: false };
  }
  const tableCreated = await prepareTable(client, request);
  const directory = new DynamoOwnerDirectory(client, request.table);
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
    tableCreated,
  };
  if (blocked) return { ...base, ...counts, ...verdict, outcome: 'guard-tripped' };
  if (request.dryRun) return { ...base, ...counts, ...verdict, outcome: 'dry-run' };
  const markedDeparted = await applyPlan(directory, plan, request);
  return { ...base, ...counts, markedDeparted, ...verdict, outcome: 'imported' };
}
