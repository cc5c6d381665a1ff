/**
 * The email addresses of the props: the removed `ownerEmails`, and each admin address against the rules an owner's
 * address meets on import (lambdas/hygiene/email-address-rules.ts), each mailbox once.
 */
import { emailAddressProblem } from '../../lambdas/hygiene/email-address-rules';
import { mailboxKey } from '../../lambdas/relay/ses-address';

/**
 * Why `ownerEmails` fails the synth: owner subscriptions are no longer
 * CloudFormation resources (SNS's 200-filter-policy and CloudFormation's
 * 500-resource limits, every address in the template, nobody told when an
 * owner is unreachable).
 */
export const OWNER_EMAILS_REMOVED =
  'owner subscriptions are no longer part of the stack (no owner address in a template): load owners into the owner directory with `pc-hygiene owners import FILE`; the subscription reconciler subscribes them (docs/deploy.md, "Owner directory")';

/**
 * Problems of one admin email address, `who` naming where it came from: the rules an owner's address meets on import
 * (`emailAddressProblem`, lambdas/hygiene/email-address-rules.ts), so an address with an invisible character pasted
 * into it, a `Name <a@x>` form or two addresses run together (`x,y@example.com`) is refused here rather than
 * subscribed as a mailbox nobody reads, where the admins would hear nothing.
 */
export function emailProblems(who: string, email: string): string[] {
  const problem = emailAddressProblem(email);
  if (problem === undefined) return [];
  const rule =
    problem.rule === undefined
      ? ''
      : ` (email address rule "${problem.rule}", docs/deploy.md "Owner directory")`;
  return [`${who} email ${JSON.stringify(email)} ${problem.what}${rule}`];
}

/**
 * The mailbox an admin address names: one subscription per mailbox, whatever the letter case or the domain's form
 * (Unicode or Punycode), as the worker compares addresses at run time (`mailboxKey`, lambdas/relay/ses-address.ts:
 * case-insensitive, NFC, an internationalized domain in Punycode). The one rule of `adminEmails`
 * ({@link adminEmailRepeats}) and `CredentialHygiene.subscribeAdmin`.
 */
export const adminMailboxOf = mailboxKey;

/**
 * Each address of `adminEmails` that names a mailbox an earlier one names ({@link adminMailboxOf}), named under the
 * prop here with every other problem, before `subscribeAdmin` would refuse it naming none.
 */
export function adminEmailRepeats(emails: readonly string[]): string[] {
  const first = new Map<string, string>();
  return emails.flatMap((email) => {
    const mailbox = adminMailboxOf(email);
    const earlier = first.get(mailbox);
    if (earlier === undefined) {
      first.set(mailbox, email);
      return [];
    }
    const same =
      earlier === email
        ? 'is given twice'
        : `is ${JSON.stringify(earlier)} again (one mailbox: addresses are compared case-insensitively, a domain in Unicode or Punycode alike)`;
    return [`adminEmails: ${JSON.stringify(email)} ${same}: give each address once`];
  });
}
