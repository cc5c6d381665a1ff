/**
 * Reading a stored credential item (lambdas/hygiene/credential.ts; docs/data-model.md, "Seed fields", "Bookkeeping",
 * "Outbox (internal)"; docs/rules.md, "Invalid records"): seed and bookkeeping fields read with raw dates kept, null
 * optional fields absent, unknown attributes kept silently; the outbox and its index keys as the transition write
 * needs them; each invalid field named with what it holds, every problem listed, id and owner still named when
 * usable; the CIDR check, and the risk helpers (unrestricted source, unscoped, last activity).
 */
import { describe, expect, it } from 'vitest';
import {
  type Credential,
  cidrProblem,
  formatProblem,
  hasUnrestrictedSource,
  isUnscoped,
  lastActivity,
  type ParsedRecord,
  parseCredential,
} from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR, OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { at, rawCredential, T0 } from './support/raw-credential';

function valid(parsed: ParsedRecord): Credential {
  if (!parsed.ok)
    throw new Error(`expected a valid record, got ${parsed.problems.map(formatProblem).join('; ')}`);
  return parsed.credential;
}

function problems(item: unknown): string[] {
  const parsed = parseCredential(item);
  if (parsed.ok) throw new Error('expected problems, the record is valid');
  return parsed.problems.map(formatProblem);
}

describe('parseCredential: valid records', () => {
  it('reads every seed field and keeps the raw strings of dates', () => {
    const item = rawCredential({ expiresTime: '2027-11-26T09:00:00+09:00' });
    const credential = valid(parseCredential(item));
    expect(credential).toMatchObject({
      id: 'pc-1',
      userId: 'user-1',
      clientId: 'brave-otter-12345@acme.conductor.one/pcc',
      displayName: 'terraform',
      allowSourceCidr: ['10.0.0.0/8'],
      scopedRoles: ['ReadOnly'],
      hygiene: { exempt: false },
    });
    expect(credential.expiresTime).toEqual({ raw: '2027-11-26T09:00:00+09:00', ms: Date.UTC(2027, 10, 26) });
    expect(credential.createdAt?.ms).toBe(T0 - 200 * 86_400_000);
  });

  it('accepts a record with only id and userId (every other field optional)', () => {
    const credential = valid(parseCredential({ id: 'x', userId: 'u' }));
    expect(credential.expiresTime).toBeUndefined();
    expect(credential.lastUsedAt).toBeUndefined();
    expect(credential.allowSourceCidr).toBeUndefined();
  });

  it('treats null optional fields as absent', () => {
    const credential = valid(
      parseCredential(
        rawCredential({ expiresTime: null, lastUsedAt: null, scopedRoles: null, clientId: null }),
      ),
    );
    expect(credential.expiresTime).toBeUndefined();
    expect(credential.lastUsedAt).toBeUndefined();
    expect(credential.scopedRoles).toBeUndefined();
    expect(credential.clientId).toBeUndefined();
  });

  it('keeps unknown attributes in raw without reporting them', () => {
    const item = rawCredential({ team: 'platform', tags: { env: 'prod' }, hygieneOutbox: [] });
    const credential = valid(parseCredential(item));
    expect(credential.raw).toBe(item);
    expect(credential.raw.team).toBe('platform');
    expect(credential.raw.tags).toEqual({ env: 'prod' });
  });

  it('reads DynamoDB string sets as lists', () => {
    const credential = valid(parseCredential(rawCredential({ scopedRoles: new Set(['A', 'B']) })));
    expect(credential.scopedRoles).toEqual(['A', 'B']);
  });

  it('accepts expiresTime equal to createdAt (only "before" is wrong)', () => {
    expect(parseCredential(rawCredential({ createdAt: at(0), expiresTime: at(0) })).ok).toBe(true);
  });

  it('accepts the leap day 2028-02-29 in every date field', () => {
    const leap = '2028-02-29T00:00:00Z';
    const item = rawCredential({ createdAt: leap, updatedAt: leap, lastUsedAt: leap, expiresTime: leap });
    expect(parseCredential(item).ok).toBe(true);
  });

  it('reads the bookkeeping attributes', () => {
    const item = rawCredential({
      [HYGIENE_ATTR.expiryNoticeStage]: 7,
      [HYGIENE_ATTR.expiryNoticeFor]: at(365),
      [HYGIENE_ATTR.staleFlaggedAt]: at(-3),
      [HYGIENE_ATTR.staleDeleteAfter]: at(11),
      [HYGIENE_ATTR.exempt]: true,
      [HYGIENE_ATTR.deletedReason]: 'stale',
      [HYGIENE_ATTR.deletedByRun]: 'run-1',
      [HYGIENE_ATTR.purgeAt]: 1_800_000_000,
    });
    expect(valid(parseCredential(item)).hygiene).toMatchObject({
      expiryNoticeStage: 7,
      expiryNoticeFor: { raw: at(365) },
      staleFlaggedAt: { raw: at(-3) },
      staleDeleteAfter: { raw: at(11) },
      exempt: true,
      deletedReason: 'stale',
      deletedByRun: 'run-1',
      purgeAt: 1_800_000_000,
    });
  });
});

