/**
 * Readable previews of published entries (cli/digest-preview.ts), the view `local` and operators get of a `--sink
 * jsonl:PATH` file (docs/notifications.md, "CLI"): each entry's recipient, severity, event types, subject and email
 * text, from real rendered digests; a sink file previewed from a given line on; the overview showing the first
 * digests in full and the rest by subject, with the file's path.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { previewEntriesFile, renderEntriesOverview, renderEntryPreview } from '../../cli/digest-preview';
import { type PublishEntry, SNS_LIMITS, snsEntry } from '../../lambdas/aws/sns-wire';
import { renderDigest } from '../../lambdas/hygiene/digest';
import { outboxEvent } from './outbox-fakes';

function digestEntry(userId: string, id: string): PublishEntry {
  const [part] = renderDigest({
    userId,
    events: [outboxEvent({ credentialId: `${userId}-1`, userId, type: 'deleted-expired' })],
    now: Date.parse('2026-11-26T02:00:00.000Z'),
    drainId: 'd1',
    budget: SNS_LIMITS,
  });
  return snsEntry({ id, ...part!.message });
}

describe('digest previews', () => {
  it('shows recipient, severity, event types, subject and the email text', () => {
    const preview = renderEntryPreview(digestEntry('alice', 'o1-p1'));

    expect(preview.split('\n').slice(0, 3)).toEqual([
      '=== to alice | severity high | deleted-expired ===',
      'Subject: API credential "Key alice-1" was deleted (expired)',
      '',
    ]);
    expect(preview).toContain('Hello alice,');
  });

  it('previews a sink file from a given line on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'preview-'));
    try {
      const path = join(dir, 'out.jsonl');
      const entries = [digestEntry('alice', 'a'), digestEntry('bob', 'b')];
      await writeFile(path, `${entries.map((e) => JSON.stringify(e)).join('\n')}\n`);

      const all = await previewEntriesFile(path);
      const latest = await previewEntriesFile(path, 1);

      expect(all.count).toBe(2);
      expect(latest.count).toBe(1);
      expect(latest.text).toContain('=== to bob |');
      expect(latest.text).not.toContain('alice');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('shows the first digests in full and the rest by subject, with the file path', () => {
    const entries = ['a', 'b', 'c'].map((u) => digestEntry(u, u));

    const overview = renderEntriesOverview(entries, 1, '/tmp/x.jsonl');

    expect(overview.startsWith('Digests that would be sent: 3 messages\n')).toBe(true);
    expect(overview.match(/Hello /g)).toHaveLength(1);
    expect(overview).toContain('... and 2 more (subjects only):');
    expect(overview).toContain(
      '=== to c | severity high | deleted-expired ===\nSubject: API credential "Key c-1" was deleted (expired)',
    );
    expect(overview.trimEnd().endsWith('/tmp/x.jsonl')).toBe(true);
    expect(renderEntriesOverview([], 3, '/tmp/x.jsonl')).toContain('No digests to send');
  });
});
