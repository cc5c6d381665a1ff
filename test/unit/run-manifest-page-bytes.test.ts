/**
 * A run manifest page stays under DynamoDB's 400 KB item limit
 * (docs/data-model.md, "Run manifests"): an entry's names are cut (its
 * `clientId` as its `displayName`), an entry is measured as DynamoDB counts
 * it, and the recorder closes a page before the entry that would take it past
 * `MANIFEST_PAGE_BYTES`, however long the ids (up to DynamoDB's 2 KB key limit).
 */
import { describe, expect, it } from 'vitest';
import { MAX_ITEM_BYTES, valueSize } from '../../cli/aws/item-limits';
import { MAX_KEY_BYTES, parseCredential } from '../../lambdas/hygiene/credential';
import type { RunManifestWriter } from '../../lambdas/hygiene/ports';
import {
  MANIFEST_PAGE_BYTES,
  MANIFEST_PAGE_SIZE,
  type ManifestEntry,
  manifestEntry,
  manifestEntryBytes,
} from '../../lambdas/hygiene/run-manifest';
import { ManifestRecorder } from '../../lambdas/hygiene/run-manifest-recorder';
import { credential, days, NOW } from './support/credentials';

const parsed = (raw: Record<string, unknown>) => {
  const result = parseCredential(raw);
  if (!result.ok) throw new Error('invalid fixture');
  return result.credential;
};

/** An id or owner of `bytes` UTF-8 bytes, numbered: 3-byte characters after the number, ASCII to fill. */
const longKey = (prefix: string, i: number, bytes = MAX_KEY_BYTES) => {
  const head = `${prefix}-${String(i).padStart(4, '0')}-`;
  const wide = '€'.repeat(Math.floor((bytes - head.length) / 3));
  return head + wide + 'x'.repeat(bytes - head.length - 3 * wide.length);
};

/** The largest entry a deletion can make: 2 KB id and owner, names of 4-byte characters, every date. */
const largest = (i: number): ManifestEntry =>
  manifestEntry(
    parsed(
      credential(longKey('e', i), {
        userId: longKey('u', i),
        expiresTime: days(-1),
        clientId: '🔑'.repeat(3000),
        displayName: '🔑'.repeat(3000),
      }),
    ),
    [{ type: 'delete-expired', expiresTime: days(-1) }],
    NOW,
  );

describe('a manifest entry', () => {
  it('cuts clientId as displayName, to 200 characters, never splitting a surrogate pair', () => {
    const entry = largest(1);
    expect(Array.from(entry.clientId ?? '')).toEqual(Array(200).fill('🔑'));
    expect(Array.from(entry.displayName ?? '')).toEqual(Array(200).fill('🔑'));
  });

  it('is measured as DynamoDB counts a map in a list (names, UTF-8 values, true as 1 byte)', () => {
    const entry = { ...largest(2), mayHaveApplied: true as const };
    expect(manifestEntryBytes(entry)).toBe(1 + valueSize(entry));
    expect(manifestEntryBytes(entry)).toBeGreaterThan(2 * MAX_KEY_BYTES);
  });
});

describe('the recorder with entries of the largest size', () => {
  it('closes each page before it passes MANIFEST_PAGE_BYTES: every page fits an item', async () => {
    const pages: (readonly ManifestEntry[])[] = [];
    const writer: RunManifestWriter = {
      writePage: async (_runId, _page, entries) => {
        pages.push(entries);
      },
      writeHeader: async () => {},
    };
    const recorder = new ManifestRecorder(writer, 'run-big');
    for (let i = 0; i < MANIFEST_PAGE_SIZE; i++) recorder.add(largest(i));
    const summary = await recorder.finish({
      now: days(0),
      startedAt: days(0),
      finishedAt: days(0),
      status: 'complete',
      guard: { tripped: false, overridden: false },
    });

    expect(summary.entries).toBe(MANIFEST_PAGE_SIZE);
    expect(summary.pages).toBeGreaterThan(1);
    expect(pages.flat().map((e) => e.id)).toEqual(
      Array.from({ length: MANIFEST_PAGE_SIZE }, (_, i) => longKey('e', i)),
    );
    for (const page of pages) {
      expect(page.reduce((sum, e) => sum + manifestEntryBytes(e), 0)).toBeLessThanOrEqual(
        MANIFEST_PAGE_BYTES,
      );
      expect(valueSize(page)).toBeLessThan(MAX_ITEM_BYTES - 10_000);
    }
  });
});
