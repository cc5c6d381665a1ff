/**
 * Checking each row of an owner export from HR / an IdP (`pc-hygiene owners
 * import`, docs/deploy.md "Owner directory") before an import is planned:
 * which fields a line may carry, every problem of a bad row, each naming
 * its field, and which line is the first of each `userId` (a repeat is named
 * by it, whether either line is bad; a line the reader could not take states
 * no id and is compared with none). Pure: rows in, verdicts
 * out; reading the file is the CLI's.
 *
 * Why every row first: a bad file must leave the directory untouched
 * ("nothing of a bad file is half-written"), so it is refused whole, with
 * each bad row named, before anything is planned or written.
 *
 * Why a `userId` must print as it is (no control or format character: the
 * display rule of untrusted-text.ts): ids are compared exactly, so
 * `u20\u200B` is another owner than `u20`, and prints alike; with `--sync`
 * the real `u20` would be marked departed (their credentials orphaned) and a
 * phantom created at the same address, with nothing on screen to tell them
 * apart.
 */
import { MAX_KEY_BYTES } from './credential';
import { RESERVED_ID_PREFIX } from './data-contract';
import { codePoint, emailAddressProblem } from './email-address-rules';
import { loneSurrogateProblems } from './lone-surrogates';
import { isAddressDigest } from './opted-out-address';
import { OWNER_STATUSES, type OwnerStatus, SUBSCRIPTION_STATES } from './owner-directory';
import { EXPORT_AS_OF_FIELD, FileSnapshotInstant } from './owner-import-as-of';
import { UNSAFE_CHARACTERS } from './untrusted-text';

/** The columns of a CSV export and the keys of a JSON Lines one. */
export const OWNER_FILE_FIELDS = ['userId', 'email', 'name', 'status'] as const;

/**
 * Route state the worker records, present in `owners export` lines, so an
 * export can be edited and imported back. An import keeps only the opt-outs
 * of a line ({@link ExportedOptOuts}: `subscription` `unsubscribed`,
 * `optedOutAddresses`; `KeptOptOuts`, owner-import-opt-outs.ts); the rest belongs to the table it
 * was exported from (its topic's subscription and the confirmation emails it
 * sent, its SES account's bounces) and is ignored, as is `updatedAt`.
 */
export const WORKER_RECORDED_FIELDS = [
  'subscription',
  'subscriptionArn',
  'confirmationEmailsSent',
  'bouncingSince',
  'optedOutAddresses',
  'updatedAt',
] as const;
/**
 * The fields an `owners export` line may carry beyond the owner's: the route
 * state the worker records, and the exported directory's snapshot instant
 * (owner-import-as-of.ts), which the import takes as its `--as-of`.
 */
const EXPORT_FIELDS: readonly string[] = [...WORKER_RECORDED_FIELDS, EXPORT_AS_OF_FIELD];
const KNOWN_FIELDS: readonly string[] = [...OWNER_FILE_FIELDS, ...EXPORT_FIELDS];

const MAX_NAME_LENGTH = 256;
/** Opt-out digests one line may carry: far more than a person has addresses, far below DynamoDB's item size. */
const MAX_OPTED_OUT_ADDRESSES = 1000;
const utf8 = new TextEncoder();

