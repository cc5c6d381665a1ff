/**
 * A small SNS-compatible HTTP server for tests: it speaks the AWS Query
 * protocol the SDK's SNS client uses.
 *
 * - `PublishBatch`, enforcing the real limits (10 entries, 256 KiB a call and a
 *   message, 100-character printable-ASCII subjects, a `default` key with
 *   `MessageStructure: json`, distinct entry ids). Deliveries go to confirmed
 *   subscriptions whose filter policy matches (exact string matching, the
 *   subset of the policy language the docs use; in its `FilterPolicyScope`:
 *   message attributes, or the top-level keys of a JSON message body), each
 *   with what its protocol receives: with `MessageStructure: json`, its own
 *   key's value, else `default`, as SNS delivers (test/support/sns-delivery.ts).
 *   `notificationsTo(subscription)` gives the notification SNS would send an
 *   `sqs`, `lambda`, `http` or `https` subscription for each (raw message
 *   delivery off): the envelope, with the message attributes only for a String
 *   publish, as SNS sends none for a `MessageStructure: json` one (filter
 *   policies still route on them).
 *   An `email` or `email-json` subscription sent more than 10 messages within
 *   one second (by the fake's `clock` at delivery) is suspended, as SNS
 *   suspends one past its 10 messages per second: it goes back to pending
 *   (listed `PendingConfirmation`), receives nothing more, and is named in
 *   `suspended`; `confirm(endpoint)` re-confirms it, as its recipient would.
 * - Subscriptions, for the subscription reconciler: `Subscribe` (email
 *   subscriptions start pending; one subscription per topic, protocol and
 *   endpoint), `ListSubscriptionsByTopic` (pages with `NextToken`; a pending
 *   subscription's ARN reads `PendingConfirmation`), `GetSubscriptionAttributes`,
 *   `SetSubscriptionAttributes`, `Unsubscribe` (refused for a subscription
 *   pending confirmation, which SNS cannot delete), and SNS's quota of filter
 *   policies per topic (200 by default: `FilterPolicyLimitExceeded` past it).
 *   Tests confirm or expire pending subscriptions with helpers, and have a
 *   recipient click an email's unsubscribe link (`unsubscribeByLink`): as SNS
 *   does, the subscription is gone but is listed for a while with the ARN
 *   `Deleted`, which GetSubscriptionAttributes refuses as InvalidParameter
 *   (not an ARN), and the same endpoint cannot be subscribed again, until
 *   `forgetDeleted()`.
 *
 * It can also fail: whole requests with an HTTP status, throttled or denied
 * (`AuthorizationError`) actions, or chosen entries.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  answerRefusal,
  answerResult,
  checkBatchLimits,
  SnsRefusal,
  xmlEscape,
} from '../../bench/sns-query-answers';
import { SNS_MESSAGE_LIMIT_BYTES } from '../../lambdas/aws/sns-wire';
import { deliveredTo, notificationEnvelope } from '../support/sns-delivery';

/** One message as the server accepted it. */
export interface ReceivedMessage {
  readonly id: string;
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly messageStructure?: string;
  readonly attributes: Record<string, { dataType: string; value: string }>;
}

/** One message as a subscription received it. */
export interface DeliveredMessage extends ReceivedMessage {
  /** What the subscription's protocol is sent: with `MessageStructure: json`, its own key's value, else `default`. */
  readonly delivered: string;
  /** When it was delivered, by the fake's `clock` (UTC ISO): the notification's `Timestamp`. */
  readonly deliveredAt: string;
}

/** A subscription: where it delivers, its filter policy and the scope it reads, and what it received. */
export interface FakeSubscription {
  readonly arn: string;
  /** The topic; `undefined` for test subscriptions made by `subscribe()`, which see every topic. */
  readonly topicArn?: string;
  readonly protocol: string;
  readonly endpoint: string;
  filterPolicy?: Record<string, readonly unknown[]>;
  filterPolicyScope?: string;
  /** Pending subscriptions receive nothing and are listed without their ARN. */
  pending: boolean;
  readonly received: DeliveredMessage[];
}

