/**
 * The addresses an owner opted out at, as the owner directory remembers them
 * (`optedOutAddresses`, docs/data-model.md, "Owner directory"): so an opt-out
 * survives an address that flip-flops (a wrong export moves the owner to b,
 * the next one moves them back to a, where they had said stop).
 *
 * Why digests, not addresses: the directory keeps an owner's current address
 * only; a list of every address a person ever used would be more personal
 * data to hold, export and protect, for no use but "was this one opted out".
 * A digest answers that and nothing more. It is of the address as the worker
 * compares addresses (`normalizeEmail`: trimmed, case-insensitive, Unicode NFC), so a
 * re-export that changes the letter case finds the same digest. Pure
 * (`node:crypto` only).
 *
 * Digests stored before NFC was part of that rule are of the address
 * trimmed and lower-cased only: for a non-ASCII address exported in NFD
 * (`jose\u0301@…`) that text differs, and so does its digest. Whether an
 * address was opted out is therefore asked of both forms
 * ({@link remembersOptOutAt}); a digest is only ever written in the current
 * form ({@link optedOutAddressDigest}).
 */
import { createHash } from 'node:crypto';
import { normalizeEmail } from './owner-directory';

/** What a stored digest looks like: SHA-256, lowercase hex. */
const ADDRESS_DIGEST = /^[0-9a-f]{64}$/;

/**
 * The digest an opt-out at `email` is remembered by: the SHA-256 (lowercase
 * hex) of `normalizeEmail(email)`'s UTF-8 bytes.
 */
export function optedOutAddressDigest(email: string): string {
  return createHash('sha256').update(normalizeEmail(email), 'utf8').digest('hex');
}

/**
 * The digest of `email` as addresses were compared before NFC was applied
 * (trimmed, lower-cased), when that text differs from the current form;
 * `undefined` otherwise (every ASCII address, and any already in NFC).
 */
function legacyAddressDigest(email: string): string | undefined {
  const before = email.trim().toLowerCase();
  if (before === normalizeEmail(email)) return undefined;
  return createHash('sha256').update(before, 'utf8').digest('hex');
}

/**
 * Whether `remembered` (stored digests) holds an opt-out at `email`: its
 * digest ({@link optedOutAddressDigest}), or the one stored for it before
 * NFC was applied, so an opt-out remembered then is still found.
 */
export function remembersOptOutAt(remembered: ReadonlySet<string>, email: string): boolean {
  if (remembered.has(optedOutAddressDigest(email))) return true;
  const legacy = legacyAddressDigest(email);
  return legacy !== undefined && remembered.has(legacy);
}

/** Whether `value` has the form of {@link optedOutAddressDigest}'s result (any other stored text is ignored). */
export function isAddressDigest(value: unknown): value is string {
  return typeof value === 'string' && ADDRESS_DIGEST.test(value);
}

/** The sorted union of lists of digests (each once): how a remembered set is written. */
export function digestUnion(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}
