/**
 * A small SNS-compatible HTTP server for tests: it speaks the AWS Query
 * protocol the SDK's SNS client uses, for `PublishBatch` only, and enforces
 * the real limits (10 entries, 256 KiB a call and a message, 100-character
 * printable-ASCII subjects, a `default` key with `MessageStructure: json`,
 * distinct entry ids). Deliveries are routed to in-memory subscriptions by
 * attribute filter policies (exact string matching, the subset of the policy
 * language the docs use). It can also fail: whole requests with an HTTP
 * status, or chosen entries.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message as the server accepted it. */
export interface ReceivedMessage {
  readonly id: string;
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly messageStructure?: string;
  readonly attributes: Record<string, { dataType: string; value: string }>;
}

/** A subscription: a filter policy over message attributes, and what it received. */
export interface FakeSubscription {
  readonly filterPolicy?: Record<string, readonly string[]>;
  readonly received: ReceivedMessage[];
}

const LIMIT = 262_144;

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function parseEntries(form: URLSearchParams) {
  const entries: (ReceivedMessage & { entryId: string; bytes: number })[] = [];
  for (let i = 1; form.has(`PublishBatchRequestEntries.member.${i}.Id`); i++) {
    const p = `PublishBatchRequestEntries.member.${i}.`;
    const attributes: Record<string, { dataType: string; value: string }> = {};
    for (let j = 1; form.has(`${p}MessageAttributes.entry.${j}.Name`); j++) {
      const a = `${p}MessageAttributes.entry.${j}.`;
      attributes[form.get(`${a}Name`) ?? ''] = {
        dataType: form.get(`${a}Value.DataType`) ?? '',
        value: form.get(`${a}Value.StringValue`) ?? '',
      };
    }
    const message = form.get(`${p}Message`) ?? '';
    const subject = form.get(`${p}Subject`) ?? undefined;
    let bytes = Buffer.byteLength(message) + Buffer.byteLength(subject ?? '');
    for (const [name, v] of Object.entries(attributes)) {
      bytes += Buffer.byteLength(name) + Buffer.byteLength(v.dataType) + Buffer.byteLength(v.value);
    }
    entries.push({
      entryId: form.get(`${p}Id`) ?? '',
      id: randomUUID(),
      topicArn: form.get('TopicArn') ?? '',
      ...(subject !== undefined && { subject }),
      message,
      ...(form.get(`${p}MessageStructure`) && { messageStructure: form.get(`${p}MessageStructure`) ?? '' }),
      attributes,
      bytes,
    });
  }
  return entries;
}

/** Why SNS would reject this entry (InvalidParameter), or undefined. */
function entryProblem(entry: ReceivedMessage & { entryId: string; bytes: number }): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(entry.entryId)) return 'invalid entry id';
  if (entry.bytes > LIMIT) return 'message too long';
  if (entry.subject !== undefined && (entry.subject.length > 100 || !/^[\x20-\x7e]+$/.test(entry.subject))) {
    return 'invalid subject';
  }
  if (entry.messageStructure === 'json') {
    try {
      const body = JSON.parse(entry.message) as Record<string, unknown>;
      if (typeof body.default !== 'string') return 'JSON message must have a default key';
    } catch {
      return 'message is not JSON';
    }
  }
  for (const [name, a] of Object.entries(entry.attributes)) {
    if (a.dataType === 'String.Array') {
      try {
        if (!Array.isArray(JSON.parse(a.value))) return `attribute ${name} is not an array`;
      } catch {
        return `attribute ${name} is not JSON`;
      }
    }
  }
  return undefined;
}

function matches(policy: Record<string, readonly string[]> | undefined, m: ReceivedMessage): boolean {
  if (!policy) return true;
  return Object.entries(policy).every(([name, allowed]) => {
    const a = m.attributes[name];
    if (!a) return false;
    const values: unknown[] = a.dataType === 'String.Array' ? JSON.parse(a.value) : [a.value];
    return values.some((v) => typeof v === 'string' && allowed.includes(v));
  });
}

/** The running fake. */
export class FakeSnsServer {
  readonly accepted: ReceivedMessage[] = [];
  readonly subscriptions: FakeSubscription[] = [];
  /** PublishBatch requests received (accepted or not). */
  requests = 0;
  /** When set, every request fails with this HTTP status and error code (e.g. 503 / ServiceUnavailable). */
  outage: { status: number; code: string } | undefined;
  /** When set, entries it returns a code for fail individually. */
  failEntry: ((m: ReceivedMessage) => string | undefined) | undefined;

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<FakeSnsServer> {
    let fake: FakeSnsServer | undefined;
    const server = createServer((req, res) => {
      void fake?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeSnsServer(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  subscribe(filterPolicy?: Record<string, readonly string[]>): FakeSubscription {
    const subscription: FakeSubscription = { ...(filterPolicy && { filterPolicy }), received: [] };
    this.subscriptions.push(subscription);
    return subscription;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private error(res: ServerResponse, status: number, code: string, message: string, sender: boolean): void {
    res.writeHead(status, { 'content-type': 'text/xml' });
    res.end(
      `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${sender ? 'Sender' : 'Receiver'}</Type>` +
        `<Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    if (form.get('Action') !== 'PublishBatch')
      return this.error(res, 400, 'InvalidAction', 'unsupported', true);
    this.requests += 1;
    if (this.outage) return this.error(res, this.outage.status, this.outage.code, 'outage', false);
    const entries = parseEntries(form);
    if (entries.length === 0) return this.error(res, 400, 'EmptyBatchRequest', 'no entries', true);
    if (entries.length > 10)
      return this.error(res, 400, 'TooManyEntriesInBatchRequest', 'more than 10', true);
    if (new Set(entries.map((e) => e.entryId)).size !== entries.length) {
      return this.error(res, 400, 'BatchEntryIdsNotDistinct', 'ids repeat', true);
    }
    if (entries.reduce((sum, e) => sum + e.bytes, 0) > LIMIT) {
      return this.error(res, 400, 'BatchRequestTooLong', 'over 256 KiB', true);
    }
    const successful: string[] = [];
    const failed: string[] = [];
    for (const entry of entries) {
      const problem = entryProblem(entry);
      const injected = problem ? undefined : this.failEntry?.(entry);
      if (problem || injected) {
        const sender = problem !== undefined;
        failed.push(
          `<member><Id>${entry.entryId}</Id><Code>${problem ? 'InvalidParameter' : injected}</Code>` +
            `<Message>${xmlEscape(problem ?? 'injected')}</Message><SenderFault>${sender}</SenderFault></member>`,
        );
        continue;
      }
      const { entryId, bytes: _bytes, ...message } = entry;
      this.accepted.push(message);
      for (const s of this.subscriptions) if (matches(s.filterPolicy, message)) s.received.push(message);
      successful.push(`<member><Id>${entryId}</Id><MessageId>${message.id}</MessageId></member>`);
    }
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      '<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult>' +
        `<Successful>${successful.join('')}</Successful><Failed>${failed.join('')}</Failed>` +
        `</PublishBatchResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishBatchResponse>`,
    );
  }
}
