/**
 * Checks the run manifests the sweep keeps in the credentials table
 * (docs/data-model.md, "Run manifests") as read, before anything is used:
 * a run's header, its pages' deletion entries and the run index. Pure: no
 * AWS SDK, the reads are `cli/aws/run-manifests.ts`.
 *
 * Why: a stored manifest may be damaged or hand-edited, so every value is
 * stored data, checked by one zod schema per item kind with one error
 * wording. A malformed value is named (run, page, position, field, stored
 * value, rule), never a crash or a runaway loop: a header with a wrong type
 * (a `pages` that is no whole number, a number a double cannot hold, an
 * unknown `status`) or breaking a rule between fields is refused whole; a
 * page's entries and the index's runs are checked one by one, a malformed one
 * named and passed over (an entry's dates are checked as the instants the
 * sweep writes: a damaged date is named, not shown or trusted); a page the
 * header counts that is missing, or whose
 * entries are not a list, is named with why and where its deletions are.
 */
import * as z from 'zod/mini';
import { DELETED_REASONS } from '../../lambdas/hygiene/credential';
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
import { describeStoredValue } from '../../lambdas/hygiene/stored-value-text';
import { formatInstant, parseInstant } from '../../lambdas/hygiene/time';
import { terminalText } from '../../lambdas/render/sanitize';

/** A run's stored header has a field of the wrong type or out of range: nothing is read from it. */
export class MalformedRunHeaderError extends Error {
  override readonly name = 'MalformedRunHeaderError';
}

/** The run index is not a list of runs (or, read without a handler for them, holds a malformed run): nothing is listed. */
export class MalformedRunIndexError extends Error {
  override readonly name = 'MalformedRunIndexError';
}

const WHOLE = `must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`;
const count = z.int({ error: WHOLE }).check(z.gte(0, { error: WHOLE }));
const text = z.string({ error: 'must be a string' });
const optionalText = z.optional(text);
const NON_EMPTY = 'must be a non-empty string';
const nonEmpty = z.string({ error: NON_EMPTY }).check(z.minLength(1, { error: NON_EMPTY }));
const flag = z.boolean({ error: 'must be true or false' });
const STATUSES: Readonly<Record<RunManifestHeader['status'], true>> = {
  complete: true,
  incomplete: true,
  aborted: true,
};
const STATUS_NAMES = Object.keys(STATUSES) as RunManifestHeader['status'][];
const status = z.enum(STATUS_NAMES, { error: `must be one of ${STATUS_NAMES.join(', ')}` });

/** The stored header's shape (unknown fields are dropped: a newer sweep may add some). */
const headerSchema = z.object(
  {
    runId: text,
    now: text,
    startedAt: text,
    finishedAt: text,
    status,
    deleted: z.object(
      { expired: count, stale: count, orphaned: count, total: count, unconfirmed: z.optional(count) },
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
      { tripped: flag, overridden: flag, approvedBy: z.optional(text), approverCallerArn: z.optional(text) },
      { error: 'must be a map' },
    ),
    by: z.optional(text),
    callerArn: z.optional(text),
  },
  { error: 'must be a map' },
);

/** The form of the instants the sweep computes and writes (`formatInstant`). */
const CANONICAL_UTC = 'YYYY-MM-DDTHH:mm:ss.sssZ';

/**
 * The rule a stored instant of an entry breaks, or `undefined`. `run`: an
 * instant the sweep wrote with `formatInstant` (the run's `now`, the expiry
 * and grace instants it decided on), so exactly canonical UTC; `copied`: a
 * credential's own date copied as stored (`lastUsedAt`, `createdAt`), so any
 * RFC 3339 instant the sweep reads (`parseInstant`: it deletes no credential
 * whose dates it cannot read).
 */
function instantProblem(value: string, kind: 'run' | 'copied'): string | undefined {
  const parsed = parseInstant(value);
  if (kind === 'copied')
    return parsed.ok
      ? undefined
      : `must be an RFC 3339 instant, as the credential stored it; it is ${parsed.reason}`;
  if (parsed.ok && formatInstant(parsed.ms) === value) return undefined;
  const found = parsed.ok ? 'a valid instant written in another form' : parsed.reason;
  return `must be an instant in canonical UTC (${CANONICAL_UTC}), as the sweep writes it; it is ${found}`;
}

