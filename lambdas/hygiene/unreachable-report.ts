/**
 * The `owner-unreachable` admin report (docs/notifications.md, "Owner
 * reach"): publishing to SNS is not delivery, so the events of owners the
 * directory says cannot be reached — and events whose stored owner does not
 * match their credential (never sent to anyone's digest) — go to the admins,
 * named as undelivered (with the directory's name and address for each
 * owner, when it has them), in one report per drain: a text for email and a
 * versioned JSON document for machines, split into numbered parts like
 * digests when large. Each owner's line says what to do in a sentence or two;
 * the longer advice a reason may need (SES's suppression list, on route
 * `relay`) is printed once per part, after the owners ("What to do, by
 * reason"): a part is one email, and a hundred owners with one reason need it
 * once, not a hundred times. Owners are listed most urgent first (their most
 * urgent notice: a deletion or an expiry within a day before the rest), under
 * a line counting what is urgent, and a deleted credential's lines give the
 * restore command. Every command the report prints (the restore command, the
 * `pc-hygiene owners …` commands of the owners' lines and of the advice) is
 * aimed where it works, by one rule (`aimedCommand`), and names the owner by
 * their id where it takes one (an id that starts with `-` last, after `--`:
 * `commandNaming`), a placeholder quoted (`"<userId>"`; ./pasted-command.ts).
 * Besides the reasons a drain judges an owner
 * unreachable for (`UNREACHABLE_REASONS`), a report may give one no owner is
 * ever judged by: `email-undelivered` (`REPORT_ONLY_REASONS`), the relay's
 * report of one email SES gave up on without marking its owner bouncing
 * (docs/notifications.md, "Email relay"). Pure: no I/O, no clock.
 */
import {
  compareEvents,
  credentialLabel,
  describeEvent,
  eventSeverity,
  orderEvents,
  plainName,
  plainValue,
  relative,
} from './digest';
import type { EventType, OutboxEvent } from './events';
import {
  type DrainDocumentEnvelope,
  type MessageBudget,
  maxSeverity,
  type NotificationMessage,
  type NumberedMessagePart,
  SEVERITIES,
  type Severity,
  subjectText,
} from './message';
import { type OwnerDeliveryRoute, UNREACHABLE_REASONS, type UnreachableReason } from './owner-directory';
import { aimedCommand, commandNaming, placeholderWord } from './pasted-command';
import { MAX_CONFIRMATION_EMAILS } from './subscription-confirmations';
import { DAY_MS, formatInstant, parseInstant } from './time';

/** The machine document's schema name. */
export const UNREACHABLE_REPORT_SCHEMA = 'personal-client-hygiene/owner-unreachable';
/** The machine document's version: bumped on any incompatible change. */
export const UNREACHABLE_REPORT_SCHEMA_VERSION = 1;

/**
 * `eventTypes` of the report: `owner-unreachable` when a part lists owners,
 * `event-owner-mismatch` when it lists events whose owner does not match their credential.
 */
export const UNREACHABLE_EVENT_TYPES = ['owner-unreachable', 'event-owner-mismatch'] as const;
export type UnreachableEventType = (typeof UNREACHABLE_EVENT_TYPES)[number];

/**
 * The reasons only a report gives, never a judgement of an owner: not in `UNREACHABLE_REASONS`, so never in a drain's
 * or sweep's counts by reason, the posture report or `owners list --unreachable`. `email-undelivered`: the relay's
 * report of one email SES gave up on (a transient or undetermined bounce, or a reject) while the owner was not marked
 * bouncing (docs/notifications.md, "Email relay"). A new reason keeps the schema's version (docs/notifications.md,
 * "The report message").
 */
export const REPORT_ONLY_REASONS = ['email-undelivered'] as const;

/** Why a report lists an owner: a drain's judgement ({@link UnreachableReason}) or a report-only reason. */
export type ReportedReason = UnreachableReason | (typeof REPORT_ONLY_REASONS)[number];

/** Every reason a report may give, in the order its advice is printed ({@link reasonAdviceLines}). */
const REPORTED_REASONS: readonly ReportedReason[] = [...UNREACHABLE_REASONS, ...REPORT_ONLY_REASONS];

