/**
 * What one event says (docs/notifications.md, "The message"): how its credential is named, what happened or will
 * happen to it (in the tense its dates call for when read, with its restore window, and for a deletion the expiry
 * notices it overtakes: `overtaken.ts`) and, last, what its owner can do. As wording and values
 * ({@link describeEventLines}) for the HTML email, or as the text's lines ({@link describeEvent}) for the text and
 * the admins' owner-unreachable report.
 */
import type { OutboxEvent } from '../events';
import { formatInstant } from '../time';
import { adviceLine } from './advice';
import { type EventLine, type EventValue, line, lineText } from './event-line';
import { count, instantMs, relative } from './phrases';
import { plainName, plainValue } from './plain-text';
import { hasExpired, isDeletionDue } from './tenses';

/**
 * How a credential is named everywhere: display name, id and client id
 * (untrusted: the name flattened by {@link plainName}, the ids by {@link plainValue}).
 */
export function credentialLabel(event: OutboxEvent): string {
  const display = plainName(event.displayName);
  const name = display !== undefined ? `"${display}"` : 'Unnamed credential';
  const client = event.clientId ? `, client id ${plainValue(event.clientId)}` : '';
  return `${name} (id ${plainValue(event.credentialId)}${client})`;
}

/** The stored value as an {@link EventValue}, or `otherwise` (wording) when it is absent. */
function valueOr(raw: string | undefined, otherwise: string): string | EventValue {
  return raw === undefined ? otherwise : { value: raw };
}

/**
 * "2026-12-03T00:00:00.000Z (in 7 days)", or just the value when it is not a
 * valid instant (an instant that parses is RFC 3339 ASCII: wording, not an untrusted value).
 */
function when(iso: string | undefined, now: number): EventLine {
  if (iso === undefined) return ['an unknown time'];
  const at = instantMs(iso);
  return at === undefined ? [{ value: iso }] : [`${iso} (${relative(at, now)})`];
}

/**
 * "on 2026-12-03T00:00:00.000Z (in 7 days)", or "at an unknown time" when the
 * event has no such instant ({@link when}).
 */
function onWhen(iso: string | undefined, now: number): EventLine {
  return iso === undefined ? ['at an unknown time'] : line`on ${when(iso, now)}`;
}

/**
 * Why a stale warning's limit is what it is (docs/rules.md, "Risk tiers"):
 * "; credentials unused for 30 days are flagged for deletion (risk tier
 * unscoped-unrestricted)", without the tier for the base limit, and nothing
 * for a warning queued before events carried the limit (it reads as it did).
 */
function staleLimitClause(event: OutboxEvent): EventLine {
  if (event.staleAfterDays === undefined) return [];
  const tier =
    event.tier === undefined || plainName(event.tier) === undefined
      ? []
      : line` (risk tier ${{ value: event.tier }})`;
  return line`; credentials unused for ${count(event.staleAfterDays, 'day')} are flagged for deletion${tier}`;
}

/**
 * A due warning's fate ({@link isDeletionDue}), what keeps the credential (`unless`) last: "It was due to be
 * soft-deleted on … (2 hours ago): a sweep since then may have done so; if not, any later sweep may, unless it is used
 * or exempted first." Said without reading more state, so it promises no deletion: a notice read late cannot tell
 * whether a sweep has run since (a drain late after it, a relay email sent hours later), and a sweep from that date
 * on may not delete it even with the flag in place — an exemption made since (which the drain does not read), a
 * tripped blast-radius guard, an unusable owner directory for an orphan, a deployment in audit mode (docs/rules.md,
 * "The rules", "The blast-radius guard", "Orphaned credentials"). What keeps it is certain: a use since the flag, the
 * owner's return, an exemption (docs/rules.md, "stale unflag", "orphan unflag").
 */
function dueDeletion(event: OutboxEvent, now: number, unless: string): EventLine {
  return line`It was due to be soft-deleted ${onWhen(event.deleteAfter, now)}: a sweep since then may have done so; if not, any later sweep may, unless ${unless} first.`;
}

/**
 * What happened or will happen to one credential, as wording and the event's
 * values: every line of {@link describeEventLines} but the advice.
 */
