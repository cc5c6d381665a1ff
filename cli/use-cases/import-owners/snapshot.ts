/**
 * The directory's recorded snapshot against the import's: the freshness read (its stored `asOf` and content
 * digest, shown as the summary shows them) and judged (`judgeSnapshotOrder`): an older export, or another one as
 * of the same instant, is refused unless allowed.
 */
import type { StoredDirectoryFreshness } from '../../../lambdas/aws/owner-directory-reads';
import type { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import { EXPORT_AS_OF_FIELD, type ImportAsOfSource } from '../../../lambdas/hygiene/owner-import-as-of';
import { judgeSnapshotOrder } from '../../../lambdas/hygiene/owner-import-guards';
import { describeStoredValue } from '../../../lambdas/hygiene/stored-value-text';
import type { DatedImportRequest } from './request';
import type { OwnerImportSummary } from './summary';

/** The stored `asOf` exactly as read, of any type (`undefined`: none recorded). */
export function storedAsOf(freshness: StoredDirectoryFreshness | undefined): unknown {
  return freshness?.asOf ?? freshness?.invalidAsOf;
}

/** The stored `contentDigest` exactly as read, of any type (`undefined`: none recorded). */
function storedDigest(freshness: StoredDirectoryFreshness | undefined): unknown {
  return freshness?.contentDigest ?? freshness?.invalidContentDigest;
}

/** A stored value as the summary shows it: its text, or what it is when not a string. */
export function shownStored(stored: unknown): string | undefined {
  if (stored === undefined || typeof stored === 'string') return stored;
  return describeStoredValue(stored);
}

/** The summary's fields of the snapshot judgement. */
export type SnapshotJudgement = Pick<
  OwnerImportSummary,
  'recordedAsOf' | 'olderReason' | 'olderAllowed' | 'otherExport' | 'recordedContentDigest'
>;

/** How a refusal names where the import's instant came from. */
const STATED_AS_OF: Readonly<Record<ImportAsOfSource, string>> = {
  'as-of': '--as-of',
  export: `the export's ${EXPORT_AS_OF_FIELD}`,
  now: "the import's instant (now, no --as-of given)",
};

/**
 * Reads the directory's recorded snapshot and judges the import's against it
 * (`judgeSnapshotOrder`, with the export's content digest): refused when older
 * (or another export as of the same instant) and not allowed.
 * @returns the verdict, and the freshness read (the freshness write's compare-and-swap)
 */
export async function judgeSnapshot(
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
