/**
 * The relay's times, shared by its queue, its function and its alarms: the function's timeout, the queue's visibility
 * timeout and retention, and when a digest waiting in the DLQ is close enough to deletion to warn.
 */
import { Duration } from 'aws-cdk-lib';
import {
  DEAD_LETTER_RETENTION_DAYS,
  RELAY_QUEUE_RETENTION_DAYS,
} from '../../lambdas/aws/relay-ledger-table-definition';

/**
 * The relay function's timeout: a batch of 10 emails with SES backoff fits well within it. It leaves 45 s of work
 * after the relay's 15 s safety margin (`RELAY_SAFETY_MARGIN_MS`, lambdas/handlers/safety-margins.ts): at least the
 * `MIN_WORKING_SECONDS` the construct asks of every timeout prop (lib/credential-hygiene-props.ts).
 */
export const RELAY_TIMEOUT = Duration.minutes(1);
/** The relay queue's visibility timeout: AWS's rule for Lambda event sources, at least six times the function timeout. */
export const RELAY_VISIBILITY_TIMEOUT = Duration.seconds(RELAY_TIMEOUT.toSeconds() * 6);
/**
 * How long the relay queue keeps a digest: shorter than its DLQ's 14 days, because SQS moves a message to a
 * standard queue's DLQ with its original enqueue time (a digest that waited N days in the queue would have only
 * 14 − N days in a DLQ of the same retention); 7 days still leaves a digest nobody receives (the event source
 * mapping disabled) a week for the age alarm, which fires after an hour, to be answered, and every digest moved to
 * the DLQ a week there (RELAY_QUEUE_RETENTION_DAYS; the ledger's TTL covers a redrive within it).
 */
export const RELAY_RETENTION = Duration.days(RELAY_QUEUE_RETENTION_DAYS);
/** The days of warning `RelayDeadLetterExpiring` gives at least before the relay DLQ deletes a digest. */
export const RELAY_DEAD_LETTER_NOTICE_DAYS = 3;
/**
 * The relay DLQ's oldest digest's age (counted from its move there) that raises `RelayDeadLetterExpiring`: the DLQ's
 * retention less the longest a digest can have spent in the relay queue before its move, less the notice.
 */
export const RELAY_DEAD_LETTER_WARNING = Duration.days(
  DEAD_LETTER_RETENTION_DAYS - RELAY_QUEUE_RETENTION_DAYS - RELAY_DEAD_LETTER_NOTICE_DAYS,
);
