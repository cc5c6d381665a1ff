/**
 * An exempt credential still gets expiry notices, but is never deleted (docs/rules.md, "Exempt credentials"): the
 * sweep marks its `expiry-warning` `exempt: true` (docs/notifications.md, "Event types"), whether it is exempt by its
 * own `hygieneExempt` or by the configured `exemptIds`; the stored event reads back with the mark, one queued
 * before the mark existed reads as not exempt; and the digest, text and HTML, says it is not deleted instead of
 * "soft-deleted once expired" / "the next sweep may soft-delete it".
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { describeEvent } from '../../lambdas/hygiene/digest';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { parseOutboxEvent, readPendingItem } from '../../lambdas/hygiene/outbox-item';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { formatInstant } from '../../lambdas/hygiene/time';
import { renderDigestHtml } from '../../lambdas/render/digest-html';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

/** Sweeps `items` in enforce mode and returns the expiry warnings queued on each credential, by id. */
async function queuedWarnings(
  items: Record<string, unknown>[],
  exemptIds: string[] = [],
): Promise<Map<string, OutboxEvent>> {
  const table = new MemoryTable(items);
  const config = parseConfig({ exemptIds });
  await runSweep(
    { clock: () => NOW, scanner: new MemoryScanner(table, 10), writer: new MemoryWriter(table) },
    { config, now: NOW, runId: 'run-1', mode: 'enforce' },
  );
  const warnings = new Map<string, OutboxEvent>();
  for (const item of table.items.values()) {
    const [event] = readPendingItem(item)?.events ?? [];
    if (event?.type === 'expiry-warning') warnings.set(event.credentialId, event);
  }
  return warnings;
}

describe('the expiry warning of an exempt credential', () => {
  it('is marked exempt, by hygieneExempt or by exemptIds, and only then', async () => {
    const warnings = await queuedWarnings(
      [
        credential('a-flagged', { expiresTime: days(5), hygieneExempt: true }),
        credential('b-listed', { expiresTime: days(5) }),
        credential('c-plain', { expiresTime: days(5) }),
      ],
      ['b-listed'],
    );

    expect(warnings.get('a-flagged')).toMatchObject({ stageDays: 7, exempt: true });
    expect(warnings.get('b-listed')).toMatchObject({ stageDays: 7, exempt: true });
    expect(warnings.get('c-plain')).toMatchObject({ stageDays: 7 });
    expect(warnings.get('c-plain')).not.toHaveProperty('exempt');
  });

  it('says, in text and HTML, that it is not deleted when it expires', async () => {
    const warnings = await queuedWarnings([
      credential('a-flagged', { expiresTime: days(5), hygieneExempt: true }),
    ]);
    const event = warnings.get('a-flagged') as OutboxEvent;

    const text = describeEvent(event, NOW).join('\n');
    expect(text).toContain('exempt: it is not deleted when it expires');
    expect(text).not.toContain('soft-deleted');
    const html = renderDigestHtml({
      userId: event.userId,
      events: [event],
      generatedAt: formatInstant(NOW),
      part: 1,
      parts: 1,
      subject: 'API credential expires in 5 days',
    });
    expect(html).toContain('exempt: it is not deleted when it expires');
    expect(html).not.toContain('soft-deleted');
  });

  it('once expired (a notice sent late), says it is not deleted rather than that the next sweep deletes it', () => {
    const event = parseOutboxEvent({ ...storedWarning(), exempt: true });
    expect(event.ok && describeEvent(event.event, NOW + 6 * 86_400_000)[0]).toMatch(
      /^Expired on .*; it is exempt: it is not deleted\. This is the 7-day notice\.$/,
    );
  });

  it('queued before the mark existed, reads as not exempt and keeps its old wording', () => {
    const event = parseOutboxEvent(storedWarning());
    expect(event.ok).toBe(true);
    if (!event.ok) return;
    expect(event.event).not.toHaveProperty('exempt');
    expect(describeEvent(event.event, NOW)[1]).toContain('it is soft-deleted once expired');
    expect(describeEvent(event.event, NOW + 6 * 86_400_000)[0]).toContain(
      'the next sweep may soft-delete it, unless it is renewed or exempted first',
    );
  });

  it('refuses a mark that is not a boolean, and reads false as not exempt', () => {
    expect(parseOutboxEvent({ ...storedWarning(), exempt: 'yes' })).toEqual({
      ok: false,
      problem: 'exempt is not a boolean',
    });
    const unmarked = parseOutboxEvent({ ...storedWarning(), exempt: false });
    expect(unmarked.ok && unmarked.event).not.toHaveProperty('exempt');
  });
});

/** A stored expiry warning as an earlier version wrote it: no `exempt`. */
function storedWarning(): Record<string, unknown> {
  return {
    eventId: `expiry-warning:${days(5)}:7`,
    type: 'expiry-warning',
    credentialId: 'a-flagged',
    userId: 'user-a',
    runId: 'run-0',
    occurredAt: days(0),
    stageDays: 7,
    expiresTime: days(5),
  };
}
