/**
 * A local HTTP stand-in for SNS's query API (`Publish`, `PublishBatch`, and
 * `ListSubscriptionsByTopic` of a topic without subscriptions), so a
 * bundled handler can publish through the real SDK client with only its
 * endpoint changed. It records every message and accepts every entry, and
 * records every request's action and topic (those it does not support too),
 * for the artifact test's role check.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message as SNS received it. */
export interface StubMessage {
  readonly action: 'Publish' | 'PublishBatch';
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly messageStructure?: string;
  /** Attribute name → string value. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** One request as SNS received it: its `Action` and, when it names one, its `TopicArn`. */
export interface StubRequest {
  readonly action: string;
  readonly topicArn?: string;
}

/** A running stub. */
export interface SnsStub {
  readonly endpoint: string;
  readonly messages: StubMessage[];
  /** Every request so far, in arrival order, whatever its action. */
  readonly requests: StubRequest[];
  stop(): Promise<void>;
}

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

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

function attributesOf(fields: Map<string, string>, prefix: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const entries = new Map<string, Map<string, string>>();
  for (const [key, value] of fields) {
    if (!key.startsWith(prefix)) continue;
    const [index, ...rest] = key.slice(prefix.length).split('.');
    if (!entries.has(index!)) entries.set(index!, new Map());
    entries.get(index!)!.set(rest.join('.'), value);
  }
  for (const entry of entries.values()) {
    const name = entry.get('Name');
    if (name !== undefined) attrs[name] = entry.get('Value.StringValue') ?? '';
  }
  return attrs;
}

function handle(params: URLSearchParams, messages: StubMessage[]): string {
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
      attributes: attributesOf(fields, 'MessageAttributes.entry.'),
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
        attributes: attributesOf(fields, 'MessageAttributes.entry.'),
      });
    }
    const successful = ids
      .map((id) => `<member><Id>${xmlEscape(id)}</Id><MessageId>${randomUUID()}</MessageId></member>`)
      .join('');
    return `<PublishBatchResponse xmlns="${NS}"><PublishBatchResult><Successful>${successful}</Successful><Failed/></PublishBatchResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishBatchResponse>`;
  }
  if (action === 'ListSubscriptionsByTopic') {
    // A topic without subscriptions (the subscription reconciler's first listing).
    return `<ListSubscriptionsByTopicResponse xmlns="${NS}"><ListSubscriptionsByTopicResult><Subscriptions/></ListSubscriptionsByTopicResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></ListSubscriptionsByTopicResponse>`;
  }
  throw new Error(`SNS stub: unsupported action ${action}`);
}

/** Starts the stub on a free local port. */
export async function startSnsStub(): Promise<SnsStub> {
  const messages: StubMessage[] = [];
  const requests: StubRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const topicArn = params.get('TopicArn');
      requests.push({ action: params.get('Action') ?? '', ...(topicArn !== null && { topicArn }) });
      try {
        const body = handle(params, messages);
        res.writeHead(200, { 'content-type': 'text/xml' }).end(body);
      } catch (error: unknown) {
        const message = error instanceof Error ? error.message : String(error);
        res
          .writeHead(400, { 'content-type': 'text/xml' })
          .end(
            `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>x</RequestId></ErrorResponse>`,
          );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    messages,
    requests,
    stop: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
