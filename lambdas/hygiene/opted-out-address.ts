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
 * trimmed and lower-cased only, as the export spelled it then: for a
 * non-ASCII address that may be NFD (`jose\u0301@…`), whose text and digest
 * differ from the NFC form's, and the source may since spell it in NFC. Every
 * digest an opt-out at an address may be stored under is therefore listed in
 * one place ({@link optOutDigestsOf}), which both finding an opt-out
 * ({@link remembersOptOutAt}) and forgetting one ({@link forgetOptOutAt})
 * use; a digest is only ever written in the current form
 * ({@link optedOutAddressDigest}).
 *
 * One mailbox may also be spelled two ways: an internationalised domain in
 * Unicode or in Punycode (`bob@bücher.example`, `bob@xn--bcher-kva.example`),
 * and a digest is of the spelling it was written for (the directory's, an
 * export's, or both of an SES report's). Telling the two forms apart needs
 * `node:url`, which the domain does not import, so a caller that knows them
 * passes them in ({@link MailboxSpellings}) and an opt-out is then found,
 * and forgotten, under either; the digest written stays of the address as given.
 */
import { createHash } from 'node:crypto';
import { normalizeEmail } from './email-address-rules';

/** What a stored digest looks like: SHA-256, lowercase hex. */
const ADDRESS_DIGEST = /^[0-9a-f]{64}$/;

/**
 * The digest an opt-out at `email` is remembered by: the SHA-256 (lowercase
 * hex) of `normalizeEmail(email)`'s UTF-8 bytes.
 */
export function optedOutAddressDigest(email: string): string {
  return sha256Hex(normalizeEmail(email));
}

/** SHA-256 (lowercase hex) of `text`'s UTF-8 bytes. */
function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The spellings of `email`'s mailbox an opt-out at it may be remembered under
 * (`email` among them): with an internationalised domain, its Unicode and
 * Punycode forms (the caller's rule, e.g. the relay's `directorySpellings` of
 * its `mailboxKey`, `lambdas/relay/ses-address.ts`). The default,
 * {@link asGivenOnly}, knows `email` alone.
 */
export type MailboxSpellings = (email: string) => readonly string[];

/** {@link MailboxSpellings} that knows no other spelling than the address as given. */
export const asGivenOnly: MailboxSpellings = (email) => [email];

/**
 * Every digest an opt-out at `email` may be stored under, each once: for
 * each of its `spellings` (default: `email` alone), the current form
 * ({@link optedOutAddressDigest}; `email`'s first), and the forms digests
 * were stored in before NFC was applied (the address trimmed and lower-cased
 * as given, and that text in NFD, so a legacy digest of the NFD spelling is
 * found when the address is now given in NFC). For an ASCII address, one
 * per spelling.
 */
function optOutDigestsOf(email: string, spellings: MailboxSpellings = asGivenOnly): readonly string[] {
  const forms = new Set([email, ...spellings(email)].flatMap(legacyForms));
  return [...forms].map(sha256Hex);
}

/** The texts an opt-out at one spelling may have been digested from: `normalizeEmail`'s, then the pre-NFC ones. */
function legacyForms(email: string): string[] {
  const asGiven = email.trim().toLowerCase();
  return [normalizeEmail(email), asGiven, asGiven.normalize('NFD')];
}

/**
 * Whether `remembered` (stored digests) holds an opt-out at `email`, under
 * any digest it may be stored under ({@link optOutDigestsOf}), so an opt-out
 * remembered before NFC was applied, or for another spelling of the mailbox
 * that `spellings` knows, is still found, however the address is spelled now.
 */
export function remembersOptOutAt(
  remembered: ReadonlySet<string>,
  email: string,
  spellings: MailboxSpellings = asGivenOnly,
): boolean {
  return optOutDigestsOf(email, spellings).some((digest) => remembered.has(digest));
}

/**
 * Takes every digest an opt-out at `email` may be stored under
 * ({@link optOutDigestsOf}, for each of its `spellings`: the same digests
 * {@link remembersOptOutAt} finds it by) out of `remembered` (in place): the
 * owner is no longer opted out there, so no form of it, legacy or of another
 * spelling of the mailbox, is left to be found later. The store's check of a
 * move's write counts the same digests as forgotten (`plannedFromStored`,
 * lambdas/aws/owner-directory-upsert-request.ts, given the same rule).
 */
export function forgetOptOutAt(
  remembered: Set<string>,
  email: string,
  spellings: MailboxSpellings = asGivenOnly,
): void {
  for (const digest of optOutDigestsOf(email, spellings)) remembered.delete(digest);
}

/** Whether `value` has the form of {@link optedOutAddressDigest}'s result (any other stored text is ignored). */
export function isAddressDigest(value: unknown): value is string {
  return typeof value === 'string' && ADDRESS_DIGEST.test(value);
}

/** The sorted union of lists of digests (each once): how a remembered set is written. */
export function digestUnion(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}
