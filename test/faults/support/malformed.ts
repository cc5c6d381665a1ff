/**
 * fast-check arbitraries of malformed PersonalClient records: wrong types,
 * huge strings, bad and edge-case dates, bad CIDRs, unicode, missing and
 * extra attributes, and — for raw DynamoDB items — sets, binary and numbers
 * where strings belong. Every generated record carries at least one "poison"
 * that makes it invalid by the rules of docs/data-model.md and docs/rules.md, plus random noise.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { HYGIENE_ATTR } from '../../../lambdas/hygiene/data-contract';

/** A raw DynamoDB item (low-level attribute values). */
export type RawDynamoItem = Record<string, AttributeValue>;

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: string): AttributeValue => ({ N: value });

const DATE_FIELDS = [
  'createdAt',
  'updatedAt',
  'expiresTime',
  'lastUsedAt',
  'deletedAt',
  HYGIENE_ATTR.expiryNoticeFor,
] as const;
const STRING_FIELDS = ['userId', 'clientId', 'displayName'] as const;

/** Strings that look like dates but are not valid RFC 3339 instants (or not supported ones). */
export const BAD_DATES: readonly string[] = [
  '2026-12-01',
  '2026-12-01T00:00:00',
  '2026-12-01 00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2025-02-29T12:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-00-10T00:00:00Z',
  '2026-12-01T24:00:00Z',
  '2026-12-01T23:60:00Z',
  '2016-12-31T23:59:60Z',
  '2026-12-01T00:00:00+24:00',
  '2026-12-01T00:00:00+05',
  '+002026-12-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '26-12-01T00:00:00Z',
  '2026-12-01T00:00:00.Z',
  '2026-12-01T00:00:00ZZ',
  'Tue, 01 Dec 2026 00:00:00 GMT',
  '1764547200',
  '1764547200000',
  'now',
  'null',
  '',
  ' ',
  '２０２６-１２-０１T00:00:00Z',
  '2026-12-01T00:00:00Z\u0000',
  '\u202e2026-12-01T00:00:00Z',
];

/** Strings that are not valid CIDR blocks. */
export const BAD_CIDRS: readonly string[] = [
  '10.0.0.0/33',
  '10.0.0.0',
  '10.0.0.0/',
  '/8',
  '256.0.0.0/8',
  '10.0.0/8',
  '10.0.0.0.0/8',
  '010.0.0.0/8x',
  '::1/129',
  'fe80::1%eth0/64',
  'gggg::/16',
  '1:2:3:4:5:6:7:8:9/64',
  '10.0.0.0/-1',
  '10.0.0.0/8 ',
  ' 10.0.0.0/8',
  '10.0.0.0/8\n',
  'any',
  '*',
  '',
  '١٠.٠.٠.٠/٨',
  '10.0.0.0/8/8',
];

/** Unicode edge cases: astral, combining, RTL, zero-width, NUL, a lone surrogate's neighbours. */
const UNICODE_PIECES = [
  '🔑',
  '👩🏽‍💻',
  'e\u0301',
  '\u202eRTL',
  '\u200b',
  '\u0000',
  'Ω≈ç√',
  '中文',
  '\ufeff',
  '\ud7ff\ue000',
  '"quoted" \\ back',
  '<script>',
  '%s %n',
];

const unicodeText = fc
  .array(fc.oneof(fc.constantFrom(...UNICODE_PIECES), fc.string({ unit: 'binary', maxLength: 12 })), {
    maxLength: 6,
  })
  .map((parts) => parts.join(''));

/** 1 to 90 KB of one repeated character, so an item stays under DynamoDB's 400 KB even with a few of them. */
const hugeText = fc
  .tuple(fc.integer({ min: 1_000, max: 90_000 }), fc.constantFrom('x', 'é', '🔑', ' '))
  .map(([bytes, unit]) => unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit))));

const anyText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 3, arbitrary: unicodeText },
  { weight: 1, arbitrary: hugeText },
);

/** Numbers DynamoDB stores, including ones JavaScript cannot hold exactly. */
const numberText = fc.oneof(
  fc.integer().map(String),
  // DynamoDB's range: magnitudes from 1E-130 to under 1E+126.
  fc
    .double({ min: -1e100, max: 1e100, noNaN: true })
    .filter((d) => d === 0 || Math.abs(d) > 1e-100)
    .map((d) => (Object.is(d, -0) ? '0' : String(d))),
  fc.constantFrom(
    '123456789012345678901234567890',
    '-99999999999999999999999999999999999999',
    '1E+125',
    '1E-130',
    '9007199254740993',
    '0.000000000000000000000000000000000001',
  ),
);

