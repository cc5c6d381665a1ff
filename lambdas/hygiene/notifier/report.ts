/**
 * The drain's closing phase for undelivered notices (docs/notifications.md,
 * "Owner reach"): the events of unreachable owners (whose digests were
 * published) and the events addressed to the wrong owner go to the admins
 * in ONE `owner-unreachable` report, split into parts when large; then the
 * waiting items are marked. An unreachable owner's event is marked sent only
 * when both its digest part and its report part were accepted, so a failure
 * or crash in between republishes both next drain (at-least-once; the
 * duplicate is the digest, never a lost admin notice). Readiness is tracked
 * per stored entry (the event object read from it), never by an id two
 * entries may share, and an event too large for a message even alone is left
 * out of the report (pending, a failure), so it cannot hold back the rest.
 * Only the lease holder publishes and marks: the report starts only after the
 * lease is kept (renewed as before a chunk) and while the time budget is not
 * spent (the waiting items' superseded events are removed by the same marks);
 * otherwise the waiting items stay pending for the next drain, and
 * what the report would have carried counts as failed, naming why. Whenever
 * a published digest's events stay pending for want of their report part
 * (not started, held back by the pacing, failed, too large), the lease is
 * kept until it lapses, as after a failed mark.
 */
import type { OutboxEvent } from '../events';
import type { FailedEntry } from '../outbox-ports';
import {
  type MismatchedOwnerEvent,
  renderUnreachableReport,
  type UnreachableOwner,
  type UnreachableReportPart,
  UnreachableReportTooLargeError,
} from '../unreachable-report';
import { budgetSpent, type DeferredItem, type DrainContext, type DrainState } from './drain-state';
import { keepLease } from './lease';
import { markSelected } from './mark';
import { publishMessages } from './publish';
import { fitsAlone } from './render';

/** Why the report was not started: its failures' code and message (after `admin report: `). */
const REPORT_NOT_STARTED = {
  timeBudgetSpent: {
    id: '',
    code: 'TimeBudgetSpent',
    message:
      "not sent: the drain's time budget was spent before it; these events stay pending for a later drain's report",
    senderFault: false,
  },
  leaseLost: {
    id: '',
    code: 'DrainLeaseLost',
    message:
      'not sent: the drain lost its lease before it (another drain holds it, or the write failed); ' +
      "these events stay pending for a later drain's report",
    senderFault: false,
  },
} as const satisfies Record<string, FailedEntry>;

/**
 * Publishes the report of every deferred item, then marks what was reported —
 * only while the drain holds the lease (renewed here as before a chunk) and its
 * time budget is not spent. Otherwise nothing is published or marked: the
 * items stay pending for the next drain, their report's events count as
 * failed, and the drain ends `incomplete`.
 */
export async function reportUndelivered(context: DrainContext, state: DrainState): Promise<void> {
  const deferred = state.deferred;
  if (deferred.length === 0) return;
  if (budgetSpent(context)) {
    leaveDeferredPending(state, deferred, REPORT_NOT_STARTED.timeBudgetSpent);
    return;
  }
  if (!(await keepLease(context, state))) {
    leaveDeferredPending(state, deferred, REPORT_NOT_STARTED.leaseLost);
    return;
  }
  const reported = await publishReport(context, state, deferred);
  keepLeaseForUnreported(state, deferred, reported);
  await markSelected(
    context,
    state,
    deferred.map((d) => ({
      item: d.item,
      published: markableEvents(d, reported),
      superseded: new Set(d.superseded),
    })),
  );
}

/**
 * The report is not sent and nothing deferred is marked: every deferred item
 * stays pending, and what the report would have carried is recorded as a
 * failed part (its events in `eventsFailed`, one failure per owner, naming
 * `why`), so the drain is not taken for a clean one. Items with published
 * events (an unreachable owner's digest, a reachable owner's digest next to
 * mismatched events) are then published again by a later drain, so the lease
 * is kept until it lapses, as after a failed mark (a lost lease is not
 * released anyway).
 */
function leaveDeferredPending(state: DrainState, deferred: readonly DeferredItem[], why: FailedEntry): void {
  state.incomplete = true;
  state.unmarkedAfterPublish += deferred.filter(
    (d) => d.unreachable !== undefined || d.ready.length > 0,
  ).length;
  recordPartFailure(state, reportContent(deferred), why);
}

/**
 * Once the report went out, an unreachable owner's events whose report part was
 * not accepted (held back by the pacing, failed, or left out as too large) stay
 * pending although their digest was published: each item holding such events
 * counts as unmarked after publish, so the lease is kept until it lapses, as
 * after a failed mark, and the next drain does not publish those digests again
 * at once. Mismatched events were never published, and a reachable owner's
 * digest events are marked whatever the report does: they need no lease.
 */
function keepLeaseForUnreported(
  state: DrainState,
  deferred: readonly DeferredItem[],
  reported: ReadonlySet<OutboxEvent>,
): void {
  state.unmarkedAfterPublish += deferred.filter((d) =>
    d.unreachable?.events.some((event) => !reported.has(event)),
  ).length;
}

/**
 * A deferred item's events that may be marked sent: its reachable owner's
 * accepted digest events, and the events whose report part was accepted.
 */
function markableEvents(d: DeferredItem, reported: ReadonlySet<OutboxEvent>): Set<OutboxEvent> {
  return new Set([...d.ready, ...d.item.events.filter((event) => reported.has(event))]);
}

/** What the report lists. */
type ReportContent = ReturnType<typeof reportContent>;

