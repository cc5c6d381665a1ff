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

/** Whether `value` has the form of {@link optedOutAddressDigest}'s result (any other stored text is ignored). */
export function isAddressDigest(value: unknown): value is string {
  return typeof value === 'string' && ADDRESS_DIGEST.test(value);
}

/** The sorted union of lists of digests (each once): how a remembered set is written. */
export function digestUnion(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}