/** One unreachable owner and the events their digest carried. */
export interface UnreachableOwner {
  readonly userId: string;
  /** The owner's name when the directory knows it. */
  readonly name?: string;
  /**
   * The owner's email address when the directory holds one (whatever the reason: the address to correct, or to look
   * up on SES's suppression list). Untrusted text: flattened in the email text, as every stored value.
   */
  readonly email?: string;
  /** Why the owner is listed: the drain's judgement, or (the relay's bounce report) a report-only reason. */
  readonly reason: ReportedReason;
  /** The same event objects as the owner's digest (stored outbox events). */
  readonly events: readonly OutboxEvent[];
}

/**
 * An outbox event that does not belong to the item it is stored on: its
 * `userId` is not the credential's owner (`owner-mismatch`), or its
 * `credentialId` is not the item's (`credential-mismatch`). Never sent to any digest.
 */
export interface MismatchedOwnerEvent {
  /** The item the event is stored on. */
  readonly credentialId: string;
  /** The credential item's `userId` (who owns it now). */
  readonly itemUserId: string;
  readonly problem: 'owner-mismatch' | 'credential-mismatch';
  /** The event as stored; its `userId` is the one that does not match. */
  readonly event: OutboxEvent;
}

/** The versioned JSON document admin machine subscribers receive. */
export interface UnreachableReportDocument extends DrainDocumentEnvelope {
  readonly schema: typeof UNREACHABLE_REPORT_SCHEMA;
  readonly version: typeof UNREACHABLE_REPORT_SCHEMA_VERSION;
  readonly audience: 'admin';
  readonly eventTypes: readonly UnreachableEventType[];
  /** The owner delivery route reachability was judged for. */
  readonly route: OwnerDeliveryRoute;
  /** The owners in this part (an owner with many events may continue in the next part). */
  readonly owners: readonly UnreachableOwner[];
  readonly invalidEvents: readonly MismatchedOwnerEvent[];
}

/** What a report is rendered from. */
export interface UnreachableReportInput {
  readonly drainId: string;
  /** The drain's clock (epoch ms). */
  readonly now: number;
  readonly route: OwnerDeliveryRoute;
  readonly owners: readonly UnreachableOwner[];
  readonly invalidEvents: readonly MismatchedOwnerEvent[];
  /** The size limit of one message and how it is measured (the publisher's: `NotificationPublisher.limits`). */
  readonly budget: MessageBudget;
  /**
   * The flags aiming the report's restore commands where the deleted credentials are, as shell words, the way the
   * admin report aims its commands: a deployment's `--stack NAME --region REGION` (`deploymentTargetFlags`,
   * lambdas/render/admin-report.ts), or a CLI drain's own target (the deployment's, or `--endpoint URL --table
   * NAME`); empty for none (the local demo, whose table is gone when it ends). Absent when the caller does not know
   * the deployment: each command then says, apart from it, to add its `--stack NAME` ({@link aimedCommand}), rather
   * than reading as aimed at the default stack. The owners' `pc-hygiene owners …` commands take the same flags,
   * unless {@link directoryTargetFlags} aims them.
   */
  readonly targetFlags?: string;
  /**
   * The flags aiming the report's owner directory commands (`pc-hygiene owners …`: the owners' `What to do` and the
   * reasons' advice) when they are not {@link targetFlags}: a CLI drain of a table named directly aims them at the
   * directory it read (`--endpoint URL --directory-table NAME`, or `--directory-table NAME --region REGION`), as
   * those commands take no `--table`. Absent: {@link targetFlags} (a deployment's `--stack NAME --region REGION`,
   * which every command takes; none; or not known).
   */
  readonly directoryTargetFlags?: string;
  /**
   * The flags naming the notification topic, which the report's owner commands that need one (`pc-hygiene owners
   * sync-subscriptions`, and its `--dry-run`) carry after their other flags: a CLI drain of a table named directly
   * that named a topic gives it (`--topic-arn ARN`, and its `--sns-endpoint URL` when it gave one), as the owner
   * directory flags name none ({@link directoryTargetFlags}). Absent: with {@link directoryTargetFlags}, which name
   * no topic, each such command says after it to add the topic's `--topic-arn ARN` (the CLI refuses it without), as a
   * deployment not known says to add its `--stack NAME`; without, nothing is added (a deployment's `--stack NAME`
   * names its topic).
   */
  readonly topicTargetFlags?: string;
  /**
   * For the relay's bounce report: when the drain handed the digest to the relay (its `generatedAt`, epoch ms), when
   * it also released the purge of the deletions in it; a deletion read past its `restorableUntil` then says the hold
   * ended then, not at this report (`describeEvent`'s `relayedAt`, lambdas/hygiene/digest.ts). Absent: a drain's
   * report, published as the drain releases the purge.
   */
  readonly relayedAt?: number;
}

