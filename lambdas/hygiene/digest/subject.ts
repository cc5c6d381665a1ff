/**
 * A digest's subject (docs/notifications.md, "The message"): at most 100 characters and specific, the
 * credential named when there is one, the most urgent date when there are several, each kind counted in a short
 * word when kinds are mixed, and a part counter on each part of a split digest. Printable ASCII for SNS; the
 * relay's own email asks for Unicode, the name as the body writes it (docs/notifications.md, "The email").
 */
import type { EventType, OutboxEvent } from '../events';
import { quotedName, type SubjectCharset, subjectText } from '../message';
import { countByType } from './document';
import { foldOvertaken } from './overtaken';
import { count, instantMs, kindCounts, relative, utcMinute } from './phrases';
import { plainName } from './plain-text';
import { isDeletionDue } from './tenses';

/** Expiry warnings at a glance: the soonest expiry still ahead, how many are read after expiry, how many have one. */
interface ExpiryHorizon {
  readonly soonest?: number;
  readonly expired: number;
  readonly known: number;
}

function expiryHorizon(events: readonly OutboxEvent[], now: number): ExpiryHorizon {
  let soonest: number | undefined;
  let expired = 0;
  let known = 0;
  for (const e of events) {
    const at = instantMs(e.expiresTime);
    if (at === undefined) continue;
    known += 1;
    if (at <= now) expired += 1;
    else soonest = soonest === undefined ? at : Math.min(soonest, at);
  }
  return { ...(soonest !== undefined && { soonest }), expired, known };
}

/** How a one-deletion subject names its reason. */
const DELETION_WORD = {
  'deleted-expired': 'expired',
  'deleted-stale': 'unused',
  'deleted-orphaned': 'owner departed',
} as const;

/**
 * When a subject's deletion falls: "on 2026-12-10 02:00 UTC", "soon" without
 * a valid instant. A time and its zone, never a bare date nor a relative
 * phrase: it is a deadline, read in an inbox list perhaps days later and in
 * any zone (the UTC date "2026-12-10" is the evening of the 9th at UTC-8,
 * and "in 2 days" may be 1.6), as the body's instants are UTC.
 */
function deadline(iso: string | undefined): string {
  const at = instantMs(iso);
  return at === undefined ? 'soon' : `on ${utcMinute(at)}`;
}

/** The subject of a one-event digest, the credential named within `budget` characters of `charset`. */
function oneEventSubject(only: OutboxEvent, now: number, budget: number, charset: SubjectCharset): string {
  // The name as the body shows it (flattened: one of invisible characters only is no name), else the id. The
  // words around it are ASCII: their length is their count in either charset.
  const named = (lead: string, rest: string) => {
    const name = plainName(only.displayName) ?? only.credentialId;
    return `${lead} ${quotedName(name, budget - lead.length - rest.length - 3, charset)} ${rest}`;
  };
  switch (only.type) {
    case 'expiry-warning': {
      const at = instantMs(only.expiresTime);
      // An entry without its expiry time (the body: "at an unknown time") is not called expired, nor due now.
      if (at === undefined) return named('API credential', 'expires at an unknown time');
      return named('API credential', at <= now ? 'has expired' : `expires ${relative(at, now)}`);
    }
    case 'stale-warning':
      return named(
        'Unused API credential',
        `${deletionTense(only, now)} ${deadline(only.deleteAfter)} unless used`,
      );
    case 'orphan-flagged':
      return named(
        'API credential',
        `${deletionTense(only, now)} ${deadline(only.deleteAfter)} (owner departed)`,
      );
    case 'deleted-expired':
    case 'deleted-stale':
    case 'deleted-orphaned':
      return named('API credential', `was deleted (${DELETION_WORD[only.type]})`);
  }
}

/** Several expiry warnings: the soonest expiry ahead named, the most urgent fact first. */
function expiringSubject(expiring: readonly OutboxEvent[], now: number): string {
  const credentials = count(expiring.length, 'API credential');
  const { soonest, expired, known } = expiryHorizon(expiring, now);
  if (known === 0) return `${credentials} expire at an unknown time`;
  if (soonest === undefined) return `${credentials} have expired`;
  const next = relative(soonest, now);
  return expired > 0
    ? `${credentials} expire: ${expired} already expired, the next ${next}`
    : `${credentials} expire, the first ${next}`;
}

/** A one-warning subject's verb: "will be deleted", or once its date has come ({@link isDeletionDue}) "was due to be deleted". */
function deletionTense(warning: OutboxEvent, now: number): string {
  return isDeletionDue(warning, now) ? 'was due to be deleted' : 'will be deleted';
}

