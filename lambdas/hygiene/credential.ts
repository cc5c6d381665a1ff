/**
 * The `PersonalClient` record (its fields: docs/data-model.md) and the
 * worker's own bookkeeping attributes, parsed from any raw item into either a
 * typed credential or a list of problems naming each bad field.
 *
 * Why the outbox is checked here although the policy never reads it: every
 * transition write appends to `hygieneOutbox`, and DynamoDB cannot append to
 * a value that is not a list, so such a record would fail every write of
 * every run (and enough of them abort the sweep) instead of being reported
 * once as invalid (docs/rules.md, "Invalid records"). The outbox index's keys
 * are checked too: DynamoDB refuses to store an item whose index key is not a
 * non-empty string, so `import` and `plan --input` name the attribute at fault
 * instead of relaying DynamoDB's refusal or planning a record no table holds.
 * The item's size too, for the same reason as the outbox: a record that leaves
 * no room under DynamoDB's 400 KB item limit for the worker's own writes
 * would fail every write of every run (`item-size.ts`; docs/data-model.md,
 * "Item size").
 */
import ipaddr from 'ipaddr.js';
import { HYGIENE_ATTR, OUTBOX_ATTR, OUTBOX_INDEX, PURGE_PENDING_ATTR } from './data-contract';
import { describeStoredValue } from './stored-value-text';
import { parseInstant } from './time';

/**
 * The stages (days before `expiresTime`) a sweep may record as noticed in
 * `hygieneExpiryNoticeStage`: the range `expiryNoticeDays` takes its stages
 * from (lambdas/hygiene/config.ts). A stored stage outside it was never
 * written by the worker, and would change decisions (a stage 0 silences every
 * notice for its expiry), so it makes the record invalid.
 */
export const EXPIRY_NOTICE_STAGE_DAYS = { min: 1, max: 365 } as const;

/** Why the worker soft-deleted a credential. */
export const DELETED_REASONS = ['expired', 'stale', 'orphaned'] as const;
export type DeletedReason = (typeof DELETED_REASONS)[number];

/** An instant read from the record: the value as stored and its epoch milliseconds. */
export interface StoredInstant {
  /** Exactly as stored, so conditional writes can compare against it. */
  readonly raw: string;
  /** Whole epoch milliseconds (sub-millisecond digits truncated: lambdas/hygiene/time.ts). */
  readonly ms: number;
}

/** The worker's bookkeeping on one credential. */
export interface HygieneState {
  readonly expiryNoticeStage?: number;
  readonly expiryNoticeFor?: StoredInstant;
  readonly staleFlaggedAt?: StoredInstant;
  readonly staleDeleteAfter?: StoredInstant;
  /** Set while the owner directory marks the owner `departed` (docs/rules.md, "Orphaned credentials"). */
  readonly orphanedAt?: StoredInstant;
  readonly orphanDeleteAfter?: StoredInstant;
  readonly deletedReason?: DeletedReason;
  readonly deletedByRun?: string;
  readonly exempt: boolean;
  readonly purgeAt?: number;
  /**
   * Whether `hygienePurgePending` (the purge held back until a deletion notice
   * is sent) is set: only its presence is read, its value is the notifier's
   * (docs/data-model.md, "Purge waits for the deletion notice").
   */
  readonly purgeHeldBack: boolean;
}

