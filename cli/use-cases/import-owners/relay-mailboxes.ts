/**
 * The one rule of which addresses are one mailbox that an owner import plans and writes by: the relay's
 * (`lambdas/relay/ses-address.ts`), given to the plan and to the store's check of its writes.
 */
import type { MailboxRule } from '../../../lambdas/hygiene/owner-import-opt-outs';
import { directorySpellings, mailboxKey } from '../../../lambdas/relay/ses-address';

/**
 * Mailboxes as the relay and the SES events handler tell them apart
 * (lambdas/relay/ses-address.ts): `bob@bücher.example` and
 * `bob@xn--bcher-kva.example` are one, so a re-export in the other form is no
 * move (the opt-out and the bounce stay), and an opt-out remembered for
 * either form is found, and forgotten on a move away after a resubscribe
 * (docs/notifications.md, "Subscription reconciler"). The plan
 * (`planOwnerImport`) and the store's check of its writes
 * (`DynamoOwnerDirectory`'s `mailboxes`) are given this one rule.
 */
export const RELAY_MAILBOXES: MailboxRule = {
  key: mailboxKey,
  spellings: (email) => [...new Set([email, ...directorySpellings(mailboxKey(email))])],
};
