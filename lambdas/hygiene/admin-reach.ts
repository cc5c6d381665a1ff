/**
 * Whether the admins can hear from the notification topic (docs/notifications.md, "Subscription reconciler",
 * "Admin reach"). Admin run summaries, owner-unreachable reports and guard trips reach the admins only through
 * subscriptions of the notification topic whose filter policy admits `audience=admin` messages; when none is left
 * (an unsubscribe link clicked, a queue deleted, an address never confirmed) SNS drops every admin notice and
 * nothing says so. The reconciler counts, from the listing it already makes, the subscriptions that receive every
 * admin message ({@link deliversEveryAdminMessage}), and an alarm on the alarm topic fires at none. An email
 * subscription that also receives the owners' digests does not count: SNS suspends an email subscription sent more
 * than 10 messages a second, which a drain of more than about 10 owners passes; it is counted apart
 * ({@link receivesOwnerDigestsByEmail}) so the operator is told why. Pure: no AWS imports, no I/O.
 */
import { parsePolicy, type TopicSubscription } from './subscription-plan';

/** The message-attribute value admin messages carry in `audience` (docs/notifications.md, "Message attributes and filter policies"). */
const ADMIN_AUDIENCE = 'admin';

/** The message-attribute value owner messages (digests) carry in `audience`. */
const OWNER_AUDIENCE = 'owner';

/**
 * The protocols SNS suspends past 10 messages a second (docs/notifications.md, "Size limits, splitting, batching and
 * pacing"): the notifier paces each recipient's messages, so such a subscription is safe only while it admits one
 * recipient's messages.
 */
const RATE_LIMITED_PROTOCOLS: ReadonlySet<string> = new Set(['email', 'email-json']);

/** What the reconciler reports of the admins' reach (docs/notifications.md, "Admin reach"). */
export interface AdminReach {
  /** The subscriptions that deliver every admin message ({@link deliversEveryAdminMessage}). */
  readonly adminSubscriptions: number;
  /**
   * The email subscriptions left out of that count because they also receive owner digests
   * ({@link receivesOwnerDigestsByEmail}).
   */
  readonly emailSubscriptionsWithOwnerDigests: number;
}

/**
 * True when `subscription` delivers every admin message and SNS will keep it: it is confirmed (not `pending`), it
 * admits every admin message ({@link admitsEveryAdminMessage}), and it is not an `email` or `email-json`
 * subscription that also receives owner messages ({@link receivesOwnerDigestsByEmail}).
 *
 * Every other protocol counts (SQS, Lambda, HTTPS, a chat channel's endpoint, Firehose), also with no filter policy
 * or `{"audience":["admin","owner"]}`: where an operator sends the admin notices is their declared choice, whether a
 * machine subscriber passes them on to a person is beyond what SNS shows, and SNS rate-limits none of them. An email
 * subscription counts only with an `audience` of exact strings holding `admin` and not `owner` (the plain
 * `{"audience":["admin"]}`): one that also admits owner digests receives up to 10 owners' messages in one
 * `PublishBatch`, 4 calls in flight, and SNS suspends it at the first drain with more than about 10 owners
 * (docs/notifications.md, "Admin reach").
 */
export function deliversEveryAdminMessage(subscription: TopicSubscription): boolean {
  return admitsEveryAdminMessage(subscription) && !receivesOwnerDigestsByEmail(subscription);
}

/**
 * True when `subscription` is an `email` or `email-json` subscription that admits every admin message
 * ({@link admitsEveryAdminMessage}) and also owner messages: no filter policy, or an `audience` holding `owner` or
 * an operator (not evaluated: it may match `owner`). Such a subscription is not counted as an admin subscription
 * ({@link deliversEveryAdminMessage}); it is counted apart so an operator sees why.
 */
export function receivesOwnerDigestsByEmail(subscription: TopicSubscription): boolean {
  if (!RATE_LIMITED_PROTOCOLS.has(subscription.protocol) || !admitsEveryAdminMessage(subscription))
    return false;
  if (subscription.filterPolicy === undefined) return true;
  const audience = parsePolicy(subscription.filterPolicy)?.audience;
  return (
    !Array.isArray(audience) ||
    audience.some((value) => typeof value !== 'string' || value === OWNER_AUDIENCE)
  );
}

/**
 * True when `subscription`'s filter lets every admin message through: it is confirmed (not `pending`), and it has no
 * filter policy (it receives everything), or a filter policy on message attributes (`filterPolicyScope` absent or
 * `MessageAttributes`) whose only key is `audience`, a list holding the exact string `admin` (other values beside
 * it, such as `owner`, only let more through).
 *
 * Any other policy does not. One that narrows misses some admin notices: another key (`eventTypes`, `severity`,
 * `origin`: a pager for guard trips only), an `audience` without the exact `admin` (another letter case), or
 * `MessageBody` scope; so an owner subscription (`audience: ["owner"]`) never does. Operators and `$or` are not
 * evaluated: `{"audience":[{"anything-but":"owner"}]}`, `{"audience":[{"prefix":"adm"}]}`,
 * `{"audience":[{"exists":true}]}` or a `{"$or":[…]}` is not counted although SNS may match it for every admin
 * message (the safe direction: a false alarm; the runbook says to add a plain `{"audience":["admin"]}` subscription
 * beside it). Nor is a policy that is not a JSON object.
 */
function admitsEveryAdminMessage(subscription: TopicSubscription): boolean {
  if (subscription.pending) return false;
  if (subscription.filterPolicy === undefined) return true;
  if ((subscription.filterPolicyScope ?? 'MessageAttributes') !== 'MessageAttributes') return false;
  const policy = parsePolicy(subscription.filterPolicy);
  if (policy === undefined) return false;
  const keys = Object.keys(policy);
  const audience = policy.audience;
  return (
    keys.length === 1 &&
    keys[0] === 'audience' &&
    Array.isArray(audience) &&
    audience.includes(ADMIN_AUDIENCE)
  );
}

/**
 * The admins' reach over the topic's `subscriptions`: how many deliver every admin message
 * ({@link deliversEveryAdminMessage}), and how many email ones that count leaves out because they also receive owner
 * digests ({@link receivesOwnerDigestsByEmail}).
 */
export function adminReachOf(subscriptions: readonly TopicSubscription[]): AdminReach {
  return {
    adminSubscriptions: subscriptions.filter(deliversEveryAdminMessage).length,
    emailSubscriptionsWithOwnerDigests: subscriptions.filter(receivesOwnerDigestsByEmail).length,
  };
}

/**
 * Why `count` email subscriptions do not count as admin subscriptions
 * ({@link AdminReach.emailSubscriptionsWithOwnerDigests}), as the reconciler Lambda's warning and
 * `owners sync-subscriptions` say it (docs/deploy.md, "Runbook: No admin
 * subscription").
 */
export function ownerDigestEmailsText(count: number): string {
  return (
    `email subscriptions that also receive owner digests: ${count} (not counted: SNS suspends an email ` +
    'subscription past 10 messages a second: filter it to {"audience": ["admin"]})'
  );
}
