/**
 * The SNS fake delivers by a subscription's filter policy in its
 * `FilterPolicyScope`, as SNS does: `MessageAttributes` (the default) reads
 * the message attributes, `MessageBody` the top-level properties of the JSON
 * body the subscription receives (a body that is not a JSON object matches
 * nothing). Tests that rely on the fake's filtering (an owner subscription
 * receiving only what it should) are only as good as this.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeSnsServer } from './fake-sns-server';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene';

describe('the SNS fake honours the filter policy scope', () => {
  let sns: FakeSnsServer;
  beforeAll(async () => {
    sns = await FakeSnsServer.start();
  });
  afterAll(() => sns.stop());
  beforeEach(() => sns.reset());

  /** Publishes one message: `body`, with `kind` as a String message attribute, optionally `MessageStructure: json`. */
  async function publish(body: string, kind: string, structure?: 'json'): Promise<void> {
    const entry = 'PublishBatchRequestEntries.member.1.';
    const response = await fetch(sns.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        Action: 'PublishBatch',
        TopicArn: TOPIC,
        [`${entry}Id`]: 'm1',
        [`${entry}Message`]: body,
        ...(structure !== undefined && { [`${entry}MessageStructure`]: structure }),
        [`${entry}MessageAttributes.entry.1.Name`]: 'kind',
        [`${entry}MessageAttributes.entry.1.Value.DataType`]: 'String',
        [`${entry}MessageAttributes.entry.1.Value.StringValue`]: kind,
      }),
    });
    expect(await response.text()).toContain('<MessageId>');
  }
  const subscription = (protocol: string, scope: 'MessageAttributes' | 'MessageBody') =>
    sns.addSubscription({
      topicArn: TOPIC,
      protocol,
      endpoint: `${protocol}-${scope}`,
      filterPolicy: { kind: ['digest'] },
      filterPolicyScope: scope,
    });

  it('matches a MessageBody policy on the body’s top-level properties, a MessageAttributes one on the attributes', async () => {
    const byBody = subscription('sqs', 'MessageBody');
    const byAttributes = subscription('sqs', 'MessageAttributes');

    await publish('{"kind":"digest","n":1}', 'other');
    await publish('{"kind":"other","n":2}', 'digest');
    await publish('{"kind":["other","digest"],"n":3}', 'other');
    await publish('{"nested":{"kind":"digest"},"n":4}', 'other');
    await publish('["kind","digest"]', 'other');
    await publish('kind: digest', 'other');

    expect(byBody.received.map((m) => m.message)).toEqual([
      '{"kind":"digest","n":1}',
      '{"kind":["other","digest"],"n":3}',
    ]);
    expect(byAttributes.received.map((m) => m.message)).toEqual(['{"kind":"other","n":2}']);
  });

  it('with MessageStructure json, filters the body each protocol receives', async () => {
    const machine = subscription('sqs', 'MessageBody');
    const email = subscription('email', 'MessageBody');

    await publish(
      JSON.stringify({ default: '{"kind":"digest"}', email: 'A digest for you' }),
      'other',
      'json',
    );

    expect(machine.received.map((m) => m.delivered)).toEqual(['{"kind":"digest"}']);
    expect(email.received).toEqual([]);
  });

  it('applies a scope changed by SetSubscriptionAttributes', async () => {
    const changed = subscription('sqs', 'MessageAttributes');
    const response = await fetch(sns.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        Action: 'SetSubscriptionAttributes',
        SubscriptionArn: changed.arn,
        AttributeName: 'FilterPolicyScope',
        AttributeValue: 'MessageBody',
      }),
    });
    expect(response.status).toBe(200);

    await publish('{"kind":"other"}', 'digest');
    await publish('{"kind":"digest"}', 'other');

    expect(changed.received.map((m) => m.message)).toEqual(['{"kind":"digest"}']);
  });
});