/**
 * Several stale warnings: the first deletion's deadline, "the first was due on …" once it has come; "were due to be
 * deleted unless used, the first on …" once every one has ({@link isDeletionDue}), as their section's heading says;
 * the clause with its date only when it fits `budget` whole (a split digest's part counter takes room): never cut.
 */
function staleSubject(stale: readonly OutboxEvent[], now: number, budget: number): string {
  let first: { readonly event: OutboxEvent; readonly at: number } | undefined;
  for (const event of stale) {
    const at = instantMs(event.deleteAfter);
    if (at !== undefined && (first === undefined || at < first.at)) first = { event, at };
  }
  const credentials = count(stale.length, 'unused API credential');
  const allDue = first !== undefined && stale.every((event) => isDeletionDue(event, now));
  const all = `${credentials} ${allDue ? 'were due to be' : 'will be'} deleted unless used`;
  if (first === undefined) return all;
  const on = utcMinute(first.at);
  const clause = allDue
    ? `, the first on ${on}`
    : isDeletionDue(first.event, now)
      ? `, the first was due on ${on}`
      : `, first on ${on}`;
  // A date cut in half says nothing: without room for the whole clause (a split digest's part counter), none.
  if (all.length + clause.length <= budget) return `${all}${clause}`;
  // Without it, a first date already come is said in the verb, as the section's heading says it.
  return isDeletionDue(first.event, now) && !allDue
    ? `${credentials} were due to be or will be deleted unless used`
    : all;
}

/** Several deletions, counted by reason. */
function deletedSubject(deleted: readonly OutboxEvent[]): string {
  const by = (type: EventType) => deleted.filter((e) => e.type === type).length;
  const reasons = [
    [by('deleted-expired'), 'expired'],
    [by('deleted-stale'), 'unused'],
    [by('deleted-orphaned'), 'owner departed'],
  ].flatMap(([n, word]) => (n === 0 ? [] : [`${n} ${word}`]));
  return `${count(deleted.length, 'API credential')} were deleted (${reasons.join(', ')})`;
}

/**
 * Kinds mixed: each counted in a short word, so every kind fits SNS's 100
 * characters (the body says what each means), the soonest expiry ahead named
 * when it fits too. Expiry warnings read after their expiry (at `now`: the
 * relay's send for its email) are counted as `expired`, the others `expiring`,
 * as the section's heading says them.
 */
function mixedSubject(events: readonly OutboxEvent[], now: number, budget: number): string {
  const expiring = events.filter((e) => e.type === 'expiry-warning');
  const { soonest, expired } = expiryHorizon(expiring, now);
  const expiry = [
    [expired, 'expired'],
    [expiring.length - expired, 'expiring'],
  ] as const;
  const without = `Your API credentials: ${kindCounts(countByType(events), expiry).join(', ')}`;
  if (soonest === undefined || expired > 0) return without;
  const next = relative(soonest, now);
  const horizon = expiring.length === 1 ? ` ${next}` : `, first ${next}`;
  return without.length + horizon.length <= budget ? `${without}${horizon}` : without;
}

/**
 * A specific subject of at most 100 characters, e.g. "2 API credentials
 * expire, the first in 6 hours" (the most urgent expiry, not the furthest),
 * naming the credential when there is only one; of the entries the body shows (`foldOvertaken`, `overtaken.ts`:
 * an expiry warning its credential's deletion overtakes is said in that deletion's). The wording is the same in
 * both charsets; only a name differs (`subjectText`): folded to printable ASCII
 * for SNS (`ascii`, the default), or kept as the body writes it for the relay's
 * email (`unicode`: flattened, at most 100 code points, cut between grapheme clusters).
 */
export function digestSubject(
  events: readonly OutboxEvent[],
  now: number,
  part = 1,
  parts = 1,
  charset: SubjectCharset = 'ascii',
): string {
  const suffix = parts > 1 ? ` (part ${part}/${parts})` : '';
  const budget = 100 - suffix.length;
  // Of the entries the body shows: an expiry warning its credential's deletion overtakes is said in that deletion's.
  const shown = foldOvertaken(events).shown;
  const only = shown.length === 1 ? shown[0] : undefined;
  const all = (...types: EventType[]) => shown.every((e) => types.includes(e.type));
  let text: string;
  if (only !== undefined) text = oneEventSubject(only, now, budget, charset);
  else if (all('expiry-warning')) text = expiringSubject(shown, now);
  else if (all('stale-warning')) text = staleSubject(shown, now, budget);
  else if (all('deleted-expired', 'deleted-stale', 'deleted-orphaned')) text = deletedSubject(shown);
  else text = mixedSubject(shown, now, budget);
  return `${subjectText(text, budget, charset)}${suffix}`;
}