/** A valid credential. Optional seed fields may be absent; a missing `expiresTime` means "never expires". */
export interface Credential {
  readonly id: string;
  readonly userId: string;
  readonly clientId?: string;
  readonly displayName?: string;
  readonly createdAt?: StoredInstant;
  readonly updatedAt?: StoredInstant;
  readonly expiresTime?: StoredInstant;
  readonly lastUsedAt?: StoredInstant;
  readonly deletedAt?: StoredInstant;
  readonly allowSourceCidr?: readonly string[];
  readonly scopedRoles?: readonly string[];
  readonly hygiene: HygieneState;
  /** The item as read, unknown attributes included: never rewritten by the worker. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** One thing wrong with a record. */
export interface Problem {
  /** The attribute at fault (`(record)` for the record as a whole). */
  readonly field: string;
  readonly message: string;
}

/** The outcome of parsing one raw item. */
export type ParsedRecord =
  | { readonly ok: true; readonly credential: Credential }
  | {
      readonly ok: false;
      /** The item's `id` when it is a non-empty string, so reports can name it. */
      readonly id: string | null;
      readonly userId: string | null;
      readonly problems: readonly Problem[];
    };

/** Renders a problem as one line: `field: message`. */
export function formatProblem(problem: Problem): string {
  return `${problem.field}: ${problem.message}`;
}

/** DynamoDB's limit for a partition key value, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 2048;

const utf8 = new TextEncoder();

/** Strings up to this many UTF-16 code units cannot exceed {@link MAX_KEY_BYTES} in UTF-8 (≤ 3 bytes per unit). */
const MAX_KEY_CODE_UNITS_UNCHECKED = Math.floor(MAX_KEY_BYTES / 3);

const ipv4Cidr = /^(\S+)\/(\d{1,3})$/;

/** Distinct CIDR strings whose verdict is remembered; the cache is emptied when it reaches this size. */
export const CIDR_CACHE_LIMIT = 4096;

/** Longer strings are validated every time, not cached (the longest valid CIDR, IPv4-mapped IPv6 /128, has 49 characters). */
const CIDR_CACHE_MAX_LENGTH = 64;

// Tables repeat a few CIDRs (an office range, a VPN range) across many credentials, and validating
// one through ipaddr.js costs more than a map lookup. Bounded in entries and in key length, so
// distinct or oversized values cannot grow memory.
const cidrVerdicts = new Map<string, string | undefined>();

/** Why a string is not a CIDR block, or `undefined` when it is one (IPv4 or IPv6, prefix in range). */
export function cidrProblem(value: string): string | undefined {
  if (value.length > CIDR_CACHE_MAX_LENGTH) return validateCidr(value);
  if (cidrVerdicts.has(value)) return cidrVerdicts.get(value);
  const verdict = validateCidr(value);
  if (cidrVerdicts.size >= CIDR_CACHE_LIMIT) cidrVerdicts.clear();
  cidrVerdicts.set(value, verdict);
  return verdict;
}

function validateCidr(value: string): string | undefined {
  const m = ipv4Cidr.exec(value);
  if (!m) return `${describeStoredValue(value)} is not in CIDR notation (address/prefix)`;
  const [, address = '', prefixText = ''] = m;
  const prefix = Number(prefixText);
  if (address.includes(':')) {
    if (address.includes('%') || !ipaddr.IPv6.isValid(address))
      return `${describeStoredValue(value)} has an invalid IPv6 address`;
    if (prefix > 128) return `${describeStoredValue(value)} has prefix /${prefixText}, above 128 for IPv6`;
    return undefined;
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(address))
    return `${describeStoredValue(value)} has an invalid IPv4 address`;
  if (prefix > 32) return `${describeStoredValue(value)} has prefix /${prefixText}, above 32 for IPv4`;
  return undefined;
}

/** A prefix length of 0 (`/0`, `/00`), at the end of a block {@link cidrProblem} accepted (no white space around). */
const ANY_SOURCE_PREFIX = /\/0+$/;

/** True for a block that contains every address: any prefix of 0 (`0.0.0.0/0`, `::/0`, but also `10.0.0.0/0`, `::0/00`). */
function allowsAnySource(cidr: string): boolean {
  return ANY_SOURCE_PREFIX.test(cidr);
}

/** True when the credential has no real source limit (no CIDRs, or one that allows any address). */
export function hasUnrestrictedSource(credential: Pick<Credential, 'allowSourceCidr'>): boolean {
  const cidrs = credential.allowSourceCidr ?? [];
  return cidrs.length === 0 || cidrs.some(allowsAnySource);
}

/** True when the credential carries its owner's full permissions (no `scopedRoles`). */
export function isUnscoped(credential: Pick<Credential, 'scopedRoles'>): boolean {
  return (credential.scopedRoles ?? []).length === 0;
}

const isDeletedReason = (value: unknown): value is DeletedReason =>
  (DELETED_REASONS as readonly unknown[]).includes(value);

/** Absent and an explicit null both mean "not set". */
const isUnset = (value: unknown): value is undefined | null => value === undefined || value === null;

// Every reader below checks the common case (a valid value, or none) first and formats a message only for a
// bad value: the sweep parses every record of the table, so the valid path allocates nothing it does not return.
class RecordReader {
  readonly problems: Problem[] = [];
  constructor(readonly item: Readonly<Record<string, unknown>>) {}

