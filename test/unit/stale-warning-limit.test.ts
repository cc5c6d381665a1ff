/**
 * A stale warning says which limit made the credential stale and which risk
 * tier set it (docs/rules.md, "Risk tiers"): the event carries both, the
 * owner's text, HTML email and JSON document say them, and they survive the
 * outbox and the relay's read. A warning an earlier version queued (without
 * them) still reads, and its notice renders as it did.
 */
import { describe, expect, it } from 'vitest';
import { snsEntryFields, snsLimits } from '../../lambdas/aws/sns-wire';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { type DigestDocument, digestText, renderDigest } from '../../lambdas/hygiene/digest';
import { eventsFor, type OutboxEvent, shortenedName } from '../../lambdas/hygiene/events';
import { parseOutboxEvent, readPendingItem, storedEvent } from '../../lambdas/hygiene/outbox-item';
import { decide } from '../../lambdas/hygiene/policy';
import { parseDigestDocument } from '../../lambdas/relay/digest-message';
import { renderDigestHtml } from '../../lambdas/render/digest-html';
import { isolated } from '../../lambdas/render/html-escape';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';
import { at, credentialOf, T0 } from './support/raw-credential';
import { EVENT_BASE, RUN } from './support/run-events';

/** A credential with no scoped roles and no source limit, unused for 31 days: the default 30-day tier's. */
const tiered = credentialOf({ scopedRoles: undefined, allowSourceCidr: undefined, lastUsedAt: at(-31) });
/** A scoped, source-limited credential unused for 100 days: the base 90-day limit's. */
const based = credentialOf({ lastUsedAt: at(-100) });

/** The one stale warning the sweep queues for `credential` under the default configuration. */
function staleWarning(credential: typeof tiered): OutboxEvent {
  const events = eventsFor(credential, decide(credential, DEFAULT_CONFIG, T0), RUN);
  const warning = events.find((e) => e.type === 'stale-warning');
  if (warning === undefined) throw new Error(`no stale warning: ${JSON.stringify(events)}`);
  return warning;
}

/** The digest's one part for `events`, as SNS delivers it: the email text and the machine document. */
function delivered(events: readonly OutboxEvent[]) {
  const [part, ...more] = renderDigest({
    userId: 'user-1',
    events,
    now: T0,
    drainId: 'drain-1',
    budget: snsLimits(),
  });
  expect(more).toEqual([]);
  const message = snsEntryFields(part!.message).Message;
  return {
    text: deliveredTo(message, 'email'),
    document: deliveredDocument<DigestDocument>(message),
  };
}

/** A stored entry as the transition write appends it, on an item with a pending outbox. */
function pendingItem(entry: unknown) {
  return readPendingItem({
    id: 'pc-1',
    userId: 'user-1',
    displayName: 'terraform',
    clientId: 'brave-otter-12345@acme.conductor.one/pcc',
    hygieneOutbox: [entry],
    hygieneOutboxOwner: 'user-1',
    hygieneOutboxSince: at(0),
  });
}

const TIER_LINE =
  `Not used since ${at(-31)} (31 days ago); credentials unused for 30 days are flagged for deletion ` +
  `(risk tier unscoped-unrestricted). It will be soft-deleted on ${at(14)} (in 14 days) unless it is used before then.`;

describe('the stale-warning event', () => {
  it('carries the limit and the risk tier that set it; its id is the same as without them', () => {
    expect(staleWarning(tiered)).toEqual({
      ...EVENT_BASE,
      eventId: `stale-warning:${at(0)}`,
      type: 'stale-warning',
      deleteAfter: at(14),
      lastActivity: at(-31),
      staleAfterDays: 30,
      tier: 'unscoped-unrestricted',
    });
  });

  it('carries the base limit and no tier when no risk tier set it', () => {
    const event = staleWarning(based);
    expect(event).toMatchObject({ eventId: `stale-warning:${at(0)}`, staleAfterDays: 90 });
    expect(event).not.toHaveProperty('tier');
  });
});

describe('the owner’s notice of a stale warning', () => {
  it('says the limit and the risk tier in the text and carries them in the document', () => {
    const { text, document } = delivered([staleWarning(tiered)]);

    expect(text).toContain(`    ${TIER_LINE}\n`);
    expect(document.events[0]).toMatchObject({ staleAfterDays: 30, tier: 'unscoped-unrestricted' });
  });

  it('says the base limit without a tier', () => {
    const { text } = delivered([staleWarning(based)]);

    expect(text).toContain(
      `Not used since ${at(-100)} (100 days ago); credentials unused for 90 days are flagged for deletion. It will be soft-deleted`,
    );
    expect(text).not.toContain('risk tier');
  });

  it('says them in the relay’s text and HTML email, read back from the document SNS delivers', () => {
    const { document } = delivered([staleWarning(tiered)]);
    const read = parseDigestDocument(JSON.parse(JSON.stringify(document)));

    expect(digestText(read)).toContain(TIER_LINE);
    const html = renderDigestHtml({ ...read, subject: 'Unused API credential' });
    expect(html).toContain(
      `credentials unused for 30 days are flagged for deletion (risk tier ${isolated('unscoped-unrestricted')}).`,
    );
  });

  it('flattens a tier name that would break its line (a forged or hand-written entry)', () => {
    const event = { ...staleWarning(tiered), tier: 'risky\r\nBcc: someone' };

    expect(delivered([event]).text).toContain('(risk tier risky Bcc: someone). It will be soft-deleted');
  });
});

describe('a stale warning in the outbox', () => {
  it('keeps its limit and tier through the stored compact entry', () => {
    const event = staleWarning(tiered);

    const item = pendingItem(storedEvent(event));

    expect(item?.malformed).toEqual([]);
    expect(item?.events).toEqual([event]);
  });

  it('stored by the previous version (no limit, no tier) still reads, and its notice reads as it did', () => {
    const previous = {
      eventId: `stale-warning:${at(0)}`,
      type: 'stale-warning',
      runId: 'run-42',
      occurredAt: at(0),
      deleteAfter: at(14),
      lastActivity: at(-31),
    };

    const item = pendingItem(previous);

    expect(item?.malformed).toEqual([]);
    expect(item?.events[0]).not.toHaveProperty('staleAfterDays');
    expect(item?.events[0]).not.toHaveProperty('tier');
    expect(delivered(item?.events ?? []).text).toContain(
      `    Not used since ${at(-31)} (31 days ago). It will be soft-deleted on ${at(14)} (in 14 days) unless it is used before then.\n`,
    );
  });

  it('is malformed when its limit is not a number, and its tier is cut like a name', () => {
    const stored = storedEvent(staleWarning(tiered));
    const long = 't'.repeat(1_000);

    expect(
      parseOutboxEvent({ ...stored, credentialId: 'pc-1', userId: 'user-1', staleAfterDays: '30' }),
    ).toEqual({
      ok: false,
      problem: 'staleAfterDays is not a number',
    });
    expect(pendingItem({ ...stored, tier: long })?.events[0]?.tier).toBe(shortenedName(long));
  });
});
