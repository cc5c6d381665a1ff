/**
 * Why: the bench must charge every arm's SNS client what a deployed client
 * pays (the query-protocol form, SigV4 signing, HTTP, parsing the XML answer),
 * so SNS is a local HTTP server, not a stub inside the client. The driver runs
 * it in a process of its own (bench/sns-server-process.ts), so its CPU is
 * never the measured client's; it is read apart, like DynamoDB Local's.
 *
 * It answers `Publish` and `PublishBatch` as SNS does for the query protocol
 * (XML, the `x-amzn-RequestId` header; every entry successful within SNS's
 * limits: 10 entries and 256 KiB a batch, 256 KiB a message) and, for
 * `--deployed-reach`, `ListSubscriptionsByTopic` of the topics the driver
 * gave it subscriptions for (`PUT /__bench/subscriptions/<topic ARN>`, a JSON
 * array; bench/sns-subscription-listing.ts), and counts, per measurement key
 * (the path `/m/<key>/` a client is pointed at), the requests it received
 * (every SDK attempt, a retried call once per attempt; per action), the
 * messages and their payload bytes as SNS counts them. A measurement reads its
 * totals, and the server forgets them, at `GET /__bench/totals/<key>`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publishEntryBytes, SNS_MESSAGE_LIMIT_BYTES } from '../lambdas/aws/sns-wire';
import { answerRefusal, answerResult, checkBatchLimits, SnsRefusal, xmlEscape } from './sns-query-answers';
import { type BenchSubscription, listSubscriptionsResult } from './sns-subscription-listing';

/** What one measurement key sent. */
export interface SnsTotals {
  /** HTTP requests received: every attempt of every call, failed ones included. */
  readonly calls: number;
  /** Messages received (1 per `Publish`, 1 per `PublishBatch` entry). */
  readonly messages: number;
  /** Payload bytes of those messages, as SNS bills and limits them ({@link messageBytes}). */
  readonly bytes: number;
  /** Requests per action (`Publish`, `PublishBatch`, `ListSubscriptionsByTopic`, anything else refused). */
  readonly byAction: Readonly<Record<string, number>>;
}

/** One message's parts that SNS counts. */
export interface MessageParts {
  readonly Subject?: string;
  readonly Message?: string;
  readonly MessageAttributes?: Readonly<Record<string, { DataType?: string; StringValue?: string }>>;
}

/** Payload bytes of one message as SNS counts them ({@link publishEntryBytes}), a missing part counted as empty. */
export function messageBytes(message: MessageParts): number {
  const attributes: Record<string, { DataType: string; StringValue: string }> = {};
  for (const [name, attribute] of Object.entries(message.MessageAttributes ?? {})) {
    attributes[name] = { DataType: attribute.DataType ?? '', StringValue: attribute.StringValue ?? '' };
  }
  return publishEntryBytes({
    Subject: message.Subject ?? '',
    Message: message.Message ?? '',
    MessageAttributes: attributes,
  });
}

const TOTALS_PATH = '/__bench/totals/';
const SUBSCRIPTIONS_PATH = '/__bench/subscriptions/';
/** What the server's process prints, followed by its endpoint, once it listens (bench/sns-server-main.ts). */
export const SNS_SERVER_READY = 'BENCH_SNS_SERVER ';
const KEY_PATH = /^\/m\/([A-Za-z0-9_.-]{1,100})\/?$/;

/** The message of a query-protocol form under `prefix` (`''` for `Publish`, `PublishBatchRequestEntries.member.N.`). */
function messageAt(form: URLSearchParams, prefix: string): MessageParts {
  const attributes: Record<string, { DataType?: string; StringValue?: string }> = {};
  for (let j = 1; form.has(`${prefix}MessageAttributes.entry.${j}.Name`); j++) {
    const entry = `${prefix}MessageAttributes.entry.${j}.`;
    attributes[form.get(`${entry}Name`) ?? ''] = {
      DataType: form.get(`${entry}Value.DataType`) ?? '',
      StringValue: form.get(`${entry}Value.StringValue`) ?? '',
    };
  }
  const subject = form.get(`${prefix}Subject`);
  return {
    Message: form.get(`${prefix}Message`) ?? '',
    ...(subject !== null && { Subject: subject }),
    MessageAttributes: attributes,
  };
}

/** Running totals of one key. */
interface Tally {
  calls: number;
  messages: number;
  bytes: number;
  readonly byAction: Record<string, number>;
}

/** The running server (in this process; the bench runs it in its own: bench/sns-server-process.ts). */
export class BenchSnsServer {
  private readonly tallies = new Map<string, Tally>();
  /** The subscriptions of each topic `ListSubscriptionsByTopic` answers for, by topic ARN. */
  private readonly subscriptions = new Map<string, readonly BenchSubscription[]>();
  private failures: { remaining: number; status: number } = { remaining: 0, status: 500 };

  private constructor(
    private readonly server: Server,
    /** The server's root, e.g. `http://127.0.0.1:40123`. */
    readonly endpoint: string,
  ) {}

