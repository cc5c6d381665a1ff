/**
 * One mailbox spelled two ways, for the owner-import tests of opt-outs and
 * mailboxes: Bob's address with an internationalized domain in Unicode and in
 * Punycode (`mailboxKey` takes them for one mailbox), another address of his,
 * and his directory record at a given address.
 */
import type { OwnerRecord } from '../../../lambdas/hygiene/owner-directory';

/** Bob's mailbox, its domain in Unicode. */
export const UNICODE = 'bob@bücher.example';
/** The same mailbox, its domain in Punycode (as SES reports it). */
export const PUNYCODE = 'bob@xn--bcher-kva.example';
/** Another mailbox of Bob's. */
export const ELSEWHERE = 'bob@elsewhere.example';

/** Bob's directory record at `email`, active, last written 1 December 2026. */
export function bobAt(email: string, more: Partial<OwnerRecord> = {}): OwnerRecord {
  return {
    userId: 'bob',
    email,
    name: 'Bob',
    status: 'active',
    updatedAt: '2026-12-01T00:00:00.000Z',
    ...more,
  };
}
