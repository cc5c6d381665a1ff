/**
 * What an email address is here, in one place: how the worker compares two
 * addresses ({@link normalizeEmail}, {@link MailboxKey}), what their local
 * part may hold for Amazon SES to send to them ({@link hasNonAsciiLocalPart},
 * {@link localPartSpecial}: the domain's part of owner reach on `relay`,
 * `SendableAddress` in owner-directory.ts, and of the config's
 * `senderIdentity`), and the rules an address the worker will write to must
 * meet, whoever gives it ({@link emailAddressProblem}): an owner's, in a row
 * of an owner export (owner-import-rows.ts, which adds the way out of a bad
 * row), and an admin's, in the deployment's `adminEmails`
 * (lib/credential-hygiene-props.ts). One rule for both, so an address an owner
 * import refuses (an invisible character pasted with it, `Name <a@x>`, two
 * addresses run together) is not subscribed as an admin's, where the admins'
 * messages would go to a mailbox nobody reads (docs/deploy.md, "Owner
 * directory"). The relay's Punycode-aware rules, which need `node:url`, build
 * on these (lambdas/relay/ses-address.ts). Not a full RFC 5322 parser. Pure.
 */

/**
 * An owner's email address as the worker compares it: trimmed,
 * case-insensitive (a directory re-export may change the case) and in
 * Unicode NFC (an export may spell `é` as one code point or as `e` + U+0301,
 * NFD: one address either way, so one opt-out digest). One rule for the
 * subscription reconciler, the import's route reset, the bounce handler's
 * attribution and the opt-out digests (`opted-out-address.ts`). NFC leaves
 * ASCII text unchanged, so digests stored before it was applied still match
 * for every ASCII address.
 */
export function normalizeEmail(email: string): string {
  // NFC last: lower-casing can leave a sequence NFC composes.
  return email.trim().toLowerCase().normalize('NFC');
}

/**
 * One key per mailbox: two addresses are one mailbox when their keys are
 * equal. The domain's own is {@link normalizeEmail}; the Lambdas and the CLI
 * pass the relay's Punycode-aware `mailboxKey` (lambdas/relay/ses-address.ts).
 */
export type MailboxKey = (email: string) => string;

/** A character outside 7-bit ASCII. */
export const NON_ASCII = /[^\p{ASCII}]/u;

/**
 * Whether the local part of `address` (a bare address; what comes before its
 * last `@`) holds a character outside 7-bit ASCII (`josé@corp.example`).
 * Amazon SES cannot send to or from such an address: it "does not support the
 * SMTPUTF8 extension" (RFC 6531), so an address must be 7-bit ASCII, a
 * non-ASCII domain written in Punycode, which "is not permitted in the local
 * part" (SES API reference, `Destination`). A non-ASCII domain alone
 * (`bob@bücher.example`) is fine: the relay sends it in Punycode. The
 * config's `senderIdentity` rule, and the part of "SES can send to it" the
 * domain can judge without the URL host rules (`SendableAddress`, owner-directory.ts).
 */
export function hasNonAsciiLocalPart(address: string): boolean {
  const at = address.lastIndexOf('@');
  return NON_ASCII.test(at < 0 ? address : address.slice(0, at));
}

/**
 * RFC 5322's "specials" but the dot (`( ) < > [ ] : ; @ \ , "`), and
 * whitespace: what an unquoted local part cannot hold (a quoted one can).
 */
const LOCAL_PART_SPECIAL = /[\s"(),:;<>@[\\\]]/u;

/**
 * The first character of the local part of `address` (what comes before its
 * last `@`; `undefined` without an `@`) that is an RFC 5322 special other
 * than the dot, whitespace or a double quote ({@link LOCAL_PART_SPECIAL}:
 * `x,y@example.com`, `"a b"@example.com`, `a;b@example.com`); `undefined`:
 * none. Legal in a quoted local part, but no owner needs one, and the
 * services disagree on it: nodemailer quotes it in the `To` header while
 * SES's `Destination` gets the bare form, which SES may refuse or read as
 * two addresses (a comma separates addresses); AWS documents no grammar for
 * these strings beyond 7-bit ASCII, nor any for SNS email endpoints. The one
 * rule of the owner import (which refuses such an address:
 * `owner-import-rows.ts`) and of "SES can send to it" (`SendableAddress`,
 * owner-directory.ts; `sesAddress`, `lambdas/relay/ses-address.ts`), which
 * judges an address stored before the import refused it `unsendable-address`.
 */
export function localPartSpecial(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  return at < 0 ? undefined : LOCAL_PART_SPECIAL.exec(address.slice(0, at))?.[0];
}

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
 * ({@link localPartSpecial}: `x,y@example.com`,
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
