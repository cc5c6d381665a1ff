/**
 * Reads the run manifests the sweep keeps in the credentials table
 * (docs/data-model.md, "Run manifests"): the run index for `runs list`, a
 * run's header and its pages for `runs show` and `restore --run`. Pages are
 * read one at a time, so a large run never sits in memory whole.
 *
 * The header is stored data, so it is checked before anything is read from
 * it: a wrong type (a `pages` that is no whole number, a number a double
 * cannot hold, an unknown `status`) would otherwise drive the page loop or
 * crash a command. A page the header counts may be missing: `runPages` says
 * why (its write failed in the run, as the header's `failedPages` records; or
 * lost since) and goes on to the next page; `runEntries` stops there with an
 * error naming it.
 *
 * A CLI-only adapter (the sweep writes through `lambdas/aws/run-manifest-store.ts`).
 */
import { type DynamoDBDocumentClient, GetCommand, NumberValue } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { TABLE_DEFINITION } from '../../lambdas/aws/credential-table-definition';
import {
  HYGIENE_ATTR,
  RUN_INDEX_ID,
  RUN_MANIFEST_ATTR,
  runHeaderId,
  runPageId,
} from '../../lambdas/hygiene/data-contract';
import {
  FAILED_PAGES_RECORDED,
  type ManifestEntry,
  type MissingPageCause,
  missingPageCause,
  type RunIndexEntry,
  type RunManifestHeader,
} from '../../lambdas/hygiene/run-manifest';
import { terminalText } from '../../lambdas/render/sanitize';

/** No manifest header for this run id (never an enforce run that deleted something, or not this table). */
export class RunNotFoundError extends Error {
  override readonly name = 'RunNotFoundError';
}

