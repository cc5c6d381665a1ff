/**
 * SES bounces, complaints and rejects → the owner directory (docs/notifications.md, "Email relay"). What each SES
 * event notification says (a permanent bounce, a suppressed send, a bounce SES gave up on without calling it
 * permanent, a reject, a complaint, a feedback report that is not a person's stop) is read by
 * `ses-event-reading.ts`; this module records it and sums up what it did ({@link AddressProblemSummary}).
 *
 * A permanent bounce (a suppressed send included) marks the owner's address `bouncing`, which makes the owner
 * unreachable on the `relay` route until the directory is updated. A complaint (the person marked the notice as
 * spam: their own "stop") records the owner `unsubscribed` at that address, an opt-out like any other: it stops both
 * routes, travels in `owners export`, is remembered for the address when an import moves them away (and recorded
 * again if one moves them back), and is undone only by `owners resubscribe` or a move to an address they did not opt
 * out at. A bounce SES did not call permanent, and a reject, mark no one; a `Transient`/`General` bounce without a
 * DSN failure and a feedback report that is not a stop are only counted, and logged with the summary, as unreadable
 * messages are.
 *
 * Attribution: the owner the email's tag names, at the address the relay sent to (`ses-event-reading.ts`). The mark
 * and the opt-out are written only while the directory still holds an address the relay sent to, compared trimmed
 * and case-insensitively (`normalizeEmail`, the subscription reconciler's rule: a re-export may change the case),
 * with the domain in Punycode (`mailboxKey`: the relay gives SES `bob@xn--bcher-kva.example` for the directory's
 * `bob@bücher.example`, and SES's events name what it was given). DynamoDB conditions cannot compare
 * case-insensitively, so the use case reads the owner, compares, and writes conditionally on the exact spelling it
 * read; an import that changed the spelling in between fails the condition and the owner is read again. This needs
 * no normalised copy of the address in the table (which every item written before would lack, and the import would
 * have to keep in step), and bounces and complaints are rare: one consistent read each costs nothing.
 *
 * A complaint can arrive hours after the send, after an import (a wrong export) moved the owner to another address.
 * It is still the person's stop at the address the relay sent to, so it is remembered for that address (its digest
 * added to `optedOutAddresses`, conditional on the address read as above), as the import would have remembered it
 * had the complaint come first: an import that moves them back records `unsubscribed` again. Their current address
 * is left as it is: they never complained there. A bounce for an address they no longer hold changes nothing (the
 * address is not theirs any more).
 *
 * A permanent bounce (and a bounce SES gave up on, or a reject) also means the notices that email carried reached no
 * one: each is handed to the bounced-digest reporter (`bounced-digest.ts`), which gives the admins the part's
 * events, once, with what the email's tags say (owner, drain, part) and the owner's name read here. The directory
 * write and the report are tried independently: a failure of either fails the invocation after both were tried
 * (Lambda retries it; both are idempotent). Pure over the directory and reporter ports.
 */

import { digestUnion, optedOutAddressDigest } from '../hygiene/opted-out-address';
import type { OwnerBounceRecorder, OwnerDirectory, OwnerRecord } from '../hygiene/owner-directory';
import type { BouncedEmail, NotPermanentBounceType } from './bounce-report';
import type { BouncedDigestOutcome } from './bounced-digest';
import { directorySpellings, mailboxKey } from './ses-address';
import {
  type AddressProblem,
  type AuthOrVirusFeedback,
  type AuthOrVirusReport,
  readSesEvent,
  type SesEventReading,
} from './ses-event-reading';