/** What `addSubscription` needs. */
export interface FakeSubscriptionInput {
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly filterPolicy?: Record<string, readonly unknown[]>;
  /** `MessageAttributes` (the default) or `MessageBody`; only with a filter policy. */
  readonly filterPolicyScope?: 'MessageAttributes' | 'MessageBody';
  readonly pending?: boolean;
}

const ACCOUNT = '123456789012';
const PENDING_ARN = 'PendingConfirmation';
/** What SNS lists instead of the ARN of a subscription its recipient unsubscribed by the email's link. */
const DELETED_ARN = 'Deleted';

/** A subscription SNS still lists (as `Deleted`) after its recipient unsubscribed by link. */
interface DeletedListing {
  readonly topicArn?: string;
  readonly protocol: string;
  readonly endpoint: string;
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
  if (entry.bytes > SNS_MESSAGE_LIMIT_BYTES) return 'message too long';
  if (entry.subject !== undefined && (entry.subject.length > 100 || !/^[\x20-\x7e]+$/.test(entry.subject))) {
    return 'invalid subject';
  }
  if (entry.messageStructure === 'json') {
    try {
      const body = JSON.parse(entry.message) as Record<string, unknown>;
      if (typeof body.default !== 'string') return 'JSON message must have a default key';
      if (Object.values(body).some((v) => typeof v !== 'string'))
        return 'JSON message values must be strings';
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

/**
 * True when the subscription's filter policy lets `m` through: every key of
 * the policy names a property of the message, in the policy's scope, with a
 * string value the policy lists (for an array, any of its values; a policy key
 * the message lacks never matches, as in SNS). Scope `MessageAttributes` (SNS's
 * default) reads the message attributes (a `String.Array` by its values);
 * `MessageBody` reads the top-level properties of `delivered`, the text the
 * subscription receives, which must be a JSON object — SNS documents body
 * filtering for a JSON payload but not which text of a `MessageStructure:
 * json` message it filters, so the fake takes the protocol's own; nested
 * body policies are refused when the policy is set ({@link parseFilterPolicy}).
 */
function matches(
  subscription: Pick<FakeSubscription, 'filterPolicy' | 'filterPolicyScope'>,
  m: ReceivedMessage,
  delivered: string,
): boolean {
  const policy = subscription.filterPolicy;
  if (!policy) return true;
  const properties =
    subscription.filterPolicyScope === 'MessageBody' ? bodyProperties(delivered) : attributeProperties(m);
  if (properties === undefined) return false;
  return Object.entries(policy).every(([name, allowed]) => {
    const values = properties.get(name);
    return values?.some((v) => typeof v === 'string' && allowed.includes(v)) === true;
  });
}

/** Each message attribute's values (a `String.Array` by its elements). */
function attributeProperties(m: ReceivedMessage): Map<string, readonly unknown[]> {
  return new Map(
    Object.entries(m.attributes).map(([name, a]) => [
      name,
      a.dataType === 'String.Array' ? (JSON.parse(a.value) as unknown[]) : [a.value],
    ]),
  );
}

/** Each top-level property's values (an array by its elements), or `undefined` for a body not a JSON object. */
function bodyProperties(delivered: string): Map<string, readonly unknown[]> | undefined {
  let body: unknown;
  try {
    body = JSON.parse(delivered);
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  return new Map(Object.entries(body).map(([name, v]) => [name, Array.isArray(v) ? v : [v]]));
}

/** A filter policy as SNS validates it: a JSON object of arrays. */
function parseFilterPolicy(json: string): Record<string, readonly unknown[]> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new SnsRefusal(400, 'InvalidParameter', 'Invalid parameter: FilterPolicy: not JSON');
  }
  const valid =
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => Array.isArray(v));
  if (!valid) throw new SnsRefusal(400, 'InvalidParameter', 'Invalid parameter: FilterPolicy');
  return value as Record<string, readonly unknown[]>;
}

/** `Attributes.entry.N.key/value` of a query request. */
function attributeMap(form: URLSearchParams): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 1; form.has(`Attributes.entry.${i}.key`); i++) {
    map.set(form.get(`Attributes.entry.${i}.key`) ?? '', form.get(`Attributes.entry.${i}.value`) ?? '');
  }
  return map;
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (value === null || value === '') throw new SnsRefusal(400, 'InvalidParameter', `${name} is required`);
  return value;
}