const binary = fc.uint8Array({ minLength: 1, maxLength: 64 });

/** Any attribute value at all (extra attributes, and wrong types for known ones). */
export const anyAttributeValue: fc.Arbitrary<AttributeValue> = fc.letrec<{ value: AttributeValue }>(
  (tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      anyText.map(S),
      numberText.map(N),
      binary.map((B) => ({ B })),
      fc.boolean().map((BOOL) => ({ BOOL })),
      fc.constant({ NULL: true } as AttributeValue),
      // Sets hold no empty strings.
      fc
        .uniqueArray(
          anyText.filter((t) => t !== ''),
          { minLength: 1, maxLength: 4 },
        )
        .map((SS) => ({ SS })),
      fc
        .uniqueArray(fc.integer(), { minLength: 1, maxLength: 4 })
        .map((ns) => ({ NS: ns.map(String) }) as AttributeValue),
      fc
        .uniqueArray(binary, {
          minLength: 1,
          maxLength: 3,
          selector: (b) => Buffer.from(b).toString('hex'),
        })
        .map((BS) => ({ BS })),
      fc.array(tie('value'), { maxLength: 3 }).map((L) => ({ L })),
      fc
        .dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('value'), { maxKeys: 3 })
        .map((M) => ({ M })),
    ),
  }),
).value;

/** A value of any type except a plain non-empty string. */
const notAString = anyAttributeValue.filter((v) => v.S === undefined && v.NULL === undefined);

/** One thing that makes a record invalid, as attributes to set (`undefined` = remove). */
type Poison = Record<string, AttributeValue | undefined>;

const poisons: fc.Arbitrary<Poison> = fc.oneof(
  fc.constant<Poison>({ userId: undefined }),
  fc.constantFrom<Poison>({ userId: S('') }, { userId: S('   ') }, { userId: { NULL: true } }),
  fc.record({ field: fc.constantFrom(...STRING_FIELDS), value: notAString }).map(({ field, value }) => ({
    [field]: value,
  })),
  fc
    .record({ field: fc.constantFrom(...DATE_FIELDS), value: fc.constantFrom(...BAD_DATES) })
    .map(({ field, value }) => ({ [field]: S(value) })),
  fc.record({ field: fc.constantFrom(...DATE_FIELDS), value: notAString }).map(({ field, value }) => ({
    [field]: value,
  })),
  fc.record({ field: fc.constantFrom(...DATE_FIELDS), value: anyText }).map(({ field, value }) => ({
    // Text that is not a date (a huge or unicode string), prefixed so it can never parse by luck.
    [field]: S(`x${value}`),
  })),
  fc
    .tuple(fc.array(fc.constantFrom('10.0.0.0/8', '::/0'), { maxLength: 2 }), fc.constantFrom(...BAD_CIDRS))
    .map(([good, bad]) => ({ allowSourceCidr: { L: [...good, bad].map(S) } })),
  fc.constantFrom(...BAD_CIDRS).map((bad) => ({ allowSourceCidr: { SS: ['10.0.0.0/8', `${bad}#`] } })),
  fc
    .record({
      field: fc.constantFrom('allowSourceCidr', 'scopedRoles'),
      value: anyAttributeValue.filter((v) => v.L === undefined && v.SS === undefined && v.NULL === undefined),
    })
    .map(({ field, value }) => ({ [field]: value })),
  fc
    .record({ field: fc.constantFrom('allowSourceCidr', 'scopedRoles'), bad: notAString })
    .map(({ field, bad }) => ({ [field]: { L: [S('10.0.0.0/8'), bad] } })),
  fc.constant<Poison>({ createdAt: S('2026-06-01T00:00:00Z'), expiresTime: S('2026-05-31T23:59:59.999Z') }),
  fc
    .oneof(
      // 0 and 366: integers no configured stage can be (expiryNoticeDays takes 1 to 365).
      fc.constantFrom('-1', '0', '1.5', '366', '3651', '1E+125', '123456789012345678901234567890').map(N),
      fc.constantFrom('7', 'seven').map(S),
      fc.constant<AttributeValue>({ BOOL: true }),
    )
    .map((value) => ({ [HYGIENE_ATTR.expiryNoticeStage]: value })),
  fc
    .constantFrom<AttributeValue>(S('true'), N('1'), { SS: ['true'] }, { L: [] })
    .map((value) => ({ [HYGIENE_ATTR.exempt]: value })),
  fc
    .constantFrom<AttributeValue>(S('gone'), S(''), N('1'), { BOOL: false })
    .map((value) => ({ [HYGIENE_ATTR.deletedReason]: value })),
  fc
    .constantFrom<AttributeValue>(S('1764547200'), N('-1'), N('1.5'), N('1E+30'))
    .map((value) => ({ [HYGIENE_ATTR.purgeAt]: value })),
  // Half a stale flag (the other half removed, so two of these never make a whole one).
  fc.constantFrom<Poison>(
    { [HYGIENE_ATTR.staleFlaggedAt]: S('2026-11-01T00:00:00Z'), [HYGIENE_ATTR.staleDeleteAfter]: undefined },
    { [HYGIENE_ATTR.staleDeleteAfter]: S('2026-11-15T00:00:00Z'), [HYGIENE_ATTR.staleFlaggedAt]: undefined },
  ),
  // A whole flag whose deletion date is before its flag date (no grace at all).
  fc.constantFrom<Poison>(
    {
      [HYGIENE_ATTR.staleFlaggedAt]: S('2026-11-15T00:00:00Z'),
      [HYGIENE_ATTR.staleDeleteAfter]: S('2026-11-01T00:00:00Z'),
    },
    {
      [HYGIENE_ATTR.orphanedAt]: S('2026-11-15T00:00:00Z'),
      [HYGIENE_ATTR.orphanDeleteAfter]: S('2026-11-14T23:59:59Z'),
    },
  ),
);

