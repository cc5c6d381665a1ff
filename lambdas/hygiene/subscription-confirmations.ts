/**
 * How many SNS confirmation emails the subscription reconciler sends an owner
 * who never confirms (docs/notifications.md, "Subscription reconciler",
 * "Pending subscriptions"). SNS deletes an unconfirmed email subscription
 * after 48 hours, and without a limit the next hourly run subscribes the
 * owner again: a new confirmation email about every 49 hours, for as long as
 * they are `active` at that address — unsolicited mail sent on the
 * deployment's behalf to a person who did not answer (an unread mailbox, a
 * shared inbox, someone who does not want it). So the directory counts the
 * confirmation emails sent to the owner's current address while unconfirmed
 * (`confirmationEmailsSent`, docs/data-model.md, "Owner directory"), and at
 * {@link MAX_CONFIRMATION_EMAILS} the reconciler subscribes them no more:
 * they are unreachable with the reason `subscription-unconfirmed`, whose
 * advice names the one command that sends one more link when the owner asks
 * for it (`pc-hygiene owners resubscribe <userId>`). Pure: no imports, no I/O.
 */

/**
 * Confirmation emails the reconciler sends to one address before it stops.
 * Why 3: each link is valid for 48 hours and the next follows about 49 hours
 * after the last, so three links cover about six days — a person away for a
 * working week comes back to a live link, or at worst to three unanswered
 * emails and admins who know to ask them (the `owner-unreachable` report names
 * them). Past that, another copy of the same email reaches no one new: it is
 * noise for a mailbox nobody reads and a nuisance for a person who chose not
 * to click.
 */
export const MAX_CONFIRMATION_EMAILS = 3;

/**
 * Whether `sent` confirmation emails to an owner's current address (absent:
 * none counted) reach {@link MAX_CONFIRMATION_EMAILS}: the reconciler sends
 * no more to it, until the address changes (an import) or an operator asks
 * for one more (`owners resubscribe`).
 */
export function confirmationsExhausted(sent: number | undefined): boolean {
  return sent !== undefined && sent >= MAX_CONFIRMATION_EMAILS;
}

/**
 * Whether the reconciler sends an owner no more confirmation links: none is
 * pending (recorded `none`, or no state) and their address already got
 * {@link MAX_CONFIRMATION_EMAILS} (`confirmationsExhausted`). The owner's
 * reach reason `subscription-unconfirmed` on `sns-email`, and what
 * `owners resubscribe` resets. Takes the two fields it reads (the record type
 * lives in `owner-directory.ts`, which imports this module).
 */
export function confirmationLimitReached(owner: {
  readonly subscription?: string;
  readonly confirmationEmailsSent?: number;
}): boolean {
  const noLinkPending = owner.subscription === undefined || owner.subscription === 'none';
  return noLinkPending && confirmationsExhausted(owner.confirmationEmailsSent);
}
