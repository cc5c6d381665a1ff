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
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredDirectoryFreshness } from '../../lambdas/aws/owner-directory-reads';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { ownerExportDigest } from '../../lambdas/hygiene/owner-export-digest';
import {
  countsAfterReplan,
  type OwnerImportCounts,
  type OwnerImportPlan,
  planOwnerImport,
} from '../../lambdas/hygiene/owner-import';
import {
  EXPORT_AS_OF_FIELD,
  FileSnapshotInstant,
  type ImportAsOfSource,
  resolveImportAsOf,
} from '../../lambdas/hygiene/owner-import-as-of';
import { judgeSnapshotOrder, judgeSyncGuard } from '../../lambdas/hygiene/owner-import-guards';
import {
  type MailboxRule,
  type OptOutNotApplied,
  type OptOutReport,
  optOutsAfterReplan,
} from '../../lambdas/hygiene/owner-import-opt-outs';
import {
  checkOwnerRow,
  type ImportedOwner,
  type RejectedOwnerRow,
  rejectUnreadRow,
} from '../../lambdas/hygiene/owner-import-rows';
import { describeStoredValue } from '../../lambdas/hygiene/stored-value-text';
import { directorySpellings, mailboxKey } from '../../lambdas/relay/ses-address';
import { createOwnerDirectoryTable } from '../aws/create-owner-directory-table';
import { OWNER_DIRECTORY_TABLE_KEY, requireTableKind } from '../aws/table-key';
import { UsageError } from '../usage-error';
import { detectOwnerFileFormat, type OwnerFileFormat, readOwnerFile } from './owner-file';

/**
 * Mailboxes as the relay and the SES events handler tell them apart
 * (lambdas/relay/ses-address.ts): `bob@bücher.example` and
 * `bob@xn--bcher-kva.example` are one, so a re-export in the other form is no
 * move (the opt-out and the bounce stay), and an opt-out remembered for
 * either form is found, and forgotten on a move away after a resubscribe
 * (docs/notifications.md, "Subscription reconciler"). The plan
 * (`planOwnerImport`) and the store's check of its writes
 * (`DynamoOwnerDirectory`'s `mailboxes`) are given this one rule.
 */
export const RELAY_MAILBOXES: MailboxRule = {
  key: mailboxKey,
  spellings: (email) => [...new Set([email, ...directorySpellings(mailboxKey(email))])],
};

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
function departingOf(
  markDeparted: readonly string[],
): Pick<OwnerImportSummary, 'departing' | 'departingNotListed'> {
  const departing = [...markDeparted].sort().slice(0, MAX_LISTED_DEPARTING);
  return { departing, departingNotListed: markDeparted.length - departing.length };
}

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

/**
 * What a missing directory at a local endpoint says to an import without
 * `--create-table`: add it. A dry run with it creates nothing (it plans
 * against an empty directory), so a dry run is told so, and what creates it.
 */
const ADD_CREATE_TABLE = {
  import: 'run this import again with --create-table to create it',
  dryRun:
    'run this dry run again with --create-table to plan against an empty directory; without --dry-run, --create-table creates it',
} as const;

async function prepareTable(client: DynamoDBDocumentClient, request: OwnerImportRequest): Promise<boolean> {
  if (request.createTable && !request.dryRun) {
    return (await createOwnerDirectoryTable(client, request.table, { ifNotExists: true })).created;
  }
  // A dry run with --create-table plans against an empty directory when the table is missing, but never against
  // another kind of table (its key is not `userId`).
  if (request.createTable && request.dryRun) {
    await requireTableKind(client, request.table, OWNER_DIRECTORY_TABLE_KEY, { mayBeMissing: true });
  } else if (request.requireTable !== undefined) {
    // Here --create-table was not given: at a local endpoint, adding it to this command is the fix (ADD_CREATE_TABLE).
    await request.requireTable(client, request.dryRun ? ADD_CREATE_TABLE.dryRun : ADD_CREATE_TABLE.import);
  } else {
    await requireTableKind(client, request.table, OWNER_DIRECTORY_TABLE_KEY);
  }
  return false;
}

async function currentOwners(directory: DynamoOwnerDirectory): Promise<Map<string, OwnerRecord>> {
  const existing = new Map<string, OwnerRecord>();
  for await (const owner of directory.owners()) existing.set(owner.userId, owner);
  return existing;
}

/** The stored `asOf` exactly as read, of any type (`undefined`: none recorded). */
function storedAsOf(freshness: StoredDirectoryFreshness | undefined): unknown {
  return freshness?.asOf ?? freshness?.invalidAsOf;
}