describe('parseCredential: the outbox attributes the transition write appends to and keys on', () => {
  it('accepts an outbox that is absent, empty, or a list of anything (the notifier judges the entries)', () => {
    for (const outbox of [undefined, [], [{ eventId: 'e1' }], ['not an event', 5]]) {
      valid(parseCredential(rawCredential({ [OUTBOX_ATTR.events]: outbox })));
    }
  });

  it('accepts a pending outbox with its index keys', () => {
    const item = rawCredential({
      [OUTBOX_ATTR.events]: [{ eventId: 'e1' }],
      [OUTBOX_ATTR.owner]: 'user-1',
      [OUTBOX_ATTR.since]: at(-1),
    });
    expect(valid(parseCredential(item)).raw).toEqual(item);
  });

  it('reports a null outbox although a null elsewhere reads as not set (an append to it fails)', () => {
    expect(problems(rawCredential({ [OUTBOX_ATTR.events]: null, clientId: null }))).toEqual([
      'hygieneOutbox: must be a list (the pending owner notices the sweep appends to), got null',
    ]);
  });
});

describe('parseCredential: invalid records', () => {
  it.each([
    ['missing id', { id: undefined }, 'id: is missing'],
    ['null id', { id: null }, 'id: is missing, got null'],
    ['empty id', { id: '' }, 'id: is empty'],
    ['blank id', { id: '   ' }, 'id: is blank, got "   "'],
    ['numeric id', { id: 42 }, 'id: must be a string, got the number 42'],
    ['missing userId', { userId: undefined }, 'userId: is missing'],
    ['empty userId', { userId: '' }, 'userId: is empty'],
    ['userId as a list', { userId: ['u'] }, 'userId: must be a string, got a list ["u"]'],
    [
      'userId above the DynamoDB key limit',
      { userId: 'é'.repeat(1025) },
      "userId: is 2050 bytes long, above DynamoDB's key limit of 2048 bytes",
    ],
    [
      'id above the DynamoDB key limit',
      { id: 'x'.repeat(2049) },
      "id: is 2049 bytes long, above DynamoDB's key limit of 2048 bytes",
    ],
    ['clientId as a number', { clientId: 7 }, 'clientId: must be a string, got the number 7'],
    ['displayName as a map', { displayName: { a: 1 } }, 'displayName: must be a string, got a map {"a":1}'],
    [
      'scopedRoles as a string',
      { scopedRoles: 'Admin' },
      'scopedRoles: must be a list of strings, got "Admin"',
    ],
    [
      'scopedRoles with a number',
      { scopedRoles: ['a', 3] },
      'scopedRoles: must be a list of strings, item 1 is the number 3',
    ],
    [
      'allowSourceCidr as a map',
      { allowSourceCidr: {} },
      'allowSourceCidr: must be a list of strings, got a map {}',
    ],
    [
      'createdAt as a number',
      { createdAt: 1_700_000_000_000 },
      'createdAt: must be an RFC 3339 date-time string',
    ],
    ['expiresTime as a boolean', { expiresTime: true }, 'expiresTime: must be an RFC 3339 date-time string'],
    [
      'expiresTime date-only',
      { expiresTime: '2027-01-01' },
      'expiresTime: "2027-01-01" is a date without a time',
    ],
    [
      'lastUsedAt without zone',
      { lastUsedAt: '2026-11-01T10:00:00' },
      'lastUsedAt: "2026-11-01T10:00:00" is a date-time without a time zone',
    ],
    [
      'updatedAt impossible',
      { updatedAt: '2026-02-30T00:00:00Z' },
      'updatedAt: "2026-02-30T00:00:00Z" is an impossible date',
    ],
    [
      'createdAt 2027-02-29',
      { createdAt: '2027-02-29T00:00:00Z' },
      'createdAt: "2027-02-29T00:00:00Z" is an impossible date',
    ],
    [
      'deletedAt extended year',
      { deletedAt: '+002026-11-01T00:00:00Z' },
      'deletedAt: "+002026-11-01T00:00:00Z" is not an RFC 3339 date-time',
    ],
    [
      'expiresTime before createdAt',
      { createdAt: at(-10), expiresTime: at(-10, -1) },
      `expiresTime: "${at(-10, -1)}" is before createdAt "${at(-10)}"`,
    ],
    ['exempt as a string', { [HYGIENE_ATTR.exempt]: 'true' }, 'hygieneExempt: must be a boolean, got "true"'],
    [
      'notice stage fractional',
      { [HYGIENE_ATTR.expiryNoticeStage]: 7.5 },
      'hygieneExpiryNoticeStage: must be an integer from 1 to 365',
    ],
    [
      'notice for not a date',
      { [HYGIENE_ATTR.expiryNoticeFor]: 'soon' },
      'hygieneExpiryNoticeFor: "soon" is not an RFC 3339 date-time',
    ],
    [
      'deleted reason unknown',
      { [HYGIENE_ATTR.deletedReason]: 'manual' },
      'hygieneDeletedReason: must be "expired", "stale" or "orphaned", got "manual"',
    ],
    [
      'flag without deleteAfter',
      { [HYGIENE_ATTR.staleFlaggedAt]: at(-1) },
      'hygieneStaleDeleteAfter: is required when hygieneStaleFlaggedAt is set',
    ],
    [
      'deleteAfter without flag',
      { [HYGIENE_ATTR.staleDeleteAfter]: at(1) },
      'hygieneStaleFlaggedAt: is required when hygieneStaleDeleteAfter is set',
    ],
    [
      'expiresTime before year 0000 in UTC',
      { expiresTime: '0000-01-01T00:00:00+01:00', createdAt: undefined },
      'expiresTime: "0000-01-01T00:00:00+01:00" is an instant before 0000-01-01T00:00:00Z in UTC',
    ],
    [
      'lastUsedAt after year 9999 in UTC',
      { lastUsedAt: '9999-12-31T23:30:00-01:00' },
      'lastUsedAt: "9999-12-31T23:30:00-01:00" is an instant after 9999-12-31T23:59:59.999Z in UTC',
    ],
    [
      'outbox as a string',
      { [OUTBOX_ATTR.events]: 'oops' },
      'hygieneOutbox: must be a list (the pending owner notices the sweep appends to), got "oops"',
    ],
    [
      'outbox null',
      { [OUTBOX_ATTR.events]: null },
      'hygieneOutbox: must be a list (the pending owner notices the sweep appends to), got null',
    ],
    [
      'outbox as a map',
      { [OUTBOX_ATTR.events]: { eventId: 'e' } },
      'hygieneOutbox: must be a list (',
      'got a map {"eventId":"e"}',
    ],
    [
      'outbox as a string set',
      { [OUTBOX_ATTR.events]: new Set(['e']) },
      'hygieneOutbox: must be a list (',
      'got a set ["e"]',
    ],
    [
      'outbox as a number',
      { [OUTBOX_ATTR.events]: 0 },
      'hygieneOutbox: must be a list (',
      'got the number 0',
    ],
    [
      'outbox owner as a number',
      { [OUTBOX_ATTR.owner]: 5 },
      'hygieneOutboxOwner: must be a non-empty string (a key of the hygiene-outbox index), got the number 5',
    ],
    [
      'outbox owner empty',
      { [OUTBOX_ATTR.owner]: '' },
      'hygieneOutboxOwner: must be a non-empty string',
      'got ""',
    ],
    [
      'outbox owner null',
      { [OUTBOX_ATTR.owner]: null },
      'hygieneOutboxOwner: must be a non-empty string',
      'got null',
    ],
    [
      'outbox since as a number',
      { [OUTBOX_ATTR.since]: 1_700_000_000 },
      'hygieneOutboxSince: must be a non-empty string (a key of the hygiene-outbox index), got the number 1700000000',
    ],
  ])('%s', (_name, overrides, expected, ending = '') => {
    const found = problems(rawCredential(overrides));
    expect(
      found.some((p) => p.startsWith(expected) && p.endsWith(ending)),
      `${found.join(' | ')} should contain ${expected}…${ending}`,
    ).toBe(true);
  });

  it.each([null, 'text', 42, ['id'], true])('a non-object item (%j) is one record-level problem', (item) => {
    expect(problems(item)).toEqual([expect.stringMatching(/^\(record\): must be an object, got /)]);
  });

  it('lists every problem of a record, not only the first', () => {
    const found = problems({ id: '', createdAt: '2026-11-26', allowSourceCidr: ['10.0.0.0/33', 'x'] });
    expect(found).toEqual([
      'id: is empty',
      'userId: is missing',
      'createdAt: "2026-11-26" is a date without a time',
      'allowSourceCidr: item 0: "10.0.0.0/33" has prefix /33, above 32 for IPv4',
      'allowSourceCidr: item 1: "x" is not in CIDR notation (address/prefix)',
    ]);
  });

  it('still names the id and owner of an invalid record when they are usable', () => {
    expect(parseCredential(rawCredential({ expiresTime: 'never' }))).toMatchObject({
      ok: false,
      id: 'pc-1',
      userId: 'user-1',
    });
    expect(parseCredential({ id: 5, userId: '' })).toMatchObject({ ok: false, id: null, userId: null });
  });
});

