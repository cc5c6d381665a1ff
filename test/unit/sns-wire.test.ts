/**
 * `jsonStructuredMessage` builds the `MessageStructure: 'json'` body by
 * concatenation (each value escaped once): it must stay byte-identical to
 * `JSON.stringify` of the per-protocol object, whatever the text and document
 * hold, and give every protocol the topic allows what it is for: the text to
 * email, the document to every other (as `default`, written once).
 * `snsMessageBytes` counts the body's bytes from its escaped values: it must
 * equal the bytes of the entry as sent. SNS's limits are pinned here to the
 * documented values: the notifier, the bench's SNS server and the tests' fake
 * SNS server all read them from this module (bench/sns-query-answers.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  jsonStructuredMessage,
  publishEntryBytes,
  SNS_BATCH_MAX_ENTRIES,
  SNS_MESSAGE_LIMIT_BYTES,
  snsEntryFields,
  snsMessageBytes,
} from '../../lambdas/aws/sns-wire';
import type { NotificationMessage } from '../../lambdas/hygiene/message';
import { TOPIC_SUBSCRIPTION_PROTOCOLS } from '../../lib/notification-topics';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';

function reference(text: string, document: unknown): string {
  return JSON.stringify({ default: JSON.stringify(document), email: text });
}

describe("SNS's limits", () => {
  it('are the documented ones: 256 KiB a message and a PublishBatch call, 10 entries a call', () => {
    // Amazon SNS quotas: "Message size: 256 KiB"; PublishBatch: "up to 10 messages", "the total aggregate size of
    // all messages in a single PublishBatch request can't exceed 262,144 bytes (256 KiB)".
    expect(SNS_MESSAGE_LIMIT_BYTES).toBe(262_144);
    expect(SNS_BATCH_MAX_ENTRIES).toBe(10);
  });
});

describe('jsonStructuredMessage', () => {
  it('is byte-identical to JSON.stringify of the per-protocol object', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.jsonValue(), (text, document) => {
        expect(jsonStructuredMessage(text, document)).toBe(reference(text, document));
      }),
      { numRuns: 300 },
    );
  });

  it('escapes quotes, control characters and line separators exactly as JSON.stringify does', () => {
    const text = 'He said "hi"\n\t\u2028\u0001 ☃ \\ end';
    const document = { events: [{ displayName: 'a "quoted" \\ name\u0000' }] };
    expect(jsonStructuredMessage(text, document)).toBe(reference(text, document));
    expect(deliveredDocument(jsonStructuredMessage(text, document))).toEqual(document);
  });

  it('gives email the text and every other protocol the topic allows the document, which it holds once', () => {
    const text = 'Hello user-42,\n"CI deploy" expires in 7 days.';
    const document = { schema: 'personal-client-hygiene/digest', events: [{ displayName: 'CI "deploy"' }] };
    const message = jsonStructuredMessage(text, document);

    for (const protocol of TOPIC_SUBSCRIPTION_PROTOCOLS) {
      if (protocol === 'email') expect(deliveredTo(message, protocol)).toBe(text);
      else expect(deliveredDocument(message, protocol)).toEqual(document);
    }
    expect(Object.keys(JSON.parse(message))).toEqual(['default', 'email']);
  });
});

describe('snsMessageBytes', () => {
  it('equals the bytes of the entry the message is sent as, whatever it holds', () => {
    const message = fc.record({
      subject: fc.string({ unit: 'grapheme', maxLength: 40 }),
      text: fc.string({ unit: 'grapheme' }),
      document: fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.string({ unit: 'grapheme' }))),
      routing: fc.record(
        {
          audience: fc.constantFrom('owner' as const, 'admin' as const),
          severity: fc.constantFrom('info' as const, 'warning' as const, 'high' as const),
          eventTypes: fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 3 }),
          userId: fc.string({ unit: 'grapheme', maxLength: 12 }),
          origin: fc.constant('operator'),
        },
        { requiredKeys: ['audience', 'severity', 'eventTypes'] },
      ),
    });
    fc.assert(
      fc.property(message, (m: NotificationMessage) => {
        expect(snsMessageBytes(m)).toBe(publishEntryBytes(snsEntryFields(m)));
      }),
      { numRuns: 500 },
    );
  });

  it('counts multi-byte text and documents in UTF-8, also when measured again after the text changed', () => {
    const document = { events: [{ displayName: 'Zoë ☃ 😀 "quoted"\n' }] };
    const first: NotificationMessage = {
      subject: 'Résumé',
      text: 'Grüße ☃\u2028',
      document,
      routing: { audience: 'owner', severity: 'info', eventTypes: ['expiry-warning'], userId: 'ü' },
    };
    const second = { ...first, text: `${first.text} 😀` };
    for (const m of [first, second, first]) {
      expect(snsMessageBytes(m)).toBe(publishEntryBytes(snsEntryFields(m)));
      expect(snsEntryFields(m).Message).toBe(jsonStructuredMessage(m.text, m.document));
    }
  });
});