/** The stored `contentDigest` exactly as read, of any type (`undefined`: none recorded). */
function storedDigest(freshness: StoredDirectoryFreshness | undefined): unknown {
  return freshness?.contentDigest ?? freshness?.invalidContentDigest;
}

/** A stored value as the summary shows it: its text, or what it is when not a string. */
function shownStored(stored: unknown): string | undefined {
  if (stored === undefined || typeof stored === 'string') return stored;
  return describeStoredValue(stored);
}

type SnapshotJudgement = Pick<
  OwnerImportSummary,
  'recordedAsOf' | 'olderReason' | 'olderAllowed' | 'otherExport' | 'recordedContentDigest'
>;

/** A request with the instant the import records resolved (`resolveImportAsOf`), and where it came from. */
type DatedImportRequest = OwnerImportRequest & { readonly asOf: string; readonly asOfFrom: ImportAsOfSource };

/** How a refusal names where the import's instant came from. */
const STATED_AS_OF: Readonly<Record<ImportAsOfSource, string>> = {
  'as-of': '--as-of',
  export: `the export's ${EXPORT_AS_OF_FIELD}`,
  now: "the import's instant (now, no --as-of given)",
};

/**
 * The instant the import records (`resolveImportAsOf`: `--as-of`, else the
 * file's `directoryAsOf`, else now), and where it came from.
 * @param refuse whether a problem with it is refused (not for a file whose rows are refused: they come first)
 * @throws {UsageError} when refused: `--as-of` disagrees with the file's, the file's is in the future, or an
 * `owners export` file states none and `--as-of` is not given
 */
function datedRequest(
  request: OwnerImportRequest,
  checked: CheckedOwnerFile,
  { refuse }: { readonly refuse: boolean },
): DatedImportRequest {
  const resolved = resolveImportAsOf(request.asOf, checked.snapshot, request.now);
  if (refuse && resolved.problem !== undefined) throw new UsageError(`${request.file}: ${resolved.problem}`);
  return { ...request, asOf: resolved.asOf, asOfFrom: resolved.from };
}

/**
 * Reads the directory's recorded snapshot and judges the import's against it
 * (`judgeSnapshotOrder`, with the export's content digest): refused when older
 * (or another export as of the same instant) and not allowed.
 * @returns the verdict, and the freshness read (the freshness write's compare-and-swap)
 */
async function judgeSnapshot(
  directory: DynamoOwnerDirectory,
  request: DatedImportRequest,
  contentDigest: string,
): Promise<{ refused: boolean; read: StoredDirectoryFreshness | undefined; snapshot: SnapshotJudgement }> {
  const read = await directory.freshness();
  const recordedDigest = storedDigest(read);
  const content = { recordedDigest, digest: contentDigest };
  const order = judgeSnapshotOrder(storedAsOf(read), request.asOf, content, STATED_AS_OF[request.asOfFrom]);
  const olderAllowed = order.older && (request.allowOlder ?? false);
  const recordedAsOf = shownStored(storedAsOf(read));
  const recordedContentDigest = shownStored(recordedDigest);
  return {
    refused: order.older && !olderAllowed,
    read,
    snapshot: {
      ...(recordedAsOf !== undefined && { recordedAsOf }),
      ...(recordedContentDigest !== undefined && { recordedContentDigest }),
      ...(order.reason !== undefined && { olderReason: order.reason }),
      ...(order.otherExport && { otherExport: true }),
      olderAllowed,
    },
  };
}

/**
 * Attempts at writing one owner: a write refused because the owner changed
 * since the plan read them (created meanwhile, or their address changed, or
 * for a move or merged opt-outs their subscription state changed, another
 * import wrote them, or their remembered opt-outs gained an address) is
 * planned again from a fresh read, this often in all.
 */
export const MAX_WRITE_ATTEMPTS = 3;

/** Owners whose write was refused on every attempt: nothing written for them, and the freshness not recorded. */
export class OwnersChangedMeanwhileError extends Error {
  override readonly name = 'OwnersChangedMeanwhileError';
  constructor(readonly userIds: readonly string[]) {
    super(
      `${userIds.length} owner(s) changed while the import wrote them (created by another import, their address ` +
        "changed, or, for a move or an export line's opt-outs to merge, their subscription state changed, " +
        `another import wrote them or their remembered opt-outs gained an address), ${MAX_WRITE_ATTEMPTS} times in a row: ${userIds.slice(0, 10).join(', ')}` +
        `${userIds.length > 10 ? ', ...' : ''}; nothing written for them, no owner marked departed (--sync) and the snapshot not recorded: run the import again`,
    );
  }
}

