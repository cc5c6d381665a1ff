/**
 * The events the relay route's functions are invoked with, shaped as their
 * real triggers deliver them, for the artifact test
 * (test/infra/deployable.test.ts): the relay's SQS batch of owner digests
 * (the SNS notification an SQS subscription with raw message delivery off
 * receives, as `lib/owner-email-relay.ts` subscribes the relay queue), and the
 * SES events function's SNS notification of an SES bounce or complaint event
 * (event publishing's format, with the email's tags as lists, as SES
 * publishes them to the configuration set's event destination).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { SNSEvent, SQSEvent } from 'aws-lambda';
import { notificationEnvelope } from '../../support/sns-delivery';
import type { StubMessage } from '../sns-stub';
import type { SentEmail } from './ses-stub';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const SIGNING_CERT_URL = `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem`;

/**
 * The notification SNS sends an `sqs` subscription (raw message delivery off) for a published message
 * (`notificationEnvelope`, test/support/sns-delivery.ts): `Message` is what the protocol receives of a
 * `MessageStructure: json` body, and the attributes (`{Type, Value}`) come along only for a String publish, as SNS
 * sends none for a JSON one.
 */
function sqsNotification(message: StubMessage, at: string): string {
  const envelope = notificationEnvelope(
    {
      topicArn: message.topicArn,
      ...(message.subject !== undefined && { subject: message.subject }),
      message: message.message,
      ...(message.messageStructure !== undefined && { messageStructure: message.messageStructure }),
      attributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]) => [
          name,
          { type: message.attributeTypes[name] ?? 'String', value },
        ]),
      ),
    },
    'sqs',
    { messageId: randomUUID(), timestamp: at, subscriptionArn: `${message.topicArn}:${randomUUID()}` },
  );
  return JSON.stringify(envelope);
}

/** The SQS batch a Lambda event source mapping on `queueArn` delivers for `messages`, each SNS's notification of it. */
export function sqsBatchOf(messages: readonly StubMessage[], queueArn: string, at: string): SQSEvent {
  const sent = String(Date.parse(at));
  return {
    Records: messages.map((message) => {
      const body = sqsNotification(message, at);
      return {
        messageId: randomUUID(),
        receiptHandle: `AQEB${randomUUID().replaceAll('-', '')}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: sent,
          SenderId: 'AIDAIT2UOQQY3AUEKVGXU',
          ApproximateFirstReceiveTimestamp: sent,
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: REGION,
      };
    }),
  };
}

/** What happened to a sent email, as SES reports it. */
export type SesOutcome = { readonly eventType: 'Bounce' } | { readonly eventType: 'Complaint' };

/** SES event publishing's event for `email` (a permanent bounce, or a complaint), at `at`. */
export function sesEventOf(email: SentEmail, outcome: SesOutcome, at: string): string {
  const [to = ''] = email.to;
  const mail = {
    timestamp: at,
    source: email.from,
    sourceArn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${email.from.slice(email.from.lastIndexOf('@') + 1)}`,
    sendingAccountId: ACCOUNT,
    messageId: email.messageId,
    destination: email.to,
    headersTruncated: false,
    tags: {
      ...(email.configurationSetName !== undefined && {
        'ses:configuration-set': [email.configurationSetName],
      }),
      'ses:from-domain': [email.from.slice(email.from.lastIndexOf('@') + 1)],
      ...Object.fromEntries(Object.entries(email.tags).map(([name, value]) => [name, [value]])),
    },
  };
  if (outcome.eventType === 'Bounce') {
    const bounce = {
      feedbackId: randomUUID(),
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [
        {
          emailAddress: to,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
      timestamp: at,
      reportingMTA: 'dns; mx.example.com',
    };
    return JSON.stringify({ eventType: 'Bounce', bounce, mail });
  }
  const complaint = {
    feedbackId: randomUUID(),
    complainedRecipients: [{ emailAddress: to }],
    complaintFeedbackType: 'abuse',
    timestamp: at,
    arrivalDate: at,
  };
  return JSON.stringify({ eventType: 'Complaint', complaint, mail });
}

/** The event Lambda receives from an SNS subscription on `topicArn` for each of `messages`. */
export function snsEventOf(messages: readonly string[], topicArn: string, at: string): SNSEvent {
  return {
    Records: messages.map((message) => {
      const messageId = randomUUID();
      return {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: topicArn,
          Subject: '',
          Message: message,
          Timestamp: at,
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: SIGNING_CERT_URL,
          UnsubscribeUrl: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:${messageId}`,
          MessageAttributes: {},
        },
      };
    }),
  };
}