/** The running fake. */
export class FakeSnsServer {
  readonly accepted: ReceivedMessage[] = [];
  readonly subscriptions: FakeSubscription[] = [];
  /** Subscriptions unsubscribed by link that `ListSubscriptionsByTopic` still lists, as `Deleted`. */
  readonly deletedListings: DeletedListing[] = [];
  /** PublishBatch requests received (accepted or not). */
  requests = 0;
  /** Requests received per action (every action, accepted or not). */
  readonly calls = new Map<string, number>();
  /** When set, every request fails with this HTTP status and error code (e.g. 503 / ServiceUnavailable). */
  outage: { status: number; code: string } | undefined;
  /** When set, entries it returns a code for fail individually. */
  failEntry: ((m: ReceivedMessage) => string | undefined) | undefined;
  /** Requests still to refuse per action, as SNS does past its TPS limit (`Throttling`, HTTP 400). */
  readonly throttle = new Map<string, number>();
  /** Actions refused as the caller's IAM policy would (`AuthorizationError`, HTTP 403), until removed. */
  readonly denied = new Set<string>();
  /** Subscription filter policies allowed per topic (SNS's default quota). */
  filterPolicyQuota = 200;
  /** Subscriptions per `ListSubscriptionsByTopic` page (SNS returns up to 100). */
  listPageSize = 100;
  /** The clock deliveries are timed by (epoch ms), for the email delivery limit. */
  clock: () => number = Date.now;
  /** Email subscriptions suspended for receiving too much too fast, in the order it happened. */
  readonly suspended: FakeSubscription[] = [];
  /** Per email subscription, when it was delivered to within the last second (by {@link clock}). */
  private readonly recentDeliveries = new WeakMap<FakeSubscription, number[]>();

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  /** Forgets what an earlier test left: accepted messages, subscriptions, an outage, denied actions, a failing entry. */
  reset(): void {
    this.accepted.length = 0;
    this.subscriptions.length = 0;
    this.deletedListings.length = 0;
    this.denied.clear();
    this.outage = undefined;
    this.failEntry = undefined;
    this.clock = Date.now;
    this.suspended.length = 0;
  }

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

  /** A confirmed test subscriber on every topic (protocol `sqs`), optionally filtered. */
  subscribe(filterPolicy?: Record<string, readonly string[]>): FakeSubscription {
    const subscription: FakeSubscription = {
      arn: `arn:aws:sns:us-east-1:${ACCOUNT}:test:${randomUUID()}`,
      protocol: 'sqs',
      endpoint: 'test-subscriber',
      ...(filterPolicy && { filterPolicy }),
      pending: false,
      received: [],
    };
    this.subscriptions.push(subscription);
    return subscription;
  }

  /** A subscription on one topic, as if made earlier (by an admin, CloudFormation, the reconciler). */
  addSubscription(input: FakeSubscriptionInput): FakeSubscription {
    const subscription: FakeSubscription = {
      arn: `${input.topicArn}:${randomUUID()}`,
      topicArn: input.topicArn,
      protocol: input.protocol,
      endpoint: input.endpoint,
      ...(input.filterPolicy && {
        filterPolicy: input.filterPolicy,
        filterPolicyScope: input.filterPolicyScope ?? 'MessageAttributes',
      }),
      pending: input.pending ?? false,
      received: [],
    };
    this.subscriptions.push(subscription);
    return subscription;
  }

