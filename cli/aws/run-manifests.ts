/**
 * Reads the run manifests the sweep keeps in the credentials table
 * (docs/data-model.md, "Run manifests"): the run index for `runs list`, a
 * run's header and its pages for `runs show` and `restore --run`. Pages are
 * read one at a time, so a large run never sits in memory whole. A page the
 * header counts may be missing (its write failed: the run summary's
 * `manifest.failed`): `runEntries` stops there with an error naming it,
 * `runPages` says so and goes on to the next page.
 *
 * A CLI-only adapter (the sweep writes through `lambdas/aws/run-manifest-store.ts`).
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_DEFINITION } from '../../lambdas/aws/credential-table-definition';
import { RUN_INDEX_ID, RUN_MANIFEST_ATTR, runHeaderId, runPageId } from '../../lambdas/hygiene/data-contract';
import type { ManifestEntry, RunIndexEntry, RunManifestHeader } from '../../lambdas/hygiene/run-manifest';

/** No manifest header for this run id (never an enforce run that deleted something, or not this table). */
export class RunNotFoundError extends Error {
  override readonly name = 'RunNotFoundError';
}

async function getItem(
  client: DynamoDBDocumentClient,
  tableName: string,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const out = await client.send(
    new GetCommand({
      TableName: tableName,
      Key: { [TABLE_DEFINITION.partitionKey.name]: id },
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

/** The runs in the index, newest first (at most `RUN_INDEX_LIMIT`; older headers stay readable by id). */
export async function listRuns(client: DynamoDBDocumentClient, tableName: string): Promise<RunIndexEntry[]> {
  const item = await getItem(client, tableName, RUN_INDEX_ID);
  const runs = item?.[RUN_MANIFEST_ATTR.runs];
  return Array.isArray(runs) ? (runs as RunIndexEntry[]).slice().reverse() : [];
}

/**
 * A run's manifest header.
 * @throws {RunNotFoundError} when the table holds none for `runId`
 */
export async function readRunHeader(
  client: DynamoDBDocumentClient,
  tableName: string,
  runId: string,
): Promise<RunManifestHeader> {
  const item = await getItem(client, tableName, runHeaderId(runId));
  const header = item?.[RUN_MANIFEST_ATTR.header];
  if (header === undefined || header === null || typeof header !== 'object') {
    throw new RunNotFoundError(
      `no manifest for run ${runId} in ${tableName} (runs that deleted nothing keep none; see pc-hygiene runs list)`,
    );
  }
  return header as RunManifestHeader;
}

/** One page of a run's manifest: its deletions, or none when the page is missing. */
export interface ManifestPage {
  /** 1-based, of `header.pages`. */
  readonly page: number;
  /** `undefined` when the table holds no such page (its write failed). */
  readonly entries: readonly ManifestEntry[] | undefined;
}

/** What a missing page is called in errors and reports. */
export function missingPageText(header: RunManifestHeader, page: number): string {
  return `run ${header.runId}: manifest page ${page} of ${header.pages} is missing`;
}

/** A run's manifest, page by page in order, a missing page included (as no entries). */
export async function* runPages(
  client: DynamoDBDocumentClient,
  tableName: string,
  header: RunManifestHeader,
): AsyncGenerator<ManifestPage> {
  for (let page = 1; page <= header.pages; page++) {
    const item = await getItem(client, tableName, runPageId(header.runId, page));
    const entries = item?.[RUN_MANIFEST_ATTR.entries];
    yield { page, entries: Array.isArray(entries) ? (entries as ManifestEntry[]) : undefined };
  }
}

/** A run's deletions, page by page in order; a missing page is an error naming it. */
export async function* runEntries(
  client: DynamoDBDocumentClient,
  tableName: string,
  header: RunManifestHeader,
): AsyncGenerator<ManifestEntry> {
  for await (const { page, entries } of runPages(client, tableName, header)) {
    if (entries === undefined) throw new Error(missingPageText(header, page));
    yield* entries;
  }
}
