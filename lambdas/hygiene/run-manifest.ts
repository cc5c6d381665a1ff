/**
 * The run manifest (docs/data-model.md, "Run manifests"): every enforce run
 * that soft-deletes credentials keeps, in the table, what it deleted and why —
 * one entry per deletion (id, owner, rule, the dates it was decided from;
 * marked `mayHaveApplied` when its write failed but may have taken effect), in
 * pages of at most {@link MANIFEST_PAGE_SIZE} entries and
 * {@link MANIFEST_PAGE_BYTES} bytes, plus a header with the counts — so an
 * auditor can ask "what did run X delete" long after its log is gone, and
 * `restore --run` can undo a whole run. A page whose write failed is listed
 * in the header (`failedPages`), so a reader can tell it from a page lost
 * since. This module is the manifest's records and how one is built from a
 * deletion (pure, below the ports); `run-manifest-recorder.ts` writes a
 * run's manifest through its port, a page at a time.
 */
import { DELETED_REASON_OF } from './action-changes';
import type { Credential, DeletedReason } from './credential';
import { type Action, isDeletion } from './policy';
import type { RunStatus } from './run-summary';
import { formatInstant } from './time';

/**
 * Most deletions per page item. An entry is usually a few hundred bytes, but
 * its `id` and `userId` may each take up to 2 KB (DynamoDB's key limit) and
 * its names up to {@link NAME_LIMIT} characters of up to 4 bytes: 200 such
 * entries would pass DynamoDB's 400 KB item limit, so a page is also closed
 * early by size ({@link MANIFEST_PAGE_BYTES}).
 */
export const MANIFEST_PAGE_SIZE = 200;

/**
 * Most bytes of entries a page holds ({@link manifestEntryBytes}, summed): the
 * recorder writes a page before the entry that would take it past this bound,
 * so a page's entries stay within it (unless one entry alone passes it). The
 * rest of the page item — its key, its run id, the list's own bytes — takes a
 * few KB at most, so the headroom under DynamoDB's 400 KB (409,600 bytes)
 * item limit is for that only, not for an entry. An entry is usually a few
 * hundred bytes, and about 6 KB with its ids at 2 KB and its names at
 * {@link NAME_LIMIT}, but that is no maximum: `lastUsedAt` and `createdAt`
 * are copied as stored, uncut (RFC 3339 allows any number of fraction
 * digits), and an entry alone past the item limit fails its page's write
 * (`failedPages` in the header).
 */
export const MANIFEST_PAGE_BYTES = 350_000;

/**
 * Failed page numbers a header lists (the lowest ones; `failedPageCount`
 * counts them all): at most a few KB, so the header item stays far below
 * DynamoDB's 400 KB item limit however many page writes fail.
 */
export const FAILED_PAGES_RECORDED = 1000;

/** Run index entries kept (the newest): `runs list` reads one item; older headers stay readable by id. */
export const RUN_INDEX_LIMIT = 500;

/**
 * `displayName` and `clientId` are cut to this many characters (code points)
 * in a manifest entry: the id identifies the credential, and an uncut name
 * could make a page pass DynamoDB's item limit.
 */
const NAME_LIMIT = 200;

/** `text` cut to {@link NAME_LIMIT} code points (never splitting a surrogate pair). */
function cutName(text: string): string {
  return text.length <= NAME_LIMIT ? text : Array.from(text).slice(0, NAME_LIMIT).join('');
}

const utf8 = new TextEncoder();

/**
 * An entry's size in a page item, as DynamoDB counts an item (a list element
 * 1 byte, a map 3 bytes, each attribute its name's UTF-8 bytes plus 1 plus its
 * value: a string its UTF-8 bytes, `true` 1 byte): what
 * {@link MANIFEST_PAGE_BYTES} bounds.
 */
export function manifestEntryBytes(entry: ManifestEntry): number {
  let bytes = 1 + 3;
  for (const [name, value] of Object.entries(entry)) {
    bytes += utf8.encode(name).length + 1 + (typeof value === 'string' ? utf8.encode(value).length : 1);
  }
  return bytes;
}

/** One soft-deletion of a run: what, whose, by which rule, from which dates. */
export interface ManifestEntry {
  readonly id: string;
  readonly userId: string;
  readonly clientId?: string;
  readonly displayName?: string;
  /** The rule: `expired` | `stale` | `orphaned` (as `hygieneDeletedReason`). */
  readonly rule: DeletedReason;
  /** The run's `now`, written as `deletedAt`. */
  readonly deletedAt: string;
  /** `expired`: the `expiresTime` that passed. */
  readonly expiresTime?: string;
  /** `stale`: the last use (absent when never used; then `createdAt` counted). */
  readonly lastUsedAt?: string;
  readonly createdAt?: string;
  /** `stale` / `orphaned`: when the credential was flagged, and the end of its grace period. */
  readonly flaggedAt?: string;
  readonly deleteAfter?: string;
  /**
   * Present (`true`) when the deletion's write failed but may have taken
   * effect (docs/sweep.md, "Write failures": a lost response, or every
   * attempt refused, e.g. throttled): the run cannot tell whether the
   * credential was deleted; its item says. Absent for a deletion written.
   */
  readonly mayHaveApplied?: true;
}

