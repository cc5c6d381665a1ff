/**
 * What an SNS subscriber receives of a published message, so tests read
 * published entries the way a subscriber would, not by the body's keys: of a
 * `MessageStructure: 'json'` body SNS delivers to each protocol the value of
 * its own key, and `default` to a protocol the body does not name (SNS Publish
 * API; docs/notifications.md, "The message"); and the notification envelope a
 * machine subscription receives, which carries the message attributes only for
 * a String publish, never for a JSON one (docs/notifications.md, "Email
 * relay"). The local SNS fake delivers with it too
 * (test/integration/fake-sns-server.ts), and so do the relay's sample records
 * (test/support/sample-digest.ts) and the artifact test's SQS events.
 */

/**
 * The text a subscription over `protocol` receives of the `MessageStructure:
 * 'json'` body `message`: its protocol's own value, else `default`.
 * @throws when neither is a string (not a body SNS would accept)
 */
export function deliveredTo(message: string, protocol: string): string {
  const body = JSON.parse(message) as Record<string, unknown>;
  const value = Object.hasOwn(body, protocol) ? body[protocol] : body.default;
  if (typeof value !== 'string') {
    throw new Error(`no string for ${protocol} (nor a default) in the message ${message.slice(0, 120)}`);
  }
  return value;
}

/**
 * The JSON document a machine subscription receives of `message` (`sqs` unless
 * told otherwise), parsed.
 */
export function deliveredDocument<T = unknown>(message: string, protocol = 'sqs'): T {
  return JSON.parse(deliveredTo(message, protocol)) as T;
}

/** A published message as a notification carries it: what the publish sent SNS. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  /** `json` for a `MessageStructure: 'json'` publish; absent for a String one. */
  readonly messageStructure?: string;
  /** Each message attribute's type (`DataType`) and value. */
  readonly attributes: Readonly<Record<string, { readonly type: string; readonly value: string }>>;
}

/** Where and when SNS delivers a notification: its message id and timestamp. */
export interface NotificationFields {
  readonly messageId: string;
  /** UTC ISO. */
  readonly timestamp: string;
  /** The subscription's ARN (the unsubscribe URL names it). */
  readonly subscriptionArn: string;
}

const SIGNING_CERT_URL =
  'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem';

/**
 * The message attributes a notification carries, `{Type, Value}` each, or
 * `undefined` for none: SNS sends none for a `MessageStructure: 'json'`
 * publish ("Message attributes are sent only when the message structure is
 * String, not JSON": Amazon SNS Developer Guide, "Amazon SNS message
 * attributes"; docs/notifications.md, "Email relay"). Subscription filter
 * policies still route on them (the fake evaluates them at publish).
 */
export function deliveredAttributes(
  m: Pick<PublishedMessage, 'messageStructure' | 'attributes'>,
): Record<string, { readonly Type: string; readonly Value: string }> | undefined {
  const entries = Object.entries(m.attributes);
  if (m.messageStructure === 'json' || entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([name, a]) => [name, { Type: a.type, Value: a.value }]));
}

/**
 * The notification SNS sends a subscription over `protocol` (raw message
 * delivery off): for `sqs`, `http` and `https` the JSON envelope (an SQS
 * message's body, an HTTP POST's body), `MessageAttributes` only when
 * {@link deliveredAttributes} has some; for `lambda` the `Sns` object of the
 * event's record (its own key spellings, `MessageAttributes` always present,
 * `{}` for none, as a Lambda subscriber of a JSON publish sees it). `Message`
 * is {@link deliveredTo} for a JSON publish, else the message as published.
 */
export function notificationEnvelope(
  m: PublishedMessage,
  protocol: 'sqs' | 'http' | 'https' | 'lambda',
  at: NotificationFields,
): Record<string, unknown> {
  const attributes = deliveredAttributes(m);
  const unsubscribe = `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${at.subscriptionArn}`;
  const common = {
    Type: 'Notification',
    MessageId: at.messageId,
    TopicArn: m.topicArn,
    ...(m.subject !== undefined && { Subject: m.subject }),
    Message: m.messageStructure === 'json' ? deliveredTo(m.message, protocol) : m.message,
    Timestamp: at.timestamp,
    SignatureVersion: '1',
    Signature: 'EXAMPLE',
  };
  if (protocol === 'lambda')
    return {
      ...common,
      SigningCertUrl: SIGNING_CERT_URL,
      UnsubscribeUrl: unsubscribe,
      MessageAttributes: attributes ?? {},
    };
  return {
    ...common,
    SigningCertURL: SIGNING_CERT_URL,
    UnsubscribeURL: unsubscribe,
    ...(attributes !== undefined && { MessageAttributes: attributes }),
  };
}
