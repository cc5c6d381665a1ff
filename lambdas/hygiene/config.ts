/**
 * The hygiene configuration: one schema, with the defaults of docs/rules.md.
 *
 * The same code validates a CLI `--config` file, CDK context at synth time and
 * the Lambda environment at cold start, so the three can never disagree.
 */
import { en } from 'zod/locales';
// zod/mini: the same validation core as `zod`, with a tree-shakable API. The
// Lambda bundles carry this module; classic `zod` would add ~440 KB to each.
import * as z from 'zod/mini';
import { EXPIRY_NOTICE_STAGE_DAYS } from './credential';
import { decimalShape } from './decimal-shape';
import { hasNonAsciiLocalPart } from './email-address-rules';
import { OWNER_DELIVERY_ROUTES } from './owner-directory';
import { UNSAFE_CHARACTERS } from './untrusted-text';

// English messages for the checks without a custom message (e.g. a missing tier name).
z.config(en());

/** `audit` plans and reports only; `enforce` writes and notifies. */
export const MODES = ['audit', 'enforce'] as const;
export type Mode = (typeof MODES)[number];

const range = (min: number, max: number, integer = true) => {
  const error = `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`;
  return (integer ? z.int({ error }) : z.number({ error })).check(
    z.gte(min, { error }),
    z.lte(max, { error }),
  );
};
const days = (min: number, max: number) => range(min, max);

/**
 * The longest grace period a configuration may set (`staleGraceDays`,
 * `orphanGraceDays`): a flag written at `now` comes due at most this many days
 * later (`--now` is bounded by it, cli/options/now-option.ts).
 */
export const MAX_GRACE_DAYS = 365;

/** What plans and the report call the base stale limit (`staleAfterDays`, no tier): `staleLimit`'s `tier`; a stale warning names no tier then. */
export const DEFAULT_TIER_NAME = 'default';

/** A stricter stale limit for riskier credentials. */
const riskTierSchema = z.strictObject({
  /**
   * Name shown in plans and notices. Not `default`: plans and the report name
   * the base limit (`staleAfterDays`) so, and a tier of that name would be
   * counted as it.
   */
  name: z.string().check(
    z.minLength(1),
    z.maxLength(64),
    z.refine((name) => name !== DEFAULT_TIER_NAME, {
      error: `must not be "${DEFAULT_TIER_NAME}": plans and the report call the base staleAfterDays limit that; rename the tier`,
    }),
  ),
  /** Stale limit (days) for credentials in this tier. */
  staleAfterDays: days(1, 3650),
  /** Matches only credentials without `scopedRoles` (full owner permissions). */
  unscoped: z._default(z.boolean(), false),
  /** Matches only credentials without a real source limit (no CIDRs, or a block with prefix length 0: 0.0.0.0/0, ::/0, any `/0`). */
  unrestrictedSource: z._default(z.boolean(), false),
});

export type RiskTier = z.infer<typeof riskTierSchema>;

/** The keys of one risk tier, in documentation order. */
const RISK_TIER_KEYS = Object.keys(riskTierSchema.shape) as (keyof RiskTier)[];

/**
 * Refuses a tier whose name an earlier tier has: plans, notices and the report
 * name the limit that applied by its tier's name, so two tiers of one name
 * (with different limits or conditions) could not be told apart.
 */
function refuseRepeatedTierNames(tiers: readonly { name: string }[], ctx: z.core.$RefinementCtx): void {
  const firstAt = new Map<string, number>();
  tiers.forEach(({ name }, i) => {
    const first = firstAt.get(name);
    if (first === undefined) {
      firstAt.set(name, i);
      return;
    }
    ctx.addIssue({
      code: 'custom',
      input: name,
      path: [i, 'name'],
      message: `repeats the name of riskTiers.${first}: plans, notices and the report name a tier by its name, so each must be distinct; rename one`,
    });
  });
}

/**
 * The largest `expiryNoticeLookaheadHours`: 366 days, the longest gap of a sweep
 * that runs at least once a year (across a leap day). A sweep rarer than that
 * leaves expired credentials undeleted for over a year, outside what the worker
 * is built for; the construct refuses to derive more from its schedule
 * (lib/expiry-notice-lookahead.ts) rather than deploy such a lookahead.
 */
export const MAX_EXPIRY_NOTICE_LOOKAHEAD_HOURS = 8784;

/** The default risk tier (docs/rules.md): unscoped and unrestricted credentials go stale after 30 days. */
export const DEFAULT_RISK_TIERS: readonly RiskTier[] = [
  { name: 'unscoped-unrestricted', staleAfterDays: 30, unscoped: true, unrestrictedSource: true },
];

