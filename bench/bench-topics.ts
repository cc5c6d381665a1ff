/**
 * The SNS topics of the bench's arms: the notification topic every arm
 * publishes to and, with `--deployed-reach`, the alarm topic the sweep checks.
 * Shared by the measurement (bench/measure.ts) and the driver that gives the
 * bench's SNS server their subscriptions (bench/deployed-reach.ts).
 */

/** The notification topic (owner digests, the admin run summary). */
export const BENCH_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:bench-hygiene';

/** `--deployed-reach`: the alarm topic the sweep lists after each run, as the deployed sweep does (`ALARM_TOPIC_ARN`). */
export const BENCH_ALARM_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:bench-hygiene-alarms';

/**
 * `--deployed-reach`: what the deployed sweep's admin summary names (`STACK_NAME`, `AWS_REGION`): the default
 * stack's name (lib/app.ts) and the topics' region.
 */
export const BENCH_DEPLOYMENT = { stackName: 'PersonalClientHygiene', region: 'us-east-1' } as const;