/** A mostly plausible base record, so the poison is not the only thing the parser sees. */
function baseRecord(id: string): RawDynamoItem {
  return {
    id: S(id),
    userId: S(`user-${id.length % 7}`),
    clientId: S(`client-${id.length}`),
    displayName: S('Fuzzed credential'),
    createdAt: S('2025-01-01T00:00:00Z'),
    updatedAt: S('2025-01-01T00:00:00.000+02:00'),
    expiresTime: S('2026-12-01T00:00:00.123456Z'),
    lastUsedAt: S('2025-06-01T00:00:00Z'),
    allowSourceCidr: { L: [S('10.0.0.0/8')] },
    scopedRoles: { L: [S('role-read')] },
  };
}

/** Extra, unknown attributes of any type (must be kept and ignored). */
const extras = fc.dictionary(
  fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('hygieneUnknown', 'EXTRA', '🔑')),
  anyAttributeValue,
  { maxKeys: 3 },
);

/** Known optional fields to drop (missing attributes). */
const dropped = fc.subarray([
  'clientId',
  'displayName',
  'createdAt',
  'updatedAt',
  'lastUsedAt',
  'scopedRoles',
]);

/** A garbage outbox (index keys valid, so DynamoDB accepts the item): the notifier must leave it alone. */
const garbageOutbox = fc
  .record({
    list: fc.oneof(
      anyAttributeValue,
      fc.array(anyAttributeValue, { minLength: 1, maxLength: 3 }).map((L) => ({ L })),
    ),
    owner: fc.oneof(
      fc.constant('user-1'),
      unicodeText.filter((t) => t !== ''),
    ),
  })
  .map(({ list, owner }) => ({
    hygieneOutbox: list,
    hygieneOutboxOwner: S(owner),
    hygieneOutboxSince: S('2026-11-01T00:00:00.000Z'),
  }));

/**
 * A malformed raw item with the given id: a plausible base, some fields
 * dropped, unknown extra attributes, then one to three poisons.
 */
export function malformedItem(id: string): fc.Arbitrary<RawDynamoItem> {
  return fc
    .record({
      drop: dropped,
      extra: extras,
      outbox: fc.option(garbageOutbox, { freq: 8 }),
      poison: fc.array(poisons, { minLength: 1, maxLength: 3 }),
    })
    .map(({ drop, extra, outbox, poison }) => {
      const item: RawDynamoItem = { ...baseRecord(id), ...outbox };
      for (const name of drop) delete item[name];
      for (const [name, value] of Object.entries(extra))
        if (name !== 'id' && !(name in item)) item[name] = value;
      for (const p of poison) {
        for (const [name, value] of Object.entries(p)) {
          if (value === undefined) delete item[name];
          else item[name] = value;
        }
      }
      return item;
    });
}

/** An id: unique per index, with unicode and odd characters after the prefix (DynamoDB keys: ≤ 2048 bytes). */
export function fuzzId(index: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.string({ maxLength: 20 }),
      unicodeText.map((t) => t.slice(0, 40)),
    )
    .map((suffix) => `fuzz-${index}-${suffix.replaceAll('\u0000', '')}`);
}

