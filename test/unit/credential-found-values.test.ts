/**
 * Every problem names the value it found (docs/rules.md, "Invalid records"):
 * a blank key, a stored `NULL` key and the two dates of "expiresTime before
 * createdAt" are shown as `describeStoredValue` shows any stored value. And
 * the bookkeeping conditions that section lists are the parser's.
 */
import { describe, expect, it } from 'vitest';
import { formatProblem, parseCredential } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { at, rawCredential } from './support/raw-credential';

function problems(item: unknown): string[] {
  const parsed = parseCredential(item);
  if (parsed.ok) throw new Error('expected problems, the record is valid');
  return parsed.problems.map(formatProblem);
}

describe('parseCredential: blank and missing keys', () => {
  it.each([
    ['spaces', '   ', '"   "'],
    ['a tab', '\t', '"\\t"'],
    ['a no-break space', '\u00a0', '"\u00a0"'],
    ['a line separator and a byte order mark', '\u2028\ufeff', '"\u2028\ufeff"'],
  ])('an id or userId of %s is blank, and says what it found', (_name, blank, shown) => {
    expect(problems(rawCredential({ id: blank }))).toEqual([`id: is blank, got ${shown}`]);
    expect(problems(rawCredential({ userId: blank }))).toEqual([`userId: is blank, got ${shown}`]);
  });

  it('an empty id or userId is empty (the value is in the word)', () => {
    expect(problems(rawCredential({ id: '', userId: '' }))).toEqual(['id: is empty', 'userId: is empty']);
  });

  it('a stored null is missing and named; an absent key is only missing', () => {
    expect(problems(rawCredential({ id: null, userId: null }))).toEqual([
      'id: is missing, got null',
      'userId: is missing, got null',
    ]);
    expect(problems(rawCredential({ id: undefined, userId: undefined }))).toEqual([
      'id: is missing',
      'userId: is missing',
    ]);
  });

  it('a character trim() keeps (a zero-width space) is not blank', () => {
    expect(parseCredential(rawCredential({ id: '\u200b' })).ok).toBe(true);
  });
});

describe('parseCredential: expiresTime before createdAt', () => {
  it('quotes both dates', () => {
    expect(
      problems(
        rawCredential({ createdAt: '2027-01-01T00:00:00Z', expiresTime: '2026-01-01T00:00:00+01:00' }),
      ),
    ).toEqual(['expiresTime: "2026-01-01T00:00:00+01:00" is before createdAt "2027-01-01T00:00:00Z"']);
  });

  it('cuts an overlong date as every other message does (60 characters of JSON, `...`)', () => {
    const createdAt = `2027-01-01T00:00:00.${'0'.repeat(200)}Z`;
    expect(problems(rawCredential({ createdAt, expiresTime: '2026-01-01T00:00:00Z' }))).toEqual([
      `expiresTime: "2026-01-01T00:00:00Z" is before createdAt ${JSON.stringify(createdAt).slice(0, 57)}...`,
    ]);
  });
});

describe('parseCredential: the bookkeeping conditions docs/rules.md ("Invalid records") lists', () => {
  it.each([
    [
      { [HYGIENE_ATTR.orphanedAt]: at(-1) },
      'hygieneOrphanDeleteAfter: is required when hygieneOrphanedAt is set',
    ],
    [
      { [HYGIENE_ATTR.orphanDeleteAfter]: at(1) },
      'hygieneOrphanedAt: is required when hygieneOrphanDeleteAfter is set',
    ],
    [
      { [HYGIENE_ATTR.expiryNoticeStage]: 366 },
      'hygieneExpiryNoticeStage: must be an integer from 1 to 365, got the number 366',
    ],
    // A stage 0 would silence every notice for its expiry; the worker never writes one (no stage is 0 days).
    [
      { [HYGIENE_ATTR.expiryNoticeStage]: 0 },
      'hygieneExpiryNoticeStage: must be an integer from 1 to 365, got the number 0',
    ],
    // A deletion date before its flag would delete with no grace; the worker writes now + grace (0 days or more).
    [
      { [HYGIENE_ATTR.staleFlaggedAt]: at(-1), [HYGIENE_ATTR.staleDeleteAfter]: at(-2) },
      `hygieneStaleDeleteAfter: "${at(-2)}" is before hygieneStaleFlaggedAt "${at(-1)}"`,
    ],
    [
      { [HYGIENE_ATTR.orphanedAt]: at(-1), [HYGIENE_ATTR.orphanDeleteAfter]: at(-1, -1) },
      `hygieneOrphanDeleteAfter: "${at(-1, -1)}" is before hygieneOrphanedAt "${at(-1)}"`,
    ],
    [
      { [HYGIENE_ATTR.purgeAt]: -1 },
      `hygienePurgeAt: must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, got the number -1`,
    ],
    [
      { [HYGIENE_ATTR.deletedReason]: 'manual' },
      'hygieneDeletedReason: must be "expired", "stale" or "orphaned", got "manual"',
    ],
  ])('%j is invalid', (extra, expected) => {
    expect(problems(rawCredential(extra))).toEqual([expected]);
  });
});