/**
 * The largest `scanSegments` and `writeConcurrency` a configuration may set:
 * together, the most DynamoDB requests a sweep keeps in flight (the client's
 * socket pool is sized from them, lambdas/aws/dynamodb-client.ts).
 */
export const CONCURRENCY_MAXIMA = { scanSegments: 64, writeConcurrency: 256 } as const;

/** The most `maxDeletesPerRun` may be (and so the most one guard approval may allow). */
export const MAX_DELETES_PER_RUN_LIMIT = 1_000_000;

/** The longest `ownerContact`: a sentence's worth, kept small (it is in every function's environment). */
export const OWNER_CONTACT_MAX_CHARS = 200;

/**
 * Whether text shows as written in a notice: not blank, no character the owner-facing renderings would flatten
 * (`UNSAFE_CHARACTERS`: controls, line breaks, bidi and invisible format characters), no whitespace but single
 * spaces between words.
 */
function showsAsWritten(text: string): boolean {
  return text.replace(UNSAFE_CHARACTERS, '') === text && /^\S+(?: \S+)*$/u.test(text);
}

/** `senderIdentity`'s shape: `address` or `Name <address>`, on one line. */
const SENDER_IDENTITY = /^(?:[^\r\n<>@]*<[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)$/;

/** The address of a sender identity: `Name <a@b.example>` → `a@b.example`; a bare address as it is. */
export function senderAddress(identity: string): string {
  return /<([^<>]*)>\s*$/.exec(identity)?.[1] ?? identity.trim();
}

export const hygieneConfigSchema = z.strictObject({
  mode: z._default(z.enum(MODES, { error: `must be one of ${MODES.join(', ')}` }), 'audit'),
  expiryNoticeDays: z._default(
    z.pipe(
      z.array(days(EXPIRY_NOTICE_STAGE_DAYS.min, EXPIRY_NOTICE_STAGE_DAYS.max)).check(
        z.maxLength(10),
        z.refine((a) => new Set(a).size === a.length, 'stages must be distinct'),
      ),
      z.transform((a: number[]) => [...a].sort((x, y) => y - x)),
    ),
    [30, 7, 1],
  ),
  /**
   * Up to how many hours before a stage's instant a sweep sends it: the
   * longest gap between two scheduled sweeps, so a stage goes out at the last
   * sweep before its instant, not the first after (docs/rules.md, "The rules").
   * Unset: 0 ({@link expiryNoticeLookaheadMs}); a deployment derives it from its
   * sweep schedule (lib/expiry-notice-lookahead.ts).
   */
  expiryNoticeLookaheadHours: z.optional(range(0, MAX_EXPIRY_NOTICE_LOOKAHEAD_HOURS)),
  staleAfterDays: z._default(days(1, 3650), 90),
  staleGraceDays: z._default(days(0, MAX_GRACE_DAYS), 14),
  riskTiers: z._default(
    z.array(riskTierSchema).check(z.maxLength(20), z.superRefine(refuseRepeatedTierNames)),
    () => [...DEFAULT_RISK_TIERS],
  ),
  maxDeletesPerRun: z._default(range(0, MAX_DELETES_PER_RUN_LIMIT), 500),
  maxDeletePercent: z._default(range(0, 100, false), 10),
  exemptIds: z._default(z.array(z.string().check(z.minLength(1))).check(z.maxLength(10_000)), () => []),
  purgeAfterDays: z.optional(days(1, 3650)),
  scanSegments: z._default(range(1, CONCURRENCY_MAXIMA.scanSegments), 4),
  writeConcurrency: z._default(range(1, CONCURRENCY_MAXIMA.writeConcurrency), 16),
  /** How owner email leaves the worker (docs/notifications.md, "Owner reach"). */
  ownerDelivery: z._default(
    z.enum(OWNER_DELIVERY_ROUTES, { error: `must be one of ${OWNER_DELIVERY_ROUTES.join(', ')}` }),
    'sns-email',
  ),
  /** Days between flagging a departed owner's credential and soft-deleting it (docs/rules.md). */
  orphanGraceDays: z._default(days(0, MAX_GRACE_DAYS), 7),
  /** A directory snapshot older than this (at the run's `now`) orphans nothing (docs/rules.md). */
  directoryMaxAgeDays: z._default(days(1, 3650), 7),
  /**
   * Route `relay`: the verified SES identity owner email comes from, `address`
   * or `Name <address>` (docs/deploy.md, "Email relay (SES)"), ASCII before the
   * `@`; required by the stack when `ownerDelivery` is `relay`.
   */
  senderIdentity: z.optional(
    z.string().check(
      z.maxLength(320, { error: 'must be at most 320 characters' }),
      z.regex(SENDER_IDENTITY, { error: 'must be an email address, or "Name <address>", on one line' }),
      // SES sends from 7-bit addresses only: a non-ASCII name is MIME-encoded and a non-ASCII domain sent in
      // Punycode, but a non-ASCII local part cannot be sent at all (`hasNonAsciiLocalPart`).
      z.refine((v) => !SENDER_IDENTITY.test(v) || !hasNonAsciiLocalPart(senderAddress(v)), {
        error:
          'the address must be ASCII before the @ (Amazon SES cannot send from a non-ASCII local part; ' +
          'a non-ASCII name or domain is fine)',
      }),
    ),
  ),
  /** Route `relay`: the SES configuration set emails go through (bounce and complaint events). */
  sesConfigurationSet: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1-64 letters, digits, _ or -' })),
  ),
  /**
   * Whom an owner asks about a notice, to restore, exempt or stop (docs/configuration.md): a team, a channel or an
   * address, said in every digest instead of "your platform/security team"; one email address is also the relay
   * email's `Reply-To`. Shown as written, so it must read so: one line of {@link OWNER_CONTACT_MAX_CHARS}
   * characters at most, none of them control or invisible, no leading, trailing or repeated spaces.
   */
  ownerContact: z.optional(
    z.string().check(
      z.maxLength(OWNER_CONTACT_MAX_CHARS, {
        error: `must be at most ${OWNER_CONTACT_MAX_CHARS} characters`,
      }),
      z.refine(showsAsWritten, {
        error:
          'must be one line shown as written: not blank, no control or invisible characters (line breaks, tabs, ' +
          'bidi controls, zero-width spaces), no leading, trailing or repeated spaces ' +
          '(e.g. "the Platform team, #platform-help" or "platform-help@example.com")',
      }),
    ),
  ),
});

