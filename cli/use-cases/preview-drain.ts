/**
 * `notify --dry-run` (docs/notifications.md, "CLI"): the digests and the
 * owner-unreachable report a drain would send now, rendered by the
 * notifier's own phases (read, screen, judge reach, render digests, report
 * content) over the outbox's read-only calls — list the index, read the
 * items — and nothing else: no lease, no claim, no publish, no mark, so a
 * following `notify` still sends everything. The messages are shown as the
 * SNS entries they would be (`lambdas/aws/sns-wire.ts`), split by SNS's limits.
 * An event too large for any message is shown as a drain treats it: left out
 * of every message and listed as what the drain would leave pending. Malformed
 * outbox entries, and items another drain still claims, are counted and named
 * by the drain's own read step, as a drain's summary counts and names them;
 * events the credential has outgrown are counted by its screen step and in no message.
 */
import { type PublishEntry, SNS_LIMITS, snsEntry } from '../../lambdas/aws/sns-wire';
import { chunks } from '../../lambdas/hygiene/chunks';
import type { NotifierDeps, NotifierSummary, SubscriptionCheckKind } from '../../lambdas/hygiene/notifier';
import {
  type DrainContext,
  type DrainState,
  drainSettings,
  newDrainState,
  subscriptionCheckOf,
} from '../../lambdas/hygiene/notifier/drain-state';
import {
  checkSubscriptions,
  judgeOwners,
  reachCheckOf,
  screenItems,
  splitForReport,
} from '../../lambdas/hygiene/notifier/reach';
import { readItems } from '../../lambdas/hygiene/notifier/read';
import { renderOwnerDigests } from '../../lambdas/hygiene/notifier/render';
import { renderReport, reportContent } from '../../lambdas/hygiene/notifier/report';
import type { DeliveryFailure } from '../../lambdas/hygiene/notifier/types';
import type { OutboxIndexEntry, OutboxStore, PendingOutboxItem } from '../../lambdas/hygiene/outbox-ports';
import type { CappedList } from '../../lambdas/hygiene/run-summary';
import { isSesSendable } from '../../lambdas/relay/ses-address';
import type { DrainSetup } from './drain-table';

/** What a drain would send, and the drain summary's counts of what it would skip. */
export interface DrainPreview
  extends Pick<
    NotifierSummary,
    'supersededEvents' | 'malformedEvents' | 'malformedItems' | 'claimConflicts'
  > {
  readonly drainId: string;
  /** Pending outbox items read. */
  readonly pendingItems: number;
  /** `verified` when an imported owner directory judged reach. */
  readonly reach: 'verified' | 'unverified';
  /** How owners recorded `confirmed` were checked, as a drain would ({@link NotifierSummary.subscriptionCheck}). */
  readonly subscriptionCheck: SubscriptionCheckKind;
  /** Owners with a digest. */
  readonly owners: number;
  /** Every message, digests first, then the owner-unreachable report's parts (the exact SNS entries). */
  readonly entries: readonly PublishEntry[];
  /** Events in no message (each too large for one even alone): a drain leaves them pending. */
  readonly eventsLeftPending: number;
  /** Why, per owner, as a drain's summary lists its failures (capped). */
  readonly leftPending: CappedList<DeliveryFailure>;
}

/** Items read per `read` call (the drain's default batch). */
const READ_BATCH = 100;

/** The index entries, one per item (the index may list an item twice while it changes). */
async function listPending(outbox: Pick<OutboxStore, 'pending'>): Promise<OutboxIndexEntry[]> {
  const entries = new Map<string, OutboxIndexEntry>();
  for await (const page of outbox.pending()) {
    for (const entry of page) if (!entries.has(entry.credentialId)) entries.set(entry.credentialId, entry);
  }
  return [...entries.values()];
}

/**
 * The pending items a drain would go on with: the index listed, the items read by the drain's own read step
 * (`readItems`: items drained meanwhile or claimed by another drain skipped and counted, malformed entries counted
 * and their items named, in `state`). A failed read is thrown as the store threw it (the CLI names the table:
 * cli/options/table-options.ts): a drain leaves those items pending, a preview has nothing to show for them.
 */