/** A run's manifest header: the counts, and how many pages hold its entries. */
export interface RunManifestHeader {
  readonly runId: string;
  /** The run's decision instant (UTC ISO). */
  readonly now: string;
  /** Wall-clock start and end (UTC ISO). */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly status: RunStatus;
  /**
   * Deletions written, per rule, and in total; `unconfirmed`: the entries
   * marked `mayHaveApplied` (a failed write that may or may not have taken
   * effect), counted apart. The pages hold `total + unconfirmed` entries.
   * Headers written before `unconfirmed` have none, and counted such
   * deletions (then unmarked) in `total` and per rule.
   */
  readonly deleted: Readonly<Record<DeletedReason, number>> & {
    readonly total: number;
    readonly unconfirmed?: number;
  };
  /** Pages written, numbered 1…pages (a page whose write failed included). */
  readonly pages: number;
  /**
   * The pages whose write failed during the run, ascending: the lowest
   * {@link FAILED_PAGES_RECORDED} of them. Absent in headers written before
   * failed pages were recorded.
   */
  readonly failedPages?: readonly number[];
  /** How many page writes failed in all (more than `failedPages` lists past the bound); absent with it. */
  readonly failedPageCount?: number;
  /** The guard's verdict on the run's deletions. */
  readonly guard: {
    readonly tripped: boolean;
    readonly overridden: boolean;
    /** Who approved the override (`pc-hygiene guard approve`), when an approval was used. */
    readonly approvedBy?: string;
    /** The approval's STS caller ARN, beside `approvedBy`, when it was recorded against AWS. */
    readonly approverCallerArn?: string;
  };
  /** Who ran it, for an operator's run from the CLI (absent for the scheduled run). */
  readonly by?: string;
  /** With `by`: the STS caller ARN of whoever ran it, when run against AWS. */
  readonly callerArn?: string;
}

/** One line of the run index (`runs list`). */
export interface RunIndexEntry {
  readonly runId: string;
  readonly now: string;
  readonly status: RunManifestHeader['status'];
  /** The header's `deleted.total`: deletions written. */
  readonly deleted: number;
  /** The header's `deleted.unconfirmed`; absent in lines written before it (and for a header without it). */
  readonly unconfirmed?: number;
}

/**
 * Why a page the header counts is not in the table: `write-failed` (the
 * header lists it: its write failed during the run), `lost` (the header lists
 * the run's failed pages and not this one: lost or deleted since the run), or
 * `unknown` (the header does not say: written before failed pages were
 * recorded, or the page is past the {@link FAILED_PAGES_RECORDED} it lists).
 */
export type MissingPageCause = 'write-failed' | 'lost' | 'unknown';

/** Why `page`, counted by `header` but not in the table, is missing (see {@link MissingPageCause}). */
export function missingPageCause(header: RunManifestHeader, page: number): MissingPageCause {
  const listed = header.failedPages;
  if (listed === undefined) return 'unknown';
  if (listed.includes(page)) return 'write-failed';
  const complete = (header.failedPageCount ?? listed.length) <= listed.length;
  return complete || page < (listed.at(-1) ?? 0) ? 'lost' : 'unknown';
}

/**
 * The manifest entry of one deletion: the credential as read and the delete
 * action (the caller marks it `mayHaveApplied` when its write is unconfirmed).
 */
export function manifestEntry(
  credential: Credential,
  actions: readonly Action[],
  now: number,
): ManifestEntry {
  const deletion = actions.find(isDeletion);
  if (deletion === undefined)
    throw new Error(`manifestEntry: no deletion among the actions of ${credential.id}`);
  const raw = credential.raw;
  const text = (field: string) => (typeof raw[field] === 'string' ? (raw[field] as string) : undefined);
  const name = (field: string) => {
    const value = text(field);
    return value === undefined ? undefined : cutName(value);
  };
  const optional = {
    clientId: name('clientId'),
    displayName: name('displayName'),
    expiresTime: deletion.type === 'delete-expired' ? deletion.expiresTime : undefined,
    lastUsedAt: text('lastUsedAt'),
    createdAt: text('createdAt'),
    flaggedAt: deletion.type === 'delete-expired' ? undefined : deletion.flaggedAt,
    deleteAfter: deletion.type === 'delete-expired' ? undefined : deletion.deleteAfter,
  };
  return {
    id: credential.id,
    userId: credential.userId,
    rule: DELETED_REASON_OF[deletion.type],
    deletedAt: formatInstant(now),
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}