/** A validated configuration, every default filled in. */
export type HygieneConfig = Readonly<z.infer<typeof hygieneConfigSchema>>;
/** What a caller may write: every key optional. */
export type HygieneConfigInput = z.input<typeof hygieneConfigSchema>;

/** The configuration keys, in documentation order. */
export const CONFIG_KEYS = Object.keys(hygieneConfigSchema.shape) as (keyof HygieneConfig)[];

/** A configuration value is missing, of the wrong type or out of range. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    /** One entry per problem: `key = value: what is allowed`. */
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

function describeValue(input: unknown, path: readonly PropertyKey[]): string {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return 'undefined';
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  // JSON would show NaN and Infinity as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const text = JSON.stringify(v);
  return text === undefined ? 'undefined' : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Validates a configuration object and fills in defaults (`undefined`: all defaults).
 * @param source names where the values came from, for the error message (e.g. "CDK context")
 * @throws {ConfigError} naming each bad key, its value and what is allowed
 */
export function parseConfig(input: unknown, source = 'hygiene config'): HygieneConfig {
  // Only an absent configuration means "the defaults": `null` (a config file holding `null`) is an error.
  if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    return throwConfigError(source, [
      `(root) = ${describeValue(input, [])}: must be a JSON object of settings`,
    ]);
  }
  const result = hygieneConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    if (issue.code === 'unrecognized_keys') {
      // A risk tier has its own keys: name the tier and list those, not the top-level ones.
      if (issue.path.length > 0) {
        const allowed = issue.path[0] === 'riskTiers' ? RISK_TIER_KEYS : [];
        return `${path}: unknown key(s) ${issue.keys.join(', ')}${allowed.length > 0 ? `: allowed keys are ${allowed.join(', ')}` : ''}`;
      }
      return `unknown key(s) ${issue.keys.join(', ')}: allowed keys are ${CONFIG_KEYS.join(', ')}`;
    }
    return `${path} = ${describeValue(input, issue.path)}: ${issue.message}`;
  });
  return throwConfigError(source, problems);
}

function throwConfigError(source: string, problems: string[]): never {
  throw new ConfigError(`Invalid ${source}: ${problems.join('; ')}`, problems);
}

/** The keys whose values are numbers: integers, but for {@link DECIMAL_KEYS}. */
const NUMBER_KEYS = new Set<string>([
  'expiryNoticeLookaheadHours',
  'staleAfterDays',
  'staleGraceDays',
  'maxDeletesPerRun',
  'maxDeletePercent',
  'purgeAfterDays',
  'scanSegments',
  'writeConcurrency',
  'orphanGraceDays',
  'directoryMaxAgeDays',
]);
/** The number keys that take a fraction. */
const DECIMAL_KEYS = new Set<string>(['maxDeletePercent']);