/** A run's stored header has a field of the wrong type or out of range: nothing is read from it. */
export class MalformedRunHeaderError extends Error {
  override readonly name = 'MalformedRunHeaderError';
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

const WHOLE = `must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`;
const count = z.int({ error: WHOLE }).check(z.gte(0, { error: WHOLE }));
const text = z.string({ error: 'must be a string' });
const flag = z.boolean({ error: 'must be true or false' });
const STATUSES: Readonly<Record<RunManifestHeader['status'], true>> = {
  complete: true,
  incomplete: true,
  aborted: true,
};
const STATUS_NAMES = Object.keys(STATUSES) as RunManifestHeader['status'][];

/** The stored header's shape (unknown fields are dropped: a newer sweep may add some). */
const headerSchema = z.object(
  {
    runId: text,
    now: text,
    startedAt: text,
    finishedAt: text,
    status: z.enum(STATUS_NAMES, { error: `must be one of ${STATUS_NAMES.join(', ')}` }),
    deleted: z.object(
      { expired: count, stale: count, orphaned: count, total: count },
      { error: 'must be a map of counts' },
    ),
    pages: count,
    failedPages: z.optional(
      z
        .array(count, { error: 'must be a list of page numbers' })
        .check(
          z.maxLength(FAILED_PAGES_RECORDED, { error: `must list at most ${FAILED_PAGES_RECORDED} pages` }),
        ),
    ),
    failedPageCount: z.optional(count),
    guard: z.object(
      { tripped: flag, overridden: flag, approvedBy: z.optional(text) },
      { error: 'must be a map' },
    ),
    by: z.optional(text),
  },
  { error: 'must be a map' },
);

/** A field that breaks a rule between fields: its path and the rule. */
type Inconsistency = readonly [path: readonly PropertyKey[], rule: string];

/** The first rule between the fields the header breaks, if any (each holds for every header the sweep writes). */
function inconsistency(h: RunManifestHeader, runId: string): Inconsistency | undefined {
  const { expired, stale, orphaned, total } = h.deleted;
  if (h.runId !== runId) return [['runId'], `must be the run's own id, ${JSON.stringify(runId)}`];
  if (total !== expired + stale + orphaned)
    return [['deleted', 'total'], 'must be expired + stale + orphaned'];
  if (h.pages > total || total > 0 !== h.pages > 0)
    return [['pages'], `must be from 1 to deleted.total (${total}), or 0 when nothing was deleted`];
  const failed = h.failedPages;
  if ((failed === undefined) !== (h.failedPageCount === undefined)) {
    const [absent, present] =
      failed === undefined ? ['failedPages', 'failedPageCount'] : ['failedPageCount', 'failedPages'];
    return [[absent], `must be stored with ${present}`];
  }
  if (failed === undefined || h.failedPageCount === undefined) return undefined;
  const bad = failed.findIndex((p, i) => p < 1 || p > h.pages || (i > 0 && p <= (failed[i - 1] ?? 0)));
  if (bad >= 0) return [['failedPages', bad], `must be ascending page numbers from 1 to pages (${h.pages})`];
  const listsAll = h.failedPageCount === failed.length;
  if (h.failedPageCount > h.pages || (!listsAll && failed.length < FAILED_PAGES_RECORDED))
    return [
      ['failedPageCount'],
      `must be at most pages (${h.pages}), and be the number failedPages lists unless it lists ${FAILED_PAGES_RECORDED}`,
    ];
  return undefined;
}

/** A stored value as an error message shows it: short, and the exact text of a number a double cannot hold. */
function describeStored(stored: unknown, path: readonly PropertyKey[]): string {
  let v = stored;
  for (const key of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  if (v === undefined) return '(absent)';
  if (typeof v === 'bigint') return `the number ${v}`;
  if (v instanceof NumberValue) return `the number ${v.toString()}, which a double cannot hold exactly`;
  const json =
    JSON.stringify(v, (_key, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** The error for a stored header breaking `rule` at `path`: the run, the field, its stored value, sanitised. */
function malformedHeader(
  stored: unknown,
  runId: string,
  tableName: string,
  [path, rule]: Inconsistency,
): MalformedRunHeaderError {
  const field = path.length > 0 ? path.join('.') : RUN_MANIFEST_ATTR.header;
  return new MalformedRunHeaderError(
    terminalText(
      `run ${runId}: its manifest header in ${tableName} is malformed: ${field} = ${describeStored(stored, path)}: ${rule}; ` +
        `nothing was read from it (pc-hygiene export --include-reserved shows the item ${runHeaderId(runId)})`,
    ),
  );
}

/**
 * Checks a stored header field by field, then the rules between fields.
 * @throws {MalformedRunHeaderError} naming the run, the field, its stored value and the rule
 */
export function parseRunHeader(stored: unknown, runId: string, tableName: string): RunManifestHeader {
  const parsed = headerSchema.safeParse(stored);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw malformedHeader(stored, runId, tableName, [issue?.path ?? [], issue?.message ?? 'must be a map']);
  }
  const problem = inconsistency(parsed.data, runId);
  if (problem !== undefined) throw malformedHeader(stored, runId, tableName, problem);
  return parsed.data;
}

/**
 * A run's manifest header, checked ({@link parseRunHeader}).
 * @throws {RunNotFoundError} when the table holds none for `runId`
 * @throws {MalformedRunHeaderError} when a field has the wrong type or breaks a rule between fields
 */
export async function readRunHeader(
  client: DynamoDBDocumentClient,
  tableName: string,
  runId: string,
): Promise<RunManifestHeader> {
  const item = await getItem(client, tableName, runHeaderId(runId));
  const header = item?.[RUN_MANIFEST_ATTR.header];
  if (header === undefined) {
    throw new RunNotFoundError(
      `no manifest for run ${runId} in ${tableName} (runs that deleted nothing keep none; see pc-hygiene runs list)`,
    );
  }
  return parseRunHeader(header, runId, tableName);
}

/** A page the header counts that the table does not hold, and why. */
export interface MissingManifestPage {
  /** 1-based, of `header.pages`. */
  readonly page: number;
  readonly cause: MissingPageCause;
  /** What happened and where its deletions are, one line (stored text: sanitise it to print). */
  readonly error: string;
}

/** One page of a run's manifest: its deletions, or none and why when the page is missing. */
export interface ManifestPage {
  /** 1-based, of `header.pages`. */
  readonly page: number;
  /** Empty when the page is missing. */
  readonly entries: readonly ManifestEntry[];
  readonly missing?: MissingManifestPage;
}

/** Why a page is missing, as the header says (see `MissingPageCause`). */
function causeText(header: RunManifestHeader, cause: MissingPageCause): string {
  if (cause === 'write-failed') return 'not recorded: its write failed during the run';
  if (cause === 'lost') return 'missing, although its write did not fail in the run: lost or deleted since';
  const listed = header.failedPages;
  return listed === undefined
    ? 'missing; the header does not say whether its write failed (it predates the record of failed pages)'
    : `missing; the header does not say whether its write failed (it lists only the first ${listed.length} of ${header.failedPageCount} failed pages)`;
}

/** A missing page: why, and where its deletions can still be found (docs/deploy.md, "Restore runbook"). */
export function missingPage(header: RunManifestHeader, page: number): MissingManifestPage {
  const cause = missingPageCause(header, page);
  return {
    page,
    cause,
    error:
      `run ${header.runId}: manifest page ${page} of ${header.pages} ${causeText(header, cause)}; ` +
      `its deletions carry ${HYGIENE_ATTR.deletedByRun} = ${header.runId} (pc-hygiene export shows them; docs/deploy.md, "Restore runbook")`,
  };
}

/** A run's manifest, page by page in order, a missing page included (with no entries, and why). */
export async function* runPages(
  client: DynamoDBDocumentClient,
  tableName: string,
  header: RunManifestHeader,
): AsyncGenerator<ManifestPage> {
  for (let page = 1; page <= header.pages; page++) {
    const item = await getItem(client, tableName, runPageId(header.runId, page));
    const entries = item?.[RUN_MANIFEST_ATTR.entries];
    yield Array.isArray(entries)
      ? { page, entries: entries as ManifestEntry[] }
      : { page, entries: [], missing: missingPage(header, page) };
  }
}

/** A run's deletions, page by page in order; a missing page is an error naming it. */
export async function* runEntries(
  client: DynamoDBDocumentClient,
  tableName: string,
  header: RunManifestHeader,
): AsyncGenerator<ManifestEntry> {
  for await (const { entries, missing } of runPages(client, tableName, header)) {
    if (missing !== undefined) throw new Error(missing.error);
    yield* entries;
  }
}
