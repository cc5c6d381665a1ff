/**
 * Loads an owner export into the owner directory: `pc-hygiene owners import`
 * and the local demo (`npm start`) share it (docs/deploy.md, "Owner
 * directory").
 *
 * Order, so a bad file, an older export or a suspicious sync changes
 * nothing: read and check every row (refused: any bad row, or no row at all)
 * → the snapshot instant (`--as-of`, else an `owners export` file's own,
 * else now: `resolveImportAsOf`; refused, a usage error, when they disagree
 * or an export states none without `--as-of`) → (create the table) → read the
 * directory's freshness → refuse an export older than it, or another
 * export than the one recorded as of the same instant (its content digest,
 * `ownerExportDigest`, differs), unless `allowOlder` → read the directory →
 * plan → `--sync` guard → write changed owners (each only while still as
 * read: a new one still absent, an existing one at the address read, and for
 * a move or an export line's opt-outs merged also in the state and with the
 * `updatedAt` read; re-read and re-planned when not, at most
 * `MAX_WRITE_ATTEMPTS` attempts) → mark
 * missing ones departed →
 * record the freshness (with the digest) last (an interrupted import never
 * makes the directory look fresh; re-running it finishes the job, since
 * unchanged owners are skipped and the same export has the same digest). The
 * freshness write is a compare-and-swap on the freshness read at the start:
 * when another import recorded its snapshot meanwhile, the two may have
 * overwritten each other's owners, so this one does not record its own and
 * reports `superseded` (a re-run of the newest export re-plans against the
 * owners as they are then).
 *
 * Here: the entry, {@link importOwnerFile}, and the import's public names, re-exported from its parts in
 * `import-owners/`: the relay's mailbox rule (`relay-mailboxes.ts`), the request and its resolved instant
 * (`request.ts`), the summary, its caps and fields (`summary.ts`), the file's check (`check-file.ts`), the table made
 * ready (`prepare-table.ts`), the snapshot judgement (`snapshot.ts`), the owners' conditional writes and re-plans
 * (`write-owners.ts`), and the writes in order with the freshness last (`apply-plan.ts`).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { ownerExportDigest } from '../../lambdas/hygiene/owner-export-digest';
import { planOwnerImport } from '../../lambdas/hygiene/owner-import';
import { judgeSyncGuard } from '../../lambdas/hygiene/owner-import-guards';
import { applyPlan } from './import-owners/apply-plan';
import { checkOwnerFile } from './import-owners/check-file';
import { prepareTable } from './import-owners/prepare-table';
import { RELAY_MAILBOXES } from './import-owners/relay-mailboxes';
import { datedRequest, type OwnerImportRequest } from './import-owners/request';
import { judgeSnapshot } from './import-owners/snapshot';
import {
  departingOf,
  NOTHING_PLANNED,
  type OwnerImportSummary,
  optOutSummary,
} from './import-owners/summary';
import { detectOwnerFileFormat } from './owner-file';

export type { CheckedOwnerFile } from './import-owners/check-file';
export { checkOwnerFile } from './import-owners/check-file';
export { RELAY_MAILBOXES } from './import-owners/relay-mailboxes';
export type { OwnerImportRequest } from './import-owners/request';
export type { OwnerImportOutcome, OwnerImportSummary } from './import-owners/summary';
export { MAX_LISTED_DEPARTING, MAX_LISTED_REJECTED_ROWS } from './import-owners/summary';
export { MAX_WRITE_ATTEMPTS, OwnersChangedMeanwhileError } from './import-owners/write-owners';

async function currentOwners(directory: DynamoOwnerDirectory): Promise<Map<string, OwnerRecord>> {
  const existing = new Map<string, OwnerRecord>();
  for await (const owner of directory.owners()) existing.set(owner.userId, owner);
  return existing;
}

/**
 * Imports an owner file (see the file header for the order of steps).
 * @throws {UsageError} when the file cannot be read, or its snapshot instant is refused ({@link datedRequest})
 * @throws {TableAccessError} when the table is missing and not to be created
 */
export async function importOwnerFile(
  client: DynamoDBDocumentClient,
  fileRequest: OwnerImportRequest,
): Promise<OwnerImportSummary> {
  const format = fileRequest.format ?? (await detectOwnerFileFormat(fileRequest.file));
  const checked = await checkOwnerFile(fileRequest.file, format);
  const { owners } = checked;
  const rejected = owners === undefined || checked.rows === 0;
  const request = datedRequest(fileRequest, checked, { refuse: !rejected });
  const base = {
    table: request.table,
    file: request.file,
    format,
    rows: checked.rows,
    rejectedRows: checked.rejected,
    rejectedRowCount: checked.rejectedCount,
    asOf: request.asOf,
    asOfFrom: request.asOfFrom,
  };
  const none = NOTHING_PLANNED;
  if (owners === undefined || rejected) {
    return {
      ...base,
      ...none,
      outcome: 'rejected',
      ...(checked.rejectedCount === 0 && { noRows: true }),
      guardOverridden: false,
      olderAllowed: false,
      tableCreated: false,
    };
  }
  const contentDigest = ownerExportDigest(owners);
  const tableCreated = await prepareTable(client, request);
  // The store checks each whole-set write of remembered opt-outs by the rule the plan uses.
  const directory = new DynamoOwnerDirectory(client, request.table, { mailboxes: RELAY_MAILBOXES });
  const { refused, read, snapshot } = await judgeSnapshot(directory, request, contentDigest);
  if (refused) {
    const refusal = { ...base, ...none, ...snapshot, contentDigest };
    return { ...refusal, outcome: 'older-snapshot', guardOverridden: false, tableCreated };
  }
  const plan = planOwnerImport(
    await currentOwners(directory),
    owners,
    request.sync ?? false,
    RELAY_MAILBOXES,
  );
  const guard = judgeSyncGuard(plan, request.maxDeletePercent);
  const blocked = guard.tripped && !request.allowMassChange;
  const counts = {
    created: plan.created,
    updated: plan.updated,
    unchanged: plan.unchanged,
    markedDeparted: plan.markDeparted.length,
    ...departingOf(plan.markDeparted),
    owners: plan.ownersAfter,
    ...optOutSummary(plan),
  };
  const verdict = {
    ...(guard.reason !== undefined && { guardReason: guard.reason }),
    guardOverridden: guard.tripped && !blocked,
    ...snapshot,
    contentDigest,
    tableCreated,
  };
  if (blocked) return { ...base, ...counts, ...verdict, outcome: 'guard-tripped' };
  if (request.dryRun) return { ...base, ...counts, ...verdict, outcome: 'dry-run' };
  const applied = await applyPlan(directory, plan, { ...request, contentDigest }, read);
  const outcome = applied.supersededBy === undefined ? 'imported' : 'superseded';
  return { ...base, ...counts, ...applied, ...verdict, outcome };
}
