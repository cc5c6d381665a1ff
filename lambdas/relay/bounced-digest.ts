/**
 * A digest part whose email bounced reaches the admins (docs/notifications.md,
 * "Email relay"): a permanent bounce, one SES gave up on without calling it
 * permanent (`Transient`, `Undetermined`; a `Transient`/`General` one only
 * with a DSN failure), or a reject (SES found a virus; `ses-event-reading.ts`). By then the outbox, the ledger and SQS all say the events
 * went out, so the SES events handler gives the admins the part's events in
 * an `owner-unreachable` report (`bounce-report.ts`, which says which kind of
 * bounce it was: reason `bouncing` when it marked the owner, else
 * `email-undelivered`), once per part whatever the kind: a later bounce of a part
 * already reported (a permanent one after a transient one) publishes nothing
 * more, the events having reached the admins. Phases: find the part (its ledger entry, keyed by the email's tags:
 * owner, drain, part and events key, or — an email tagged before the events
 * key — the earlier key without it; `relay.ts` `relayPartKey`) →
 * claim the report on that entry (or, when the part cannot be found, on a
 * `bounce#<SES message id>` entry) → render → publish → mark it reported (or
 * release the claim when the publish failed, and fail: Lambda retries the
 * invocation, then keeps it in the failure destination). A bounce whose part
 * or events cannot be found is still reported, with what is known. Pure over
 * ports: ledger, publisher, clock, sleep (the parts are paced: `notifier/pacing.ts`).
 * Pacing across reports: the reports of one invocation share one
 * `RecipientPacer`, and the handler holds the invocation until the
 * admins may be sent to again ({@link holdForNextReport}); the function runs
 * one invocation at a time (reserved concurrency 1), so the next invocation's
 * report starts after that hold (docs/notifications.md, "Size limits,
 * splitting, batching and pacing").
 */
import type { NumberedMessagePart } from '../hygiene/message';
import { RecipientPacer } from '../hygiene/notifier/pacing';
import { publishInBatches } from '../hygiene/notifier/publish';
import type { FailedEntry, NotificationPublisher } from '../hygiene/outbox-ports';
import { parseInstant } from '../hygiene/time';
import { UnreachableReportTooLargeError } from '../hygiene/unreachable-report';
import { type BouncedEmail, renderBounceReport, renderUnreadableBounceNotice } from './bounce-report';
import type { DigestPartRef } from './email-tags';
import type { BounceReportClaim, BounceReportLedger, StoredDigestPart } from './ports';
import { relayPartKey } from './relay';