/** A string that is an instant of `kind` ({@link instantProblem}). */
const instant = (kind: 'run' | 'copied') =>
  text.check(
    z.superRefine((value: string, context) => {
      const problem = instantProblem(value, kind);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem, input: value });
    }),
  );

/** A deletion entry of a page (unknown fields are dropped); every date a checked instant. */
const entrySchema = z.object(
  {
    id: nonEmpty,
    userId: text,
    clientId: optionalText,
    displayName: optionalText,
    rule: z.enum(DELETED_REASONS, { error: `must be one of ${DELETED_REASONS.join(', ')}` }),
    deletedAt: instant('run'),
    expiresTime: z.optional(instant('run')),
    lastUsedAt: z.optional(instant('copied')),
    createdAt: z.optional(instant('copied')),
    flaggedAt: z.optional(instant('run')),
    deleteAfter: z.optional(instant('run')),
    mayHaveApplied: z.optional(z.literal(true, { error: 'must be true when present' })),
  },
  { error: 'must be a map' },
);

/** A run of the run index (unknown fields are dropped). */
const indexEntrySchema = z.object(
  { runId: nonEmpty, now: text, status, deleted: count, unconfirmed: z.optional(count) },
  { error: 'must be a map' },
);

/** A field that breaks a rule (of its type, or between fields): its path and the rule. */
type Inconsistency = readonly [path: readonly PropertyKey[], rule: string];

/** The first field a schema refused, and why. */
function firstIssue(error: {
  readonly issues: readonly { path: PropertyKey[]; message: string }[];
}): Inconsistency {
  const issue = error.issues[0];
  return [issue?.path ?? [], issue?.message ?? 'must be a map'];
}

