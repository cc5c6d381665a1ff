/**
 * Why the owner-unreachable report lists an owner and what an admin can do about it (docs/notifications.md, "The
 * report message"): each reason's texts (`UNREACHABLE_REASON_TEXT`), the longer advice a reason may need once per
 * part ("What to do, by reason"), and the one wording of SES's suppression-list advice, which the CLI's
 * `owners resubscribe` and `owners clear-bouncing` print too. One module so that a reason's wording is changed in
 * one place, whoever prints it. Pure: no I/O.
 */

import { placeholderWord } from '../pasted-command';
import { MAX_CONFIRMATION_EMAILS } from '../subscription-confirmations';
import { ownerCommand, ownersCommand, syncSubscriptionsCommand, type TopicAim } from './owner-commands';
import { REPORTED_REASONS, type ReportedReason } from './types';

/**
 * SES's account-level suppression list, for an owner on route `relay`: what it does to their email and how to
 * lift it. The one wording of this advice: the `unsubscribed` and `bouncing` texts below and the CLI's hints
 * (`owners resubscribe`, `owners clear-bouncing`) are built from it. The relay's configuration set turns the list on
 * for bounces and complaints; SES reports an email to an address on it as a bounce or as a complaint with subtype
 * `OnAccountSuppressionList`, which the SES events function reads as a suppressed send (docs/notifications.md,
 * "Email relay"; docs/deploy.md, "Runbook: Email bounces"). A sentence without its final stop.
 */
export const SES_SUPPRESSION_ADVICE =
  'SES keeps an address that bounced or complained on the account’s suppression list until it is removed, and ' +
  'suppresses every later email to it (reported as a bounce or a complaint with subtype OnAccountSuppressionList, ' +
  'which the relay reads as a suppressed send: the owner is marked bouncing and the digest goes to the admins); ' +
  `aws sesv2 get-suppressed-destination --email-address ${placeholderWord('address')} tells whether it is there, and ` +
  `aws sesv2 delete-suppressed-destination --email-address ${placeholderWord('address')} removes it (in the stack’s ` +
  'account and region)';

/**
 * {@link SES_SUPPRESSION_ADVICE} after an opt-out is undone: only an opt-out that came from a complaint put the
 * address on the list (the SNS unsubscribe link and `owners unsubscribe` did not); and an owner resubscribed while
 * the address was still on it may have been marked bouncing by a suppressed send meanwhile, which `clearBouncing`
 * (the `pc-hygiene owners clear-bouncing` command line to show, last) then clears. Lower case first, no final stop.
 */
function optOutSuppressionAdvice(clearBouncing: string): string {
  return (
    'an opt-out that came from a complaint (not from the SNS unsubscribe link or pc-hygiene owners unsubscribe) ' +
    `also put the address on SES’s suppression list, so resubscribing alone is not enough: ${SES_SUPPRESSION_ADVICE}; ` +
    'an owner resubscribed before the address came off the list may have been marked bouncing by a suppressed send ' +
    `meanwhile: then, once it is off, also run ${clearBouncing}`
  );
}

/**
 * {@link optOutSuppressionAdvice} as the CLI's `owners resubscribe` prints it, after the owners it resubscribed: its
 * clear-bouncing command with the owner placeholder (`"<userId>"`), run with the operator's own target.
 */
export const OPT_OUT_SUPPRESSION_ADVICE = optOutSuppressionAdvice(
  ownerCommand('clear-bouncing', undefined, ''),
);

/** The heading of the advice a report part gives once for every owner with a reason ({@link reasonAdviceLines}). */
const BY_REASON_HEADING = 'What to do, by reason';

/** What an owner's line says where the advice under {@link BY_REASON_HEADING} continues it. */
const SEE_BY_REASON = `see “${BY_REASON_HEADING}” below`;

/**
 * Why an owner is unreachable and what an admin can do about it: `why` and `todo` on the owner's lines, a sentence
 * or two; `advice`, when a reason needs more, once per report part for every owner with it
 * ({@link reasonAdviceLines}), which `todo` then points to. The commands in `todo` and `advice` are aimed by
 * `targetFlags` (the owner directory's: `UnreachableReportInput.directoryTargetFlags`, ./types.ts; `aimedCommand`,
 * ../pasted-command.ts), those that need the notification topic by `topic` too ({@link TopicAim}),
 * and name the owner by `userId` (`commandNaming`; `undefined`: not known, the placeholder); `advice`, shared
 * by the part's owners, names none.
 */
export interface UnreachableReasonText {
  readonly why: string;
  readonly todo: (userId: string | undefined, targetFlags: string | undefined, topic?: TopicAim) => string;
  readonly advice?: (targetFlags: string | undefined) => string;
}