function coerceFlat(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  // A number is its decimal text exactly as written: " 60 " stays text, and so is refused.
  if (NUMBER_KEYS.has(key)) return numberFromText(value, DECIMAL_KEYS.has(key) ? 'decimal' : 'integer');
  const text = value.trim();
  if (key === 'expiryNoticeDays') {
    if (text.startsWith('[')) return safeJson(text);
    return text === '' ? [] : text.split(',').map((s) => numberFromText(s.trim(), 'integer'));
  }
  if (key === 'exemptIds') {
    if (text.startsWith('[')) return safeJson(text);
    return text === '' ? [] : text.split(',').map((s) => s.trim());
  }
  if (key === 'riskTiers') return safeJson(text);
  return value;
}

/** An integer as text: decimal digits only (`60`, `007`). */
const INTEGER_TEXT = /^\d+$/;
/** Decimal text: digits, optionally a fraction with digits on both sides of the point (`2.5`; not `.5` or `5.`). */
const DECIMAL_TEXT = /^\d+(?:\.\d+)?$/;

/**
 * A number written as text, read by the one rule for every setting given as
 * text (CDK context, a `--config` file's quoted values, the Lambda
 * environment; lib/config.ts's deployment keys): decimal text only, as the
 * CLI's numeric flags (`cli/options/numbers.ts`). An `integer` setting takes
 * digits only, so a fraction is refused, not rounded by the double it would
 * become (`"90.0000000000000001"` would read as 90); a `decimal` one
 * (`maxDeletePercent`) takes a fraction too. Never `0x3c`, `6e1`, `.5`, `5.`,
 * ` 60 `, `-1` or `Infinity`, which `Number()` would also read.
 * @returns the number, or the text itself when it is not one, so the setting's check refuses it showing what was written
 */
export function numberFromText(text: string, kind: 'integer' | 'decimal'): number | string {
  return (kind === 'integer' ? INTEGER_TEXT : DECIMAL_TEXT).test(text) ? Number(text) : text;
}

/** A number as decimal text {@link numberFromText} reads back: `String(n)`, without an exponent (`1e-7` → `0.0000001`). */
function decimalText(n: number): string {
  const text = String(n);
  const shape = /e/i.test(text) ? decimalShape(text) : undefined;
  if (shape === undefined) return text;
  const sign = shape.negative ? '-' : '';
  if (shape.exponent <= 0) return `${sign}0.${'0'.repeat(-shape.exponent)}${shape.digits}`;
  return `${sign}${shape.digits.padEnd(shape.exponent, '0')}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Coerces the string values of known keys as CDK context does (`"90"` → 90,
 * `"30,7,1"` → [30, 7, 1], JSON lists and tiers), leaving every other value
 * and every unknown key as it is, so {@link parseConfig} still reports them:
 * how the CLI's `--config` file accepts the value forms `cdk.json` uses.
 */
export function coerceFlatValues(input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const known = new Set<string>(CONFIG_KEYS);
  return Object.fromEntries(
    Object.entries(input).map(([key, value]) => [key, known.has(key) ? coerceFlat(key, value) : value]),
  );
}

/**
 * Reads configuration from a flat string map such as CDK context
 * (`-c staleAfterDays=60 -c expiryNoticeDays=30,7,1`) or Lambda environment
 * variables. Numbers (decimal text only, {@link numberFromText}: `60`; `2.5` for `maxDeletePercent`) and comma lists are
 * coerced; `riskTiers` is JSON. Keys not in the schema are ignored here
 * (context holds other CDK settings).
 * @throws {ConfigError} naming each bad key, its value and what is allowed
 */
export function configFromFlat(
  map: Readonly<Record<string, unknown>>,
  source = 'hygiene config',
): HygieneConfig {
  const picked: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = map[key];
    if (value !== undefined) picked[key] = coerceFlat(key, value);
  }
  return parseConfig(picked, source);
}

/** The configuration as a flat string map (the inverse of {@link configFromFlat}), e.g. for Lambda environment. */
export function configToFlat(config: HygieneConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = config[key];
    if (value === undefined) continue;
    // JSON for lists of strings and objects: ids may contain commas.
    out[key] =
      key === 'riskTiers' || key === 'exemptIds'
        ? JSON.stringify(value)
        : Array.isArray(value)
          ? value.join(',')
          : typeof value === 'number'
            ? decimalText(value)
            : String(value);
  }
  return out;
}

const HOUR_MS = 3_600_000;

/**
 * The expiry notice lookahead in milliseconds: `expiryNoticeLookaheadHours`,
 * 0 when unset (a stage is due from its instant on, docs/configuration.md).
 */
export function expiryNoticeLookaheadMs(config: HygieneConfig): number {
  return (config.expiryNoticeLookaheadHours ?? 0) * HOUR_MS;
}

/** The defaults, as a validated configuration. */
export const DEFAULT_CONFIG: HygieneConfig = parseConfig({});
