/**
 * The rules an email address the worker will write to must meet, whoever gives
 * it: an owner's, in a row of an owner export (owner-import-rows.ts, which adds
 * the way out of a bad row), and an admin's, in the deployment's `adminEmails`
 * (lib/credential-hygiene-props.ts). One rule for both, so an address an owner
 * import refuses (an invisible character pasted with it, `Name <a@x>`, two
 * addresses run together) is not subscribed as an admin's, where the admins'
 * messages would go to a mailbox nobody reads (docs/deploy.md, "Owner
 * directory"). Not a full RFC 5322 parser. Pure.
 */
import { localPartSpecial } from './owner-directory';

/** RFC 5321's limit on an address. */
const MAX_EMAIL_LENGTH = 254;
/** One `@`, something on both sides, no whitespace: enough to catch a column mix-up, not a full RFC 5322 parser. */
const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** A control or format character (`\u0001`, a zero-width space `\u200B`): invisible, never part of an address. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
/**
 * ZWNJ or ZWJ (U+200C, U+200D) right after a non-ASCII letter or combining
 * mark (a Persian letter, an Indic virama), at the end of the text tested:
 * where IDNA allows them in a label, as part of how a name is written.
 * Anywhere else (`ann\u200C@example.com`, after an ASCII letter) they only
 * make an address look like another.
 */
const JOINER_IN_A_NAME = /(?!\p{ASCII})[\p{L}\p{M}][\u200C\u200D]$/u;

/** What is wrong with an address: said of it (`holds < or >: …`), and the rule broken, named (none: no address). */
export interface EmailAddressProblem {
  /** The problem, said of the address (it reads after the address: `"x" holds …`, `"x" is not an email address`). */
  readonly what: string;
  /** The rule's name (`no invisible characters`, `a bare address`, `a plain local part`, `a dotted domain`). */
  readonly rule?: string;
}

/** A character as the rules name it, by its code point (`U+200B`): an invisible one cannot be shown. */
export function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * What is wrong with an address, or `undefined`. It refuses what would make
 * a message go nowhere, or go to an address that only looks like the one
 * intended, or to two. Lookalike letters (a Cyrillic `а`) are accepted:
 * internationalized addresses are legitimate.
 */
export function emailAddressProblem(email: string): EmailAddressProblem | undefined {
  const invisible = invisibleCharacter(email);
  if (invisible !== undefined) {
    return {
      what:
        `holds the invisible character ${codePoint(invisible)} (control and format characters are never part ` +
        'of an address; ZWNJ and ZWJ only in the domain, right after a non-ASCII letter, as IDNA uses them)',
      rule: 'no invisible characters',
    };
  }
  if (/[<>]/.test(email)) {
    return {
      what: 'holds < or >: give the bare address (a@example.com), not "Name <a@example.com>"',
      rule: 'a bare address',
    };
  }
  // More than one `@` is no address at all, not one with a special character (`@`) before its last `@`.
  const notAnAddress = { what: 'is not an email address' };
  if (email.length > MAX_EMAIL_LENGTH || email.indexOf('@') !== email.lastIndexOf('@')) return notAnAddress;
  const special = specialCharacterProblem(email);
  if (special !== undefined) return special;
  if (!EMAIL.test(email)) return notAnAddress;
  const labels = email.slice(email.indexOf('@') + 1).split('.');
  if (labels.length < 2 || labels.includes('')) {
    return {
      what: 'has no dotted domain (such as example.com) after the @: messages go out as internet mail, which needs one',
      rule: 'a dotted domain',
    };
  }
  return undefined;
}

/**
 * The problem of an address with a special character before its last `@`
 * (`localPartSpecial`, owner-directory.ts: `x,y@example.com`,
 * `"a b"@example.com`, `a;b@example.com`), the character named, and by its
 * code point (whitespace by it alone); `undefined`: none. The same rule makes an address stored
 * before it `unsendable-address` on `relay`.
 */
function specialCharacterProblem(email: string): EmailAddressProblem | undefined {
  const special = localPartSpecial(email);
  if (special === undefined) return undefined;
  const named = /\s/u.test(special)
    ? `whitespace (${codePoint(special)})`
    : `'${special}' (${codePoint(special)})`;
  return {
    what:
      `holds ${named} before the @ (an RFC 5322 special, whitespace or a quote: legal only in a quoted local part, ` +
      'which no owner needs; Amazon SES and SNS may refuse such an address, or read it as two)',
    rule: 'a plain local part',
  };
}

/**
 * The first invisible character of `email` ({@link INVISIBLE}) that is not a
 * ZWNJ or ZWJ in the domain (after the last `@`) right after a non-ASCII
 * letter ({@link JOINER_IN_A_NAME}); `undefined`: none.
 */
function invisibleCharacter(email: string): string | undefined {
  const domainFrom = email.lastIndexOf('@') + 1;
  for (const { 0: char, index } of email.matchAll(INVISIBLE)) {
    const inDomain = domainFrom > 0 && index >= domainFrom;
    if (!(inDomain && JOINER_IN_A_NAME.test(email.slice(domainFrom, index + 1)))) return char;
  }
  return undefined;
}