/** One row of the file, as the reader found it. */
export interface OwnerRow {
  /** 1-based line number in the file (the header is line 1 of a CSV). */
  readonly line: number;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** An owner as the file states it. */
export interface ImportedOwner {
  readonly userId: string;
  readonly email?: string;
  readonly name?: string;
  readonly status: OwnerStatus;
  /**
   * What the line says the person opted out of (an `owners export` line,
   * JSON Lines only); absent when it says nothing. Kept for a new owner and
   * merged into an existing one's state (`KeptOptOuts`), never dropped
   * without a word (`OptOutNotApplied`; both owner-import-opt-outs.ts).
   */
  readonly optOuts?: ExportedOptOuts;
}

/**
 * The opt-outs an `owners export` line carries, so moving a directory
 * (export, then import into another table) does not subscribe again everyone
 * who said stop, whether the owner is new to that table or already there
 * (a first HR import ran before; `planOwnerImport`, owner-import.ts).
 */
export interface ExportedOptOuts {
  /**
   * The line's `subscription` is `unsubscribed`: an opt-out at the line's own
   * address, recorded without an ARN (the ARN is the other table's topic's).
   */
  readonly unsubscribed: boolean;
  /** The line's `optedOutAddresses` (address digests), deduplicated and sorted; empty: none. */
  readonly optedOutAddresses: readonly string[];
}

/** A row that cannot be imported, and why (each problem names the field). */
export interface RejectedOwnerRow {
  readonly line: number;
  /** The row's `userId` when a non-empty string; else `null` (and always for a line the reader could not take). */
  readonly userId: string | null;
  readonly problems: readonly string[];
  /** The problem is the CSV header's (wrong, or its line unreadable): it is no row, and no row after it was read. */
  readonly header?: true;
}

function optionalText(
  fields: OwnerRow['fields'],
  key: 'email' | 'name',
  problems: string[],
): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    problems.push(`${key}: must be a string, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return value;
}

/** The line's `optedOutAddresses` as digests, deduplicated and sorted (absent or `null`: none). */
function optedOutDigests(value: unknown, problems: string[]): readonly string[] {
  if (value === undefined || value === null) return [];
  const digest = 'address digest (SHA-256: 64 lowercase hex characters, as owners export writes it)';
  if (!Array.isArray(value)) {
    problems.push(`optedOutAddresses: must be an array, each an ${digest}; got ${JSON.stringify(value)}`);
    return [];
  }
  const bad = value.findIndex((element) => !isAddressDigest(element));
  if (bad >= 0) {
    problems.push(`optedOutAddresses[${bad}]: ${JSON.stringify(value[bad])} is not an ${digest}`);
    return [];
  }
  if (value.length > MAX_OPTED_OUT_ADDRESSES) {
    problems.push(`optedOutAddresses: ${value.length} digests, more than ${MAX_OPTED_OUT_ADDRESSES}`);
    return [];
  }
  return [...new Set(value as string[])].sort();
}

/**
 * The opt-outs of a line's worker-recorded fields ({@link ExportedOptOuts};
 * `undefined` when none). `subscription` must be one of the states (only
 * `unsubscribed` is kept: the others describe the other table's topic), and
 * `optedOutAddresses` an array of digests; a bad value is a problem naming the
 * field, as any other is.
 */
function exportedOptOuts(fields: OwnerRow['fields'], problems: string[]): ExportedOptOuts | undefined {
  const subscription = fields.subscription;
  if (
    subscription !== undefined &&
    subscription !== null &&
    !(SUBSCRIPTION_STATES as readonly unknown[]).includes(subscription)
  ) {
    problems.push(
      `subscription: ${JSON.stringify(subscription)} must be one of ${SUBSCRIPTION_STATES.join(', ')}`,
    );
  }
  const unsubscribed = subscription === 'unsubscribed';
  const optedOutAddresses = optedOutDigests(fields.optedOutAddresses, problems);
  return unsubscribed || optedOutAddresses.length > 0 ? { unsubscribed, optedOutAddresses } : undefined;
}

/**
 * A broken owner email or id rule, said so an operator whose export imported
 * before the rules existed can act on it: the rule's name, and the way out
 * (fix the value at the source, or leave the row out of the export), as
 * one rejected row refuses the whole file (docs/deploy.md, "Owner directory").
 */
function brokenRule(what: string, rule: string, field: 'email' | 'id' = 'email'): string {
  const value = field === 'email' ? 'address' : 'id';
  return (
    `${what} (owner ${field} rule "${rule}", docs/deploy.md "Owner directory"): fix the ${value} in the source, ` +
    'or leave the row out of the export (one rejected row refuses the whole file)'
  );
}

/** What is wrong with an owner's address, or `undefined` ({@link emailAddressProblem}, with the way out of a row). */
function emailProblem(email: string): string | undefined {
  const problem = emailAddressProblem(email);
  if (problem === undefined) return undefined;
  return problem.rule === undefined ? problem.what : brokenRule(problem.what, problem.rule);
}

/**
 * The first character of `text` that would not print as it is: a control or
 * format character, a line or paragraph separator, a blank letter or a selector that selects nothing ({@link
 * UNSAFE_CHARACTERS}, the rule every display of stored ids escapes by; a
 * joiner between two non-ASCII letters, as a name is written, prints and is
 * kept); `undefined`: none.
 */
function unprintableCharacter(text: string): string | undefined {
  // `search` starts at 0 and leaves the global expression's `lastIndex` as it was.
  const at = text.search(UNSAFE_CHARACTERS);
  return at === -1 ? undefined : String.fromCodePoint(text.codePointAt(at) ?? 0);
}

/** A value a line gave where text was required, as a message names it (`a number (5)`), or `undefined` for none. */
function gotValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === '') return 'an empty string';
  if (value === null) return 'null';
  const what = Array.isArray(value)
    ? 'an array'
    : typeof value === 'object'
      ? 'an object'
      : `a ${typeof value}`;
  const json = JSON.stringify(value);
  return json.length > 40 ? what : `${what} (${json})`;
}

/**
 * What is wrong with a `userId` (at most one problem): it must be a
 * non-empty string that prints as it is (see the file header), without
 * leading or trailing whitespace, not a reserved id, within the key size.
 * A value that is no such string is named by what it is (`a number (5)`):
 * a JSON export that writes ids as numbers is then told so.
 */
function userIdProblems(value: unknown): string[] {
  if (typeof value !== 'string' || value === '') {
    const got = gotValue(value);
    return [`userId: required, a non-empty string${got === undefined ? '' : `; got ${got}`}`];
  }
  const unprintable = unprintableCharacter(value);
  if (unprintable !== undefined) {
    const what =
      `userId: holds the invisible character ${codePoint(unprintable)} (control and format characters, line ` +
      'separators, blank letters such as U+3164 and variation selectors that select nothing print alike or not at ' +
      "all, so the id could pass for another owner's, who would be " +
      'marked departed with --sync)';
    return [brokenRule(what, 'no invisible characters', 'id')];
  }
  if (value.trim() !== value) return ['userId: has leading or trailing whitespace'];
  if (value.startsWith(RESERVED_ID_PREFIX)) {
    return [`userId: ids starting with ${RESERVED_ID_PREFIX} are reserved for the worker's own items`];
  }
  if (utf8.encode(value).length > MAX_KEY_BYTES) {
    return [`userId: longer than DynamoDB's ${MAX_KEY_BYTES}-byte key limit`];
  }
  return [];
}

/** What is wrong with a `status` that is not one of {@link OWNER_STATUSES}: missing (absent, `null`, empty), or another value. */
function statusProblem(status: unknown): string {
  const allowed = OWNER_STATUSES.join(', ');
  if (status === undefined || status === null || status === '') return `status: required, one of ${allowed}`;
  return `status: ${JSON.stringify(status)} must be one of ${allowed}`;
}

function fieldProblems(fields: OwnerRow['fields']): {
  problems: string[];
  owner?: Omit<ImportedOwner, 'userId'>;
} {
  const problems: string[] = [];
  const unknown = Object.keys(fields).filter((k) => !KNOWN_FIELDS.includes(k));
  if (unknown.length > 0) {
    problems.push(
      `unknown field(s) ${unknown.join(', ')}: allowed are ${OWNER_FILE_FIELDS.join(', ')}, and in a JSON Lines ` +
        `line the fields owners export writes (${EXPORT_FIELDS.join(', ')})`,
    );
  }
  problems.push(...loneSurrogateProblems(fields));
  const email = optionalText(fields, 'email', problems);
  const badEmail = email === undefined ? undefined : emailProblem(email);
  if (badEmail !== undefined) problems.push(`email: ${JSON.stringify(email)} ${badEmail}`);
  const name = optionalText(fields, 'name', problems);
  if (name !== undefined && name.length > MAX_NAME_LENGTH) {
    problems.push(`name: longer than ${MAX_NAME_LENGTH} characters`);
  }
  const optOuts = exportedOptOuts(fields, problems);
  const status = fields.status;
  if (!(OWNER_STATUSES as readonly unknown[]).includes(status)) {
    problems.push(statusProblem(status));
    return { problems };
  }
  return {
    problems,
    owner: {
      ...(email !== undefined && { email }),
      ...(name !== undefined && { name }),
      status: status as OwnerStatus,
      ...(optOuts !== undefined && { optOuts }),
    },
  };
}

/**
 * A line the reader could not take as a row, and why: a CSV line with the
 * wrong number of fields, a JSON line that repeats a key, is not JSON or no
 * object, a line that is not UTF-8 or too long, or the CSV header (`header`).
 */
export interface UnreadOwnerRow {
  readonly line: number;
  readonly problem: string;
  /** The problem is the CSV header's (wrong, or its line unreadable): it is no row, and no row after it was read. */
  readonly header?: true;
}

/** The id a row is compared by: its `userId` when a non-empty string; `null`: never compared. */
function comparableId(userId: unknown): string | null {
  return typeof userId === 'string' && userId !== '' ? userId : null;
}

/**
 * Which line is the first of each id, for every row of a file the reader
 * took, bad or not: a `userId` seen on an earlier line is a duplicate of
 * the first line with it (a file that says two things about one owner is not
 * guessed at), else this line is its first. Counting bad lines too lets one
 * pass name every problem of the file (fixing the first line does not reveal
 * the duplicate only then).
 * @param firstLineOf `userId` → the first line with it, valid or not; updated
 * @returns the problem `userId: duplicate of line N`, or `undefined`
 */
function repeatProblem(
  id: string | null,
  line: number,
  firstLineOf: Map<string, number>,
): string | undefined {
  if (id === null) return undefined;
  const first = firstLineOf.get(id);
  if (first === undefined) firstLineOf.set(id, line);
  return first === undefined ? undefined : `userId: duplicate of line ${first}`;
}

/**
 * The rejection of a line the reader could not take as a row: its problem
 * alone. No id is read from it (`userId` null), so it takes part in no
 * duplicate check: a CSV line with the wrong number of fields may have its
 * values shifted by an unquoted comma, and any other such line has no columns.
 */
export function rejectUnreadRow(row: UnreadOwnerRow): RejectedOwnerRow {
  return { line: row.line, userId: null, problems: [row.problem], ...(row.header && { header: true }) };
}

/**
 * Checks one row: its fields, whether its `userId` repeats an earlier
 * line's (`userId: duplicate of line N`, whether or not that line is itself
 * bad; an id that is no non-empty string is never compared), and its
 * snapshot instant ({@link EXPORT_AS_OF_FIELD}), which must be one, and the
 * one earlier lines state.
 * @param firstLineOf `userId` → the first line with it, valid or not; updated
 * @param snapshot what the file's lines say of its instant; updated (default: this line alone)
 */
export function checkOwnerRow(
  row: OwnerRow,
  firstLineOf: Map<string, number>,
  snapshot: FileSnapshotInstant = new FileSnapshotInstant(),
): { readonly owner: ImportedOwner } | { readonly rejected: RejectedOwnerRow } {
  const problems = userIdProblems(row.fields.userId);
  const checked = fieldProblems(row.fields);
  problems.push(...checked.problems);
  const exportLine = WORKER_RECORDED_FIELDS.some((field) => row.fields[field] !== undefined);
  problems.push(...snapshot.note(row.line, row.fields[EXPORT_AS_OF_FIELD], exportLine));
  const id = comparableId(row.fields.userId);
  const repeat = repeatProblem(id, row.line, firstLineOf);
  if (repeat !== undefined) problems.push(repeat);
  if (problems.length > 0 || checked.owner === undefined || id === null) {
    return { rejected: { line: row.line, userId: id, problems } };
  }
  return { owner: { userId: id, ...checked.owner } };
}
