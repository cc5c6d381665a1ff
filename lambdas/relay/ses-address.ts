/**
 * Email addresses as Amazon SES takes them, and as its events give them back
 * (docs/notifications.md, "The email"). SES "does not support the SMTPUTF8
 * extension, as described in RFC6531. For this reason, the email address
 * string must be 7-bit ASCII": a domain with Unicode characters "must" be
 * encoded in Punycode, which "is not permitted in the local part", and a
 * Unicode display name must be a MIME encoded-word (SES API reference,
 * `Destination`; the same note on the SESv2 `SendEmail` addresses). So the
 * relay asks SES for the bare address with a Unicode domain in Punycode (the
 * MIME `From` and `To` headers, built by nodemailer, carry the encoded name
 * and the Punycode domain already), an ASCII domain as written, and never for
 * an address SES cannot take. {@link sesAddress} is the one rule for all of
 * it: the sender (`ses-email-sender.ts`), the stack's `ses:FromAddress`
 * condition and identity ARNs (`lib/owner-email-relay.ts`), and owner reach on
 * `relay` ({@link isSesSendable}, injected into the domain's `reachabilityOf`),
 * so an owner SES cannot be asked to email is reported to the admins instead
 * of failing into the relay's DLQ. SES's bounce and complaint events then
 * name the address the relay sent to, while the directory may hold the
 * Unicode one: {@link mailboxKey} compares the two as one mailbox.
 */
import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import { senderAddress } from '../hygiene/config';
import {
  codePoint,
  hasNonAsciiLocalPart,
  localPartSpecial,
  NON_ASCII,
  normalizeEmail,
} from '../hygiene/email-address-rules';

/**
 * An address SES cannot be asked to send to or from: a non-ASCII local part,
 * one with a special or control character, or a domain that is not a plain domain name
 * ({@link sesAddress}).
 */
export class UnsendableAddressError extends Error {
  override readonly name = 'UnsendableAddressError';
}

/**
 * Whitespace or a control character (`\t`, `\r\n`, `\u0000`, U+3000): never
 * part of an address. Checked before `domainToASCII`, whose URL host rules
 * drop a tab or line break without a word (`bü\r\ncher.example` would be read
 * as `xn--bcher-kva.example`), and in the local part.
 */
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;

/** The first character of `text` that is whitespace or a control character ({@link WHITESPACE_OR_CONTROL}). */
function whitespaceOrControl(text: string): string | undefined {
  return WHITESPACE_OR_CONTROL.exec(text)?.[0];
}

/** `address` split at its last `@`: the local part and the domain (none without an `@`). */
function split(address: string): readonly [local: string, domain: string | undefined] {
  const at = address.lastIndexOf('@');
  return at < 0 ? [address, undefined] : [address.slice(0, at), address.slice(at + 1)];
}

/** `domain` in Punycode (`domainToASCII`, lower-cased), or `undefined` when it has no such form (or is missing). */
function asciiDomain(domain: string | undefined): string | undefined {
  const ascii = domain === undefined ? '' : domainToASCII(domain);
  return ascii === '' ? undefined : ascii;
}

/** A Punycode label (`xn--…`) that does not decode: no IDNA form names it. */
function hasUndecodableLabel(ascii: string): boolean {
  return ascii.split('.').some((label) => label.startsWith('xn--') && domainToUnicode(label) === label);
}

/**
 * Why SES cannot be given `domain`, or the form it is given in: a Unicode
 * domain in Punycode, an ASCII one exactly as written (so an existing
 * deployment's sender and its IAM condition stay byte for byte what they
 * were). Refused: no domain; one holding whitespace or a control character
 * (`bü\r\ncher.example`: IDNA disallows them, the URL host rules would drop a
 * tab or line break); none with a Punycode form (`é\u200Cx.example`,
 * `example.123`, `[1.2.3.4]`); an IP address, or one the URL host rules would
 * turn into one (`0x7f.1` → `127.0.0.1`); a Punycode label that does not
 * decode (`xn--zz`); an ASCII domain those rules would rewrite beyond its
 * case (`exa%41mple.com`).
 */
function sesDomain(domain: string | undefined): { readonly domain: string } | { readonly why: string } {
  if (domain === undefined || domain === '') return { why: 'it has no domain' };
  const blank = whitespaceOrControl(domain);
  if (blank !== undefined)
    return {
      why:
        `the domain has no Punycode (IDNA) form: it holds ${codePoint(blank)} (whitespace and control ` +
        'characters are never part of a domain name)',
    };
  const ascii = asciiDomain(domain);
  if (ascii === undefined) return { why: 'the domain has no Punycode (IDNA) form' };
  if (isIP(ascii) !== 0 || ascii.startsWith('['))
    return { why: `the domain is not a domain name but an IP address (${ascii})` };
  if (hasUndecodableLabel(ascii))
    return { why: `the domain has a Punycode label that does not decode (${ascii})` };
  if (NON_ASCII.test(domain)) return { domain: ascii };
  if (ascii !== domain.toLowerCase()) return { why: `the domain would be read as ${JSON.stringify(ascii)}` };
  return { domain };
}