  /** The recipient clicks the confirmation link: the pending subscriptions to `endpoint` become confirmed. */
  confirm(endpoint: string): number {
    const pending = this.subscriptions.filter((s) => s.pending && s.endpoint === endpoint);
    for (const s of pending) s.pending = false;
    return pending.length;
  }

  /** Time passes: SNS deletes unconfirmed subscriptions after a few days. */
  expirePending(): number {
    const before = this.subscriptions.length;
    this.subscriptions.splice(0, before, ...this.subscriptions.filter((s) => !s.pending));
    return before - this.subscriptions.length;
  }

  /**
   * The recipient clicks the unsubscribe link of an email from the topic: the
   * confirmed email subscriptions to `endpoint` are deleted (no delivery, no
   * ARN to act on), and are listed as `Deleted` until {@link forgetDeleted}.
   */
  unsubscribeByLink(endpoint: string): number {
    const clicked = this.subscriptions.filter(
      (s) => !s.pending && s.protocol === 'email' && s.endpoint === endpoint,
    );
    for (const s of clicked) {
      this.subscriptions.splice(this.subscriptions.indexOf(s), 1);
      this.deletedListings.push({
        ...(s.topicArn !== undefined && { topicArn: s.topicArn }),
        protocol: s.protocol,
        endpoint: s.endpoint,
      });
    }
    return clicked.length;
  }

  /** Time passes: SNS stops listing the subscriptions unsubscribed by link. */
  forgetDeleted(): number {
    const forgotten = this.deletedListings.length;
    this.deletedListings.length = 0;
    return forgotten;
  }

  /** The subscriptions of a topic. */
  subscriptionsOf(topicArn: string): FakeSubscription[] {
    return this.subscriptions.filter((s) => s.topicArn === topicArn);
  }

  /**
   * The notifications SNS would have sent `subscription` for what it received, in order, raw message delivery off
   * (`notificationEnvelope`, test/support/sns-delivery.ts): for `sqs` each is an SQS message's body (as JSON text),
   * for `http`/`https` a POST's body, for `lambda` its event record's `Sns`. `MessageAttributes` only for a String
   * publish: SNS sends none for a `MessageStructure: json` one, whatever its filter policy matched.
   * @throws for an `email` or `email-json` subscription (sent the text or its own JSON, not this envelope)
   */
  notificationsTo(subscription: FakeSubscription): Record<string, unknown>[] {
    const { protocol } = subscription;
    if (protocol !== 'sqs' && protocol !== 'lambda' && protocol !== 'http' && protocol !== 'https')
      throw new Error(`a ${protocol} subscription is not sent a notification envelope`);
    return subscription.received.map((m) =>
      notificationEnvelope(
        {
          topicArn: m.topicArn,
          ...(m.subject !== undefined && { subject: m.subject }),
          message: m.message,
          ...(m.messageStructure !== undefined && { messageStructure: m.messageStructure }),
          attributes: Object.fromEntries(
            Object.entries(m.attributes).map(([name, a]) => [name, { type: a.dataType, value: a.value }]),
          ),
        },
        protocol,
        { messageId: m.id, timestamp: m.deliveredAt, subscriptionArn: subscription.arn },
      ),
    );
  }

  /** Requests of `action` received so far. */
  callCount(action: string): number {
    return this.calls.get(action) ?? 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const action = form.get('Action') ?? '';
    this.calls.set(action, this.callCount(action) + 1);
    if (action === 'PublishBatch') this.requests += 1;
    const handler = this.actions[action];
    const refuse = (refusal: SnsRefusal) => answerRefusal(res, refusal);
    if (!handler) return refuse(new SnsRefusal(400, 'InvalidAction', 'unsupported'));
    if (this.outage) return refuse(new SnsRefusal(this.outage.status, this.outage.code, 'outage', false));
    if (this.denied.has(action)) {
      return refuse(
        new SnsRefusal(403, 'AuthorizationError', `User is not authorized to perform: SNS:${action}`),
      );
    }
    const throttled = this.throttle.get(action) ?? 0;
    if (throttled > 0) {
      this.throttle.set(action, throttled - 1);
      return refuse(new SnsRefusal(400, 'Throttling', 'Rate exceeded'));
    }
    try {
      answerResult(res, action, handler(form));
    } catch (error: unknown) {
      if (!(error instanceof SnsRefusal)) throw error;
      refuse(error);
    }
  }

