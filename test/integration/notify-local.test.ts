/**
 * `pc-hygiene local` ends with a notifier drain into a file sink: every event
 * the sweep queued is in exactly one digest, one per owner (and the demo
 * directory's unreachable owners are reported to the admins once).
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';
import type { NotifierSummary } from '../../lambdas/hygiene/notifier';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { deliveredDocument } from '../support/sns-delivery';

const CLI = fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url));

describe('pc-hygiene local: notify step', () => {
  it('drains every queued event into one file-sink digest per owner', { timeout: 180_000 }, async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'local', '--now', '2026-11-26T00:00:00.000Z', '--count', '120', '--format', 'json'],
        (error, out) => resolve({ code: error ? Number(error.code) : 0, stdout: out }),
      );
    });

    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      summary: RunSummary;
      notify: NotifierSummary;
      digestsFile: string;
    };
    try {
      const { summary, notify } = result;
      expect(summary.events.total).toBeGreaterThan(0);
      expect(notify).toMatchObject({
        status: 'complete',
        eventsPublished: summary.events.total,
        eventsFailed: 0,
        digests: summary.events.owners,
      });
      // The sweep's reach forecast (its run summary) is what the demo's notifier then found.
      expect(notify.unreachableOwners).toBeGreaterThan(0);
      expect(summary.reach).toMatchObject({
        status: 'verified',
        route: 'relay',
        ownersChecked: summary.events.owners,
        unreachableOwners: notify.unreachableOwners,
        byReason: notify.unreachableReasons,
      });
      const all = (await readFile(result.digestsFile, 'utf8'))
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as PublishEntry);
      // The demo directory leaves owners unreachable: their events also go to the admins' owner-unreachable report.
      const audience = (e: PublishEntry) => e.MessageAttributes.audience?.StringValue;
      expect(
        all.filter((e) => audience(e) === 'admin').map((e) => e.MessageAttributes.eventTypes?.StringValue),
      ).toEqual([JSON.stringify(['owner-unreachable'])]);
      const entries = all.filter((e) => audience(e) === 'owner');
      const owners = entries.map((e) => e.MessageAttributes.userId?.StringValue);
      expect(new Set(owners).size).toBe(summary.events.owners);
      const perOwner = new Map(summary.events.perOwner.map((o) => [o.userId, o.events]));
      for (const entry of entries) {
        const doc = deliveredDocument<{ userId: string; events: unknown[] }>(entry.Message);
        expect(doc.events).toHaveLength(perOwner.get(doc.userId) ?? -1);
      }
    } finally {
      await rm(dirname(result.digestsFile), { recursive: true, force: true });
    }
  });
});