/** What {@link recordAddressProblems} did. */
export interface AddressProblemSummary {
  /** Permanent bounces and complaints read, suppressed sends included. */
  readonly bounces: number;
  /** Of those, complaints (a person's: a suppressed send reported as a complaint is not one). */
  readonly complaints: number;
  /**
   * Of `bounces`, suppressed sends: SES did not send the email, the address being on the account's suppression
   * list (reported as a bounce or a complaint with subtype `OnAccountSuppressionList`; read as a permanent bounce).
   */
  readonly suppressed: number;
  /** Owners marked bouncing (by a permanent bounce or a suppressed send). */
  readonly marked: number;
  /** Owners recorded unsubscribed by a complaint (at the address the relay sent to, still theirs). */
  readonly optedOut: number;
  /**
   * Complaints about an address the owner no longer holds (an import moved them away since the send): the
   * address remembered in their `optedOutAddresses`, so a move back records them `unsubscribed` again.
   */
  readonly optOutsRemembered: number;
  /**
   * Problems nothing was recorded for: no owner tag or an absent owner; a bounce for an address the owner no
   * longer holds; a complaint naming no address.
   */
  readonly unattributed: number;
  /** Messages that were not JSON (logged, skipped: SNS would only redeliver the same text). */
  readonly unreadable: number;
  /**
   * Complaints whose feedback type is `not-spam` (the person said the email is not spam): nothing recorded,
   * not counted in `bounces` or `complaints`.
   */
  readonly notSpam: number;
  /**
   * Complaints whose feedback type is `auth-failure` or `virus` (the provider's finding, not the person's stop):
   * nothing recorded, not counted in `bounces` or `complaints`; the handler's `EmailAuthOrVirusReports` (alarm at 1).
   */
  readonly authOrVirusReports: number;
  /**
   * `authOrVirusReports` by feedback type (`auth-failure`, `virus`; only those seen): for the log, which tells the
   * operator which runbook step applies (docs/deploy.md, "Runbook: Email authentication or virus reports").
   */
  readonly authOrVirusTypes: Readonly<Partial<Record<AuthOrVirusFeedback, number>>>;
  /**
   * The first {@link AUTH_OR_VIRUS_LISTED} of those reports, each with the owner the email was tagged for and SES's
   * message id (never the address): which owners' mailbox provider found the digest failing authentication, and
   * which email (docs/deploy.md, "Runbook: Email authentication or virus reports").
   */
  readonly authOrVirusEmails: readonly AuthOrVirusReport[];
  /**
   * Bounces SES did not report as permanent (`Transient` of any subtype, `Undetermined`), and `Reject` events: nobody
   * marked, not in `bounces`. All but `Transient`/`General` ones without a DSN failure (automatic replies) are
   * reported as permanent ones are (`digestsReported`).
   */
  readonly transient: number;
  /**
   * `transient` by SES's type and subtype (`Transient/General`, `Transient/MailboxFull`, `Undetermined/Undetermined`;
   * `Undetermined/Reject` for a `Reject`; `…/-` without a subtype): for the log, as a metric dimension per subtype
   * would be one more metric each.
   */
  readonly transientTypes: Readonly<Record<string, number>>;
  /**
   * Bounces (permanent, suppressed sends, and those SES gave up on without calling them permanent) whose digest part
   * was reported to the admins (with its events or without).
   */
  readonly digestsReported: number;
  /** Of those, reported without the events: they could not be read back (untagged, expired, unreadable). */
  readonly digestsUnreadable: number;
  /** Bounces whose report had been published before (a redelivered event, another bounce of the part): nothing published. */
  readonly reportsRepeated: number;
}

/** Reports a bounced relay email's digest part to the admins, once (`reportBouncedDigest`, bound to its ports). */
export type BouncedDigestReporter = (email: BouncedEmail) => Promise<BouncedDigestOutcome>;

/** What bounce attribution needs from the directory: the owner's current address, and the conditional writes. */
export interface BounceDirectory extends OwnerBounceRecorder, Pick<OwnerDirectory, 'getMany'> {}

/** Reads and conditional writes per problem before giving up on an address that keeps changing. */
const MARK_ATTEMPTS = 3;

/** An owner's address changed between every read and write: the invocation fails and is retried. */
export class BounceMarkContendedError extends Error {
  override readonly name = 'BounceMarkContendedError';
  constructor(
    readonly userId: string,
    attempts: number,
  ) {
    super(
      `owner ${JSON.stringify(userId)}: the directory's address changed between read and write in each of ` +
        `${attempts} attempts to record the address problem (an import running meanwhile?)`,
    );
  }
}

/**
 * What the directory recorded of a problem: `recorded` at the owner's current
 * address (a bounce: bouncing; a complaint: `unsubscribed`), `remembered` (a
 * complaint about an address the owner has moved away from: its digest added
 * to their `optedOutAddresses`), or `unattributed` (nothing).
 */
type Attribution = 'recorded' | 'remembered' | 'unattributed';

/**
 * The problem's conditional write for `userId`, whose address is `current` (the exact spelling read;
 * `undefined`: none), and what it records; `undefined` when there is nothing to write (a bounce, or a
 * complaint naming no address, for an address the owner does not hold).
 */