describe('cidrProblem', () => {
  it.each([
    '10.0.0.0/8',
    '0.0.0.0/0',
    '198.51.100.7/32',
    '192.168.1.0/24',
    '2001:db8::/32',
    '::/0',
    '::1/128',
    '::ffff:10.0.0.1/128',
    'fe80::/10',
  ])('%s is a CIDR', (cidr) => {
    expect(cidrProblem(cidr)).toBeUndefined();
  });

  it.each([
    ['10.0.0.0/33', 'above 32 for IPv4'],
    ['2001:db8::/129', 'above 128 for IPv6'],
    ['10.0.0.0', 'not in CIDR notation'],
    ['10.0.0.0/', 'not in CIDR notation'],
    ['10.0.0.0/-1', 'not in CIDR notation'],
    ['10.0.0.0/1000', 'not in CIDR notation'],
    ['10.0.0.0/8 ', 'not in CIDR notation'],
    ['10.0.0/8', 'invalid IPv4 address'],
    ['10.0.0.256/24', 'invalid IPv4 address'],
    ['10.0.0.0.0/24', 'invalid IPv4 address'],
    ['0x0a.0.0.0/8', 'invalid IPv4 address'],
    ['example.com/24', 'invalid IPv4 address'],
    ['2001:db8:::/32', 'invalid IPv6 address'],
    ['2001:db8::g/64', 'invalid IPv6 address'],
    ['fe80::1%eth0/64', 'invalid IPv6 address'],
  ])('%s: %s', (cidr, reason) => {
    expect(cidrProblem(cidr)).toContain(reason);
  });
});

