/**
 * Small deterministic helpers the notifier property tests share: a string
 * hash that picks which entries fail, and the `credentialId/eventId` key an
 * event is tracked by.
 */
import type { OutboxEvent } from '../../../lambdas/hygiene/events';

/** A stable 32-bit hash of `text` (the same input always fails the same way). */
export function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}

/** `credentialId/eventId`: one event, wherever it appears. */
export const eventKey = (e: Pick<OutboxEvent, 'credentialId' | 'eventId'>) =>
  `${e.credentialId}/${e.eventId}`;