/** Why an owner is unreachable and what an admin can do about it ({@link UnreachableReasonText}). */
export const UNREACHABLE_REASON_TEXT: Readonly<Record<ReportedReason, UnreachableReasonText>> = {
  'not-in-directory': {
    why: 'not in the owner directory',
    // `owners import` without `--sync` changes no other owner (docs/deploy.md, "Owner directory").
    todo: (_userId, flags) =>
      `add the owner to the directory (${ownersCommand('import FILE', flags)}) or reassign the credential.`,
  },
  departed: {
    why: 'marked departed in the owner directory',
    // The restore command itself is under each deletion notice, aimed at the deployment (`restoreLine`,
    // ./owner-lines.ts): one place.
    todo: () =>
      'reassign the credential to an active owner, or let it be deleted (one already deleted: restore it with the pc-hygiene restore command under its deletion notice, then reassign or exempt it, or the next sweep flags it orphaned again).',
  },
  'no-email': {
    why: 'no email address in the owner directory',
    todo: () => 'add the email address to the directory source and import it again.',
  },
  'subscription-pending': {
    why: 'has not confirmed the SNS email subscription',
    // Pending is what the reconciler saw at its last run: an owner who confirmed since is recorded at its next.
    // No command sends another link while one is pending: the plan creates nothing for an address with a pending
    // subscription, and SNS deletes it only after 48 hours (docs/notifications.md, "Pending subscriptions"); past the
    // limit of confirmation emails the reconciler sends none (`subscription-unconfirmed`).
    // A command ends its sentence or parenthesis: a word after it ("now") would be pasted as its argument.
    todo: (_userId, flags, topic) =>
      `ask the owner to click the link in the confirmation email SNS sent them; no pc-hygiene command sends another while it is pending: if they cannot find it, SNS deletes it unconfirmed after 48 hours and the reconciler’s next run (hourly) subscribes them again, sending a new link, up to ${MAX_CONFIRMATION_EMAILS} links to one address in all (then it sends no more: subscription-unconfirmed). If they already clicked it, the next run (or now: ${syncSubscriptionsCommand('', flags, topic)}) records it, and their digests reach them again.`,
  },
  'subscription-unconfirmed': {
    why: `did not confirm any of the ${MAX_CONFIRMATION_EMAILS} SNS confirmation emails sent to this address, so pc-hygiene sends no more`,
    // The reconciler stops at MAX_CONFIRMATION_EMAILS (subscription-confirmations.ts); `owners resubscribe` resets
    // the count, and an import that changes the address starts a new one (docs/notifications.md, "Pending subscriptions").
    todo: (userId, flags, topic) =>
      `tell the owner about these credentials another way; ${MAX_CONFIRMATION_EMAILS} confirmation emails went unanswered and pc-hygiene sends no more to this address. When the owner asks for one, run ${ownerCommand('resubscribe', userId, flags)}: the reconciler’s next run (hourly, or now: ${syncSubscriptionsCommand('', flags, topic)}) sends one new link. A new address from the import also starts over.`,
  },
  unsubscribed: {
    why: 'opted out (the unsubscribe link of an SNS email, a complaint about a relay email, or recorded by an operator with pc-hygiene owners unsubscribe), so no email is sent to them (neither by SNS nor by the relay)',
    todo: (userId, flags) =>
      `tell the owner about these credentials another way; if they want the emails again, run ${ownerCommand('resubscribe', userId, flags)} (route sns-email: SNS then sends a new confirmation link; route relay: the next digest is emailed; SES’s suppression list: ${SEE_BY_REASON}). A move by the import to an address they did not opt out at also ends it.`,
    advice: (flags) =>
      `On route relay, ${optOutSuppressionAdvice(ownerCommand('clear-bouncing', undefined, flags))}.`,
  },
  'no-subscription': {
    why: 'has no SNS email subscription',
    // An address conflict (subscription-plan.ts: `shared-address`, `non-owner-subscription`) is recorded `none` on
    // every run: SNS allows one subscription per topic and address, so a sync changes nothing for that owner.
    todo: (_userId, flags, topic) =>
      `run ${syncSubscriptionsCommand('', flags, topic)} (or wait for the scheduled reconciler); if it stops at the filter-policy quota (SubscriptionQuotaExceeded), or SNS refuses the subscription with FilterPolicyLimitExceeded (the account’s quota), raise the quota and filterPolicyQuota, or switch to relay. If another active owner, or an admin or other email subscription, has the same address (${syncSubscriptionsCommand(' --dry-run', flags, topic)} lists it as a conflict), a sync changes nothing: give the owner an address of their own, or switch to relay.`,
  },
  bouncing: {
    why: 'the email address bounces (or SES suppresses sends to it: on the account’s suppression list)',
    todo: (userId, flags) =>
      `correct the address in the directory source and import it again (a new address is not on SES’s suppression list); if the address works again unchanged (a mailbox restored, or an alias several owners share that SES suppressed after one owner’s complaint), remove it from the suppression list first (${SEE_BY_REASON}), then run ${ownerCommand('clear-bouncing', userId, flags)}.`,
    advice: () => `${SES_SUPPRESSION_ADVICE}.`,
  },
  'unsendable-address': {
    why: 'the email address is one Amazon SES cannot send to (non-ASCII characters before the @, or a domain that is not a plain domain name: no Punycode form, or an IP address)',
    todo: () =>
      'give the owner an address SES can take (ASCII before the @, an ordinary domain name; an alias will do) in the directory source and import it again.',
  },
  'email-undelivered': {
    why: 'the relay’s email named above was not delivered (SES gave up on it after a transient or undetermined bounce, or rejected it), and the owner was not marked bouncing',
    // Not marked: the address is not known bad, so nothing to correct or clear, and no suppression-list advice.
    todo: () => 'tell the owner about these credentials another way.',
  },
};

/**
 * The advice of each reason in `reasons` that has some ({@link UnreachableReasonText}), once, in the order of
 * `UNREACHABLE_REASONS` (then the report-only reasons), under {@link BY_REASON_HEADING}: what a report part (one
 * email) says once for all its owners with the reason, and a bounce's notice for its owner; its commands aimed by
 * `targetFlags` (the owner directory's, `ownerCommandFlags`: ./owner-commands.ts). Nothing when no reason has advice.
 */
export function reasonAdviceLines(
  reasons: Iterable<ReportedReason>,
  targetFlags: string | undefined,
): string[] {
  const present = new Set(reasons);
  const advised = REPORTED_REASONS.flatMap((reason) => {
    const advice = present.has(reason) ? UNREACHABLE_REASON_TEXT[reason].advice : undefined;
    return advice === undefined ? [] : [`  [${reason}] ${advice(targetFlags)}`];
  });
  return advised.length === 0 ? [] : ['', `${BY_REASON_HEADING}:`, ...advised];
}
