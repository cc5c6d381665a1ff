/**
 * Reading digests back from the wire: the SNS envelope an SQS record carries
 * (raw message delivery off; no message attributes for the notifier's
 * `MessageStructure: 'json'` publishes, as SNS delivers them, so owner,
 * audience and verdict come from the document) and the `notify --sink jsonl:…`
 * entries; every unreadable message names what is wrong.
 */
import { describe, expect, it } from 'vitest';
import {
  digestFromPublishEntry,
  digestFromSnsEnvelope,
  InvalidDigestMessageError,
  parseDigestDocument,
} from '../../lambdas/relay/digest-message';
import { representativeEvents, sampleDocuments, sampleEntries, snsEnvelope } from '../support/sample-digest';
import { deliveredTo } from '../support/sns-delivery';

function entry() {
  const [first] = sampleEntries(representativeEvents());
  if (first === undefined) throw new Error('no entry');
  return first;
}

describe('digestFromSnsEnvelope', () => {
  it('reads the userId and the document the notifier published', () => {
    const [document] = sampleDocuments(representativeEvents());

    const digest = digestFromSnsEnvelope(snsEnvelope(entry()));

    expect(digest).toEqual({ userId: 'user-42', document });
  });

  it('reads a notification of a JSON publish, which SNS delivers without MessageAttributes: all from the document', () => {
    const [judged] = sampleEntries(representativeEvents(), undefined, 'unreachable');
    if (judged === undefined) throw new Error('no entry');
    const body = snsEnvelope(judged);

    expect(JSON.parse(body)).not.toHaveProperty('MessageAttributes');
    const digest = digestFromSnsEnvelope(body);
    expect(digest).toMatchObject({ userId: 'user-42', ownerReach: 'unreachable' });
    expect(digest.document).toMatchObject({
      audience: 'owner',
      userId: 'user-42',
      ownerReach: 'unreachable',
    });
  });

  it("reads the drain's verdict from the document (the attribute, when delivered, must agree), and refuses a value it does not know", () => {
    const [judged] = sampleEntries(representativeEvents(), undefined, 'unreachable');
    if (judged === undefined) throw new Error('no entry');
    const withAttributes = JSON.parse(snsEnvelope(judged, 'sns-1', 'string publish'));
    const odd = structuredClone(withAttributes);
    odd.MessageAttributes.ownerReach.Value = 'maybe';
    const other = structuredClone(withAttributes);
    other.MessageAttributes.ownerReach.Value = 'reachable';
    const oddDocument = structuredClone(withAttributes);
    oddDocument.Message = JSON.stringify({ ...JSON.parse(oddDocument.Message), ownerReach: 'maybe' });

    expect(digestFromSnsEnvelope(JSON.stringify(withAttributes)).ownerReach).toBe('unreachable');
    expect(digestFromPublishEntry(judged)?.ownerReach).toBe('unreachable');
    expect(() => digestFromSnsEnvelope(JSON.stringify(odd))).toThrow(
      /ownerReach attribute "maybe" is not one of reachable, unreachable, unverified/,
    );
    expect(() => digestFromSnsEnvelope(JSON.stringify(other))).toThrow(
      /ownerReach attribute "reachable" differs from the document's "unreachable"/,
    );
    expect(() => digestFromSnsEnvelope(JSON.stringify(oddDocument))).toThrow(
      /SNS Message: ownerReach "maybe" is not one of reachable, unreachable, unverified/,
    );
  });

  it('a document without ownerReach (an older notifier) has no verdict, unless an entry carries it as an attribute', () => {
    const [judged] = sampleEntries(representativeEvents(), undefined, 'unverified');
    if (judged === undefined) throw new Error('no entry');
    const { ownerReach: _, ...older } = JSON.parse(deliveredTo(judged.Message, 'sqs'));
    const olderEntry = { ...judged, Message: JSON.stringify({ default: JSON.stringify(older), email: 'x' }) };

    expect(digestFromSnsEnvelope(snsEnvelope(olderEntry))).not.toHaveProperty('ownerReach');
    expect(digestFromPublishEntry(olderEntry)?.ownerReach).toBe('unverified');
  });

  it('says when raw message delivery is on (the body is the bare document)', () => {
    const raw = deliveredTo(entry().Message, 'sqs');

    expect(() => digestFromSnsEnvelope(raw)).toThrow(
      /not an SNS notification envelope \(is raw message delivery on\?\)/,
    );
  });

  it('refuses admin messages, a userId that differs from the document, and non-JSON', () => {
    const admin = JSON.parse(snsEnvelope(entry(), 'sns-1', 'string publish'));
    admin.MessageAttributes.audience.Value = 'admin';
    const other = JSON.parse(snsEnvelope(entry(), 'sns-1', 'string publish'));
    other.MessageAttributes.userId.Value = 'user-43';
    const adminDocument = JSON.parse(snsEnvelope(entry()));
    adminDocument.Message = JSON.stringify({ ...JSON.parse(adminDocument.Message), audience: 'admin' });

    expect(() => digestFromSnsEnvelope(JSON.stringify(admin))).toThrow(/audience "admin" is not owner/);
    expect(() => digestFromSnsEnvelope(JSON.stringify(adminDocument))).toThrow(
      /SNS Message: audience "admin" is not owner/,
    );
    expect(() => digestFromSnsEnvelope(JSON.stringify(other))).toThrow(
      /userId attribute "user-43" differs from the document's "user-42"/,
    );
    expect(() => digestFromSnsEnvelope('{oops')).toThrow(InvalidDigestMessageError);
  });
});