  /** Listens on a free port of 127.0.0.1. */
  static async start(): Promise<BenchSnsServer> {
    let bench: BenchSnsServer | undefined;
    const server = createServer((req, res) => {
      void bench?.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      });
    });
    // Many small requests one after the other from one client: no Nagle delay on the answers.
    server.on('connection', (socket) => socket.setNoDelay(true));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    bench = new BenchSnsServer(server, `http://127.0.0.1:${port}`);
    return bench;
  }

  /** The endpoint a measurement's SNS client is given: its requests are counted under `key`. */
  endpointFor(key: string): string {
    return measurementEndpoint(this.endpoint, key);
  }

  /** What `key` sent so far (not forgotten). */
  totals(key: string): SnsTotals {
    const tally = this.tallies.get(key);
    return {
      calls: tally?.calls ?? 0,
      messages: tally?.messages ?? 0,
      bytes: tally?.bytes ?? 0,
      byAction: { ...tally?.byAction },
    };
  }

  /** Replaces the subscriptions `ListSubscriptionsByTopic` lists for `topicArn` (in this process; else {@link putTopicSubscriptions}). */
  setSubscriptions(topicArn: string, subscriptions: readonly BenchSubscription[]): void {
    this.subscriptions.set(topicArn, [...subscriptions]);
  }

  /** Tests: the next `count` requests fail with `status` (a 5xx is retried by the SDK). */
  failNext(count: number, status = 500): void {
    this.failures = { remaining: count, status };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (req.method === 'GET' && url.startsWith(TOTALS_PATH)) {
      const key = decodeURIComponent(url.slice(TOTALS_PATH.length));
      const totals = this.totals(key);
      this.tallies.delete(key);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(totals));
      return;
    }
    const key = KEY_PATH.exec(url)?.[1];
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method === 'PUT' && url.startsWith(SUBSCRIPTIONS_PATH)) {
      const topicArn = decodeURIComponent(url.slice(SUBSCRIPTIONS_PATH.length));
      this.setSubscriptions(
        topicArn,
        JSON.parse(Buffer.concat(chunks).toString('utf8')) as BenchSubscription[],
      );
      res.writeHead(204).end();
      return;
    }
    if (key === undefined || req.method !== 'POST') {
      return answerRefusal(res, new SnsRefusal(404, 'NotFound', `no SNS here: ${req.method} ${url}`));
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const action = form.get('Action') ?? '';
    const tally = this.tally(key);
    tally.calls++;
    tally.byAction[action] = (tally.byAction[action] ?? 0) + 1;
    if (this.failures.remaining > 0) {
      this.failures.remaining--;
      return answerRefusal(
        res,
        new SnsRefusal(this.failures.status, 'InternalError', 'injected failure', false),
      );
    }
    try {
      answerResult(res, action, this.answer(action, form, tally));
    } catch (error: unknown) {
      if (!(error instanceof SnsRefusal)) throw error;
      answerRefusal(res, error);
    }
  }

  private tally(key: string): Tally {
    let tally = this.tallies.get(key);
    if (tally === undefined) {
      tally = { calls: 0, messages: 0, bytes: 0, byAction: {} };
      this.tallies.set(key, tally);
    }
    return tally;
  }

  /** The `<…Result>` body of `action`, its messages counted in `tally`, or a thrown {@link SnsRefusal}. */
  private answer(action: string, form: URLSearchParams, tally: Tally): string {
    if (action === 'Publish') {
      const bytes = messageBytes(messageAt(form, ''));
      if (bytes > SNS_MESSAGE_LIMIT_BYTES) throw new SnsRefusal(400, 'InvalidParameter', 'Message too long');
      tally.messages++;
      tally.bytes += bytes;
      return `<MessageId>${randomUUID()}</MessageId>`;
    }
    if (action === 'PublishBatch') return publishBatch(form, tally);
    if (action === 'ListSubscriptionsByTopic') {
      const topicArn = form.get('TopicArn') ?? '';
      return listSubscriptionsResult(topicArn, this.subscriptions.get(topicArn), form.get('NextToken'));
    }
    throw new SnsRefusal(400, 'InvalidAction', `the bench's SNS server does not answer ${action}`);
  }
}

/** The `PublishBatch` result: every entry successful, after SNS's batch limits. */
function publishBatch(form: URLSearchParams, tally: Tally): string {
  const ids: string[] = [];
  let bytes = 0;
  for (let i = 1; form.has(`PublishBatchRequestEntries.member.${i}.Id`); i++) {
    const prefix = `PublishBatchRequestEntries.member.${i}.`;
    ids.push(form.get(`${prefix}Id`) ?? '');
    bytes += messageBytes(messageAt(form, prefix));
  }
  checkBatchLimits(ids, bytes);
  tally.messages += ids.length;
  tally.bytes += bytes;
  const members = ids.map(
    (id) => `<member><Id>${xmlEscape(id)}</Id><MessageId>${randomUUID()}</MessageId></member>`,
  );
  return `<Successful>${members.join('')}</Successful><Failed/>`;
}

/** The endpoint under `root` whose requests the server counts under `key`. */
export function measurementEndpoint(root: string, key: string): string {
  return `${root}/m/${encodeURIComponent(key)}`;
}

/**
 * Reads, and makes the server forget, what `key` sent (a plain HTTP GET, made
 * by a measurement after its measured call).
 * @throws {Error} when the server does not answer with totals
 */
export async function takeSnsTotals(root: string, key: string): Promise<SnsTotals> {
  const response = await fetch(`${root}${TOTALS_PATH}${encodeURIComponent(key)}`);
  if (!response.ok) throw new Error(`the bench's SNS server answered ${response.status} for totals`);
  return (await response.json()) as SnsTotals;
}

/**
 * Gives the server the subscriptions `ListSubscriptionsByTopic` lists for `topicArn`, replacing any it had (a plain
 * HTTP PUT, made by the driver before a `--deployed-reach` measurement).
 * @throws {Error} when the server does not take them
 */
export async function putTopicSubscriptions(
  root: string,
  topicArn: string,
  subscriptions: readonly BenchSubscription[],
): Promise<void> {
  const response = await fetch(`${root}${SUBSCRIPTIONS_PATH}${encodeURIComponent(topicArn)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(subscriptions),
  });
  if (!response.ok) throw new Error(`the bench's SNS server answered ${response.status} for subscriptions`);
}