/** One message of the report: the neutral message, and what it carries. */
export interface UnreachableReportPart extends NumberedMessagePart {
  readonly owners: readonly UnreachableOwner[];
  readonly invalidEvents: readonly MismatchedOwnerEvent[];
}

/** One event cannot fit a report message on its own. */
export class UnreachableReportTooLargeError extends Error {
  override readonly name = 'UnreachableReportTooLargeError';
}

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

/** `pc-hygiene owners <subcommand>` (and its arguments) aimed by `targetFlags` ({@link aimedCommand}). */
function ownersCommand(subcommand: string, targetFlags: string | undefined): string {
  return aimedCommand(`pc-hygiene owners ${subcommand}`, targetFlags);
}

/**
 * `pc-hygiene owners <subcommand> ID` naming the owner `userId` (`undefined`: the placeholder), aimed by
 * `targetFlags` ({@link commandNaming}).
 */
function ownerCommand(
  subcommand: string,
  userId: string | undefined,
  targetFlags: string | undefined,
): string {
  // A stored id is untrusted: flattened as every stored value before it is quoted.
  const id = userId === undefined ? undefined : plainValue(userId);
  return commandNaming(`pc-hygiene owners ${subcommand}`, id, '', targetFlags);
}

/**
 * How the report's commands that need the notification topic name it ({@link UnreachableReportInput.topicTargetFlags}):
 * `flags` after their other flags, or the flag `missing` from them, said after the command ({@link aimedCommand}).
 * Absent: their other flags name it (a deployment's `--stack NAME`), or say what to add (a deployment not known).
 */
type TopicAim = { readonly flags: string } | { readonly missing: string };

/** What a command that needs the topic lacks when the owner directory's flags aim it and no topic was named. */
const TOPIC_FLAG = "the topic's --topic-arn ARN";

/** {@link TopicAim} of the report's input: the topic's flags, else `--topic-arn` missing from the directory's flags. */
function topicAimOf(input: UnreachableReportInput): TopicAim | undefined {
  if (input.topicTargetFlags !== undefined) return { flags: input.topicTargetFlags };
  return input.directoryTargetFlags !== undefined ? { missing: TOPIC_FLAG } : undefined;
}

/**
 * `pc-hygiene owners sync-subscriptions` (and `args`), the owners command the report prints that needs the
 * notification topic: aimed by `targetFlags`, with the topic's flags after them or, when none was named, the words
 * to add `--topic-arn` after the command (`topic`: {@link TopicAim}); a deployment not known stays so
 * ({@link aimedCommand}).
 */
function syncSubscriptionsCommand(
  args: string,
  targetFlags: string | undefined,
  topic: TopicAim | undefined,
): string {
  const command = `pc-hygiene owners sync-subscriptions${args}`;
  if (targetFlags === undefined || topic === undefined) return aimedCommand(command, targetFlags);
  if ('missing' in topic) return aimedCommand(command, targetFlags, undefined, topic.missing);
  return aimedCommand(command, [targetFlags, topic.flags].filter((f) => f !== '').join(' '));
}

/** The heading of the advice a report part gives once for every owner with a reason ({@link reasonAdviceLines}). */
const BY_REASON_HEADING = 'What to do, by reason';

/** What an owner's line says where the advice under {@link BY_REASON_HEADING} continues it. */
const SEE_BY_REASON = `see “${BY_REASON_HEADING}” below`;

/**
 * Why an owner is unreachable and what an admin can do about it: `why` and `todo` on the owner's lines, a sentence
 * or two; `advice`, when a reason needs more, once per report part for every owner with it
 * ({@link reasonAdviceLines}), which `todo` then points to. The commands in `todo` and `advice` are aimed by
 * `targetFlags` (the owner directory's: {@link UnreachableReportInput.directoryTargetFlags}; {@link aimedCommand}),
 * those that need the notification topic by `topic` too ({@link TopicAim}),
 * and name the owner by `userId` ({@link commandNaming}; `undefined`: not known, the placeholder); `advice`, shared
 * by the part's owners, names none.
 */