/**
 * The address SES is given for `mailbox` (`address` or `Name <address>`): the
 * bare address, a Unicode domain in Punycode (`bob@bücher.example` →
 * `bob@xn--bcher-kva.example`), an ASCII domain as written
 * (`sec@Corp.Example` stays so). The one rule of what SES is asked for: the
 * relay's `SendEmail`, the stack's `ses:FromAddress` condition and identity
 * ARNs, and owner reach on `relay` ({@link isSesSendable}).
 *
 * Nor is SES given a local part holding an RFC 5322 special, whitespace or
 * a quote (`x,y@example.com`, `"a b"@example.com`: `localPartSpecial`, the
 * owner import's rule too). SES documents no grammar for these strings
 * beyond 7-bit ASCII; nodemailer quotes such a local part in the `To`
 * header, but `Destination` gets it bare, which SES may refuse or read as
 * two addresses. Nor a control character anywhere (`a\u0001b@example.com`),
 * nor whitespace in the domain (`a@bü\r\ncher.example`). An owner stored with
 * one before the import refused it is `unsendable-address`, reported to the
 * admins, never a send that fails.
 * @throws {UnsendableAddressError} for a non-ASCII local part, one with a special or control character, or a domain
 *   SES cannot be given ({@link sesDomain})
 */
export function sesAddress(mailbox: string): string {
  const address = senderAddress(mailbox);
  if (hasNonAsciiLocalPart(address))
    throw new UnsendableAddressError(
      `${JSON.stringify(address)}: Amazon SES cannot send to or from an address that is not ASCII before the @`,
    );
  const special = localPartSpecial(address);
  if (special !== undefined)
    throw new UnsendableAddressError(
      `${JSON.stringify(address)}: Amazon SES cannot be given an address with ${JSON.stringify(special)} before ` +
        'the @ (an RFC 5322 special, whitespace or a quote: SES may refuse it, or read it as two addresses)',
    );
  const [local, domain] = split(address);
  // Whitespace is a special above: what is left here is a control character (`a\u0001b@example.com`).
  const control = whitespaceOrControl(local);
  if (control !== undefined)
    throw new UnsendableAddressError(
      `${JSON.stringify(address)}: Amazon SES cannot be given an address holding ${codePoint(control)} before ` +
        'the @ (whitespace and control characters are never part of an address)',
    );
  const ses = sesDomain(domain);
  if ('why' in ses)
    throw new UnsendableAddressError(`${JSON.stringify(address)}: Amazon SES cannot be given it: ${ses.why}`);
  return `${local}@${ses.domain}`;
}

/**
 * Whether SES can be asked to send to `address` ({@link sesAddress} takes it):
 * the rule owner reach on `relay` is judged by (`reachabilityOf`'s
 * `sendable`), so the drain, the relay and the CLI agree with the sender.
 */
export function isSesSendable(address: string): boolean {
  try {
    sesAddress(address);
    return true;
  } catch (error: unknown) {
    if (error instanceof UnsendableAddressError) return false;
    throw error;
  }
}

/**
 * One key per mailbox, whichever form names it: normalised (`normalizeEmail`)
 * with the domain in Punycode when SES could be given it (else as normalised), so `Bob@Bücher.example` (as the
 * directory holds it) and `bob@xn--bcher-kva.example` (as SES reports the
 * relay sent to it) compare equal.
 */
export function mailboxKey(address: string): string {
  const normal = normalizeEmail(address);
  const [local, domain] = split(normal);
  // Only a domain SES could be given ({@link sesDomain}): the URL host rules behind `domainToASCII` would also
  // read `exa%41mple.com` as `exaample.com` and `0x7f.1` as `127.0.0.1`, making different addresses one mailbox.
  const ses = sesDomain(domain);
  return 'why' in ses ? normal : `${local}@${ses.domain}`;
}

/**
 * The spellings a directory may hold for an address SES reports: as reported,
 * and with a Punycode domain in Unicode (`bob@xn--bcher-kva.example` →
 * `bob@bücher.example`), so an opt-out remembered for it matches either.
 */
export function directorySpellings(address: string): readonly string[] {
  const [local, domain] = split(address);
  const unicode = domain === undefined ? '' : domainToUnicode(domain);
  const decoded = `${local}@${unicode}`;
  return unicode === '' || normalizeEmail(decoded) === normalizeEmail(address)
    ? [address]
    : [address, decoded];
}
