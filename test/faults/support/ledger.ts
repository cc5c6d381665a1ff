/**
 * The ground truth of a fault scenario: which transition writes really
 * committed in the table and which events really reached the publisher,
 * whatever the processes that made them saw (a crash hides both from them).
 * Wrap the real writer and publisher with it, under any fault injection.
 */
import { type PublishEntry, snsEntry } from '../../../lambdas/aws/sns-wire';
import type { OutboxEvent } from '../../../lambdas/hygiene/events';
import type { OutgoingMessage } from '../../../lambdas/hygiene/message';
import type { FailedEntry, NotificationPublisher } from '../../../lambdas/hygiene/outbox-ports';
import type { Transition, TransitionResult, TransitionWriter } from '../../../lambdas/hygiene/ports';
import { deliveredDocument } from '../../support/sns-delivery';

/** `credentialId/eventId`: an event's identity across runs. */
export function eventKey(event: Pick<OutboxEvent, 'credentialId' | 'eventId'>): string {
  return `${event.credentialId}/${event.eventId}`;
}

/**
 * The owner events carried by a published entry (its machine document): a
 * digest's `events`, or an owner-unreachable report's owners' events and
 * invalid events.
 */
export function eventsOfEntry(entry: PublishEntry): OutboxEvent[] {
  const document = deliveredDocument<{
    events?: OutboxEvent[];
    owners?: { events: OutboxEvent[] }[];
    invalidEvents?: { event: OutboxEvent }[];
  }>(entry.Message);
  return [
    ...(document.events ?? []),
    ...(document.owners ?? []).flatMap((owner) => owner.events),
    ...(document.invalidEvents ?? []).map((invalid) => invalid.event),
  ];
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Counts of committed transitions, committed events and published events. */
export class Ledger {
  /** Committed transition writes per credential id. */
  readonly commits = new Map<string, number>();
  /** Times each event was committed to an outbox. */
  readonly committedEvents = new Map<string, number>();
  /** Times each event was accepted by the publisher. */
  readonly publishedEvents = new Map<string, number>();
  /** Every entry the publisher accepted. */
  readonly delivered: PublishEntry[] = [];

  /** Records every write `inner` commits (reported `applied`), even when its caller never learns it. */
  writer(inner: TransitionWriter): TransitionWriter {
    return {
      apply: async (transition: Transition): Promise<TransitionResult> => {
        const result = await inner.apply(transition);
        if (result.status === 'applied' && (transition.actions.length > 0 || transition.events.length > 0)) {
          bump(this.commits, transition.credential.id);
          for (const event of transition.events) bump(this.committedEvents, eventKey(event));
        }
        return result;
      },
      // The sweep sizes its write pool by it and flushes it: the recorded writer must batch as the real one does.
      ...(inner.transitionsPerRequest !== undefined && {
        transitionsPerRequest: inner.transitionsPerRequest,
      }),
      ...(inner.flush && { flush: () => inner.flush?.() }),
    };
  }

  /** Records every entry `inner` accepts. */
  publisher(inner: NotificationPublisher): NotificationPublisher {
    return {
      limits: inner.limits,
      publishBatch: async (
        messages: readonly OutgoingMessage[],
      ): Promise<{ failed: readonly FailedEntry[] }> => {
        const outcome = await inner.publishBatch(messages);
        const failed = new Set(outcome.failed.map((f) => f.id));
        for (const entry of messages.map(snsEntry)) {
          if (failed.has(entry.Id)) continue;
          this.delivered.push(entry);
          for (const event of eventsOfEntry(entry)) bump(this.publishedEvents, eventKey(event));
        }
        return outcome;
      },
    };
  }

  /** Events committed but never published. */
  lostEvents(): string[] {
    return [...this.committedEvents.keys()].filter((key) => !this.publishedEvents.has(key));
  }

  /** Events published more than once, with their count. */
  duplicates(): [string, number][] {
    return [...this.publishedEvents].filter(([, n]) => n > 1);
  }

  /** Events published that were never committed (must not exist). */
  phantomEvents(): string[] {
    return [...this.publishedEvents.keys()].filter((key) => !this.committedEvents.has(key));
  }
}