describe('risk helpers', () => {
  it.each([
    [undefined, true],
    [[], true],
    [['0.0.0.0/0'], true],
    [['10.0.0.0/8', '::/0'], true],
    [['10.0.0.0/8'], false],
    [['2001:db8::/32'], false],
  ])('hasUnrestrictedSource(%j) is %s', (allowSourceCidr, expected) => {
    expect(hasUnrestrictedSource({ allowSourceCidr })).toBe(expected);
  });

  it('any prefix-0 block allows every source, however the address is written', () => {
    for (const cidr of ['0.0.0.0/00', '10.0.0.0/0', '::0/0', '0:0:0:0:0:0:0:0/0']) {
      expect(cidrProblem(cidr), cidr).toBeUndefined();
      expect(hasUnrestrictedSource({ allowSourceCidr: [cidr] }), cidr).toBe(true);
    }
  });

  it('isUnscoped is true without scopedRoles', () => {
    expect(isUnscoped({})).toBe(true);
    expect(isUnscoped({ scopedRoles: [] })).toBe(true);
    expect(isUnscoped({ scopedRoles: ['R'] })).toBe(false);
  });

  it('lastActivity is lastUsedAt, else createdAt, else nothing', () => {
    expect(lastActivity(valid(parseCredential(rawCredential())))?.raw).toBe(at(-1));
    expect(lastActivity(valid(parseCredential(rawCredential({ lastUsedAt: undefined }))))?.raw).toBe(
      at(-200),
    );
    expect(lastActivity(valid(parseCredential({ id: 'x', userId: 'u' })))).toBeUndefined();
  });
});
