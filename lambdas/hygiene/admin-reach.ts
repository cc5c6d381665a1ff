/**
 * Whether the admins can hear from the notification topic (docs/notifications.md, "Subscription reconciler",
 * "Admin reach"). Admin run summaries, owner-unreachable reports and guard trips reach the admins only through
 * subscriptions of the notification topic whose filter policy admits `audience=admin` messages; when none is left
 * (an unsubscribe link clicked, a queue deleted, an address never confirmed) SNS drops every admin notice and
 * nothing says so. The reconciler counts, from the listing it already makes, the subscriptions that receive every
 * admin message ({@link deliversEveryAdminMessage}), and an alarm on the alarm topic fires at none. Pure: no AWS
 * imports, no I/O.
 */
import { parsePolicy, type TopicSubscription } from './subscription-plan';

/** The message-attribute value admin messages carry in `audience` (docs/notifications.md, "Message attributes and filter policies"). */
const ADMIN_AUDIENCE = 'admin';

/**
 * True when `subscription` delivers every admin message: it is confirmed (not `pending`), and it has no filter
 * policy (it receives everything), or a filter policy on message attributes (`filterPolicyScope` absent or
 * `MessageAttributes`) whose only key is `audience`, a list holding the exact string `admin` (other values beside
 * it, such as `owner`, only let more through).
 *
 * Any other policy does not count. One that narrows misses some admin notices: another key (`eventTypes`,
 * `severity`, `origin`: a pager for guard trips only), an `audience` without the exact `admin` (another letter
 * case), or `MessageBody` scope; so an owner subscription (`audience: ["owner"]`) never counts. Operators and `$or`
 * are not evaluated: `{"audience":[{"anything-but":"owner"}]}`, `{"audience":[{"prefix":"adm"}]}`,
 * `{"audience":[{"exists":true}]}` or a `{"$or":[…]}` is not counted although SNS may match it for every admin
 * message (the safe direction: a false alarm; the runbook says to add a plain `{"audience":["admin"]}` subscription
 * beside it). Nor is a policy that is not a JSON object. Every protocol counts (email, `email-json`, SQS,
 * Lambda, HTTPS, a chat channel's endpoint): where an operator sends the admin notices is their declared choice,
 * and whether a machine subscriber passes them on to a person is beyond what SNS shows.
 */
export function deliversEveryAdminMessage(subscription: TopicSubscription): boolean {
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

/** How many of the topic's `subscriptions` deliver every admin message ({@link deliversEveryAdminMessage}). */
export function countAdminSubscriptions(subscriptions: readonly TopicSubscription[]): number {
  return subscriptions.filter(deliversEveryAdminMessage).length;
}
