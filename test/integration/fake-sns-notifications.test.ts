/**
 * The notification envelope the SNS fake gives a machine subscription
 * (`notificationsTo`), as SNS sends it with raw message delivery off: the
 * message attributes come along for a String publish only — "Message
 * attributes are sent only when the message structure is String, not JSON"
 * (docs/notifications.md, "Email relay") — while the filter policy still routes
 * a JSON publish on them. Tests that read deliveries through these envelopes
 * (the relay's wire test) are only as good as this.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeSnsServer } from './fake-sns-server';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene';

describe('the SNS fake’s notification envelopes', () => {
  let sns: FakeSnsServer;
  beforeAll(async () => {
    sns = await FakeSnsServer.start();
  });
  afterAll(() => sns.stop());
  beforeEach(() => sns.reset());

  /** Publishes `body` with the String attribute `audience=owner`, optionally with `MessageStructure: json`. */
  async function publish(body: string, structure?: 'json'): Promise<void> {
    const entry = 'PublishBatchRequestEntries.member.1.';
    const response = await fetch(sns.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        Action: 'PublishBatch',
        TopicArn: TOPIC,
        [`${entry}Id`]: 'm1',
        [`${entry}Subject`]: 'hello',
        [`${entry}Message`]: body,
        ...(structure !== undefined && { [`${entry}MessageStructure`]: structure }),
        [`${entry}MessageAttributes.entry.1.Name`]: 'audience',
        [`${entry}MessageAttributes.entry.1.Value.DataType`]: 'String',
        [`${entry}MessageAttributes.entry.1.Value.StringValue`]: 'owner',
      }),
    });
    expect(await response.text()).toContain('<MessageId>');
  }
  const subscribe = (protocol: string) =>
    sns.addSubscription({
      topicArn: TOPIC,
      protocol,
      endpoint: `${protocol}-endpoint`,
      filterPolicy: { audience: ['owner'] },
    });
  const AUDIENCE = { audience: { Type: 'String', Value: 'owner' } };

  it('sqs and https: the attributes of a String publish only; Message is the protocol’s text', async () => {
    const queue = subscribe('sqs');
    const endpoint = subscribe('https');

    await publish('plain text');
    await publish(JSON.stringify({ default: '{"doc":1}', https: '{"doc":2}' }), 'json');

    const [text, json] = sns.notificationsTo(queue);
    expect(text).toMatchObject({
      Type: 'Notification',
      MessageId: queue.received[0]?.id,
      TopicArn: TOPIC,
      Subject: 'hello',
      Message: 'plain text',
      MessageAttributes: AUDIENCE,
    });
    // Routed by its attribute (the filter matched), delivered without it.
    expect(json).toMatchObject({ Type: 'Notification', Message: '{"doc":1}' });
    expect(json).not.toHaveProperty('MessageAttributes');
    expect(sns.notificationsTo(endpoint).map((n) => [n.Message, n.MessageAttributes])).toEqual([
      ['plain text', AUDIENCE],
      ['{"doc":2}', undefined],
    ]);
  });

  it('lambda: the record’s Sns object, MessageAttributes {} for a JSON publish', async () => {
    const fn = subscribe('lambda');

    await publish('plain text');
    await publish(JSON.stringify({ default: '{"doc":1}' }), 'json');

    const [text, json] = sns.notificationsTo(fn);
    expect(text).toMatchObject({ Message: 'plain text', MessageAttributes: AUDIENCE });
    expect(text).toHaveProperty('UnsubscribeUrl');
    expect(json).toMatchObject({ Message: '{"doc":1}' });
    expect(json?.MessageAttributes).toEqual({});
  });

  it('an email subscription is sent no envelope', () => {
    const email = sns.addSubscription({ topicArn: TOPIC, protocol: 'email', endpoint: 'a@example.com' });

    expect(() => sns.notificationsTo(email)).toThrow(
      /email subscription is not sent a notification envelope/,
    );
  });
});
