/**
 * The pieces the artifact test's role check (test/infra/deployable.test.ts)
 * added for the subscription reconciler and the relay route, on small inputs:
 * the IAM resource of SNS's subscription actions, the IAM actions and
 * resources of SESv2's `SendEmail` (raw content: `ses:SendRawEmail` too),
 * and the stand-ins the bundled runs talk to through the real SDK clients (the
 * SNS stub forwarding subscription actions to the SNS fake, the SES stub, and
 * its refusal of a send as the relay's sender reads it), and what they inject
 * to drive the handlers' rarer paths (support/rare-paths.ts): the recording
 * proxy's refusal of a request (and what it records of each: the item, the
 * answer), the SNS stub's failed batch and its hold on a request, the SES
 * stub's hold on a refusal.
 */

import {
  BatchExecuteStatementCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetAccountCommand, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  ListSubscriptionsByTopicCommand,
  PublishBatchCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTransientSesError } from '../../lambdas/aws/ses-email-sender';
import { type SnsStub, startSnsStub } from './sns-stub';
import { listenLocally } from './support/local-http-server';
import { WHOLE_CALL_REFUSED } from './support/rare-paths';
import { startRecordingProxy } from './support/recording-proxy';
import { sesPermissions, snsPermission } from './support/required-permissions';
import { SENDING_PAUSED, type SesContentKind, type SesStub, startSesStub } from './support/ses-stub';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:hygiene';
const logicalIdOf = (name: string) => ({ [TOPIC_ARN]: 'Topic', 'relay-set': 'ConfigurationSet' })[name];
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('the IAM resources of the requests the role check maps', () => {
  it('SNS: the subscription actions are authorized against *, whatever topic or subscription they name', () => {
    const subscriptionArn = `${TOPIC_ARN}:5f0c`;
    for (const action of ['Unsubscribe', 'GetSubscriptionAttributes', 'SetSubscriptionAttributes']) {
      expect(snsPermission({ action, topicArn: TOPIC_ARN, subscriptionArn }, logicalIdOf)).toEqual({
        action: `sns:${action}`,
        resource: '*',
        name: subscriptionArn,
      });
    }
    // Subscribe names its topic, and is authorized against it, its Protocol as sns:Protocol.
    expect(
      snsPermission({ action: 'Subscribe', topicArn: TOPIC_ARN, protocol: 'email' }, logicalIdOf),
    ).toMatchObject({ resource: '{Topic}', context: { 'sns:Protocol': 'email' } });
  });

  it('SES: SendEmail needs the address identity, its domain identity and the configuration set', () => {
    const arn = (resource: string) => `arn:{AWS::Partition}:ses:{AWS::Region}:{AWS::AccountId}:${resource}`;
    const send = { action: 'SendEmail', fromEmailAddress: 'hygiene@example.com', content: 'Simple' } as const;
    // Each with its FromEmailAddress as ses:FromAddress (the relay's grant is conditioned on it).
    const context = { 'ses:FromAddress': 'hygiene@example.com' };
    expect(sesPermissions({ ...send, configurationSetName: 'relay-set' }, logicalIdOf)).toEqual([
      {
        action: 'ses:SendEmail',
        resource: arn('identity/hygiene@example.com'),
        name: 'hygiene@example.com (address identity)',
        context,
      },
      {
        action: 'ses:SendEmail',
        resource: arn('identity/example.com'),
        name: 'example.com (domain identity)',
        context,
      },
      {
        action: 'ses:SendEmail',
        resource: arn('configuration-set/{ConfigurationSet}'),
        name: 'relay-set',
        context,
      },
    ]);
    expect(sesPermissions(send, logicalIdOf)).toHaveLength(2);
    expect(sesPermissions({ ...send, configurationSetName: 'other' }, logicalIdOf)[2]?.resource).toBe(
      '(no template configuration set other)',
    );
    expect(() => sesPermissions({ action: 'GET /v2/email/account' }, logicalIdOf)).toThrow(/no IAM mapping/);
  });

  it('SES: a SendEmail with raw content (the relay’s) needs ses:SendRawEmail too, on each resource', () => {
    const send = {
      action: 'SendEmail',
      fromEmailAddress: 'hygiene@example.com',
      configurationSetName: 'relay-set',
    };
    const actionsOf = (content?: SesContentKind) =>
      sesPermissions({ ...send, ...(content !== undefined && { content }) }, logicalIdOf).map(
        (p) => `${p.action} ${p.name}`,
      );
    expect(actionsOf('Raw')).toEqual([
      'ses:SendEmail hygiene@example.com (address identity)',
      'ses:SendEmail example.com (domain identity)',
      'ses:SendEmail relay-set',
      'ses:SendRawEmail hygiene@example.com (address identity)',
      'ses:SendRawEmail example.com (domain identity)',
      'ses:SendRawEmail relay-set',
    ]);
    expect(actionsOf('Template')).toEqual(actionsOf('Simple'));
    expect(actionsOf('Simple').every((line) => line.startsWith('ses:SendEmail '))).toBe(true);
    // Not knowing the kind, the check cannot tell the actions: it says so rather than guess.
    expect(() => actionsOf()).toThrow(/no recorded Content/);
  });
});