describe('parseDigestDocument', () => {
  const [document] = sampleDocuments(representativeEvents());

  it.each([
    [{ schema: 'other' }, /schema "other" is not personal-client-hygiene\/digest/],
    [{ version: 2 }, /version 2 is not 1/],
    [{ generatedAt: 'soon' }, /generatedAt "soon" is not an instant/],
    [{ part: 3, parts: 2 }, /part 3 is greater than parts 2/],
    [{ part: 0 }, /part 0 is not a positive integer/],
    [{ drainId: '' }, /drainId is missing/],
    [{ events: [] }, /events is missing or empty/],
    [{ events: [{ type: 'nope' }] }, /events\[0\] eventId is missing/],
    [{ severity: 'meh' }, /severity "meh" is not one of info, warning, high/],
    [{ ownerReach: 'maybe' }, /ownerReach "maybe" is not one of reachable, unreachable, unverified/],
    [{ ownerReach: null }, /ownerReach null is not one of reachable, unreachable, unverified/],
  ])('names what is wrong: %j', (change, message) => {
    expect(() => parseDigestDocument({ ...document, ...change })).toThrow(message);
  });
});

describe('digestFromPublishEntry', () => {
  it('reads an owner entry and skips entries the relay subscription would not get', () => {
    const owner = entry();
    const admin = {
      ...owner,
      MessageAttributes: {
        ...owner.MessageAttributes,
        audience: { DataType: 'String', StringValue: 'admin' },
      },
    };

    expect(digestFromPublishEntry({ Id: '0', ...owner })?.document.userId).toBe('user-42');
    expect(digestFromPublishEntry(admin)).toBeUndefined();
    expect(() => digestFromPublishEntry({ ...owner, Message: '{"email":"x"}' }, 'line 3')).toThrow(
      /line 3: Message has no default document \(not MessageStructure json\?\)/,
    );
    expect(() => digestFromPublishEntry({ ...owner, Message: '{"default":"x"}' }, 'line 3')).toThrow(
      /line 3: sqs document is not valid JSON/,
    );
  });

  describe('refuses a line that is not an entry notify --sink jsonl: writes (never counted as an admin message)', () => {
    const owner = entry();
    const withAudience = (audience: unknown) => ({
      ...owner,
      MessageAttributes: { ...owner.MessageAttributes, audience },
    });
    const { MessageStructure: _, ...unstructured } = owner;

    it.each([
      [
        'a credential',
        {
          id: 'pc-1',
          clientId: 'c1',
          userId: 'ada',
          displayName: 'CI',
          createdAt: '2026-01-01T00:00:00.000Z',
        },
        /^line 1 is not a notify --sink jsonl: entry \(no Message, no MessageStructure, no MessageAttributes\)$/,
      ],
      [
        'an owners export line',
        { userId: 'ada', email: 'ada@example.com', name: 'Ada', status: 'active' },
        /^line 1 is not a notify --sink jsonl: entry \(no Message, no MessageStructure, no MessageAttributes\)$/,
      ],
      [
        'no MessageStructure',
        unstructured,
        /^line 1 is not a notify --sink jsonl: entry \(no MessageStructure\)$/,
      ],
      [
        'a Message that is not a string',
        { ...owner, Message: { default: '{}' } },
        /^line 1: Message is not a string$/,
      ],
      [
        'MessageStructure other than json',
        { ...owner, MessageStructure: 'text' },
        /MessageStructure "text" is not json$/,
      ],
      [
        'MessageAttributes not an object',
        { ...owner, MessageAttributes: 'admin' },
        /MessageAttributes is not a JSON object$/,
      ],
      ['no audience', withAudience(undefined), /^line 1: MessageAttributes has no audience$/],
      [
        'an audience that is not a string',
        withAudience({ DataType: 'Number', StringValue: 7 }),
        /has no audience$/,
      ],
      [
        'an audience neither owner nor admin',
        withAudience({ DataType: 'String', StringValue: 'security' }),
        /^line 1: audience "security" is neither owner nor admin$/,
      ],
    ])('%s', (_what, line, message) => {
      expect(() => digestFromPublishEntry(line, 'line 1')).toThrow(InvalidDigestMessageError);
      expect(() => digestFromPublishEntry(line, 'line 1')).toThrow(message);
    });
  });

  it('reads the document from default, where SNS takes the sqs protocol’s text from', () => {
    const [document] = sampleDocuments(representativeEvents());

    expect(digestFromPublishEntry(entry())).toEqual({ userId: 'user-42', document });
  });

  it('reads a line an older version wrote: the document under sqs (and every machine protocol), the text as default', () => {
    const [document] = sampleDocuments(representativeEvents());
    const current = entry();
    const doc = deliveredTo(current.Message, 'sqs');
    const text = deliveredTo(current.Message, 'email');
    const machine = { sqs: doc, lambda: doc, http: doc, https: doc, 'email-json': doc };
    const older = { ...current, Message: JSON.stringify({ default: text, email: text, ...machine }) };

    expect(digestFromPublishEntry(older, 'line 1')).toEqual({ userId: 'user-42', document });
    expect(() =>
      digestFromPublishEntry({ ...current, Message: JSON.stringify({ default: doc, sqs: 7 }) }, 'line 2'),
    ).toThrow(/line 2: Message has no sqs document/);
  });
});