/** What reporting a bounced digest needs. */
export interface BouncedDigestDeps {
  readonly ledger: BounceReportLedger;
  /** The notification topic (the report has audience `admin`). */
  readonly publisher: NotificationPublisher;
  /** Wall clock, epoch ms (leases, the report's `generatedAt`). */
  readonly clock: () => number;
  /** How long a report's claim lasts (a crashed invocation's claim lapses after it). */
  readonly leaseMs: number;
  /**
   * Waits between two parts of a report to the admins (paced per recipient: `lambdas/hygiene/notifier/pacing.ts`).
   * The handler passes the timer (`timerSleep`, `lambdas/aws/timer-sleep.ts`: the relay holds none); tests a fake.
   */
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * The pacing shared by every report of the invocation (the handler's, for {@link holdForNextReport}).
   * @default a pacing of this report alone
   */
  readonly pacing?: RecipientPacer;
  /**
   * The deployment's `--stack NAME --region REGION`, which the report's commands carry (its restore commands and
   * the owner's `pc-hygiene owners …` commands; the notice's too, without the events; the handler's, from
   * `STACK_NAME`); absent when not known: the report says to add it.
   */
  readonly reportTargetFlags?: string;
}

/** What happened to one bounce. */
export type BouncedDigestOutcome =
  /** Published: with the events (`eventsReadBack`), or the notice saying they could not be read back. */
  | { readonly status: 'reported'; readonly eventsReadBack: boolean; readonly parts: number }
  /** Reported before (a redelivered bounce event, or another bounce of the same part): nothing published. */
  | { readonly status: 'duplicate' };

/** Another invocation holds a live claim on this bounce's report: the invocation fails and is retried. */
export class BounceReportInProgressError extends Error {
  override readonly name = 'BounceReportInProgressError';
}

/** The topic did not accept the report: its claim was released, and the invocation fails (retried). */
export class BounceReportPublishError extends Error {
  override readonly name = 'BounceReportPublishError';
  constructor(readonly failed: readonly FailedEntry[]) {
    super(
      `the bounce report was not published (${failed.map((f) => `${f.code}: ${f.message}`).join('; ')}); ` +
        'left to Lambda’s retries, then the failure destination',
    );
  }
}

/** The ledger key that records the report of a bounce whose digest part cannot be found. */
export function bounceEntryKey(sesMessageId: string): string {
  return `bounce#${sesMessageId}`;
}

/** A bounced email whose tags name its digest part. */
type TaggedEmail = BouncedEmail & DigestPartRef;

function isTagged(email: BouncedEmail): email is TaggedEmail {
  return email.userId !== undefined && email.drainId !== undefined && email.part !== undefined;
}

/** Why the part's events cannot be listed, when its entry was not found. */
function missingProblem(email: BouncedEmail): string {
  if (isTagged(email))
    return 'the relay ledger has no entry for this digest part (expired: an entry is kept 22 days after its claim, RELAY_LEDGER_RETENTION_DAYS; or never claimed)';
  const untagged = (['userId', 'drainId', 'part'] as const).filter((field) => email[field] === undefined);
  return (
    `the email's tags do not name its ${untagged.join(', ')} (sent before the relay tagged them, ` +
    'or an id too long for a tag)'
  );
}

/** Where the report is recorded: the part's entry when there is one, else one keyed by SES's message id. */
function reportEntry(email: BouncedEmail, stored: StoredDigestPart) {
  if (isTagged(email) && stored.status !== 'absent') return { key: relayPartKey(email), mustExist: true };
  if (email.sesMessageId !== undefined) return { key: bounceEntryKey(email.sesMessageId), mustExist: false };
  return undefined;
}

type ReportEntry = ReturnType<typeof reportEntry>;

/** The messages: the events' report, or the notice without them (also when an event cannot fit a message). */
function renderMessages(deps: BouncedDigestDeps, email: BouncedEmail, stored: StoredDigestPart) {
  const now = deps.clock();
  const budget = deps.publisher.limits;
  const notice = (problem: string) => ({
    eventsReadBack: false,
    parts: [renderUnreadableBounceNotice(email, problem, now, budget, deps.reportTargetFlags)],
  });
  if (stored.status === 'absent' || !isTagged(email)) return notice(missingProblem(email));
  if (stored.status === 'unreadable') return notice(stored.problem);
  try {
    const targetFlags = deps.reportTargetFlags;
    // When the drain handed the digest to the relay (and released its deletions' purge): kept by the relay's claim.
    const handed = stored.generatedAt === undefined ? undefined : parseInstant(stored.generatedAt);
    const input = {
      email,
      events: stored.events,
      now,
      budget,
      ...(targetFlags !== undefined && { targetFlags }),
      ...(handed?.ok && { relayedAt: handed.ms }),
    };
    return { eventsReadBack: true, parts: renderBounceReport(input) };
  } catch (error: unknown) {
    if (!(error instanceof UnreachableReportTooLargeError)) throw error;
    return notice(`an event is too large for a report message (${error.message})`);
  }
}

/**
 * Publishes every part, one batch at a time within the publisher's limits, paced as the drain paces the admins'
 * messages (with the invocation's other reports: {@link BouncedDigestDeps.pacing}); returns the entries not accepted.
 */
async function publishAll(
  deps: BouncedDigestDeps,
  parts: readonly NumberedMessagePart[],
): Promise<FailedEntry[]> {
  const { publisher } = deps;
  const sized = parts.map((p) => ({ message: { id: `bounce-p${p.part}`, ...p.message }, bytes: p.bytes }));
  const failed = await publishInBatches(publisher, sized, {
    limits: publisher.limits,
    concurrency: 1,
    pacing: {
      pacer: deps.pacing ?? new RecipientPacer(),
      clock: deps.clock,
      sleep: deps.sleep,
    },
  });
  return [...failed.values()];
}

/**
 * Claims the report on its entry. Without an entry to record it on (no part
 * found and no SES message id), the report is ours, unrecorded: a redelivery
 * may repeat it, never lose it.
 * @throws {BounceReportInProgressError} when a live claim holds it, or the entry vanished meanwhile
 */
async function claimReport(deps: BouncedDigestDeps, entry: ReportEntry): Promise<BounceReportClaim> {
  if (entry === undefined) return { status: 'claimed', token: '' };
  const claim = await deps.ledger.claimReport(entry.key, deps.clock(), deps.leaseMs, entry.mustExist);
  if (claim.status === 'in-progress')
    throw new BounceReportInProgressError(
      `${entry.key}: another invocation is reporting this bounce; retried later`,
    );
  if (claim.status === 'absent')
    throw new BounceReportInProgressError(
      `${entry.key}: the ledger entry was removed while reporting; retried`,
    );
  return claim;
}

/**
 * Reports one bounce of a relay email (permanent, or one SES gave up on) to the admins, once per digest part.
 * @throws {BounceReportInProgressError} when another invocation holds the report's claim
 * @throws {BounceReportPublishError} when the topic did not accept the report (its claim released)
 * @throws what the ledger throws
 */
export async function reportBouncedDigest(
  deps: BouncedDigestDeps,
  email: BouncedEmail,
): Promise<BouncedDigestOutcome> {
  const stored: StoredDigestPart = isTagged(email)
    ? await deps.ledger.readDigest(relayPartKey(email))
    : { status: 'absent' };
  const entry = reportEntry(email, stored);
  const claim = await claimReport(deps, entry);
  if (claim.status !== 'claimed') return { status: 'duplicate' };
  const release = () =>
    entry !== undefined
      ? deps.ledger.releaseReport(entry.key, claim.token).catch(() => undefined)
      : undefined;
  let rendered: ReturnType<typeof renderMessages>;
  let failed: FailedEntry[];
  try {
    rendered = renderMessages(deps, email, stored);
    failed = await publishAll(deps, rendered.parts);
  } catch (error: unknown) {
    await release();
    throw error;
  }
  if (failed.length > 0) {
    await release();
    throw new BounceReportPublishError(failed);
  }
  // Published: a failed mark must not fail the invocation (its retry would publish again once the lease lapses).
  if (entry !== undefined)
    await deps.ledger.markReported(entry.key, claim.token, deps.clock()).catch(() => undefined);
  return { status: 'reported', eventsReadBack: rendered.eventsReadBack, parts: rendered.parts.length };
}

/**
 * Holds the invocation until the recipients of its reports (the admins) may be sent to again: up to
 * `RECIPIENT_SPACING_MS` (200 ms) after its last publish call (accepted or not: a refused call may have delivered
 * some entries), nothing when it made none. The SES events function runs one invocation at a time (reserved
 * concurrency 1: SNS invokes it asynchronously, and Lambda queues the events meanwhile), so with this hold a burst
 * of bounces reaches the admins' email subscription paced across invocations too, as one report's parts are.
 * @param maxMs the longest hold: the invocation's time left, less what it needs after
 * @returns the hold, ms
 */
export async function holdForNextReport(
  deps: Pick<BouncedDigestDeps, 'clock' | 'sleep'> & { readonly pacing: RecipientPacer },
  maxMs: number,
): Promise<number> {
  const holdMs = Math.max(0, Math.min(deps.pacing.settledInMs(deps.clock()), maxMs));
  if (holdMs > 0) await deps.sleep(holdMs);
  return holdMs;
}