interface UnreachableReasonText {
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
    // The restore command itself is under each deletion notice, aimed at the deployment (`restoreLine`): one place.
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
 * `targetFlags` (the owner directory's, {@link ownerCommandFlags}). Nothing when no reason has advice.
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

/** One owner's event, or one mismatched event: the smallest piece a part holds. */
type Unit =
  | { readonly kind: 'owner'; readonly owner: UnreachableOwner; readonly event: OutboxEvent }
  | { readonly kind: 'invalid'; readonly invalid: MismatchedOwnerEvent };

/**
 * Which of two events is more urgent for the admins (negative: `a`): the higher severity ({@link eventSeverity}:
 * a deletion or an expiry within a day is `high`) first, then the digest's own order ({@link compareEvents}).
 */
function compareUrgency(a: OutboxEvent, b: OutboxEvent): number {
  return SEVERITIES.indexOf(eventSeverity(b)) - SEVERITIES.indexOf(eventSeverity(a)) || compareEvents(a, b);
}

/**
 * The owners ordered by their most urgent event ({@link compareUrgency}), most urgent first, so an expiry hours away
 * is not buried among a drain's routine notices; owners without events last, ties in their given order.
 */
export function ownersByUrgency(owners: readonly UnreachableOwner[]): UnreachableOwner[] {
  const keyed = owners.map((owner) => ({
    owner,
    urgent: owner.events.reduce<OutboxEvent | undefined>(
      (most, event) => (most === undefined || compareUrgency(event, most) < 0 ? event : most),
      undefined,
    ),
  }));
  keyed.sort((a, b) => {
    if (a.urgent === undefined || b.urgent === undefined)
      return a.urgent === undefined ? (b.urgent === undefined ? 0 : 1) : -1;
    return compareUrgency(a.urgent, b.urgent);
  });
  return keyed.map((k) => k.owner);
}

function unitsOf(input: UnreachableReportInput): Unit[] {
  const units: Unit[] = [];
  for (const owner of ownersByUrgency(input.owners)) {
    for (const event of orderEvents(owner.events)) units.push({ kind: 'owner', owner, event });
  }
  for (const invalid of input.invalidEvents) units.push({ kind: 'invalid', invalid });
  return units;
}

/** Regroups a part's units: owners in first-seen (urgency) order with their events, then the mismatched events. */
function contentOf(units: readonly Unit[]): {
  owners: UnreachableOwner[];
  invalidEvents: MismatchedOwnerEvent[];
} {
  const owners = new Map<string, { owner: UnreachableOwner; events: OutboxEvent[] }>();
  const invalidEvents: MismatchedOwnerEvent[] = [];
  for (const unit of units) {
    if (unit.kind === 'invalid') {
      invalidEvents.push(unit.invalid);
      continue;
    }
    const entry = owners.get(unit.owner.userId);
    if (entry) entry.events.push(unit.event);
    else owners.set(unit.owner.userId, { owner: unit.owner, events: [unit.event] });
  }
  return { owners: [...owners.values()].map(({ owner, events }) => ({ ...owner, events })), invalidEvents };
}

function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

/** The event types of a deletion (the digest's "Deleted" section). */
const DELETION_TYPES: ReadonlySet<EventType> = new Set([
  'deleted-expired',
  'deleted-stale',
  'deleted-orphaned',
]);

/** An expiry this close (or closer) is counted urgent: the window of the 1-day notice. */
const URGENT_EXPIRY_MS = DAY_MS;

/**
 * What is urgent among the owners' notices, in distinct credentials: expiring within 24 hours, read after their
 * expiry, deleted; and the soonest of those expiring within 24 hours (epoch ms), if any.
 */
interface UrgencyCounts {
  readonly expiringWithinDay: number;
  readonly expired: number;
  readonly deleted: number;
  readonly soonestWithinDay?: number;
}

function urgencyCounts(owners: readonly UnreachableOwner[], now: number): UrgencyCounts {
  const within = new Set<string>();
  const expired = new Set<string>();
  const deleted = new Set<string>();
  let soonest: number | undefined;
  for (const event of owners.flatMap((o) => o.events)) {
    if (DELETION_TYPES.has(event.type)) deleted.add(event.credentialId);
    const parsed =
      event.type === 'expiry-warning' && event.expiresTime !== undefined
        ? parseInstant(event.expiresTime)
        : undefined;
    if (!parsed?.ok) continue;
    if (parsed.ms <= now) expired.add(event.credentialId);
    else if (parsed.ms - now <= URGENT_EXPIRY_MS) {
      within.add(event.credentialId);
      soonest = Math.min(soonest ?? parsed.ms, parsed.ms);
    }
  }
  return {
    expiringWithinDay: within.size,
    expired: expired.size,
    deleted: deleted.size,
    ...(soonest !== undefined && { soonestWithinDay: soonest }),
  };
}

/**
 * The line under the owners' heading that says what is urgent in a part, e.g. "Most urgent first: 2 credentials expire within
 * 24 h (the first in 4 hours), 1 already expired, 3 deleted."
 */
function urgencyLine(owners: readonly UnreachableOwner[], now: number): string {
  const counts = urgencyCounts(owners, now);
  const soonest = counts.soonestWithinDay === undefined ? '' : relative(counts.soonestWithinDay, now);
  const expiring =
    counts.expiringWithinDay === 0
      ? 'no credential expires within 24 h'
      : counts.expiringWithinDay === 1
        ? `1 credential expires within 24 h (${soonest})`
        : `${counts.expiringWithinDay} credentials expire within 24 h (the first ${soonest})`;
  const expired = counts.expired > 0 ? [`${counts.expired} already expired`] : [];
  return `Most urgent first: ${[expiring, ...expired, `${counts.deleted} deleted`].join(', ')}.`;
}

/**
 * A specific subject, e.g. "Hygiene: 3 owners unreachable, 12 notices for the admins, first expiry in 4 hours" (the
 * soonest expiry within 24 hours, when there is one and it fits the 100 characters).
 */
export function unreachableSubject(
  owners: readonly UnreachableOwner[],
  invalidEvents: readonly MismatchedOwnerEvent[],
  now: number,
  part = 1,
  parts = 1,
): string {
  const suffix = parts > 1 ? ` (part ${part}/${parts})` : '';
  const budget = 100 - suffix.length;
  const notices = owners.reduce((n, o) => n + o.events.length, 0);
  const pieces = [
    ...(owners.length > 0
      ? [`${plural(owners.length, 'owner')} unreachable, ${plural(notices, 'notice')} for the admins`]
      : []),
    ...(invalidEvents.length > 0
      ? [`${plural(invalidEvents.length, 'notice')} with a mismatched owner`]
      : []),
  ];
  const without = `Hygiene: ${pieces.join('; ')}`;
  const { soonestWithinDay } = urgencyCounts(owners, now);
  const soonest = soonestWithinDay === undefined ? '' : `, first expiry ${relative(soonestWithinDay, now)}`;
  const text = without.length + soonest.length <= budget ? `${without}${soonest}` : without;
  return `${subjectText(text, budget)}${suffix}`;
}

/**
 * "bob (Bob Builder) at bob@corp.example": the owner's id, then the directory's name and address when it has them,
 * each flattened ({@link plainName}): directory values are untrusted text, and none can add a line.
 */
function ownerNaming(owner: UnreachableOwner): string {
  const name = plainName(owner.name);
  const email = plainName(owner.email);
  return [
    plainValue(owner.userId),
    ...(name !== undefined ? [`(${name})`] : []),
    ...(email !== undefined ? [`at ${email}`] : []),
  ].join(' ');
}

/**
 * What the admins run to undo a deletion the owner was never told about (the owner's own advice, "ask … to restore
 * it", is not for them): the restore command with the credential's id, aimed by `targetFlags`
 * ({@link UnreachableReportInput.targetFlags}, by {@link commandNaming}) (docs/notifications.md, "The report
 * message").
 */
function restoreLine(event: OutboxEvent, targetFlags: string | undefined): string[] {
  if (!DELETION_TYPES.has(event.type)) return [];
  // A credential id is untrusted: named by the one rule of a command naming an id.
  const restore = commandNaming(
    'pc-hygiene restore',
    plainValue(event.credentialId),
    ` --reason ${placeholderWord('why')}`,
    targetFlags,
  );
  return [`To restore it if the owner still needs it: ${restore}`];
}

/** Where the report's `pc-hygiene owners …` commands aim ({@link UnreachableReportInput.directoryTargetFlags}). */
function ownerCommandFlags(input: UnreachableReportInput): string | undefined {
  return input.directoryTargetFlags ?? input.targetFlags;
}

function ownerLines(owner: UnreachableOwner, input: UnreachableReportInput): string[] {
  const reason = UNREACHABLE_REASON_TEXT[owner.reason];
  const lines = [
    '',
    `  * ${ownerNaming(owner)}: ${reason.why} [${owner.reason}]`,
    `    What to do: ${reason.todo(owner.userId, ownerCommandFlags(input), topicAimOf(input))}`,
  ];
  for (const event of owner.events) {
    lines.push(`    - ${credentialLabel(event)}`);
    const facts = describeEvent(event, input.now, undefined, input.relayedAt).slice(0, -1);
    for (const line of [...facts, ...restoreLine(event, input.targetFlags)]) lines.push(`      ${line}`);
  }
  return lines;
}

/**
 * A mismatched event's lines. It may be forged (the very reason it is listed),
 * so every stored value is flattened ({@link plainValue}): none can add a line.
 */
function invalidLines(invalid: MismatchedOwnerEvent, now: number): string[] {
  const { event } = invalid;
  const names =
    invalid.problem === 'owner-mismatch'
      ? `owner ${plainValue(event.userId)}`
      : `credential ${plainValue(event.credentialId)}`;
  return [
    `  * credential ${plainValue(invalid.credentialId)} (owner ${plainValue(invalid.itemUserId)}) holds a ${event.type} notice (event ${plainValue(event.eventId)}) that names ${names}:`,
    `    ${credentialLabel(event)}`,
    ...describeEvent(event, now)
      .slice(0, -1)
      .map((line) => `    ${line}`),
  ];
}

/** Whether a part's text carries its reasons' advice: always, except when packing measures an owner's own lines. */
type AdviceShown = 'with advice' | 'without advice';

function renderText(
  input: UnreachableReportInput,
  nowIso: string,
  content: ReturnType<typeof contentOf>,
  part: number,
  parts: number,
  advice: AdviceShown,
): string {
  // The relay's bounce report takes the drain id from the bounced email's tag: flattened as every stored value.
  const lines = [`Owner notices that reached no one, as of ${nowIso} (drain ${plainValue(input.drainId)}).`];
  if (parts > 1) lines.push(`This report is long: this is part ${part} of ${parts}.`);
  if (content.owners.length > 0) {
    lines.push(
      '',
      `Unreachable owners (${content.owners.length}): their digests were published, but no person receives them on the ${input.route} route.`,
      'Please make sure each owner learns about these credentials, and fix what keeps them unreachable.',
      urgencyLine(content.owners, input.now),
    );
    for (const owner of content.owners) lines.push(...ownerLines(owner, input));
    if (advice === 'with advice') {
      lines.push(
        ...reasonAdviceLines(
          content.owners.map((o) => o.reason),
          ownerCommandFlags(input),
        ),
      );
    }
  }
  if (content.invalidEvents.length > 0) {
    lines.push(
      '',
      `Notices whose owner does not match their credential (${content.invalidEvents.length}): sent to no owner.`,
      'What to do: check who changed these credentials or wrote these notices (a reassigned credential, or a forged or corrupted outbox entry).',
    );
    for (const invalid of content.invalidEvents) lines.push(...invalidLines(invalid, input.now));
  }
  lines.push('', '--', 'All times are UTC. Sent by PersonalClient Hygiene to the admins (audience=admin).');
  return lines.join('\n');
}

function renderPart(
  input: UnreachableReportInput,
  nowIso: string,
  units: readonly Unit[],
  part: number,
  parts: number,
  advice: AdviceShown = 'with advice',
): UnreachableReportPart {
  const content = contentOf(units);
  const eventTypes: UnreachableEventType[] = [
    ...(content.owners.length > 0 ? (['owner-unreachable'] as const) : []),
    ...(content.invalidEvents.length > 0 ? (['event-owner-mismatch'] as const) : []),
  ];
  const severity: Severity =
    content.invalidEvents.length > 0
      ? 'high'
      : maxSeverity(['warning', ...content.owners.flatMap((o) => o.events.map(eventSeverity))]);
  const document: UnreachableReportDocument = {
    schema: UNREACHABLE_REPORT_SCHEMA,
    version: UNREACHABLE_REPORT_SCHEMA_VERSION,
    audience: 'admin',
    eventTypes,
    severity,
    generatedAt: nowIso,
    drainId: input.drainId,
    route: input.route,
    part,
    parts,
    ...content,
  };
  const message: NotificationMessage = {
    subject: unreachableSubject(content.owners, content.invalidEvents, input.now, part, parts),
    text: renderText(input, nowIso, content, part, parts, advice),
    document,
    routing: { audience: 'admin', severity, eventTypes },
  };
  return { message, ...content, part, parts, bytes: input.budget.measure(message) };
}

/**
 * What packing needs, measured once per report (not once per packing attempt), as digests do: `fixed`, an empty
 * part with the widest part counter; `costs[i]`, what unit `i` adds to a part without its reason's advice; and per
 * reason present, what its advice adds (its heading included, so two reasons overcount a little), by the first unit
 * with it: what a part pays once, however many of its owners have the reason.
 */
interface MeasuredUnits {
  readonly fixed: number;
  readonly costs: readonly number[];
  readonly advice: ReadonlyMap<ReportedReason, number>;
}

function measureCosts(input: UnreachableReportInput, nowIso: string, units: readonly Unit[]): MeasuredUnits {
  const alone = (unit: Unit, advice: AdviceShown) =>
    renderPart(input, nowIso, [unit], 999, 999, advice).bytes;
  const fixed = renderPart(input, nowIso, [], 999, 999).bytes;
  const costs = units.map((unit) => alone(unit, 'without advice') - fixed);
  const advice = new Map<ReportedReason, number>();
  units.forEach((unit, i) => {
    if (unit.kind !== 'owner' || advice.has(unit.owner.reason)) return;
    advice.set(unit.owner.reason, alone(unit, 'with advice') - ((costs[i] ?? 0) + fixed));
  });
  return { fixed, costs, advice };
}

/** Unit `i`'s cost in a part that already holds `reasons`: its own lines, plus its reason's advice when new there. */
function costIn(
  measured: MeasuredUnits,
  units: readonly Unit[],
  i: number,
  reasons: ReadonlySet<ReportedReason>,
) {
  const unit = units[i];
  const own = measured.costs[i] ?? 0;
  if (unit?.kind !== 'owner' || reasons.has(unit.owner.reason)) return own;
  return own + (measured.advice.get(unit.owner.reason) ?? 0);
}

/**
 * Packs units greedily into parts by their measured cost ({@link measureCosts}, as digests do): each unit's own
 * lines, plus its reason's advice when the part does not hold the reason yet; every part is checked afterwards.
 */
function pack(units: readonly Unit[], measured: MeasuredUnits, budget: number): Unit[][] {
  const groups: Unit[][] = [];
  let current: Unit[] = [];
  let reasons = new Set<ReportedReason>();
  let used = measured.fixed;
  units.forEach((unit, i) => {
    let cost = costIn(measured, units, i, reasons);
    if (current.length > 0 && used + cost > budget) {
      groups.push(current);
      current = [];
      reasons = new Set();
      used = measured.fixed;
      cost = costIn(measured, units, i, reasons);
    }
    current.push(unit);
    if (unit.kind === 'owner') reasons.add(unit.owner.reason);
    used += cost;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Renders the drain's report: one message, or numbered parts ("(part 1/2)")
 * each within the size limit; no parts when there is nothing to report.
 * @throws {UnreachableReportTooLargeError} when one event alone exceeds the limit
 */
export function renderUnreachableReport(input: UnreachableReportInput): UnreachableReportPart[] {
  const units = unitsOf(input);
  if (units.length === 0) return [];
  const limit = input.budget.maxMessageBytes;
  const nowIso = formatInstant(input.now);
  const whole = renderPart(input, nowIso, units, 1, 1);
  if (whole.bytes <= limit) return [whole];
  const measured = measureCosts(input, nowIso, units);
  for (let budget = limit; budget > limit / 4; budget = Math.floor(budget * 0.9)) {
    const groups = pack(units, measured, budget);
    const parts = groups.map((group, i) => renderPart(input, nowIso, group, i + 1, groups.length));
    if (parts.every((p) => p.bytes <= limit)) return parts;
    if (groups.every((g) => g.length === 1)) break;
  }
  throw new UnreachableReportTooLargeError(
    `the owner-unreachable report cannot be split into messages of at most ${limit} bytes (one event is too large)`,
  );
}