  private problem(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  /** Records `<must>, got <value>` for a set value of the wrong kind; it then reads as not set. */
  private wrongKind(field: string, must: string, value: unknown): undefined {
    this.problem(field, `${must}, got ${describeStoredValue(value)}`);
    return undefined;
  }

  /** A required string, not empty or blank (only what `trim()` strips), that fits in a DynamoDB key. */
  requiredString(field: string): string | undefined {
    const value = this.item[field];
    if (isUnset(value)) {
      // A stored NULL is named, as every found value is (docs/rules.md, "Invalid records"); absent is just missing.
      this.problem(field, value === null ? 'is missing, got null' : 'is missing');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.problem(field, `must be a string, got ${describeStoredValue(value)}`);
      return undefined;
    }
    if (value === '') {
      this.problem(field, 'is empty');
      return undefined;
    }
    if (value.trim() === '') {
      this.problem(field, `is blank, got ${describeStoredValue(value)}`);
      return undefined;
    }
    // `id` is the table key and `userId` the outbox index key: DynamoDB rejects longer keys,
    // so a write for such a record would fail on every run instead of being reported once.
    // A UTF-16 code unit is at most 3 UTF-8 bytes, so short strings need no encoding.
    if (value.length <= MAX_KEY_CODE_UNITS_UNCHECKED) return value;
    const bytes = utf8.encode(value).length;
    if (bytes > MAX_KEY_BYTES) {
      this.problem(field, `is ${bytes} bytes long, above DynamoDB's key limit of ${MAX_KEY_BYTES} bytes`);
      return undefined;
    }
    return value;
  }

  optionalString(field: string): string | undefined {
    const value = this.item[field];
    if (typeof value === 'string' || isUnset(value)) return value ?? undefined;
    return this.wrongKind(field, 'must be a string', value);
  }

  instant(field: string): StoredInstant | undefined {
    const value = this.item[field];
    if (isUnset(value)) return undefined;
    if (typeof value !== 'string')
      return this.wrongKind(field, 'must be an RFC 3339 date-time string', value);
    const parsed = parseInstant(value);
    if (!parsed.ok) {
      this.problem(field, `${describeStoredValue(value)} is ${parsed.reason}`);
      return undefined;
    }
    return { raw: value, ms: parsed.ms };
  }

  stringList(field: string): string[] | undefined {
    // A DynamoDB string set arrives as a Set through the document client.
    const value = this.item[field];
    if (isUnset(value)) return undefined;
    const list = Array.isArray(value) ? (value as unknown[]) : value instanceof Set ? [...value] : undefined;
    if (list === undefined) return this.wrongKind(field, 'must be a list of strings', value);
    for (let i = 0; i < list.length; i++) {
      if (typeof list[i] !== 'string') {
        this.problem(field, `must be a list of strings, item ${i} is ${describeStoredValue(list[i])}`);
        return undefined;
      }
    }
    return list as string[];
  }

  integer(field: string, min: number, max: number): number | undefined {
    const value = this.item[field];
    if (isUnset(value)) return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    return this.wrongKind(field, `must be an integer from ${min} to ${max}`, value);
  }

  /** An absent or invalid flag reads as `false`. */
  boolean(field: string): boolean {
    const value = this.item[field];
    if (typeof value === 'boolean') return value;
    if (!isUnset(value)) this.wrongKind(field, 'must be a boolean', value);
    return false;
  }

  /**
   * A list the worker appends to, absent or present: unlike other
   * attributes a `NULL` is a problem, since an append to it fails as surely
   * as one to a string.
   */
  appendableList(field: string, what: string): void {
    const value = this.item[field];
    if (value === undefined || Array.isArray(value)) return;
    this.problem(field, `must be a list (${what}), got ${describeStoredValue(value)}`);
  }

  /**
   * A key of the outbox index, absent or present: DynamoDB refuses to store
   * an item whose index key is not a non-empty string (`NULL` included), so
   * an imported record with one could never be written.
   */
  indexKey(field: string): void {
    const value = this.item[field];
    if (value === undefined || (typeof value === 'string' && value !== '')) return;
    this.problem(
      field,
      `must be a non-empty string (a key of the ${OUTBOX_INDEX} index), got ${describeStoredValue(value)}`,
    );
  }

  deletedReason(field: string): DeletedReason | undefined {
    const value = this.item[field];
    if (isUnset(value)) return undefined;
    if (isDeletedReason(value)) return value;
    return this.wrongKind(field, 'must be "expired", "stale" or "orphaned"', value);
  }

  check(condition: boolean, field: string, message: string): void {
    if (!condition) this.problem(field, message);
  }

  /**
   * A flag's deletion date is never before its flag date (the worker writes
   * `now + grace`, a grace of 0 days or more): an earlier one would delete with
   * no grace at all, so it is a problem on the delete-after attribute.
   */
  flagOrder(
    flaggedField: string,
    flaggedAt: StoredInstant | undefined,
    deleteAfterField: string,
    deleteAfter: StoredInstant | undefined,
  ): void {
    if (flaggedAt === undefined || deleteAfter === undefined || deleteAfter.ms >= flaggedAt.ms) return;
    this.problem(
      deleteAfterField,
      `${describeStoredValue(deleteAfter.raw)} is before ${flaggedField} ${describeStoredValue(flaggedAt.raw)}`,
    );
  }

  /** A flag is a pair (flagged at, delete after): half of one cannot be acted on safely. */
  pair(first: string, second: string): void {
    const hasFirst = !isUnset(this.item[first]);
    if (hasFirst === !isUnset(this.item[second])) return;
    this.problem(hasFirst ? second : first, `is required when ${hasFirst ? first : second} is set`);
  }
}

/**
 * Parses one raw item (a JSON value or a DynamoDB document) into a credential,
 * or lists every problem found. Unknown attributes are kept, never errors.
 */
export function parseCredential(item: unknown): ParsedRecord {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return {
      ok: false,
      id: null,
      userId: null,
      problems: [{ field: '(record)', message: `must be an object, got ${describeStoredValue(item)}` }],
    };
  }
  const raw = item as Record<string, unknown>;
  const r = new RecordReader(raw);
  const id = r.requiredString('id');
  const userId = r.requiredString('userId');
  const clientId = r.optionalString('clientId');
  const displayName = r.optionalString('displayName');
  const createdAt = r.instant('createdAt');
  const updatedAt = r.instant('updatedAt');
  const expiresTime = r.instant('expiresTime');
  const lastUsedAt = r.instant('lastUsedAt');
  const deletedAt = r.instant('deletedAt');
  const allowSourceCidr = r.stringList('allowSourceCidr');
  const scopedRoles = r.stringList('scopedRoles');
  const cidrs = allowSourceCidr ?? [];
  for (let i = 0; i < cidrs.length; i++) {
    const why = cidrProblem(cidrs[i] as string);
    if (why) r.check(false, 'allowSourceCidr', `item ${i}: ${why}`);
  }
  if (createdAt && expiresTime) {
    r.check(
      expiresTime.ms >= createdAt.ms,
      'expiresTime',
      `${describeStoredValue(expiresTime.raw)} is before createdAt ${describeStoredValue(createdAt.raw)}`,
    );
  }
  const hygiene = readHygieneState(r);
  if (r.problems.length > 0 || id === undefined || userId === undefined) {
    return {
      ok: false,
      id: typeof raw.id === 'string' && raw.id !== '' ? raw.id : null,
      userId: typeof raw.userId === 'string' && raw.userId !== '' ? raw.userId : null,
      problems: r.problems,
    };
  }
  return {
    ok: true,
    credential: {
      id,
      userId,
      clientId,
      displayName,
      createdAt,
      updatedAt,
      expiresTime,
      lastUsedAt,
      deletedAt,
      allowSourceCidr,
      scopedRoles,
      hygiene,
      raw,
    },
  };
}

/** The worker's own bookkeeping attributes (docs/data-model.md), problems recorded on `r`. */
function readHygieneState(r: RecordReader): HygieneState {
  const stages = EXPIRY_NOTICE_STAGE_DAYS;
  const hygiene: HygieneState = {
    expiryNoticeStage: r.integer(HYGIENE_ATTR.expiryNoticeStage, stages.min, stages.max),
    expiryNoticeFor: r.instant(HYGIENE_ATTR.expiryNoticeFor),
    staleFlaggedAt: r.instant(HYGIENE_ATTR.staleFlaggedAt),
    staleDeleteAfter: r.instant(HYGIENE_ATTR.staleDeleteAfter),
    orphanedAt: r.instant(HYGIENE_ATTR.orphanedAt),
    orphanDeleteAfter: r.instant(HYGIENE_ATTR.orphanDeleteAfter),
    deletedReason: r.deletedReason(HYGIENE_ATTR.deletedReason),
    deletedByRun: r.optionalString(HYGIENE_ATTR.deletedByRun),
    exempt: r.boolean(HYGIENE_ATTR.exempt),
    purgeAt: r.integer(HYGIENE_ATTR.purgeAt, 0, Number.MAX_SAFE_INTEGER),
    purgeHeldBack: !isUnset(r.item[PURGE_PENDING_ATTR]),
  };
  r.pair(HYGIENE_ATTR.staleFlaggedAt, HYGIENE_ATTR.staleDeleteAfter);
  r.pair(HYGIENE_ATTR.orphanedAt, HYGIENE_ATTR.orphanDeleteAfter);
  const { staleFlaggedAt, staleDeleteAfter, orphanedAt, orphanDeleteAfter } = hygiene;
  r.flagOrder(HYGIENE_ATTR.staleFlaggedAt, staleFlaggedAt, HYGIENE_ATTR.staleDeleteAfter, staleDeleteAfter);
  r.flagOrder(HYGIENE_ATTR.orphanedAt, orphanedAt, HYGIENE_ATTR.orphanDeleteAfter, orphanDeleteAfter);
  r.appendableList(OUTBOX_ATTR.events, 'the pending owner notices the sweep appends to');
  r.indexKey(OUTBOX_ATTR.owner);
  r.indexKey(OUTBOX_ATTR.since);
  return hygiene;
}

/**
 * Last activity: `lastUsedAt`, else `createdAt` for a credential never used;
 * `createdAt` too when a `lastUsedAt` is older than it (carried over from
 * another record, or a clock wrong at the source): a credential cannot have
 * been used before it existed, so the later of the two is the one certain
 * (docs/rules.md, "Last activity").
 */
export function lastActivity(credential: Credential): StoredInstant | undefined {
  const { lastUsedAt, createdAt } = credential;
  if (lastUsedAt === undefined) return createdAt;
  return createdAt !== undefined && createdAt.ms > lastUsedAt.ms ? createdAt : lastUsedAt;
}
