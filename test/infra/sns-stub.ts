/**
 * A local HTTP stand-in for SNS's query API, so a bundled handler talks to
 * SNS through the real SDK client with only its endpoint changed. `Publish`
 * and `PublishBatch` are answered here: every message recorded, every entry
 * accepted (the fake below takes no `Publish`). Every other action (`ListSubscriptionsByTopic`, and the
 * subscription reconciler's `Subscribe`, `GetSubscriptionAttributes`,
 * `SetSubscriptionAttributes`, `Unsubscribe`) is forwarded unchanged to the
 * integration tests' SNS fake (test/integration/fake-sns-server.ts, which
 * models subscriptions: email subscriptions start pending, filter policies,
 * NotFound for a gone one), reachable as `subscriptions` so a test can give
 * the topic the subscriptions it needs. Every request's action, topic,
 * subscription and protocol (`Subscribe`'s, for the `sns:Protocol` condition)
 * is recorded, whatever its action, for the artifact test's role check.
 * A test can drive a handler's rarer paths through it: run something of its
 * own while the next request of an action waits (`beforeNext`: an operator's
 * change landing while a `Subscribe` is in flight), or have SNS report every
 * entry of the next `PublishBatch` failed (`failNextBatch`; nothing recorded
 * in `messages`).
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { xmlEscape } from '../../bench/sns-query-answers';
import { FakeSnsServer } from '../integration/fake-sns-server';
import { listenLocally } from './support/local-http-server';

/** One message as SNS received it. */
export interface StubMessage {
  readonly action: 'Publish' | 'PublishBatch';
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly messageStructure?: string;
  /** Attribute name → string value. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Attribute name → its `DataType` (`String`, `String.Array`, …): what an SNS notification carries as `Type`. */
  readonly attributeTypes: Readonly<Record<string, string>>;
}

/**
 * One request as SNS received it: its `Action` and, when it names them, its `TopicArn`, `SubscriptionArn` and
 * `Protocol` (a `Subscribe`'s: what IAM's `sns:Protocol` condition key reads).
 */
export interface StubRequest {
  readonly action: string;
  readonly topicArn?: string;
  readonly subscriptionArn?: string;
  readonly protocol?: string;
}

/** A running stub. */
export interface SnsStub {
  readonly endpoint: string;
  readonly messages: StubMessage[];
  /** Every request so far, in arrival order, whatever its action. */
  readonly requests: StubRequest[];
  /** The fake every action but `Publish` and `PublishBatch` goes to: the topics' subscriptions. */
  readonly subscriptions: FakeSnsServer;
  /** Runs `meanwhile` when the next request of `action` arrives, and handles that request once it is done. */
  beforeNext(action: string, meanwhile: () => Promise<void>): void;
  /** Answers every entry of the next `PublishBatch` failed with `failure` (SNS's `Failed` list; HTTP 200). */
  failNextBatch(failure: BatchEntryFailure): void;
  stop(): Promise<void>;
}

/** How SNS reports an entry of a `PublishBatch` it did not publish. */
export interface BatchEntryFailure {
  readonly code: string;
  readonly message: string;
  readonly senderFault: boolean;
}

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** `prefix.N.rest` keys grouped by N. */
function members(params: URLSearchParams, prefix: string): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  for (const [key, value] of params) {
    if (!key.startsWith(prefix)) continue;
    const [index, ...rest] = key.slice(prefix.length).split('.');
    const n = Number(index);
    if (!out.has(n)) out.set(n, new Map());
    out.get(n)!.set(rest.join('.'), value);
  }
  return out;
}

/** The message attributes under `prefix`: each one's string value, and each one's data type. */
function attributesOf(
  fields: Map<string, string>,
  prefix: string,
): Pick<StubMessage, 'attributes' | 'attributeTypes'> {
  const attributes: Record<string, string> = {};
  const attributeTypes: Record<string, string> = {};
  const entries = new Map<string, Map<string, string>>();
  for (const [key, value] of fields) {
    if (!key.startsWith(prefix)) continue;
    const [index, ...rest] = key.slice(prefix.length).split('.');
    if (!entries.has(index!)) entries.set(index!, new Map());
    entries.get(index!)!.set(rest.join('.'), value);
  }
  for (const entry of entries.values()) {
    const name = entry.get('Name');
    if (name === undefined) continue;
    attributes[name] = entry.get('Value.StringValue') ?? '';
    attributeTypes[name] = entry.get('Value.DataType') ?? '';
  }
  return { attributes, attributeTypes };
}

