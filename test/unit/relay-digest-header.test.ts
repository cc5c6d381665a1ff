/**
 * The digest's stable identity in a header SES keeps: SES replaces the
 * `Message-ID` (and `Date`) the relay writes ("Amazon SES header fields"), so
 * a duplicate send arrives as a separate email; `X-PC-Hygiene-Digest` is the
 * same on both copies, for a person or a mail filter to see, and differs for
 * an owner's second digest of one drain. Checked on the raw message.
 */
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { DigestDocument } from '../../lambdas/hygiene/digest';
import { composeMime, DIGEST_ID_HEADER, digestId, ownerEmail } from '../../lambdas/relay/owner-email';
import { SAMPLE_NOW, sampleDocuments, sampleEvent } from '../support/sample-digest';

const FROM = 'Hygiene <hygiene@corp.example>';

function document(events = [sampleEvent('expiry-warning', 'pc-1'), sampleEvent('stale-warning', 'pc-2')]) {
  const [first] = sampleDocuments(events);
  if (first === undefined) throw new Error('no digest part');
  return first;
}

/** The raw email of `doc` sent at `at`, and its header section as text. */
async function send(doc: DigestDocument, at: number): Promise<{ raw: Buffer; head: string }> {
  const raw = await composeMime(ownerEmail(doc, { email: 'ada@example.com' }, FROM, new Date(at)));
  return { raw, head: raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('ascii') };
}

/** The values of `name` in a raw header section (unfolded). */
function headerValues(head: string, name: string): string[] {
  const unfolded = head.replace(/\r\n[ \t]+/g, ' ');
  return [...unfolded.matchAll(new RegExp(`^${name}: (.*)$`, 'gim'))].map((m) => m[1] ?? '');
}

describe(`the ${DIGEST_ID_HEADER} header`, () => {
  it('carries the digest id, once, the same on a duplicate send of the same part', async () => {
    const doc = document();

    const first = await send(doc, SAMPLE_NOW + 1_000);
    const again = await send(doc, SAMPLE_NOW + 600_000);

    expect(headerValues(first.head, DIGEST_ID_HEADER)).toEqual([digestId(doc)]);
    expect(headerValues(again.head, DIGEST_ID_HEADER)).toEqual([digestId(doc)]);
    expect(digestId(doc)).toMatch(/^[0-9a-f]{32}$/);
    const parsed = await simpleParser(first.raw);
    expect(parsed.headers.get(DIGEST_ID_HEADER.toLowerCase())).toBe(digestId(doc));
    // the Message-ID the relay writes (SES replaces it) is built from the same id
    expect(parsed.messageId).toBe(`<digest.${digestId(doc)}@corp.example>`);
  });

  it('differs for another digest of the same owner, drain and part', async () => {
    const doc = document();
    const other = { ...doc, events: doc.events.slice(1) };

    const [a, b] = await Promise.all([send(doc, SAMPLE_NOW), send(other, SAMPLE_NOW)]);

    expect(headerValues(a.head, DIGEST_ID_HEADER)).not.toEqual(headerValues(b.head, DIGEST_ID_HEADER));
  });
});