function writeFor(
  directory: BounceDirectory,
  problem: AddressProblem,
  userId: string,
  current: string | undefined,
): { attribution: Attribution; write: () => Promise<boolean> } | undefined {
  const sentTo = new Set(problem.sentTo.map(mailboxKey));
  if (current !== undefined && sentTo.has(mailboxKey(current))) {
    const write =
      problem.kind === 'complaint'
        ? () => directory.recordComplaint(userId, current)
        : () => directory.markBouncing(userId, current, problem.at);
    return { attribution: 'recorded', write };
  }
  if (problem.kind !== 'complaint' || sentTo.size === 0) return undefined;
  // Under each spelling the directory may hold it in (a Punycode domain also in Unicode): an import that moves
  // the owner back, in either, finds the opt-out.
  const digests = digestUnion(problem.sentTo.flatMap(directorySpellings).map(optedOutAddressDigest));
  return {
    attribution: 'remembered',
    write: () => directory.rememberOptedOutAddresses(userId, current, digests),
  };
}

/**
 * Records the problem for its owner: at their current address when it is one
 * the relay sent to, compared normalised (see the file header); a complaint
 * about an address they no longer hold is remembered for that address.
 * @returns `unattributed` when there is no owner tag or the owner is absent, or for a bounce (or a complaint
 *   naming no address) when their address is not one the relay sent to; `owner` as last read
 * @throws {BounceMarkContendedError} when the address changed during every attempt
 */
async function recordForOwner(
  directory: BounceDirectory,
  problem: AddressProblem,
): Promise<{ attribution: Attribution; owner?: OwnerRecord }> {
  const { userId } = problem;
  if (userId === undefined) return { attribution: 'unattributed' };
  for (let attempt = 1; attempt <= MARK_ATTEMPTS; attempt++) {
    const owner = (await directory.getMany([userId])).get(userId);
    if (owner === undefined) return { attribution: 'unattributed' };
    const planned = writeFor(directory, problem, userId, owner.email);
    if (planned === undefined) return { attribution: 'unattributed', owner };
    // Conditional on the exact spelling read: an import in between fails it, and the owner is read again.
    if (await planned.write()) return { attribution: planned.attribution, owner };
  }
  throw new BounceMarkContendedError(userId, MARK_ATTEMPTS);
}

/** The bounced email as the reporter needs it: the tags, the address, when, and the owner's name when read. */
function bouncedEmailOf(problem: AddressProblem, owner: OwnerRecord | undefined): BouncedEmail {
  const { userId, drainId, part, eventsKey, sesMessageId } = problem;
  return {
    ...(userId !== undefined && { userId }),
    ...(owner?.name !== undefined && { name: owner.name }),
    ...(drainId !== undefined && { drainId }),
    ...(part !== undefined && { part }),
    ...(eventsKey !== undefined && { eventsKey }),
    sentTo: problem.sentTo,
    bouncedAt: problem.at,
    ...(sesMessageId !== undefined && { sesMessageId }),
    ...(problem.suppressed && { suppressed: true }),
    ...(problem.bounceType !== undefined && { bounceType: problem.bounceType }),
    ...(problem.bounceSubType !== undefined && { bounceSubType: problem.bounceSubType }),
  };
}

/** Mutable counters of {@link AddressProblemSummary}. */
type Tally = {
  -readonly [K in Exclude<
    keyof AddressProblemSummary,
    'transientTypes' | 'authOrVirusTypes' | 'authOrVirusEmails'
  >]: number;
} & {
  transientTypes: Record<string, number>;
  authOrVirusTypes: Partial<Record<AuthOrVirusFeedback, number>>;
  authOrVirusEmails: AuthOrVirusReport[];
};

/** How many auth-failure/virus reports one summary lists (SNS invokes with one message; the count has them all). */
export const AUTH_OR_VIRUS_LISTED = 20;