  /** Each action: the `<…Result>` body, or a thrown {@link SnsRefusal}. */
  private readonly actions: Record<string, (form: URLSearchParams) => string | undefined> = {
    PublishBatch: (form) => this.publishBatch(form),
    Subscribe: (form) => this.subscribeAction(form),
    ListSubscriptionsByTopic: (form) => this.listSubscriptionsByTopic(form),
    GetSubscriptionAttributes: (form) => this.getSubscriptionAttributes(form),
    SetSubscriptionAttributes: (form) => this.setSubscriptionAttributes(form),
    Unsubscribe: (form) => this.unsubscribeAction(form),
  };

  /**
   * Deletes the subscription, unless it is pending confirmation: SNS documents that a subscription pending
   * confirmation cannot be deleted (it deletes it by itself after 48 hours unless the recipient confirms it;
   * SNS Developer Guide, "Deleting an Amazon SNS subscription and topic"). The error SNS answers an Unsubscribe of
   * one by its ARN (`Subscribe` with `ReturnSubscriptionArn` returns it) is not documented: the Unsubscribe API
   * reference lists only InvalidParameter, NotFound, AuthorizationError, InternalError and InvalidSecurity, and
   * the console only disables its Delete button. The fake answers InvalidParameter (HTTP 400,
   * `InvalidParameterException` in the SDK), the one of those that fits a request SNS will not carry out.
   */
  private unsubscribeAction(form: URLSearchParams): undefined {
    const subscription = this.find(required(form, 'SubscriptionArn'));
    if (subscription.pending) {
      throw new SnsRefusal(
        400,
        'InvalidParameter',
        'Invalid parameter: SubscriptionArn Reason: a subscription pending confirmation cannot be deleted',
      );
    }
    this.subscriptions.splice(this.subscriptions.indexOf(subscription), 1);
    return undefined;
  }

