/**
 * Reads the run manifests the sweep keeps in the credentials table
 * (docs/data-model.md, "Run manifests"): the run index for `runs list`, a
 * run's header and its pages for `runs show` and `restore --run`. Pages are
 * read one at a time, so a large run never sits in memory whole.
 *
 * Everything read is checked before anything is read from it
 * (`cli/aws/run-manifest-parse.ts`): a malformed header stops the command; a
 * malformed entry of a page or run of the index is named and passed over. A
 * page the header counts may be missing: `runPages` says why and goes on to
 * the next page. `listRuns` without a handler for malformed runs refuses a
 * partial list. A run without a header is not said to have deleted nothing,
 * nor to have ended: a run writes its header last, so one still running has
 * none yet; one that stopped or failed before it, or whose header write failed,
 * never will; and the id may be mistyped. Its deletions, if any, carry its id;
 * its page 1, when stored, says it made some.
 *
 * A CLI-only adapter (the sweep writes through `lambdas/aws/run-manifest-store.ts`).
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_DEFINITION } from '../../lambdas/aws/credential-table-definition';
import {
  HYGIENE_ATTR,
  RUN_INDEX_ID,
  RUN_MANIFEST_ATTR,
  runHeaderId,
  runPageId,
} from '../../lambdas/hygiene/data-contract';
import type { RunIndexEntry, RunManifestHeader } from '../../lambdas/hygiene/run-manifest';
import {
  type MalformedRunIndexEntry,
  MalformedRunIndexError,
  type ManifestPage,
  parseRunHeader,
  parseRunIndex,
  parseRunPage,
} from './run-manifest-parse';

/**
 * No manifest header for this run id: a mistyped id or a run of another
 * table, a run that deleted nothing, one still running (the header comes
 * last), or one that ended before recording its header or whose header
 * write failed.
 */
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

/**
 * Why `runId` has no manifest header, as far as the table tells (one read of
 * its page 1), never more: a run writes its pages as they fill and its header
 * last, once every page write has settled, so the table cannot tell a run
 * still running from one that stopped or failed before its header, or whose
 * header write failed. Without page 1 the id may also be mistyped, or the run
 * deleted nothing. Either way its deletions, if any, carry its id, which
 * `export` shows (docs/deploy.md, "Restore runbook": restoring them by it).
 */
async function missingHeaderText(
  client: DynamoDBDocumentClient,
  tableName: string,
  runId: string,
): Promise<string> {
  const noHeader = `no manifest header for run ${runId} in ${tableName}`;
  const byRun = `${HYGIENE_ATTR.deletedByRun} = ${runId} (pc-hygiene export shows them)`;
  const why =
    'still running (a run writes its header last), or it stopped or failed before writing it, or its header write failed';
  if ((await getItem(client, tableName, runPageId(runId, 1))) !== undefined) {
    return `${noHeader}, but its manifest page 1 is stored: the run made deletions and is ${why}; its manifest cannot be listed without a header, and its deletions carry ${byRun}`;
  }
  return `${noHeader}: the id may be mistyped (see pc-hygiene runs list), or the run deleted nothing, or it is ${why}; its deletions, if any, carry ${byRun}`;
}

/**
 * A run's manifest header, checked ({@link parseRunHeader}).
 * @throws {RunNotFoundError} when the table holds none for `runId` (its message says what that may mean)
 * @throws {MalformedRunHeaderError} when a field has the wrong type or breaks a rule between fields
 */
export async function readRunHeader(
  client: DynamoDBDocumentClient,
  tableName: string,
  runId: string,
): Promise<RunManifestHeader> {
  const item = await getItem(client, tableName, runHeaderId(runId));
  const header = item?.[RUN_MANIFEST_ATTR.header];
  if (header === undefined) throw new RunNotFoundError(await missingHeaderText(client, tableName, runId));
  return parseRunHeader(header, runId, tableName);
}

/** One page of a run's manifest, checked ({@link parseRunPage}); a missing page said so. */
export async function readRunPage(
  client: DynamoDBDocumentClient,
  tableName: string,
  header: RunManifestHeader,
  page: number,
): Promise<ManifestPage> {
  return parseRunPage(await getItem(client, tableName, runPageId(header.runId, page)), header, page);
}

/** A run's manifest, page by page in order, each checked ({@link readRunPage}); a missing page included. */
export async function* runPages(
  client: DynamoDBDocumentClient,
  tableName: string,
  header: RunManifestHeader,
): AsyncGenerator<ManifestPage> {
  for (let page = 1; page <= header.pages; page++) yield readRunPage(client, tableName, header, page);
}

/** Without a handler, a malformed run of the index is an error: a partial list is never returned unsaid. */
const refuseMalformed = (entry: MalformedRunIndexEntry): never => {
  throw new MalformedRunIndexError(entry.error);
};

/**
 * The runs in the index, newest first (at most `RUN_INDEX_LIMIT`; older
 * headers stay readable by id), each checked ({@link parseRunIndex}); none
 * when the table holds no index.
 * @param onMalformed given each malformed run, which is then left out; without it, such a run is an error
 * @throws {MalformedRunIndexError} when the index is not a list, or holds a malformed run and no `onMalformed` is given
 */
export async function listRuns(
  client: DynamoDBDocumentClient,
  tableName: string,
  onMalformed: (entry: MalformedRunIndexEntry) => void = refuseMalformed,
): Promise<RunIndexEntry[]> {
  const item = await getItem(client, tableName, RUN_INDEX_ID);
  if (item === undefined) return [];
  const { runs, malformed } = parseRunIndex(item[RUN_MANIFEST_ATTR.runs], tableName);
  for (const entry of malformed) onMalformed(entry);
  return runs.reverse();
}
