/**
 * `--deployed-reach` (bench/deployed-reach.ts): the topics' subscriptions the
 * bench's SNS server (bench/sns-server.ts) holds, and its answer to
 * `ListSubscriptionsByTopic` as SNS gives it over the query protocol: pages of
 * up to {@link SNS_LIST_PAGE_SIZE} subscriptions, each with its topic,
 * protocol, endpoint, owner and ARN (`PendingConfirmation` while pending: SNS
 * hides a pending subscription's ARN), and a `NextToken` while more remain.
 * A listing carries no filter policy (SNS gives it only to
 * `GetSubscriptionAttributes`); the server keeps each one as the reconciler
 * created it, with the subscription.
 */
import { PENDING_CONFIRMATION_ARN } from '../lambdas/hygiene/subscription-plan';
import { SnsRefusal, xmlEscape } from './sns-query-answers';

/** One subscription of a topic, as the bench's SNS server holds it. */
export interface BenchSubscription {
  /** Its ARN (`<topic ARN>:<id>`), listed as `PendingConfirmation` while {@link pending}. */
  readonly arn: string;
  readonly protocol: string;
  readonly endpoint: string;
  /** Its filter policy (JSON), as created; not listed. */
  readonly filterPolicy?: string;
  /** Awaiting confirmation (absent: confirmed). */
  readonly pending?: boolean;
}

/** Subscriptions per `ListSubscriptionsByTopic` page: SNS returns up to 100. */
export const SNS_LIST_PAGE_SIZE = 100;

/** The account of an ARN (`arn:aws:sns:<region>:<account>:<name>`), which SNS lists as each subscription's owner. */
function accountOf(topicArn: string): string {
  return topicArn.split(':')[4] ?? '';
}

/**
 * The `<ListSubscriptionsByTopicResult>` body of one page.
 * @param subscriptions the topic's subscriptions; `undefined` when the server knows no such topic
 * @param nextToken the request's `NextToken` (null on the first page): the offset this server gave the page before
 * @throws {SnsRefusal} `NotFound` for an unknown topic, `InvalidParameter` for a token this server did not give
 */
export function listSubscriptionsResult(
  topicArn: string,
  subscriptions: readonly BenchSubscription[] | undefined,
  nextToken: string | null,
): string {
  if (subscriptions === undefined) throw new SnsRefusal(404, 'NotFound', 'Topic does not exist');
  const start = nextToken === null ? 0 : Number(nextToken);
  const given = Number.isInteger(start) && start >= 1 && start < subscriptions.length;
  if (nextToken !== null && !given)
    throw new SnsRefusal(400, 'InvalidParameter', 'Invalid parameter: NextToken');
  const page = subscriptions.slice(start, start + SNS_LIST_PAGE_SIZE);
  const owner = xmlEscape(accountOf(topicArn));
  const members = page.map(
    (s) =>
      `<member><TopicArn>${xmlEscape(topicArn)}</TopicArn><Protocol>${xmlEscape(s.protocol)}</Protocol>` +
      `<SubscriptionArn>${xmlEscape(s.pending === true ? PENDING_CONFIRMATION_ARN : s.arn)}</SubscriptionArn>` +
      `<Owner>${owner}</Owner><Endpoint>${xmlEscape(s.endpoint)}</Endpoint></member>`,
  );
  const end = start + page.length;
  const next = end < subscriptions.length ? `<NextToken>${end}</NextToken>` : '';
  return `<Subscriptions>${members.join('')}</Subscriptions>${next}`;
}