async function readPending(context: DrainContext, state: DrainState): Promise<PendingOutboxItem[]> {
  const outbox = context.deps.outbox;
  let failure: { readonly error: unknown } | undefined;
  const reads: DrainContext = {
    ...context,
    deps: {
      ...context.deps,
      outbox: {
        ...PREVIEW_OUTBOX,
        pending: () => outbox.pending(),
        read: (ids) =>
          outbox.read(ids).catch((error: unknown) => {
            failure ??= { error };
            throw error;
          }),
      },
    },
  };
  const items: PendingOutboxItem[] = [];
  for (const entries of chunks(await listPending(outbox), READ_BATCH)) {
    items.push(...(await readItems(reads, state, entries)));
    if (failure !== undefined) throw failure.error;
  }
  return items;
}

/** The outbox calls a preview never makes: leasing and marking are what a dry run must not do. */
const PREVIEW_OUTBOX: Omit<OutboxStore, 'pending' | 'read'> = {
  acquireLease: () => Promise.reject(new Error('notify --dry-run takes no lease')),
  releaseLease: () => Promise.reject(new Error('notify --dry-run takes no lease')),
  markSent: () => Promise.reject(new Error('notify --dry-run marks nothing')),
};

/** A publisher a preview never calls: publishing is what a dry run must not do. */
const NO_PUBLISHER: NotifierDeps['publisher'] = {
  limits: SNS_LIMITS,
  publishBatch: () => Promise.reject(new Error('notify --dry-run publishes nothing')),
};

/** The dry run's wait: it publishes nothing, so it has nothing to pace. */
const NO_WAIT: NotifierDeps['sleep'] = () =>
  Promise.reject(new Error('notify --dry-run publishes nothing, so it never waits'));

/**
 * Renders what one drain would send now, writing nothing anywhere.
 * @throws when the owner directory cannot be read (a real drain would leave those events pending)
 * @throws {SubscriptionListingError} when the topic's subscriptions cannot be listed (a real drain would stop too)
 */
export async function previewDrain(
  options: DrainSetup & { readonly outbox: OutboxStore; readonly now: number },
): Promise<DrainPreview> {
  // The drain's own setup (`DrainSetup`, as `drainTable` takes it), so the preview renders what the drain sends.
  const { outbox, now, directory, topicSubscriptions, ...notifierOptions } = options;
  const deps: NotifierDeps = {
    outbox,
    publisher: NO_PUBLISHER,
    clock: () => now,
    sleep: NO_WAIT,
    ...(directory !== undefined && { directory }),
    ...(topicSubscriptions !== undefined && { topicSubscriptions }),
    // As a drain: on `relay`, the sender's own rule of what SES can be asked to send to.
    sendable: isSesSendable,
  };
  const settings = drainSettings(notifierOptions, NO_PUBLISHER.limits);
  const base: DrainContext = {
    deps,
    settings,
    now,
    reach: await reachCheckOf(deps, settings.ownerDelivery),
  };
  const state = newDrainState();
  const items = await readPending(base, state);
  // As a drain: with owners to judge, the topic's subscriptions are listed once (sns-email), before rendering.
  const context =
    items.length === 0 ? base : { ...base, reach: await checkSubscriptions(base, items.length) };
  const screened = screenItems(state, items);
  const verdicts = await judgeOwners(context, state, screened);
  if (verdicts === undefined)
    throw new Error(`owner directory: ${state.failures.toList().records[0]?.message ?? 'unreadable'}`);
  const digests = renderOwnerDigests(context, state, screened, verdicts);
  // As if every digest part were accepted (an event in none stays pending): what then goes to the admins' report.
  const accepted = new Set(digests.flatMap((d) => d.parts.flatMap((p) => p.events)));
  const { deferred } = splitForReport(screened, verdicts, accepted);
  const content = reportContent(deferred);
  const report =
    content.owners.length + content.invalidEvents.length === 0 ? [] : renderReport(context, state, content);
  return {
    drainId: settings.drainId,
    pendingItems: items.length,
    reach: context.reach.verified ? 'verified' : 'unverified',
    subscriptionCheck: subscriptionCheckOf(context.reach),
    owners: digests.length,
    entries: [
      ...digests.flatMap((d) =>
        d.parts.map((p, i) => snsEntry({ id: d.ids[i] ?? `${d.userId}-p${p.part}`, ...p.message })),
      ),
      ...report.map((p) => snsEntry({ id: `admins-p${p.part}`, ...p.message })),
    ],
    eventsLeftPending: state.counters.eventsFailed,
    leftPending: state.failures.toList(),
    supersededEvents: state.counters.supersededEvents,
    malformedEvents: state.counters.malformedEvents,
    malformedItems: state.malformedItems.toList(),
    claimConflicts: state.counters.claimConflicts,
  };
}