/** The answer to a `PublishBatch` whose every entry failed with `failure`. */
function failedBatch(params: URLSearchParams, { code, message, senderFault }: BatchEntryFailure): string {
  const failed = [...members(params, 'PublishBatchRequestEntries.member.').values()]
    .map(
      (fields) =>
        `<member><Id>${xmlEscape(fields.get('Id') ?? '')}</Id><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message><SenderFault>${senderFault}</SenderFault></member>`,
    )
    .join('');
  return `<PublishBatchResponse xmlns="${NS}"><PublishBatchResult><Successful/><Failed>${failed}</Failed></PublishBatchResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishBatchResponse>`;
}

/** The answer to a `Publish` or `PublishBatch` (its messages recorded), or `undefined` for any other action. */
function publish(params: URLSearchParams, messages: StubMessage[]): string | undefined {
  const action = params.get('Action');
  const topicArn = params.get('TopicArn') ?? '';
  if (action === 'Publish') {
    const fields = new Map(params);
    messages.push({
      action,
      topicArn,
      ...(params.get('Subject') !== null && { subject: params.get('Subject')! }),
      message: params.get('Message') ?? '',
      ...(params.get('MessageStructure') !== null && { messageStructure: params.get('MessageStructure')! }),
      ...attributesOf(fields, 'MessageAttributes.entry.'),
    });
    return `<PublishResponse xmlns="${NS}"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`;
  }
  if (action === 'PublishBatch') {
    const ids: string[] = [];
    for (const [, fields] of [...members(params, 'PublishBatchRequestEntries.member.')].sort(
      (a, b) => a[0] - b[0],
    )) {
      ids.push(fields.get('Id') ?? '');
      messages.push({
        action,
        topicArn,
        ...(fields.has('Subject') && { subject: fields.get('Subject')! }),
        message: fields.get('Message') ?? '',
        ...(fields.has('MessageStructure') && { messageStructure: fields.get('MessageStructure')! }),
        ...attributesOf(fields, 'MessageAttributes.entry.'),
      });
    }
    const successful = ids
      .map((id) => `<member><Id>${xmlEscape(id)}</Id><MessageId>${randomUUID()}</MessageId></member>`)
      .join('');
    return `<PublishBatchResponse xmlns="${NS}"><PublishBatchResult><Successful>${successful}</Successful><Failed/></PublishBatchResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishBatchResponse>`;
  }
  return undefined;
}

/** The request as recorded: its action, and the topic, subscription and protocol it names. */
function recorded(params: URLSearchParams): StubRequest {
  const topicArn = params.get('TopicArn');
  const subscriptionArn = params.get('SubscriptionArn');
  const protocol = params.get('Protocol');
  return {
    action: params.get('Action') ?? '',
    ...(topicArn !== null && { topicArn }),
    ...(subscriptionArn !== null && { subscriptionArn }),
    ...(protocol !== null && { protocol }),
  };
}

/** Sends `body` to the fake as the SDK sent it here, and its answer (status, type, body) back. */
async function forward(fake: FakeSnsServer, body: Buffer, res: ServerResponse): Promise<void> {
  const answer = await fetch(fake.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  res
    .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' })
    .end(await answer.text());
}

/** Starts the stub, and the fake it forwards to, on free local ports. */
export async function startSnsStub(): Promise<SnsStub> {
  const messages: StubMessage[] = [];
  const requests: StubRequest[] = [];
  const subscriptions = await FakeSnsServer.start();
  const waiting = new Map<string, () => Promise<void>>();
  const batchFailures: BatchEntryFailure[] = [];
  const server = await listenLocally(async (_req, body, res) => {
    const params = new URLSearchParams(body.toString('utf8'));
    const request = recorded(params);
    requests.push(request);
    const meanwhile = waiting.get(request.action);
    waiting.delete(request.action);
    await meanwhile?.();
    const failure = request.action === 'PublishBatch' ? batchFailures.shift() : undefined;
    const answer = failure !== undefined ? failedBatch(params, failure) : publish(params, messages);
    if (answer !== undefined) res.writeHead(200, { 'content-type': 'text/xml' }).end(answer);
    else await forward(subscriptions, body, res);
  });
  return {
    endpoint: server.url,
    messages,
    requests,
    subscriptions,
    beforeNext: (action, meanwhile) => {
      waiting.set(action, meanwhile);
    },
    failNextBatch: (failure) => {
      batchFailures.push(failure);
    },
    stop: async () => {
      await server.close();
      await subscriptions.stop();
    },
  };
}