function factLines(event: OutboxEvent, now: number, relayedAt: number | undefined): EventLine[] {
  switch (event.type) {
    case 'expiry-warning': {
      const stage = event.stageDays !== undefined ? ` This is the ${event.stageDays}-day notice.` : '';
      // An exempt credential is never deleted (docs/rules.md, "Exempt credentials"): its notice must not say it is.
      const exempt = event.exempt === true;
      if (hasExpired(event, now)) {
        const fate = exempt
          ? 'it is exempt: it is not deleted'
          : 'the next sweep may soft-delete it, unless it is renewed or exempted first';
        return [line`Expired ${onWhen(event.expiresTime, now)}; ${fate}.${stage}`];
      }
      return [line`Expires ${onWhen(event.expiresTime, now)}.${stage}`];
    }
    case 'stale-warning': {
      const fate = isDeletionDue(event, now)
        ? dueDeletion(event, now, 'it is used or exempted')
        : line`It will be soft-deleted ${onWhen(event.deleteAfter, now)} unless it is used before then.`;
      return [line`Not used since ${when(event.lastActivity, now)}${staleLimitClause(event)}. ${fate}`];
    }
    case 'deleted-expired':
      return [
        line`Soft-deleted ${onWhen(event.occurredAt, now)} because it expired ${onWhen(event.expiresTime, now)}.`,
        ...restorableLines(event, now, relayedAt),
      ];
    case 'deleted-stale':
      return [
        line`Soft-deleted ${onWhen(event.occurredAt, now)} because it was not used since ${when(event.lastActivity, now)} and was scheduled for deletion on ${valueOr(event.deleteAfter, 'an earlier date')}.`,
        ...restorableLines(event, now, relayedAt),
      ];
    case 'orphan-flagged': {
      const fate = isDeletionDue(event, now)
        ? dueDeletion(event, now, 'the owner is active again or an admin exempts it')
        : line`It will be soft-deleted ${onWhen(event.deleteAfter, now)} unless the owner is active again or an admin exempts it.`;
      return [line`Its owner is marked departed in the owner directory. ${fate}`];
    }
    case 'deleted-orphaned':
      return [
        line`Soft-deleted ${onWhen(event.occurredAt, now)} because its owner is marked departed in the owner directory (scheduled for deletion on ${valueOr(event.deleteAfter, 'an earlier date')}).`,
        ...restorableLines(event, now, relayedAt),
      ];
  }
}

/**
 * Until when a deleted credential can be restored, with a purge configured (the event's `restorableUntil`: the
 * purge time, held back until this notice is sent, so never later than the truth): "It can be restored until …;
 * after that it is gone for good." Read after that instant (the notice went out late), no restore is promised, and
 * the hold is worded as it ended on the notice's route: the drain's mark released it as it published the notice, so
 * on SNS's own email (and the admins' report) "held back until this notice: it can be gone for good at any moment
 * now"; on the relay (`relayedAt`, the digest's `generatedAt`, when the drain handed it to the relay's topic and
 * queue) the hold ended then, not at this email, and the purge may have run already. Nothing without the field (no
 * purge configured, or a notice an earlier version queued).
 */
function restorableLines(event: OutboxEvent, now: number, relayedAt: number | undefined): EventLine[] {
  const until = event.restorableUntil;
  if (until === undefined) return [];
  const at = instantMs(until);
  if (at === undefined || at > now)
    return [line`It can be restored until ${when(until, now)}; after that it is gone for good.`];
  if (relayedAt === undefined)
    return [
      line`Its purge was due ${onWhen(until, now)} and was held back until this notice: it can be gone for good at any moment now.`,
    ];
  const handed = when(formatInstant(relayedAt), now);
  const hold =
    at <= relayedAt
      ? line` and was held back until this notice was handed to the email relay on ${handed}`
      : line`, after this notice was handed to the email relay on ${handed}`;
  return [
    line`Its purge was due ${onWhen(until, now)}${hold}: it may be gone for good already, or at any moment now.`,
  ];
}

/**
 * What a deletion's entry says of each expiry warning it overtakes (`foldOvertaken`, `overtaken.ts`), which has no
 * entry of its own, earliest queued first: "Its 1-day expiry notice, queued on 2026-12-01T00:00:00.000Z (7 days
 * ago), had not been sent when it was soft-deleted." ("Its expiry notice, …" without a stage). True on every route
 * that renders it (the owner's digest, the admins' owner-unreachable report, the relay's bounce report): the warning
 * was queued no later than the deletion and goes out in the same message as its notice, so it was unsent then.
 */
function overtakenLines(warnings: readonly OutboxEvent[], now: number): EventLine[] {
  return warnings.map((warning) => {
    const notice =
      warning.stageDays !== undefined ? `Its ${warning.stageDays}-day expiry notice` : 'Its expiry notice';
    return line`${notice}, queued ${onWhen(warning.occurredAt, now)}, had not been sent when it was soft-deleted.`;
  });
}

/**
 * What happened or will happen to one credential, and (last line) what its
 * owner can do, as wording and the event's values: the text flattens the
 * values ({@link describeEvent}), the HTML email also isolates them.
 * @param contact whom the owner asks (the config's `ownerContact`); unset: "your platform/security team"
 * @param relayedAt for the relay's email only: when the drain handed the digest to the relay (its `generatedAt`),
 *   which a restore window read past its end names (the purge's hold ended then); unset: a notice delivered as it
 *   is published (SNS's email, the admins' report)
 * @param overtaken for a deletion, the expiry warnings of its credential it overtakes (`Fold.overtakenBy`,
 *   `overtaken.ts`): one line each after its facts, before its advice
 */
export function describeEventLines(
  event: OutboxEvent,
  now: number,
  contact?: string,
  relayedAt?: number,
  overtaken: readonly OutboxEvent[] = [],
): EventLine[] {
  return [
    ...factLines(event, now, relayedAt),
    ...overtakenLines(overtaken, now),
    adviceLine(event, now, contact, false),
  ];
}

/** {@link describeEventLines} as the text's lines: each value flattened by {@link plainValue}. */
export function describeEvent(
  event: OutboxEvent,
  now: number,
  contact?: string,
  relayedAt?: number,
  overtaken: readonly OutboxEvent[] = [],
): string[] {
  return describeEventLines(event, now, contact, relayedAt, overtaken).map(lineText);
}
