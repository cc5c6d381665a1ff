/**
 * What `owners import` accepts as an email (lambdas/hygiene/owner-import-rows.ts)
 * and how the worker compares addresses (`normalizeEmail`,
 * lambdas/hygiene/email-address-rules.ts): no invisible control or format
 * characters (ZWNJ and ZWJ excepted only in the domain, right after a
 * non-ASCII letter or mark, where IDNA allows them in some labels), no
 * angle brackets, a dotted domain, each refusal naming its rule and the way
 * out (fix the row, or leave it out of the export); lookalike letters of other
 * scripts accepted (internationalized addresses are legitimate); NFC and NFD
 * spellings of one address are one address, with one opt-out digest, and an
 * ASCII address compares (and digests) exactly as before NFC was applied.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEmail } from '../../lambdas/hygiene/email-address-rules';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';
import { checkOwnerRow } from '../../lambdas/hygiene/owner-import-rows';

/** What every refusal by a rule says after what is wrong: the rule, and what the operator can do. */
const wayOut = (rule: string) =>
  ` (owner email rule "${rule}", docs/deploy.md "Owner directory"): fix the address in the source, ` +
  'or leave the row out of the export (one rejected row refuses the whole file)';

const problemsOf = (email: string): readonly string[] => {
  const checked = checkOwnerRow({ line: 2, fields: { userId: 'u', email, status: 'active' } }, new Map());
  return 'rejected' in checked ? checked.rejected.problems : [];
};

describe('owners import: the email column', () => {
  it.each([
    ['d@e\u200B.com', 'holds the invisible character U+200B'],
    ['a@b\u0001c.com', 'holds the invisible character U+0001'],
    ['\u202Eada@example.com', 'holds the invisible character U+202E'],
    ['ada@example.com\u0000', 'holds the invisible character U+0000'],
    ['ada\uFEFF@example.com', 'holds the invisible character U+FEFF'],
    // ZWNJ and ZWJ outside a non-ASCII name in the domain: they only make an address look like another.
    ['ann\u200C@example.com', 'holds the invisible character U+200C'],
    ['\u0645\u06CC\u200C@example.com', 'holds the invisible character U+200C'],
    ['ann@example\u200D.com', 'holds the invisible character U+200D'],
    ['ann@\u200Cexample.com', 'holds the invisible character U+200C'],
    ['ann@\u200C\u0645\u06CC.example', 'holds the invisible character U+200C'],
    ['ann@\u0645\u06CC\u200C\u200C\u062E.example', 'holds the invisible character U+200C'],
    ['ann@\u0645\u06CC.\u200C.example', 'holds the invisible character U+200C'],
  ])('refuses %j: an invisible character, named by code point', (email, problem) => {
    expect(problemsOf(email)).toEqual([
      `email: ${JSON.stringify(email)} ${problem} (control and format characters are never part of an address; ` +
        `ZWNJ and ZWJ only in the domain, right after a non-ASCII letter, as IDNA uses them)${wayOut('no invisible characters')}`,
    ]);
  });

  it.each(['<a@b.com>', 'Ann <a@b.com>', 'a>@b.com'])('refuses %j: angle brackets', (email) => {
    expect(problemsOf(email)).toEqual([
      `email: ${JSON.stringify(email)} holds < or >: give the bare address (a@example.com), not "Name <a@example.com>"${wayOut('a bare address')}`,
    ]);
  });

  it.each(['root@localhost', 'a@b', 'a@b.', 'a@.com', 'a@b..com'])(
    'refuses %j: no dotted domain, saying why one is needed',
    (email) => {
      expect(problemsOf(email)).toEqual([
        `email: ${JSON.stringify(email)} has no dotted domain (such as example.com) after the @: messages go out as internet mail, which needs one${wayOut('a dotted domain')}`,
      ]);
    },
  );

  it.each([
    'ada@example.com',
    'first.last+tag@sub.example.co.uk',
    // Lookalike (Cyrillic а) and internationalized addresses are legitimate: accepted.
    'p\u0430ypal@example.com',
    'δοκιμή@παράδειγμα.δοκιμή',
    'jose\u0301@example.com',
    // ZWNJ and ZWJ in the domain after a non-ASCII letter or mark: IDNA allows them in some labels (Persian, Indic scripts).
    'ali@\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.example',
    'ravi@\u0915\u094D\u200D\u0937.example',
  ])('accepts %j', (email) => {
    expect(problemsOf(email)).toEqual([]);
  });
});

describe('normalizeEmail', () => {
  it('makes the NFC and NFD spellings of one address one address, with one opt-out digest', () => {
    const nfc = 'Jos\u00e9@Exampl\u00e9.com';
    const nfd = 'Jose\u0301@Example\u0301.com';
    expect(nfc).not.toBe(nfd);
    expect(normalizeEmail(nfd)).toBe(normalizeEmail(nfc));
    expect(normalizeEmail(nfd)).toBe('jos\u00e9@exampl\u00e9.com');
    expect(optedOutAddressDigest(nfd)).toBe(optedOutAddressDigest(nfc));
  });

  it('leaves an ASCII address as the earlier rule (trimmed, lower-cased) did: stored digests still match', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (email) => {
        expect(normalizeEmail(email)).toBe(email.trim().toLowerCase());
      }),
    );
    // `printf 'ada@example.com' | sha256sum`, as stored before NFC was applied.
    expect(optedOutAddressDigest(' Ada@Example.com ')).toBe(
      'b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72',
    );
  });
});
