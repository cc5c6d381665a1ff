/**
 * The ids and owners a run summary's record lists copy from the table are cut
 * to 256 characters, marked "…" (`summaryId`, as an event's names are cut):
 * one huge stored `userId` on an invalid record used to go whole into the
 * summary's log entry, past CloudWatch Logs' 256 KB event limit
 * (lambdas/handlers/summary-log.ts), and into the admins' message. Real
 * sweeps over in-memory ports.
 */
import { describe, expect, it } from 'vitest';
import { splitSummaryForLog } from '../../lambdas/handlers/summary-log';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { SweepOwnerDirectory } from '../../lambdas/hygiene/owner-directory';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { InMemoryOwnerDirectory } from './owner-directory-fake';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

/** 256 characters: the first 255 of `text`, then "…". */
const cut = (text: string) => `${Array.from(text).slice(0, 255).join('')}…`;

describe('record lists of the run summary', () => {
  it('a 300,000-character userId on an invalid record gives a summary log entry under 256 KB', async () => {
    const userId = 'u'.repeat(300_000);
    const table = new MemoryTable([{ id: 'a', userId }, credential('ok-1')]);

    const summary = await runSweep(
      { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
      { config: parseConfig({}), now: NOW, runId: 'run-ids', mode: 'enforce' },
    );

    expect(summary.invalid.records).toEqual([
      { id: 'a', userId: cut(userId), problems: [expect.stringMatching(/^userId: is 300000 bytes long/)] },
    ]);
    const entry = JSON.stringify(splitSummaryForLog(summary).summary);
    expect(Buffer.byteLength(entry)).toBeLessThan(256 * 1024);
    expect(Buffer.byteLength(entry)).toBeLessThan(8 * 1024);
  });

  it('cuts a long id of an invalid record, keeping surrogate pairs whole', async () => {
    const id = '😀'.repeat(3_000); // 6,000 UTF-16 units, 12,000 bytes: over the key limit, invalid
    const table = new MemoryTable([{ id, userId: 'u' }]);

    const summary = await runSweep(
      { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
      { config: parseConfig({}), now: NOW, runId: 'run-ids', mode: 'audit' },
    );

    expect(summary.invalid.records[0]?.id).toBe(cut(id));
    expect(Array.from(summary.invalid.records[0]?.id ?? '')).toHaveLength(256);
  });

  it('cuts the ids of skipped, failed and too-large writes, and the owners of events and of the reach sample', async () => {
    // Valid credentials' ids and owners fit DynamoDB's 2,048-byte key limit: 2,000 characters here.
    const long = (prefix: string) => `${prefix}-${'x'.repeat(2_000)}`;
    const owner = long('owner');
    const items = ['applied', 'skipped', 'failed', 'large'].map((kind) =>
      credential(long(kind), { userId: owner, expiresTime: days(5) }),
    );
    const table = new MemoryTable(items);
    const memory = new MemoryWriter(table);
    const writer = {
      apply: (t: Parameters<MemoryWriter['apply']>[0]) => {
        const kind = t.credential.id.split('-')[0];
        if (kind === 'skipped')
          return Promise.resolve({ status: 'skipped-changed' as const, changed: ['lastUsedAt'] });
        if (kind === 'failed') return Promise.reject(new Error('throttled'));
        if (kind === 'large')
          return Promise.resolve({ status: 'too-large' as const, error: new Error('big') });
        return memory.apply(t);
      },
    };
    // A fresh directory that does not hold the owner: reach judges it unreachable (not-in-directory).
    const directory = new FakeSweepDirectory(
      [{ userId: 'someone', email: 's@example.com', status: 'active' }],
      days(-1),
    );

    const summary = await runSweep(
      { scanner: new MemoryScanner(table), writer, clock: () => NOW, directory },
      { config: parseConfig({}), now: NOW, runId: 'run-ids', mode: 'enforce' },
    );

    expect(summary.skippedChanged.records.map((r) => r.id)).toEqual([cut(long('skipped'))]);
    expect(summary.failed.records.map((r) => r.id)).toEqual([cut(long('failed'))]);
    expect(summary.tooLarge?.records.map((r) => r.id)).toEqual([cut(long('large'))]);
    expect(summary.events.perOwner).toEqual([{ userId: cut(owner), events: 1 }]);
    expect(summary.reach.sample.records).toEqual([{ userId: cut(owner), reason: 'not-in-directory' }]);
  });
});

/** The in-memory directory with the orphan rule's read too (departed owners from its records). */
class FakeSweepDirectory extends InMemoryOwnerDirectory implements SweepOwnerDirectory {
  async departedUserIds(): Promise<ReadonlySet<string>> {
    return new Set([...this.owners.values()].filter((o) => o.status === 'departed').map((o) => o.userId));
  }
}
