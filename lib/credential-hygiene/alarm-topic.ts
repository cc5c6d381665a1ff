/**
 * The alarm topic's side of `CredentialHygiene` (lib/credential-hygiene.ts), once alarms are on: CloudWatch's
 * statements on a brought alarm topic (a warning when its key is out of reach), the sweep's check that the topic
 * has a subscriber, and a warning when `alarmSubscriberPrincipalArns` can restrict nothing.
 */
import { Annotations } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import type { CredentialHygieneProps } from '../credential-hygiene-props';
import { grantSweepAlarmTopicCheck } from '../hygiene-grants';
import { allowCloudWatchAlarms } from '../notification-topics';
import type { HygieneParts } from './parts';
import { ALARM_SUBSCRIBERS_WITHOUT_EFFECT_WARNING, ALARM_TOPIC_KEY_NOT_CHECKED_WARNING } from './warnings';

/**
 * A brought alarm topic gets CloudWatch's two statements when it (and its key) are built in the app; a key that is
 * not gets a warning (its policy is out of reach); an imported topic is left as it is (the prop's TSDoc says what
 * it must allow).
 */
export function letCloudWatchPublish(hygiene: Construct, topic: sns.ITopic): void {
  const { topicStatementAdded, keyStatementAdded } = allowCloudWatchAlarms(hygiene, topic);
  if (!topicStatementAdded || topic.masterKey === undefined || keyStatementAdded) return;
  Annotations.of(hygiene).addWarningV2(
    ALARM_TOPIC_KEY_NOT_CHECKED_WARNING,
    `alarmTopic (${topic.node.path}) is encrypted with a key this app does not define: its key policy must let cloudwatch.amazonaws.com kms:GenerateDataKey and kms:Decrypt (with aws:SourceAccount = this account), and it cannot be the AWS-managed alias/aws/sns, or no alarm reaches the topic (docs/deploy.md, "Security choices")`,
  );
}

/**
 * The sweep checks after each run that the alarm topic (the construct's or a brought one) has a confirmed
 * subscription, and its admin run summary says when none is: every alarm would reach no one, an alarm about that
 * too. It gets the topic's ARN (`ALARM_TOPIC_ARN`) and `sns:ListSubscriptionsByTopic` on that topic only
 * (docs/deploy.md, "Runbook: Alarm delivery").
 */
export function letSweepCheckAlarmTopic(
  hygiene: Pick<HygieneParts, 'sweepFunction'>,
  alarmTopic: sns.ITopic,
): void {
  hygiene.sweepFunction.function.addEnvironment(HANDLER_ENV.alarmTopicArn, alarmTopic.topicArn);
  grantSweepAlarmTopicCheck(hygiene.sweepFunction, alarmTopic);
}

/**
 * Warns ({@link ALARM_SUBSCRIBERS_WITHOUT_EFFECT_WARNING}) when `alarmSubscriberPrincipalArns` is given but no
 * deployment role is known: the alarm topic gets no Subscribe Deny then (`addAlarmTopic`), so the list keeps no one
 * out. Where the construct creates no alarm topic the list is refused instead (`validateProps`).
 */
export function warnIfAlarmSubscribersRestrictNothing(
  hygiene: Construct,
  props: CredentialHygieneProps,
  knownDeploymentRole: string | undefined,
): void {
  const subscribers = props.alarmSubscriberPrincipalArns ?? [];
  if (subscribers.length === 0 || knownDeploymentRole !== undefined) return;
  Annotations.of(hygiene).addWarningV2(
    ALARM_SUBSCRIBERS_WITHOUT_EFFECT_WARNING,
    '`alarmSubscriberPrincipalArns` has no effect: the stack’s synthesizer does not name the role CloudFormation ' +
      'deploys with and no `deploymentRoleArn` is given, so the alarm topic gets no Subscribe Deny (one sparing no ' +
      'deployer would refuse the stack’s own subscriptions) and IAM alone decides who subscribes there: give ' +
      '`deploymentRoleArn` (the role CloudFormation deploys the stack with) to let only the operators, these ' +
      'principals and that role subscribe (docs/deploy.md, "Security choices")',
  );
}