  private publishBatch(form: URLSearchParams): string {
    const entries = parseEntries(form);
    checkBatchLimits(
      entries.map((e) => e.entryId),
      entries.reduce((sum, e) => sum + e.bytes, 0),
    );
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
      this.deliver(message);
      successful.push(`<member><Id>${entryId}</Id><MessageId>${message.id}</MessageId></member>`);
    }
    return `<Successful>${successful.join('')}</Successful><Failed>${failed.join('')}</Failed>`;
  }

  /**
   * Delivery: confirmed subscriptions of the message's topic whose filter policy matches, each its protocol's
   * text — but an email subscription past its rate is suspended instead ({@link withinEmailRate}).
   */
  private deliver(message: ReceivedMessage): void {
    for (const s of this.subscriptions) {
      const onTopic = s.topicArn === undefined || s.topicArn === message.topicArn;
      if (!onTopic || s.pending) continue;
      const delivered =
        message.messageStructure === 'json' ? deliveredTo(message.message, s.protocol) : message.message;
      if (matches(s, message, delivered) && this.withinEmailRate(s))
        s.received.push({ ...message, delivered, deliveredAt: new Date(this.clock()).toISOString() });
    }
  }

  /**
   * SNS's limit for an email endpoint, per subscription and after its filter policy: "Exceeding the limit of 10
   * messages per second (TPS) for an email or email-json endpoint will trigger an automatic suspension of the
   * subscription, placing it in a pending confirmation status" (SNS Developer Guide, "Amazon SNS email subscription
   * setup and management"; deleted after 48 hours unless re-confirmed). So a delivery that would be the 11th within
   * one second (`(t − 1000, t]` by {@link clock}) suspends the subscription and is not delivered. Other protocols
   * are not limited here.
   */
  private withinEmailRate(s: FakeSubscription): boolean {
    if (s.protocol !== 'email' && s.protocol !== 'email-json') return true;
    const now = this.clock();
    const recent = (this.recentDeliveries.get(s) ?? []).filter((at) => at > now - 1000);
    if (recent.length >= 10) {
      s.pending = true;
      this.suspended.push(s);
      this.recentDeliveries.delete(s);
      return false;
    }
    this.recentDeliveries.set(s, [...recent, now]);
    return true;
  }

  private subscribeAction(form: URLSearchParams): string {
    const topicArn = required(form, 'TopicArn');
    const protocol = required(form, 'Protocol');
    const endpoint = required(form, 'Endpoint');
    if (protocol === 'email' && !/^[^@\s]+@[^@\s]+$/.test(endpoint)) {
      throw new SnsRefusal(400, 'InvalidParameter', 'Invalid parameter: Email address');
    }
    const attributes = attributeMap(form);
    const policyJson = attributes.get('FilterPolicy');
    const filterPolicy = policyJson === undefined ? undefined : parseFilterPolicy(policyJson);
    const existing = this.subscriptionsOf(topicArn).find(
      (s) => s.protocol === protocol && s.endpoint === endpoint,
    );
    if (existing) {
      if (JSON.stringify(existing.filterPolicy) !== JSON.stringify(filterPolicy)) {
        throw new SnsRefusal(
          400,
          'InvalidParameter',
          'Invalid parameter: Attributes Reason: Subscription already exists with different attributes',
        );
      }
      return `<SubscriptionArn>${this.subscribeResultArn(existing, form)}</SubscriptionArn>`;
    }
    this.refuseWhileListedDeleted(topicArn, protocol, endpoint);
    if (filterPolicy) this.requireFilterPolicyRoom(topicArn);
    const subscription = this.addSubscription({
      topicArn,
      protocol,
      endpoint,
      ...(filterPolicy && { filterPolicy }),
      pending: protocol === 'email' || protocol === 'email-json',
    });
    const scope = attributes.get('FilterPolicyScope');
    if (scope !== undefined) subscription.filterPolicyScope = scope;
    return `<SubscriptionArn>${this.subscribeResultArn(subscription, form)}</SubscriptionArn>`;
  }

  /** Without `ReturnSubscriptionArn`, SNS answers "pending confirmation" for a pending subscription. */
  private subscribeResultArn(subscription: FakeSubscription, form: URLSearchParams): string {
    return subscription.pending && form.get('ReturnSubscriptionArn') !== 'true'
      ? 'pending confirmation'
      : subscription.arn;
  }

  /**
   * Refuses to subscribe an endpoint SNS still lists as `Deleted` on the topic (its recipient unsubscribed by the
   * email's link, until {@link forgetDeleted}): AWS Knowledge Center, "sns-cross-account-subscription", says the
   * same endpoint cannot be subscribed again while the deleted subscription is listed (SNS clears it after 72
   * hours). The error SNS answers is not documented; the fake answers InvalidParameter (HTTP 400).
   */
  private refuseWhileListedDeleted(topicArn: string, protocol: string, endpoint: string): void {
    const listed = this.deletedListings.some(
      (d) => d.topicArn === topicArn && d.protocol === protocol && d.endpoint === endpoint,
    );
    if (listed) {
      throw new SnsRefusal(
        400,
        'InvalidParameter',
        'Invalid parameter: Endpoint Reason: a subscription of this endpoint was deleted and is still listed',
      );
    }
  }

  /** SNS's quota: a new filter policy on a topic that has `filterPolicyQuota` of them fails. */
  private requireFilterPolicyRoom(topicArn: string): void {
    const used = this.subscriptionsOf(topicArn).filter((s) => s.filterPolicy !== undefined).length;
    if (used >= this.filterPolicyQuota) {
      throw new SnsRefusal(
        403,
        'FilterPolicyLimitExceeded',
        `Filter policy limit exceeded (${this.filterPolicyQuota} per topic)`,
      );
    }
  }

  private listSubscriptionsByTopic(form: URLSearchParams): string {
    const topicArn = required(form, 'TopicArn');
    const start = Number(form.get('NextToken') ?? '0');
    const onTopic = (s: { readonly topicArn?: string }) =>
      s.topicArn === undefined || s.topicArn === topicArn;
    const all = [
      ...this.subscriptions
        .filter(onTopic)
        .map((s) => ({ ...s, listedArn: s.pending ? PENDING_ARN : s.arn })),
      ...this.deletedListings.filter(onTopic).map((s) => ({ ...s, listedArn: DELETED_ARN })),
    ];
    const page = all.slice(start, start + this.listPageSize);
    const members = page.map(
      (s) =>
        `<member><TopicArn>${xmlEscape(topicArn)}</TopicArn><Protocol>${xmlEscape(s.protocol)}</Protocol>` +
        `<SubscriptionArn>${xmlEscape(s.listedArn)}</SubscriptionArn><Owner>${ACCOUNT}</Owner>` +
        `<Endpoint>${xmlEscape(s.endpoint)}</Endpoint></member>`,
    );
    const next = start + page.length < all.length ? `<NextToken>${start + page.length}</NextToken>` : '';
    return `<Subscriptions>${members.join('')}</Subscriptions>${next}`;
  }

  private getSubscriptionAttributes(form: URLSearchParams): string {
    const s = this.find(required(form, 'SubscriptionArn'));
    const attributes: Record<string, string> = {
      SubscriptionArn: s.arn,
      TopicArn: s.topicArn ?? '',
      Protocol: s.protocol,
      Endpoint: s.endpoint,
      Owner: ACCOUNT,
      PendingConfirmation: String(s.pending),
      ConfirmationWasAuthenticated: String(!s.pending),
      ...(s.filterPolicy && {
        FilterPolicy: JSON.stringify(s.filterPolicy),
        FilterPolicyScope: s.filterPolicyScope ?? 'MessageAttributes',
      }),
    };
    const entries = Object.entries(attributes).map(
      ([key, value]) => `<entry><key>${key}</key><value>${xmlEscape(value)}</value></entry>`,
    );
    return `<Attributes>${entries.join('')}</Attributes>`;
  }

  private setSubscriptionAttributes(form: URLSearchParams): undefined {
    const s = this.find(required(form, 'SubscriptionArn'));
    const name = required(form, 'AttributeName');
    const value = form.get('AttributeValue') ?? '';
    if (name === 'FilterPolicyScope') s.filterPolicyScope = value;
    else if (name !== 'FilterPolicy')
      throw new SnsRefusal(400, 'InvalidParameter', `Invalid parameter: AttributeName ${name}`);
    else if (value === '') delete s.filterPolicy;
    else {
      const policy = parseFilterPolicy(value);
      if (s.filterPolicy === undefined && s.topicArn !== undefined) this.requireFilterPolicyRoom(s.topicArn);
      s.filterPolicy = policy;
    }
    return undefined;
  }

  /**
   * The subscription with this ARN. SNS cannot act on what it lists instead
   * of an ARN (`PendingConfirmation`, `Deleted`): it refuses anything that is
   * not an ARN as InvalidParameter.
   */
  private find(arn: string): FakeSubscription {
    const elements = arn.split(':').length;
    if (!arn.startsWith('arn:') || elements < 6) {
      throw new SnsRefusal(
        400,
        'InvalidParameter',
        `Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not ${elements}`,
      );
    }
    const subscription = this.subscriptions.find((s) => s.arn === arn);
    if (!subscription) throw new SnsRefusal(404, 'NotFound', 'Subscription does not exist');
    return subscription;
  }
}
