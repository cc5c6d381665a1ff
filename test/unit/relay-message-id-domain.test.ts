/**
 * The domain of the relay email's `Message-ID` (lambdas/relay/owner-email.ts):
 * the sender's domain as SES is given it (`sesAddress`, the one address rule),
 * so an internationalized sender's domain is written in Punycode, not dropped
 * for the fallback `pc-hygiene.invalid`; an ASCII one as before (lower-cased);
 * the fallback only for a sender SES could not send from.
 */
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMime, digestMessageId } from '../../lambdas/relay/owner-email';
import { representativeEvents, sampleDocuments, sampleOwnerEmail } from '../support/sample-digest';

const [DOCUMENT] = sampleDocuments(representativeEvents());

describe('the Message-ID domain', () => {
  it.each([
    ['an internationalized domain, in Punycode', 'hygiene@bücher.example', 'xn--bcher-kva.example'],
    ['one with a name', 'Hygiène <hygiene@Bücher.example>', 'xn--bcher-kva.example'],
    ['an ASCII domain, lower-cased', 'Sec <sec@Corp.Example>', 'corp.example'],
    ['a sender SES cannot send from: the fallback', 'ops@0x7f.1', 'pc-hygiene.invalid'],
    ['no address at all: the fallback', 'no-at-sign', 'pc-hygiene.invalid'],
  ])('%s', (_name, from, domain) => {
    if (DOCUMENT === undefined) throw new Error('no digest part');

    expect(digestMessageId(DOCUMENT, from)).toMatch(
      new RegExp(`^<digest\\.[0-9a-f]{32}@${domain.replaceAll('.', '\\.')}>$`),
    );
  });

  it('is the header the email carries', async () => {
    const mail = await simpleParser(await composeMime(sampleOwnerEmail('Hygiene <hygiene@bücher.example>')));

    expect(mail.messageId).toMatch(/^<digest\.[0-9a-f]{32}@xn--bcher-kva\.example>$/);
  });
});