describe('the stand-ins, through the real SDK clients', () => {
  let sns: SnsStub;
  let ses: SesStub;

  beforeAll(async () => {
    sns = await startSnsStub();
    ses = await startSesStub();
  });

  afterAll(async () => {
    await sns?.stop();
    await ses?.stop();
  });

  it('the SNS stub forwards the subscription actions to the SNS fake and records each with what it names', async () => {
    const client = new SNSClient({ endpoint: sns.endpoint, region: 'us-east-1', credentials });
    const { SubscriptionArn } = await client.send(
      new SubscribeCommand({
        TopicArn: TOPIC_ARN,
        Protocol: 'email',
        Endpoint: 'ada@example.com',
        ReturnSubscriptionArn: true,
      }),
    );
    const listed = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC_ARN }));
    expect(listed.Subscriptions?.map((s) => [s.Endpoint, s.SubscriptionArn])).toEqual([
      ['ada@example.com', 'PendingConfirmation'],
    ]);
    sns.subscriptions.confirm('ada@example.com');
    await client.send(new UnsubscribeCommand({ SubscriptionArn }));
    expect(sns.subscriptions.subscriptionsOf(TOPIC_ARN)).toEqual([]);
    // A subscription gone: SNS's NotFound, as the fake answers it, reaches the client.
    await expect(client.send(new UnsubscribeCommand({ SubscriptionArn }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    expect(sns.requests).toEqual([
      // The Subscribe's Protocol is recorded: the role check reads it as sns:Protocol.
      { action: 'Subscribe', topicArn: TOPIC_ARN, protocol: 'email' },
      { action: 'ListSubscriptionsByTopic', topicArn: TOPIC_ARN },
      { action: 'Unsubscribe', subscriptionArn: SubscriptionArn },
      { action: 'Unsubscribe', subscriptionArn: SubscriptionArn },
    ]);
    client.destroy();
  });

  it('the SES stub accepts a SendEmail and records it; any other request is recorded and refused', async () => {
    const client = new SESv2Client({
      endpoint: ses.endpoint,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    const { MessageId } = await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'hygiene@example.com',
        Destination: { ToAddresses: ['ada@example.com'] },
        Content: { Raw: { Data: Buffer.from('Subject: hi\r\n\r\nhello') } },
        ConfigurationSetName: 'relay-set',
        EmailTags: [{ Name: 'pc-hygiene-user', Value: 'YWRh' }],
      }),
    );
    expect(ses.sent).toEqual([
      {
        messageId: MessageId,
        from: 'hygiene@example.com',
        to: ['ada@example.com'],
        configurationSetName: 'relay-set',
        tags: { 'pc-hygiene-user': 'YWRh' },
      },
    ]);
    await expect(client.send(new GetAccountCommand({}))).rejects.toMatchObject({ name: 'NotFoundException' });
    expect(ses.requests).toEqual([
      {
        action: 'SendEmail',
        fromEmailAddress: 'hygiene@example.com',
        configurationSetName: 'relay-set',
        // What the role check maps to ses:SendRawEmail.
        content: 'Raw',
      },
      { action: 'GET /v2/email/account' },
    ]);
    client.destroy();
  });

  it('the SES stub refuses the next SendEmail as SES does (recorded, not sent), then accepts again', async () => {
    const client = new SESv2Client({
      endpoint: ses.endpoint,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    const send = () =>
      client.send(
        new SendEmailCommand({
          FromEmailAddress: 'hygiene@example.com',
          Destination: { ToAddresses: ['bea@example.com'] },
          Content: { Raw: { Data: Buffer.from('Subject: hi\r\n\r\nhello') } },
        }),
      );
    const requestsBefore = ses.requests.length;
    const sentBefore = ses.sent.length;
    ses.refuseNext(SENDING_PAUSED);

    const refused = await send().catch((error: unknown) => error);

    expect(refused).toMatchObject({
      name: 'SendingPausedException',
      message: SENDING_PAUSED.message,
      $metadata: { httpStatusCode: 400 },
    });
    // The relay's sender does not retry it: the relay fails the record at once (and releases its claim).
    expect(isTransientSesError(refused)).toBe(false);
    expect(ses.requests.slice(requestsBefore)).toEqual([
      { action: 'SendEmail', fromEmailAddress: 'hygiene@example.com', content: 'Raw' },
    ]);
    expect(ses.sent.slice(sentBefore)).toEqual([]);
    const { MessageId } = await send();
    expect(ses.sent.slice(sentBefore).map((e) => [e.messageId, e.to])).toEqual([
      [MessageId, ['bea@example.com']],
    ]);
    client.destroy();
  });
});

describe('what the stand-ins inject to drive the rarer paths, through the real SDK clients', () => {
  it('the recording proxy records the item and the answer of each request, and refuses the next of an operation unforwarded', async () => {
    // A stand-in DynamoDB: an empty GetItem answer, a failed condition for any other request.
    const seen: string[] = [];
    const upstream = await listenLocally((req, _body, res) => {
      const operation = String(req.headers['x-amz-target']).split('.')[1] ?? '';
      seen.push(operation);
      if (operation === 'GetItem') return void res.writeHead(200).end('{}');
      const type = 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException';
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: type, message: 'The conditional request failed' }));
    });
    const proxy = await startRecordingProxy(upstream.url);
    const client = new DynamoDBClient({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    const key = { id: { S: 'k1' } };
    await client.send(new GetItemCommand({ TableName: 't', Key: key }));
    const update = new UpdateItemCommand({
      TableName: 't',
      Key: key,
      UpdateExpression: 'SET a = :a',
      ExpressionAttributeValues: { ':a': { S: 'x' } },
    });
    await expect(client.send(update)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    proxy.refuseNext('BatchExecuteStatement', WHOLE_CALL_REFUSED);
    const batch = new BatchExecuteStatementCommand({
      Statements: [{ Statement: 'UPDATE "t" SET a = 1 WHERE id = \'k1\'' }],
    });
    await expect(client.send(batch)).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(proxy.requests).toEqual([
      { operation: 'GetItem', accesses: [{ table: 't' }], key: 'k1', outcome: 'ok' },
      {
        operation: 'UpdateItem',
        accesses: [{ table: 't' }],
        key: 'k1',
        outcome: 'ConditionalCheckFailedException',
      },
      {
        operation: 'BatchExecuteStatement',
        accesses: [{ table: 't', partiqlVerb: 'UPDATE' }],
        outcome: 'ValidationException',
      },
    ]);
    // Refused once, unforwarded: the next one reaches DynamoDB.
    expect(seen).toEqual(['GetItem', 'UpdateItem']);
    await client.send(batch).catch(() => undefined);
    expect(seen).toEqual(['GetItem', 'UpdateItem', 'BatchExecuteStatement']);
    client.destroy();
    await proxy.stop();
    await upstream.close();
  });

  it('the SNS stub fails every entry of the next PublishBatch (nothing published), and holds a request until a change lands', async () => {
    const sns = await startSnsStub();
    const client = new SNSClient({ endpoint: sns.endpoint, region: 'us-east-1', credentials });
    const entries = [
      { Id: 'a', Message: 'one' },
      { Id: 'b', Message: 'two' },
    ];
    sns.failNextBatch({ code: 'KMSDisabled', message: 'key disabled', senderFault: true });
    const failed = await client.send(
      new PublishBatchCommand({ TopicArn: TOPIC_ARN, PublishBatchRequestEntries: entries }),
    );
    expect(failed.Failed?.map((f) => [f.Id, f.Code, f.SenderFault])).toEqual([
      ['a', 'KMSDisabled', true],
      ['b', 'KMSDisabled', true],
    ]);
    expect(failed.Successful ?? []).toEqual([]);
    expect(sns.messages).toEqual([]);
    const published = await client.send(
      new PublishBatchCommand({ TopicArn: TOPIC_ARN, PublishBatchRequestEntries: entries }),
    );
    expect(published.Successful?.map((e) => e.Id)).toEqual(['a', 'b']);
    // The change lands while the Subscribe waits: the subscription it answers with sees it.
    sns.beforeNext('Subscribe', async () => {
      sns.subscriptions.addSubscription({
        topicArn: TOPIC_ARN,
        protocol: 'email',
        endpoint: 'first@example.com',
      });
    });
    await client.send(
      new SubscribeCommand({ TopicArn: TOPIC_ARN, Protocol: 'email', Endpoint: 'ada@example.com' }),
    );
    expect(sns.subscriptions.subscriptionsOf(TOPIC_ARN).map((s) => s.endpoint)).toEqual([
      'first@example.com',
      'ada@example.com',
    ]);
    client.destroy();
    await sns.stop();
  });

  it('the SES stub answers a refusal once what happens meanwhile is done', async () => {
    const ses = await startSesStub();
    const client = new SESv2Client({
      endpoint: ses.endpoint,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    const order: string[] = [];
    ses.refuseNext(SENDING_PAUSED, async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('meanwhile');
    });
    await client
      .send(
        new SendEmailCommand({
          FromEmailAddress: 'hygiene@example.com',
          Destination: { ToAddresses: ['ada@example.com'] },
          Content: { Raw: { Data: Buffer.from('Subject: hi\r\n\r\nhello') } },
        }),
      )
      .catch((error: { name: string }) => order.push(error.name));
    expect(order).toEqual(['meanwhile', 'SendingPausedException']);
    client.destroy();
    await ses.stop();
  });
});
