/**
 * The ground truth of a fault scenario: which transition writes really
 * committed in the table, which events really reached the publisher, and
 * which the drains' committed marks removed unpublished (superseded: the
 * credential had outgrown them, docs/notifications.md, "One drain", step 4),
 * whatever the processes that made them saw (a crash hides all from them).
 * Wrap the real writer, publisher and outbox store with it, under any fault
 * injection.
 */
import { type PublishEntry, snsEntry } from '../../../lambdas/aws/sns-wire';
import type { OutboxEvent } from '../../../lambdas/hygiene/events';
import type { OutgoingMessage } from '../../../lambdas/hygiene/message';
import type {
  FailedEntry,
  MarkOutcome,
  MarkRequest,
  NotificationPublisher,
  OutboxStore,
} from '../../../lambdas/hygiene/outbox-ports';
import type { Transition, TransitionResult, TransitionWriter } from '../../../lambdas/hygiene/ports';
import { deliveredDocument } from '../../support/sns-delivery';
import { unjustifiedSupersession } from './item-oracles';

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

/** The events of the item as read that a mark request names: the entries it removes (docs/notifications.md, step 6). */
function eventsNamedBy({ item, publishedEventIds }: MarkRequest): OutboxEvent[] {
  const named = new Set(publishedEventIds);
  return item.events.filter((event) => named.has(event.eventId));
}

/** Counts of committed transitions, committed events, published events and events marked gone. */
export class Ledger {
  /** Committed transition writes per credential id. */
  readonly commits = new Map<string, number>();
  /** Times each event was committed to an outbox. */
  readonly committedEvents = new Map<string, number>();
  /** Times each event was accepted by the publisher. */
  readonly publishedEvents = new Map<string, number>();
  /** Every entry the publisher accepted. */
  readonly delivered: PublishEntry[] = [];
  /**
   * Every event a committed mark named (removed now, or found removed already), as the drain read it: published
   * or superseded alike, the outbox holds it no more.
   */
  readonly markedEvents = new Map<string, OutboxEvent>();

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

  /**
   * Records the events each committed mark of `inner` removes: a request whose outcome is `marked` (the port's
   * "applied"; a `failed` one left its events pending, docs/notifications.md, step 6). A mark that applied but
   * reported `failed` (a lost response) is not recorded: its superseded events then show up as lost, never the
   * other way round. Wrap the outbox only in a scenario that also checks {@link Ledger.illegitimateSupersessions}:
   * an event a mark removed unpublished no longer counts as lost, so a wrong supersession would otherwise pass
   * unseen; without the wrapper every unpublished event counts as lost, the strict check the other scenarios keep.
   */
  outbox(inner: OutboxStore): OutboxStore {
    return {
      pending: () => inner.pending(),
      acquireLease: (request) => inner.acquireLease(request),
      releaseLease: (drainId) => inner.releaseLease(drainId),
      read: (credentialIds) => inner.read(credentialIds),
      markSent: async (requests: readonly MarkRequest[]): Promise<readonly MarkOutcome[]> => {
        const outcomes = await inner.markSent(requests);
        requests.forEach((request, i) => {
          if (outcomes[i]?.status !== 'marked') return;
          for (const event of eventsNamedBy(request)) this.markedEvents.set(eventKey(event), event);
        });
        return outcomes;
      },
    };
  }

  /** Events committed but never published, nor removed unpublished as superseded. */
  lostEvents(): string[] {
    return [...this.committedEvents.keys()].filter(
      (key) => !this.publishedEvents.has(key) && !this.markedEvents.has(key),
    );
  }

  /**
   * Events a committed mark removed that the publisher never accepted: the drain judged them superseded. Whether
   * it was right to is {@link Ledger.illegitimateSupersessions}.
   */
  supersededEvents(): OutboxEvent[] {
    return [...this.markedEvents].filter(([key]) => !this.publishedEvents.has(key)).map(([, event]) => event);
  }

  /**
   * The superseded events the credential had not outgrown, each with why, judged by code apart from the
   * notifier's rule (a restatement of the same specification, looser in places: `unjustifiedSupersession`,
   * `item-oracles.ts`) from the credentials as the scenario left them; also any that was never committed. Empty
   * when every supersession was legitimate. The independent check is the scenario's own: what it changed.
   * @param finalItems the table at the end of the scenario, by credential id (`readTable`)
   */
  illegitimateSupersessions(finalItems: ReadonlyMap<string, Record<string, unknown>>): string[] {
    return this.supersededEvents().flatMap((event) => {
      const key = eventKey(event);
      const why = this.committedEvents.has(key)
        ? unjustifiedSupersession(event, finalItems.get(event.credentialId))
        : 'removed from an outbox, but never committed';
      return why === undefined ? [] : [`${key} (${event.type}): ${why}`];
    });
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
