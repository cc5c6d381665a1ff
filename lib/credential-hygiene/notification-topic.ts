/**
 * The worker's notification topic as `CredentialHygiene` (lib/credential-hygiene.ts) builds it: whether a key is
 * needed for the topics it creates, and who may publish to and subscribe on the topic it created (its allow-lists,
 * which must name the role CloudFormation deploys with).
 */
import type * as sns from 'aws-cdk-lib/aws-sns';
import { type CredentialHygieneProps, CredentialHygienePropsError } from '../credential-hygiene-props';
import { reconcilerSubscribes } from '../hygiene-grants';
import { TopicAllowList } from '../notification-topics';
import type { HygieneParts } from './parts';

/** A key is created when the construct creates a topic (the notification topic or the alarm topic). */
export function needsNotificationKey(props: CredentialHygieneProps): boolean {
  const { topic, alarms, alarmTopic } = props;
  return topic === undefined || (alarms !== false && alarmTopic === undefined);
}

/**
 * The notification topic's allow-lists: the sweep, the notifier and the
 * operators publish (on `relay` the SES events function too: `OwnerEmailRelay`); the reconciler (on `sns-email`
 * only: on `relay` it subscribes no one, `reconcilerSubscribes`), the operators and the deployment role subscribe.
 * @throws {CredentialHygienePropsError} when the deployment role is not known ({@link deploymentRole})
 */
export function restrictTopic(
  hygiene: Pick<HygieneParts, 'config' | 'sweepFunction' | 'notifierFunction' | 'reconcilerFunction'>,
  topic: sns.Topic,
  props: CredentialHygieneProps,
  knownDeploymentRole: string | undefined,
): TopicAllowList {
  const allowList = new TopicAllowList(topic, hygiene.config.ownerDelivery);
  for (const fn of [hygiene.sweepFunction, hygiene.notifierFunction]) allowList.allowPublish(fn.role.roleArn);
  if (reconcilerSubscribes(hygiene.config.ownerDelivery))
    allowList.allowSubscriptionManagement(hygiene.reconcilerFunction.role.roleArn);
  for (const operator of props.operatorPrincipalArns ?? []) {
    allowList.allowPublish(operator);
    allowList.allowSubscriptionManagement(operator);
  }
  allowList.allowSubscriptionManagement(deploymentRole(knownDeploymentRole));
  return allowList;
}

/**
 * The role CloudFormation deploys with, which the notification topic's subscription allow-list must name (it
 * creates the admin subscriptions). Required there, unlike on the alarm topic and the SES events topic (no role
 * known: no Subscribe Deny, IAM alone decides): the notification topic carries every owner's digests, so it never
 * goes without its allow-list (docs/deploy.md, "Security choices").
 * @throws {CredentialHygienePropsError} when neither the props nor the stack's synthesizer name it
 */
function deploymentRole(knownDeploymentRole: string | undefined): string {
  const deployment = knownDeploymentRole;
  if (deployment === undefined) {
    throw new CredentialHygienePropsError([
      'the stack’s synthesizer does not name the role CloudFormation deploys with: give `deploymentRoleArn` (it creates the admin subscriptions, and the notification topic, which carries owners’ digests, lets only the principals it names subscribe)',
    ]);
  }
  return deployment;
}
