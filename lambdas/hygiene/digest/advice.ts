/**
 * What an owner can do about a credential: each event's "What to do:" line (docs/notifications.md, "The message"),
 * for one credential, or in the plural, said once under a section's heading when every credential there shares it.
 */
import type { OutboxEvent } from '../events';
import { type EventLine, type EventValue, line, lineText, whomToAsk } from './event-line';
import { hasExpired, isDeletionDue } from './tenses';

/**
 * What to do about a stale warning: using it is one way to keep it; an exemption is the other, for a credential
 * needed but rarely used. Before its date, "use it once before that date"; once due ({@link isDeletionDue}), "use it
 * now, before the next sweep" (a use before that sweep still clears the flag: docs/rules.md, "stale unflag").
 */
function staleAdvice(due: boolean, ask: string | EventValue, id: EventValue, several: boolean): EventLine {
  if (several) {
    const use = due ? 'use each now, before the next sweep' : 'use each once before its date';
    return line`What to do: to keep them, ${use} (the flag clears by itself); if one is needed but rarely used, ask ${ask} to exempt it (by its credential id, listed below); if you no longer need them, do nothing.`;
  }
  const use = due ? 'use it now, before the next sweep' : 'use it once before that date';
  return line`What to do: to keep it, ${use} (the flag clears by itself); if it is needed but rarely used, ask ${ask} to exempt it (credential id ${id}); if you no longer need it, do nothing.`;
}

/**
 * What the owner can do about one credential, or (`several`) about every
 * credential of a section at once, said once under its title ("renew them",
 * "use each once"): the advice of a deletion or an orphan names its credential
 * id, so it is never shared by several credentials.
 */
export function adviceLine(
  event: OutboxEvent,
  now: number,
  contact: string | undefined,
  several: boolean,
): EventLine {
  const id: EventValue = { value: event.credentialId };
  const ask = whomToAsk(contact);
  switch (event.type) {
    case 'expiry-warning': {
      if (hasExpired(event, now))
        return several
          ? line`What to do: renew them now (set later expiries) if you still need them; otherwise nothing.`
          : line`What to do: renew it now (set a later expiry) if you still need it; otherwise nothing.`;
      const exempt = event.exempt === true;
      if (several) {
        const fate = exempt
          ? 'they are exempt: not deleted when they expire'
          : 'each is soft-deleted once expired';
        return line`What to do: renew them (set later expiries) before they expire if you still need them; otherwise nothing - ${fate}.`;
      }
      const fate = exempt ? 'exempt: it is not deleted when it expires' : 'it is soft-deleted once expired';
      return line`What to do: renew it (set a later expiry) before then if you still need it; otherwise nothing - ${fate}.`;
    }
    case 'stale-warning':
      return staleAdvice(isDeletionDue(event, now), ask, id, several);
    case 'deleted-expired':
    case 'deleted-stale':
      return line`What to do: if you still need it, ask ${ask} to restore it (credential id ${id}); otherwise nothing.`;
    case 'orphan-flagged':
      return line`What to do: if it must keep working, hand it over or have an admin exempt it (credential id ${id}); otherwise nothing.`;
    case 'deleted-orphaned':
      return line`What to do: if it is still needed, ask ${ask} to restore it (credential id ${id}); otherwise nothing.`;
  }
}

/** {@link adviceLine} as text: what `sharedAdvice` (`text.ts`) compares and says once under a section's title. */
export function adviceText(
  event: OutboxEvent,
  now: number,
  contact: string | undefined,
  several: boolean,
): string {
  return lineText(adviceLine(event, now, contact, several));
}
