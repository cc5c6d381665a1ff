/**
 * Whether a notice is read past its date: the two rules that put an owner's notice in the past tense
 * (docs/notifications.md, "The message"). An expiry warning read after its expiry ("Expired on …"), a stale or
 * orphan warning read at or after its deletion date ("was due to be deleted"). The subject, the text and the HTML
 * email all ask these, so they never disagree.
 */
import type { OutboxEvent } from '../events';
import { instantMs } from './phrases';

/** Whether an expiry warning is read after its expiry (a notice delivered late, or a 1-day notice sent late). */
export function hasExpired(event: OutboxEvent, now: number): boolean {
  const expires = instantMs(event.expiresTime);
  return event.type === 'expiry-warning' && expires !== undefined && expires <= now;
}

/**
 * Whether a stale or orphan warning is read at or after its deletion date (`deleteAfter` <= `now`, the instant its
 * phrases are computed at: the drain's, or the relay's send, `phrasesNow`, `text.ts`): the one rule that puts its
 * subject, text, HTML and section heading in the past tense ("was due to be deleted"). From that instant on a sweep
 * may soft-delete it unless the flag is cleared first (docs/rules.md, "stale delete", "orphan delete"; one may also
 * not: a tripped guard, an unusable owner directory). False for any other event and for a date that does not read as
 * an instant (the notice then says it as before).
 */
export function isDeletionDue(event: OutboxEvent, now: number): boolean {
  if (event.type !== 'stale-warning' && event.type !== 'orphan-flagged') return false;
  const due = instantMs(event.deleteAfter);
  return due !== undefined && due <= now;
}