/** Adds one to `counts[key]`: the by-type counts beside a total. */
function countOne<K extends string>(counts: Partial<Record<K, number>>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Counts a bounce SES did not report as permanent, by its type and subtype. */
function countTransient(summary: Tally, bounceType: NotPermanentBounceType, bounceSubType = '-'): void {
  summary.transient += 1;
  countOne(summary.transientTypes, `${bounceType}/${bounceSubType}`);
}

/** Counts a provider's `auth-failure` or `virus` report, by its feedback type, and lists the first ones. */
function countAuthOrVirus(summary: Tally, report: AuthOrVirusReport): void {
  summary.authOrVirusReports += 1;
  countOne(summary.authOrVirusTypes, report.feedbackType);
  if (summary.authOrVirusEmails.length < AUTH_OR_VIRUS_LISTED) summary.authOrVirusEmails.push(report);
}

/**
 * Records a permanent bounce or a complaint for its owner ({@link recordForOwner}) and counts what it recorded.
 * @returns the owner as last read
 */
async function recordAndCount(
  directory: BounceDirectory,
  problem: AddressProblem,
  summary: Tally,
): Promise<OwnerRecord | undefined> {
  const result = await recordForOwner(directory, problem);
  if (result.attribution === 'unattributed') summary.unattributed += 1;
  else if (result.attribution === 'remembered') summary.optOutsRemembered += 1;
  else if (problem.kind === 'complaint') summary.optedOut += 1;
  else summary.marked += 1;
  return result.owner;
}

/**
 * The owner of a bounce that marks nothing, read only for their name in the report: a failed read leaves the name
 * out rather than failing the invocation (nothing was to be written, so a retry would only repeat the report's claim).
 */
async function ownerForName(directory: BounceDirectory, userId: string | undefined) {
  if (userId === undefined) return undefined;
  return (await directory.getMany([userId]).catch(() => undefined))?.get(userId);
}

/**
 * One problem: the directory write (none for a bounce SES did not call
 * permanent: the owner is only read, for their name), then (a bounce) the
 * report, each tried whatever the other did; the first failure is thrown
 * after both.
 */
async function handleProblem(
  directory: BounceDirectory,
  problem: AddressProblem,
  summary: Tally,
  reportBounce: BouncedDigestReporter | undefined,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  let owner: OwnerRecord | undefined;
  try {
    owner =
      problem.bounceType === undefined
        ? await recordAndCount(directory, problem, summary)
        : await ownerForName(directory, problem.userId);
  } catch (error: unknown) {
    failure = { error };
  }
  // A bounce with none of the relay's tags is of mail the configuration set carried for something else: counted
  // (bounces and unattributed, or transient), not reported as a lost digest.
  if (problem.kind === 'bounce' && reportBounce !== undefined && carriesRelayTag(problem)) {
    try {
      const outcome = await reportBounce(bouncedEmailOf(problem, owner));
      if (outcome.status === 'duplicate') summary.reportsRepeated += 1;
      else {
        summary.digestsReported += 1;
        if (!outcome.eventsReadBack) summary.digestsUnreadable += 1;
      }
    } catch (error: unknown) {
      failure ??= { error };
    }
  }
  if (failure !== undefined) throw failure.error;
}

/** Whether an email carried any of the relay's tags (owner, drain, part): it was a digest part the relay sent. */
function carriesRelayTag(problem: AddressProblem): boolean {
  return problem.userId !== undefined || problem.drainId !== undefined || problem.part !== undefined;
}

/**
 * Marks the owners of permanent bounces (suppressed sends included) bouncing,
 * and records the owners of complaints `unsubscribed` (or, moved away since
 * the send, remembers the address they complained about); with
 * `reportBounce`, reports the digest part of each permanent bounce, and of
 * each bounce SES gave up on without calling it permanent (a `Reject`
 * included), to the admins. Counts `Transient`/`General` bounces without a
 * DSN failure and feedback reports that are not a stop, which change nothing.
 * @param messages the SNS messages (SES event JSON)
 * @param now arrival instant, epoch ms
 * @throws what the directory or the reporter throws, and {@link BounceMarkContendedError} (the invocation
 *   fails: Lambda retries it twice, then keeps it in the schedule dead-letter queue; the writes are
 *   idempotent and a report is published once)
 */
export async function recordAddressProblems(
  directory: BounceDirectory,
  messages: readonly string[],
  now: number,
  reportBounce?: BouncedDigestReporter,
): Promise<AddressProblemSummary> {
  const summary: Tally = {
    bounces: 0,
    complaints: 0,
    suppressed: 0,
    marked: 0,
    optedOut: 0,
    optOutsRemembered: 0,
    unattributed: 0,
    unreadable: 0,
    notSpam: 0,
    authOrVirusReports: 0,
    authOrVirusTypes: {},
    authOrVirusEmails: [],
    transient: 0,
    transientTypes: {},
    digestsReported: 0,
    digestsUnreadable: 0,
    reportsRepeated: 0,
  };
  for (const message of messages) {
    let reading: SesEventReading;
    try {
      reading = readSesEvent(message, now);
    } catch {
      summary.unreadable += 1;
      continue;
    }
    if (reading.kind === 'not-spam') summary.notSpam += 1;
    if (reading.kind === 'auth-or-virus') countAuthOrVirus(summary, reading.report);
    if (reading.kind === 'general-transient') countTransient(summary, 'Transient', 'General');
    if (reading.kind !== 'problem') continue;
    const { problem } = reading;
    if (problem.bounceType !== undefined) countTransient(summary, problem.bounceType, problem.bounceSubType);
    else summary.bounces += 1;
    if (problem.kind === 'complaint') summary.complaints += 1;
    if (problem.suppressed) summary.suppressed += 1;
    await handleProblem(directory, problem, summary, reportBounce);
  }
  return summary;
}
