/**
 * Email addresses as Amazon SES takes them, and as its events give them back
 * (docs/notifications.md, "The email"). SES "does not support the SMTPUTF8
 * extension, as described in RFC6531. For this reason, the email address
 * string must be 7-bit ASCII": a domain with Unicode characters "must" be
 * encoded in Punycode, which "is not permitted in the local part", and a
 * Unicode display name must be a MIME encoded-word (SES API reference,
 * `Destination`; the same note on the SESv2 `SendEmail` addresses). So the
 * relay asks SES for the bare address with its domain in Punycode (the MIME
 * `From` and `To` headers, built by nodemailer, carry the encoded name and the
 * Punycode domain already), and never for a non-ASCII local part: the owner
 * directory judges such an owner unreachable (`hasNonAsciiLocalPart`), and the
 * config refuses such a sender. SES's bounce and complaint events then name
 * the Punycode form the relay sent to, while the directory may hold the
 * Unicode one: {@link mailboxKey} compares the two as one mailbox.
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import { senderAddress } from '../hygiene/config';
import { hasNonAsciiLocalPart, normalizeEmail } from '../hygiene/owner-directory';

/** An address SES cannot be asked to send to or from: a non-ASCII local part, or a domain with no Punycode form. */
export class UnsendableAddressError extends Error {
  override readonly name = 'UnsendableAddressError';
}

/** `address` split at its last `@`: the local part and the domain (none without an `@`). */
function split(address: string): readonly [local: string, domain: string | undefined] {
  const at = address.lastIndexOf('@');
  return at < 0 ? [address, undefined] : [address.slice(0, at), address.slice(at + 1)];
}

/** `domain` in Punycode (`domainToASCII`), or `undefined` when it has no such form (or is missing). */
function asciiDomain(domain: string | undefined): string | undefined {
  const ascii = domain === undefined ? '' : domainToASCII(domain);
  return ascii === '' ? undefined : ascii;
}

/**
 * The address SES is given for `mailbox` (`address` or `Name <address>`): the
 * bare address, its domain in Punycode (`bob@bücher.example` →
 * `bob@xn--bcher-kva.example`; an ASCII domain is lower-cased, which names the
 * same domain).
 * @throws {UnsendableAddressError} for a non-ASCII local part, or a domain that has no Punycode form
 */
export function sesAddress(mailbox: string): string {
  const address = senderAddress(mailbox);
  if (hasNonAsciiLocalPart(address))
    throw new UnsendableAddressError(
      `${JSON.stringify(address)}: Amazon SES cannot send to or from an address that is not ASCII before the @`,
    );
  const [local, domain] = split(address);
  const ascii = asciiDomain(domain);
  if (ascii === undefined)
    throw new UnsendableAddressError(`${JSON.stringify(address)}: the domain has no Punycode (IDNA) form`);
  return `${local}@${ascii}`;
}

/**
 * One key per mailbox, whichever form names it: normalised (`normalizeEmail`)
 * with the domain in Punycode when it has one, so `Bob@Bücher.example` (as the
 * directory holds it) and `bob@xn--bcher-kva.example` (as SES reports the
 * relay sent to it) compare equal.
 */
export function mailboxKey(address: string): string {
  const normal = normalizeEmail(address);
  const [local, domain] = split(normal);
  const ascii = asciiDomain(domain);
  return ascii === undefined ? normal : `${local}@${ascii}`;
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
