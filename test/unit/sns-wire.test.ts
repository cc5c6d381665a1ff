/**
 * `jsonStructuredMessage` builds the `MessageStructure: 'json'` body by
 * concatenation (each value escaped once): it must stay byte-identical to
 * `JSON.stringify` of the per-protocol object, whatever the text and document hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonStructuredMessage, MACHINE_PROTOCOLS } from '../../lambdas/aws/sns-wire';

function reference(text: string, document: unknown): string {
  const doc = JSON.stringify(document);
  const body: Record<string, string> = { default: text, email: text };
  for (const protocol of MACHINE_PROTOCOLS) body[protocol] = doc;
  return JSON.stringify(body);
}

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
    expect(JSON.parse(JSON.parse(jsonStructuredMessage(text, document)).sqs)).toEqual(document);
  });
});