/** The summary's opt-out fields. */
type OptOutSummary = Pick<
  OwnerImportSummary,
  'optOutsKept' | 'optOutsNotApplied' | 'optOutsOverNoneOrPending'
>;

/** The summary's opt-out fields of a plan's (or a write's) report. */
function optOutSummary(report: OptOutReport): OptOutSummary {
  return {
    optOutsKept: report.optOutsKept.length,
    optOutsNotApplied: report.optOutsNotApplied,
    optOutsOverNoneOrPending: report.optOutsOverNoneOrPending,
  };
}

/** What {@link writeOwners} wrote: the counts and the opt-out fields. */
type WrittenOwners = OwnerImportCounts & OptOutSummary;

/**
 * Writes the planned owners, each only while the owner is still as the plan
 * read them (`ExistingOwnerUpsert.read`; a new one: still absent). An unconditional
 * write would damage an owner another import changed in between: written
 * back to the address it read while keeping the route state recorded for the
 * other import's address, merged into an owner the other import created, or
 * (a move, merged opt-outs) losing an opt-out recorded meanwhile, or
 * recording one over a subscription a reconcile recorded meanwhile. A refused
 * one is read again and re-planned (`planOwnerImport`; one now unchanged is
 * not written), at most {@link MAX_WRITE_ATTEMPTS} attempts.
 * @returns what was written: the plan's counts and opt-out report, with each re-planned owner as the re-plan classed them
 * @throws {OwnersChangedMeanwhileError} when some are still refused after the last attempt
 */
async function writeOwners(
  directory: DynamoOwnerDirectory,
  plan: OwnerImportPlan,
  request: Pick<OwnerImportRequest, 'now' | 'onWritten'>,
): Promise<WrittenOwners> {
  let counts: OwnerImportCounts = { created: plan.created, updated: plan.updated, unchanged: plan.unchanged };
  let optOuts: OptOutReport = plan;
  let pending = plan.upserts;
  let writtenBefore = 0;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const offset = writtenBefore;
    const outcome = await directory.upsertOwners(pending, request.now, (written) =>
      request.onWritten?.(offset + written),
    );
    writtenBefore += outcome.written;
    if (outcome.refused.length === 0) break;
    const owners = outcome.refused.map((u) => u.owner);
    if (attempt >= MAX_WRITE_ATTEMPTS) throw new OwnersChangedMeanwhileError(owners.map((o) => o.userId));
    const replan = planOwnerImport(
      await directory.getMany(owners.map((o) => o.userId)),
      owners,
      false,
      RELAY_MAILBOXES,
    );
    counts = countsAfterReplan(counts, outcome.refused, replan);
    optOuts = optOutsAfterReplan(optOuts, outcome.refused, replan);
    pending = replan.upserts;
  }
  return { ...counts, ...optOutSummary(optOuts) };
}

/**
 * Writes the plan, then the freshness: only while the stored freshness is
 * still the one the import read (`read`, `undefined`: none;
 * `DynamoOwnerDirectory.recordFreshness`).
 * @returns the owners written (counted as {@link writeOwners} does, with its opt-out report), owners marked
 * departed, and the snapshot recorded meanwhile when the freshness write lost
 */
async function applyPlan(
  directory: DynamoOwnerDirectory,
  plan: OwnerImportPlan,
  request: DatedImportRequest & { readonly contentDigest: string },
  read: StoredDirectoryFreshness | undefined,
): Promise<WrittenOwners & { markedDeparted: number; supersededBy?: string }> {
  const written = await writeOwners(directory, plan, request);
  const markedDeparted = await directory.markDeparted(plan.markDeparted, request.now);
  const freshness = { asOf: request.asOf, owners: plan.ownersAfter, contentDigest: request.contentDigest };
  if (await directory.recordFreshness(freshness, request.now, { replacing: read })) {
    return { ...written, markedDeparted };
  }
  return {
    ...written,
    markedDeparted,
    supersededBy: shownStored(storedAsOf(await directory.freshness())) ?? 'none',
  };
}

/** The summary's counts when nothing was planned (a rejected file, a refused snapshot). */
const NOTHING_PLANNED = {
  created: 0,
  updated: 0,
  unchanged: 0,
  markedDeparted: 0,
  ...departingOf([]),
  owners: 0,
  ...optOutSummary({ optOutsKept: [], optOutsNotApplied: [], optOutsOverNoneOrPending: [] }),
};

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
