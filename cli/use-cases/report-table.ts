/**
 * The posture of a table: one parallel scan, items counted as they stream,
 * nothing written; and the credentials behind one of its figures
 * (`report --list CATEGORY`). What the `report` and `local` commands share, so it lives
 * outside both command files. With an owner directory, both first load it as
 * the sweep does (`loadDirectoryState`), so orphan flags are due exactly when
 * a sweep at the same `now` would delete them (docs/sweep.md, the report) —
 * the listing only for a category the directory can change.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import { formatProblem, parseCredential } from '../../lambdas/hygiene/credential';
import {
  type DirectoryState,
  loadDirectoryState,
  type SweepOwnerDirectory,
} from '../../lambdas/hygiene/owner-directory';
import type { RawItem } from '../../lambdas/hygiene/ports';
import {
  credentialPosture,
  hasPendingNotices,
  POSTURE_CATEGORIES,
  PostureAccumulator,
  type PostureReport,
} from '../../lambdas/hygiene/posture';
import { withOwnerReach } from '../../lambdas/hygiene/posture-reach';
import { isSesSendable } from '../../lambdas/relay/ses-address';

/** What {@link reportTable} needs. */
export interface TableReport {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly config: HygieneConfig;
  readonly now: number;
  /** Owners listed (default 10). */
  readonly topOwners?: number;
  /** Called after each page with the items read so far. */
  readonly onProgress?: (scanned: number) => void;
  /**
   * The owner directory: when given, it is loaded before the scan as a sweep loads it (orphan flags are judged
   * with it), and the report gains its `directory` and owner reach sections.
   */
  readonly directory?: SweepOwnerDirectory;
}

/**
 * The directory as a sweep at `now` loads it ({@link loadDirectoryState}: a
 * missing, empty, stale, ahead or unreadable one orphans nothing), or
 * `undefined` without one.
 */
function loadDirectory(options: TableReport): Promise<DirectoryState | undefined> {
  const { directory, config, now } = options;
  if (directory === undefined) return Promise.resolve(undefined);
  return loadDirectoryState(directory, config.directoryMaxAgeDays, now);
}

/**
 * Scans a table into a {@link PostureReport} (the worker's reserved items are
 * skipped); with a directory, loaded first, then judges the owners' reach (`withOwnerReach`).
 */
export async function reportTable(options: TableReport): Promise<PostureReport> {
  const state = await loadDirectory(options);
  const scanner = new DynamoDbCredentialScanner(options.client, options.tableName);
  const posture = new PostureAccumulator(options.config, options.now, state);
  let scanned = 0;
  for await (const page of scanner.scan({ segments: options.config.scanSegments })) {
    for (const item of page.items) posture.add(item);
    scanned += page.items.length;
    options.onProgress?.(scanned);
  }
  const report = posture.report(options.topOwners);
  if (options.directory === undefined || state === undefined) return report;
  // On `relay`, judged as the drain judges: the sender's own rule of what SES can be asked to send to.
  const owners = posture.reachOwners();
  const { directory, config, now } = options;
  return withOwnerReach(report, owners, directory, state, config, now, isSesSendable);
}

/** What `report --list` can list: the posture categories, and the soft-deleted and invalid items. */
export const REPORT_LIST_CATEGORIES = [...POSTURE_CATEGORIES, 'deleted', 'invalid'] as const;
export type ReportListCategory = (typeof REPORT_LIST_CATEGORIES)[number];

/**
 * The categories the owner directory can change: the policy's deletion
 * decisions (`credentialPosture`'s `-due` categories), the only ones judged
 * with the owner's standing — `orphaned-due`, and `flagged-stale-due` too, as
 * an orphan deletion wins over a stale one (`decide`). Listing any other reads
 * no directory (test/unit/report-list-directory-categories.test.ts checks
 * that no other category depends on it).
 */
export const DIRECTORY_JUDGED_CATEGORIES: ReadonlySet<ReportListCategory> = new Set([
  'flagged-stale-due',
  'orphaned-due',
]);

/** One credential behind a report figure. */
export interface ListedCredential {
  readonly id: string;
  readonly userId?: string;
  readonly displayName?: string;
  readonly expiresTime?: string;
  readonly lastUsedAt?: string;
  readonly createdAt?: string;
  readonly deletedAt?: string;
  /** `invalid`: what is wrong with the record. */
  readonly problems?: readonly string[];
}

function text(raw: Readonly<Record<string, unknown>>, field: string): string | undefined {
  const value = raw[field];
  return typeof value === 'string' ? value : undefined;
}

/** The listing row of an item: its id, owner and the dates the categories are judged on, as stored. */
function listed(raw: Readonly<Record<string, unknown>>, problems?: readonly string[]): ListedCredential {
  const fields = {
    userId: text(raw, 'userId'),
    displayName: text(raw, 'displayName'),
    expiresTime: text(raw, 'expiresTime'),
    lastUsedAt: text(raw, 'lastUsedAt'),
    createdAt: text(raw, 'createdAt'),
    deletedAt: text(raw, 'deletedAt'),
  };
  return {
    id: typeof raw.id === 'string' ? raw.id : String(raw.id ?? '(no id)'),
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    ...(problems !== undefined && { problems }),
  };
}

/**
 * Whether a raw item falls in `category` (the report's own definition, `credentialPosture`).
 * @param directory the owner directory as loaded before the scan, when one is given
 */
function inCategory(
  item: RawItem,
  category: ReportListCategory,
  config: HygieneConfig,
  now: number,
  directory: DirectoryState | undefined,
) {
  const parsed = parseCredential(item);
  const problems = parsed.ok ? undefined : parsed.problems.map(formatProblem);
  // Any item, invalid or soft-deleted ones too: the drain sends every outbox.
  if (category === 'pending-notices') return hasPendingNotices(item) ? listed(item, problems) : undefined;
  if (!parsed.ok) return category === 'invalid' ? listed(item, problems) : undefined;
  const c = parsed.credential;
  if (c.deletedAt !== undefined) return category === 'deleted' ? listed(item) : undefined;
  if (category === 'deleted' || category === 'invalid') return undefined;
  return credentialPosture(c, config, now, directory).categories.has(category) ? listed(item) : undefined;
}

/**
 * The credentials behind one figure of the report (`report --list CATEGORY`):
 * one scan, the same category definitions as the figures, yielded a scan page
 * at a time (the page's matching rows, none left out) in scan order — parallel
 * segments interleave, so no order is promised. Streamed, never held: one
 * category of a table of a million credentials (`--list no-expiry`) may hold
 * most of it, more rows than memory, and more text than one string, can take.
 * With a directory, it is loaded first, as for the report ({@link reportTable}), when the
 * category is one it can change ({@link DIRECTORY_JUDGED_CATEGORIES}); for any other it is not read.
 */
export async function* listReportCategory(
  options: TableReport & { readonly category: ReportListCategory },
): AsyncGenerator<ListedCredential[]> {
  const state = DIRECTORY_JUDGED_CATEGORIES.has(options.category) ? await loadDirectory(options) : undefined;
  const scanner = new DynamoDbCredentialScanner(options.client, options.tableName);
  let scanned = 0;
  for await (const page of scanner.scan({ segments: options.config.scanSegments })) {
    const rows: ListedCredential[] = [];
    for (const item of page.items) {
      const row = inCategory(item, options.category, options.config, options.now, state);
      if (row !== undefined) rows.push(row);
    }
    scanned += page.items.length;
    options.onProgress?.(scanned);
    yield rows;
  }
}