/** A batch of `count` malformed raw items with distinct ids. */
export function malformedBatch(minCount: number, maxCount: number): fc.Arbitrary<RawDynamoItem[]> {
  return fc
    .integer({ min: minCount, max: maxCount })
    .chain((count) =>
      fc.tuple(...Array.from({ length: count }, (_, i) => fuzzId(i).chain((id) => malformedItem(id)))),
    );
}

/** An instant written in any valid RFC 3339 form: offsets, 0-9 fraction digits, lower-case `t`/`z`. */
export function rfc3339Variant(ms: number): fc.Arbitrary<string> {
  return fc
    .record({
      offsetMinutes: fc.constantFrom(0, 0, 840, -720, 330, -150),
      fractionDigits: fc.integer({ min: 0, max: 9 }),
      lowerT: fc.boolean(),
      lowerZ: fc.boolean(),
    })
    .map(({ offsetMinutes, fractionDigits, lowerT, lowerZ }) => {
      const local = new Date(ms + offsetMinutes * 60_000).toISOString();
      const fraction =
        fractionDigits === 0 ? '' : `.${`${local.slice(20, 23)}000000`.slice(0, fractionDigits)}`;
      const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
      const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
      const zone =
        offsetMinutes === 0 ? (lowerZ ? 'z' : 'Z') : `${offsetMinutes < 0 ? '-' : '+'}${hours}:${minutes}`;
      const dateTime = local.slice(0, 19).replace('T', lowerT ? 't' : 'T');
      // Drop the sub-second digits the fraction did not keep: the written instant is what was generated, truncated.
      return `${dateTime}${fraction}${zone}`;
    });
}

/** Valid CIDR blocks, IPv4 and IPv6, including "any source". */
const GOOD_CIDRS = [
  '10.0.0.0/8',
  '192.168.1.7/32',
  '0.0.0.0/0',
  '::/0',
  '2001:db8::/32',
  'fe80::1/128',
  '::ffff:10.0.0.1/128',
];

/**
 * A VALID credential with odd but legal content: unicode and huge names,
 * every RFC 3339 form, IPv6 CIDRs, string sets for lists, NULL optionals,
 * unknown attributes of every type (huge numbers included).
 * @param now the instant its dates are spread around
 */
export function oddValidItem(id: string, now: number): fc.Arbitrary<RawDynamoItem> {
  const day = 86_400_000;
  const instant = (fromDays: number, toDays: number) =>
    fc.integer({ min: fromDays, max: toDays }).chain((d) => rfc3339Variant(now + d * day + 12_345));
  const list = (values: fc.Arbitrary<string[]>) =>
    values.chain((v) =>
      v.length === 0
        ? fc.constantFrom<AttributeValue>({ L: [] }, { NULL: true })
        : fc.constantFrom<AttributeValue>({ L: v.map(S) }, { SS: [...new Set(v)] }),
    );
  return fc
    .record({
      userId: fc.oneof(
        fc.constantFrom('user-a', 'user-b', 'user-ü'),
        unicodeText.filter((t) => t.trim() !== '' && t.length < 60),
      ),
      clientId: fc.option(anyText.map(S), { nil: undefined }),
      displayName: fc.option(fc.oneof(anyText, hugeText).map(S), { nil: undefined }),
      createdAt: instant(-800, -400),
      lastUsedAt: fc.option(instant(-200, 0), { nil: undefined }),
      expiresTime: fc.option(instant(-30, 60), { nil: undefined }),
      allowSourceCidr: list(fc.subarray(GOOD_CIDRS, { maxLength: 3 })),
      scopedRoles: list(fc.array(fc.constantFrom('role-read', 'role-админ', '🔑-role'), { maxLength: 2 })),
      exempt: fc.option(fc.boolean(), { nil: undefined, freq: 4 }),
      extra: extras,
    })
    .map((r) => {
      const item: RawDynamoItem = {
        ...r.extra,
        id: S(id),
        userId: S(r.userId),
        createdAt: S(r.createdAt),
        allowSourceCidr: r.allowSourceCidr,
        scopedRoles: r.scopedRoles,
      };
      if (r.clientId) item.clientId = r.clientId;
      if (r.displayName) item.displayName = r.displayName;
      if (r.lastUsedAt) item.lastUsedAt = S(r.lastUsedAt);
      if (r.expiresTime) item.expiresTime = S(r.expiresTime);
      else item.expiresTime = { NULL: true };
      if (r.exempt !== undefined) item[HYGIENE_ATTR.exempt] = { BOOL: r.exempt };
      return item;
    });
}