/** What the report lists: unreachable owners (merged across their items) and mismatched events (also `notify --dry-run`). */
export function reportContent(deferred: readonly DeferredItem[]): {
  owners: UnreachableOwner[];
  invalidEvents: MismatchedOwnerEvent[];
} {
  const owners = new Map<string, UnreachableOwner & { events: DeferredItem['item']['events'][number][] }>();
  const invalidEvents: MismatchedOwnerEvent[] = [];
  for (const d of deferred) {
    if (d.unreachable !== undefined) {
      const entry = owners.get(d.unreachable.owner.userId);
      if (entry) entry.events.push(...d.unreachable.events);
      else
        owners.set(d.unreachable.owner.userId, { ...d.unreachable.owner, events: [...d.unreachable.events] });
    }
    for (const event of d.mismatched) {
      invalidEvents.push({
        credentialId: d.item.credentialId,
        itemUserId: d.itemUserId,
        problem: event.credentialId === d.item.credentialId ? 'owner-mismatch' : 'credential-mismatch',
        event,
      });
    }
  }
  return { owners: [...owners.values()], invalidEvents };
}

/** Renders and publishes the report; returns the events (stored entries) whose part was accepted. */
async function publishReport(
  context: DrainContext,
  state: DrainState,
  deferred: readonly DeferredItem[],
): Promise<Set<OutboxEvent>> {
  const parts = renderReport(context, state, reportContent(deferred));
  const ids = parts.map((p) => `admins-p${p.part}`);
  const failedById = await publishMessages(
    context,
    parts.map((p, i) => ({ message: { id: ids[i] as string, ...p.message }, bytes: p.bytes })),
  );
  const reported = new Set<OutboxEvent>();
  parts.forEach((part, i) => {
    const failure = failedById.get(ids[i] as string);
    if (failure) {
      recordPartFailure(state, part, failure);
      return;
    }
    state.counters.reportParts += 1;
    for (const owner of part.owners) for (const e of owner.events) reported.add(e);
    for (const invalid of part.invalidEvents) reported.add(invalid.event);
  });
  // What the summary's `unreportedEvents` leaves out of the judged events.
  state.reportedEvents += reported.size;
  return reported;
}

/**
 * The report's parts (also `notify --dry-run`). When it cannot be split to
 * fit, each event too large for a message even alone is left out (recorded as
 * a failed report part: it stays pending), and the rest is rendered without it.
 */
export function renderReport(
  context: DrainContext,
  state: DrainState,
  content: ReportContent,
): UnreachableReportPart[] {
  const { settings } = context;
  const render = (c: ReportContent) =>
    renderUnreachableReport({
      drainId: settings.drainId,
      now: context.now,
      route: settings.ownerDelivery,
      ...c,
      budget: settings.budget,
      ...settings.reportTargets,
    });
  let error: UnreachableReportTooLargeError;
  try {
    return render(content);
  } catch (thrown: unknown) {
    if (!(thrown instanceof UnreachableReportTooLargeError)) throw thrown;
    error = thrown;
  }
  const limit = settings.budget.maxMessageBytes;
  const { fitting, tooLarge } = splitReportContent(content, (c) =>
    fitsAlone(() => render(c), limit, UnreachableReportTooLargeError),
  );
  const failure = { id: '', code: error.name, message: error.message, senderFault: true };
  recordPartFailure(state, tooLarge, failure);
  try {
    return render(fitting);
  } catch (thrown: unknown) {
    if (!(thrown instanceof UnreachableReportTooLargeError)) throw thrown;
    recordPartFailure(state, fitting, failure);
    return [];
  }
}

/** Splits the report's events by whether each fits a message alone (`fits` is asked with one event). */
function splitReportContent(
  content: ReportContent,
  fits: (one: ReportContent) => boolean,
): { fitting: ReportContent; tooLarge: ReportContent } {
  const fitting: ReportContent = { owners: [], invalidEvents: [] };
  const tooLarge: ReportContent = { owners: [], invalidEvents: [] };
  for (const owner of content.owners) {
    const fit = new Set(
      owner.events.filter((e) => fits({ owners: [{ ...owner, events: [e] }], invalidEvents: [] })),
    );
    const left = owner.events.filter((e) => !fit.has(e));
    if (fit.size > 0) fitting.owners.push({ ...owner, events: [...fit] });
    if (left.length > 0) tooLarge.owners.push({ ...owner, events: left });
  }
  for (const invalid of content.invalidEvents) {
    (fits({ owners: [], invalidEvents: [invalid] }) ? fitting : tooLarge).invalidEvents.push(invalid);
  }
  return { fitting, tooLarge };
}

/** A report part not accepted: its events stay pending, one failure per owner it named. */
function recordPartFailure(
  state: DrainState,
  part: Pick<UnreachableReportPart, 'owners' | 'invalidEvents'>,
  failure: FailedEntry,
): void {
  const perOwner = new Map<string, number>();
  for (const owner of part.owners)
    perOwner.set(owner.userId, (perOwner.get(owner.userId) ?? 0) + owner.events.length);
  for (const invalid of part.invalidEvents)
    perOwner.set(invalid.itemUserId, (perOwner.get(invalid.itemUserId) ?? 0) + 1);
  for (const [userId, events] of perOwner) {
    state.counters.eventsFailed += events;
    state.failures.add({
      userId,
      code: failure.code,
      message: `admin report: ${failure.message}`,
      senderFault: failure.senderFault,
      events,
    });
  }
}