/** The first rule between the fields the header breaks, if any (each holds for every header the sweep writes). */
function inconsistency(h: RunManifestHeader, runId: string): Inconsistency | undefined {
  const { expired, stale, orphaned, total, unconfirmed } = h.deleted;
  if (h.runId !== runId) return [['runId'], `must be the run's own id, ${JSON.stringify(runId)}`];
  if (total !== expired + stale + orphaned)
    return [['deleted', 'total'], 'must be expired + stale + orphaned'];
  // The pages hold every entry: the deletions written and the unconfirmed ones.
  const entries = total + (unconfirmed ?? 0);
  const counted = unconfirmed === undefined ? 'deleted.total' : 'deleted.total + deleted.unconfirmed';
  if (h.pages > entries || entries > 0 !== h.pages > 0)
    return [['pages'], `must be from 1 to ${counted} (${entries}), or 0 when nothing was deleted`];
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

/** The stored value at `path` (inside `stored`) as an error message names it ({@link describeStoredValue}). */
function describeStored(stored: unknown, path: readonly PropertyKey[]): string {
  let v = stored;
  for (const key of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return describeStoredValue(v);
}

/** The field `problem` names (its path; `root` for the stored value itself). */
const fieldName = ([path]: Inconsistency, root: string): string => (path.length > 0 ? path.join('.') : root);

/** `field = stored value: rule`, for an error message (stored text: sanitise the message). */
function problemText(stored: unknown, problem: Inconsistency, root: string): string {
  return `${fieldName(problem, root)} = ${describeStored(stored, problem[0])}: ${problem[1]}`;
}

/** The error for a stored header breaking a rule: the run, the field, its stored value, sanitised. */
function malformedHeader(
  stored: unknown,
  runId: string,
  tableName: string,
  problem: Inconsistency,
): MalformedRunHeaderError {
  return new MalformedRunHeaderError(
    terminalText(
      `run ${runId}: its manifest header in ${tableName} is malformed: ${problemText(stored, problem, RUN_MANIFEST_ATTR.header)}; ` +
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
  if (!parsed.success) throw malformedHeader(stored, runId, tableName, firstIssue(parsed.error));
  const problem = inconsistency(parsed.data, runId);
  if (problem !== undefined) throw malformedHeader(stored, runId, tableName, problem);
  return parsed.data;
}

/**
 * Why a page the header counts yields no entries: the header's cause for a
 * page the table does not hold (`MissingPageCause`), or `malformed`: the page
 * item is there, but its entries are not a list.
 */
export type ManifestPageCause = MissingPageCause | 'malformed';

/** A page the header counts that the table does not hold, or holds with no list of entries, and why. */
export interface MissingManifestPage {
  /** 1-based, of `header.pages`. */
  readonly page: number;
  readonly cause: ManifestPageCause;
  /** What happened and where its deletions are, one line (stored text: sanitise it to print). */
  readonly error: string;
}

/** A deletion entry of a page that breaks a rule of its type: passed over, the page's other entries used. */
export interface MalformedManifestEntry {
  /** 1-based, of `header.pages`. */
  readonly page: number;
  /** 1-based, of the page's stored entries. */
  readonly position: number;
  /** The first field found wrong (`id`, `rule`, ...), or `entry` when the entry is not a map. */
  readonly field: string;
  /** The stored id, when it is a non-empty string (stored text: sanitise it to print). */
  readonly id?: string;
  /** Which entry, which field, its stored value and the rule, one line, sanitised. */
  readonly error: string;
}

/** One page of a run's manifest: its valid deletions and its malformed ones, or none and why when the page is missing. */
export interface ManifestPage {
  /** 1-based, of `header.pages`. */
  readonly page: number;
  /** The entries that passed the check; empty when the page is missing. */
  readonly entries: readonly ManifestEntry[];
  /** The entries that did not, in stored order; empty when the page is missing. */
  readonly malformed: readonly MalformedManifestEntry[];
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

/** Where the deletions of a page that yields none can still be found (docs/deploy.md, "Restore runbook"). */
const deletionsHint = (runId: string): string =>
  `its deletions carry ${HYGIENE_ATTR.deletedByRun} = ${runId} (pc-hygiene export shows them; docs/deploy.md, "Restore runbook")`;

/** A missing page: why, and where its deletions can still be found. */
export function missingPage(header: RunManifestHeader, page: number): MissingManifestPage {
  const cause = missingPageCause(header, page);
  return {
    page,
    cause,
    error: `run ${header.runId}: manifest page ${page} of ${header.pages} ${causeText(header, cause)}; ${deletionsHint(header.runId)}`,
  };
}

/** A page item whose entries are not a list: reported like a missing page, with the stored value (sanitised). */
function malformedPage(header: RunManifestHeader, page: number, stored: unknown): MissingManifestPage {
  const problem = problemText(stored, [[], 'must be a list of deletion entries'], RUN_MANIFEST_ATTR.entries);
  return {
    page,
    cause: 'malformed',
    error: terminalText(
      `run ${header.runId}: manifest page ${page} of ${header.pages} is malformed: ${problem}; ${deletionsHint(header.runId)}`,
    ),
  };
}

/** The stored `id` of a value when it is a non-empty string, to name a malformed entry by. */
function storedId(stored: unknown, key: string): string | undefined {
  const id =
    stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>)[key] : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** A malformed entry, named by page, position and (when readable) id; its error sanitised. */
function malformedEntry(
  stored: unknown,
  runId: string,
  [page, position]: readonly [page: number, position: number],
  problem: Inconsistency,
): MalformedManifestEntry {
  const id = storedId(stored, 'id');
  const which = `manifest page ${page}, entry ${position}${id === undefined ? '' : ` (id ${JSON.stringify(id)})`}`;
  return {
    page,
    position,
    field: fieldName(problem, 'entry'),
    ...(id !== undefined && { id }),
    error: terminalText(
      `run ${runId}: ${which} is malformed: ${problemText(stored, problem, 'entry')} ` +
        `(pc-hygiene export --include-reserved shows the item ${runPageId(runId, page)})`,
    ),
  };
}

/**
 * Checks a page's stored entries one by one: each that breaks a rule of its
 * type (an `id` that is no string, a missing `rule`, a number where text is
 * expected) is named, not returned.
 */
export function parseRunEntries(
  stored: readonly unknown[],
  runId: string,
  page: number,
): { readonly entries: ManifestEntry[]; readonly malformed: MalformedManifestEntry[] } {
  const entries: ManifestEntry[] = [];
  const malformed: MalformedManifestEntry[] = [];
  stored.forEach((value, i) => {
    const parsed = entrySchema.safeParse(value);
    if (parsed.success) entries.push(parsed.data);
    else malformed.push(malformedEntry(value, runId, [page, i + 1], firstIssue(parsed.error)));
  });
  return { entries, malformed };
}

/**
 * A page item as read (`undefined`: the table does not hold it), checked:
 * missing (with the header's cause), malformed (its entries are not a list),
 * or its entries ({@link parseRunEntries}).
 */
export function parseRunPage(
  item: Record<string, unknown> | undefined,
  header: RunManifestHeader,
  page: number,
): ManifestPage {
  if (item === undefined) return { page, entries: [], malformed: [], missing: missingPage(header, page) };
  const stored = item[RUN_MANIFEST_ATTR.entries];
  if (!Array.isArray(stored))
    return { page, entries: [], malformed: [], missing: malformedPage(header, page, stored) };
  return { page, ...parseRunEntries(stored, header.runId, page) };
}

/** A run of the run index that breaks a rule of its type: not listed, the others are. */
export interface MalformedRunIndexEntry {
  /** 1-based, of the index as stored (oldest first). */
  readonly position: number;
  /** The first field found wrong (`runId`, `deleted`, ...), or `entry` when the run is not a map. */
  readonly field: string;
  /**
   * The stored run id, when it is a non-empty string (stored text: sanitise it to print): its header stays readable
   * by id, and the command that lists the index prints the `runs show` of it, aimed at its own table (an adapter
   * knows no flags).
   */
  readonly runId?: string;
  /** Which run, which field, its stored value and the rule, one line, sanitised (no command: see `runId`). */
  readonly error: string;
}

/** A malformed run of the index, named by position and (when readable) run id; its error sanitised. */
function malformedIndexEntry(
  stored: unknown,
  tableName: string,
  [position, of]: readonly [position: number, of: number],
  problem: Inconsistency,
): MalformedRunIndexEntry {
  const runId = storedId(stored, 'runId');
  const which = `entry ${position} of ${of} (oldest first)${runId === undefined ? '' : `, run ${JSON.stringify(runId)},`}`;
  return {
    position,
    field: fieldName(problem, 'entry'),
    ...(runId !== undefined && { runId }),
    error: terminalText(
      `the run index in ${tableName}: ${which} is malformed: ${problemText(stored, problem, 'entry')}; ` +
        `it is not listed (pc-hygiene export --include-reserved shows the item ${RUN_INDEX_ID})`,
    ),
  };
}

/**
 * Checks the stored run index (its `hygieneRuns`) run by run: each run that
 * breaks a rule of its type is named, not returned. Runs oldest first, as stored.
 * @throws {MalformedRunIndexError} when it is not a list (absent from the index item included)
 */
export function parseRunIndex(
  stored: unknown,
  tableName: string,
): { readonly runs: RunIndexEntry[]; readonly malformed: MalformedRunIndexEntry[] } {
  if (!Array.isArray(stored)) {
    const problem = problemText(stored, [[], 'must be a list of runs'], RUN_MANIFEST_ATTR.runs);
    throw new MalformedRunIndexError(
      terminalText(
        `the run index in ${tableName} is malformed: ${problem}; nothing was listed ` +
          `(pc-hygiene export --include-reserved shows the item ${RUN_INDEX_ID}; each run's header stays readable by id)`,
      ),
    );
  }
  const runs: RunIndexEntry[] = [];
  const malformed: MalformedRunIndexEntry[] = [];
  stored.forEach((value, i) => {
    const parsed = indexEntrySchema.safeParse(value);
    if (parsed.success) runs.push(parsed.data);
    else
      malformed.push(malformedIndexEntry(value, tableName, [i + 1, stored.length], firstIssue(parsed.error)));
  });
  return { runs, malformed };
}
