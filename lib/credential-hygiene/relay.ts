/**
 * The `relay` route of `CredentialHygiene` (lib/credential-hygiene.ts): the worker's {@link OwnerEmailRelay}, given
 * the construct's topic, directory, dead-letter queue, config, metric names and alarm action.
 */
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import type { CredentialHygieneProps } from '../credential-hygiene-props';
import { OwnerEmailRelay } from '../owner-email-relay';
import type { HygieneParts } from './parts';

/** The `relay` route: owner digests leave the topic through one filtered SQS queue and are emailed through SES. */
export function addRelay(
  hygiene: Construct &
    Pick<
      HygieneParts,
      | 'topic'
      | 'topicAllowList'
      | 'directoryTable'
      | 'deadLetterQueue'
      | 'config'
      | 'metricsNamespace'
      | 'serviceName'
      | 'alarmTopic'
    >,
  props: CredentialHygieneProps,
  knownDeploymentRole: string | undefined,
): OwnerEmailRelay {
  const deploymentRole = knownDeploymentRole;
  return new OwnerEmailRelay(hygiene, 'Relay', {
    topic: hygiene.topic,
    ...(deploymentRole !== undefined && { deploymentRoleArn: deploymentRole }),
    ...(hygiene.topicAllowList !== undefined && { topicAllowList: hygiene.topicAllowList }),
    ...(props.operatorPrincipalArns !== undefined && {
      operatorPrincipalArns: props.operatorPrincipalArns,
    }),
    directoryTable: hygiene.directoryTable,
    failedInvocationQueue: hygiene.deadLetterQueue,
    config: hygiene.config,
    metricsNamespace: hygiene.metricsNamespace,
    serviceName: hygiene.serviceName,
    alarms: props.alarms !== false,
    ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    ...(hygiene.alarmTopic !== undefined && {
      alarmAction: new cloudwatchActions.SnsAction(hygiene.alarmTopic),
    }),
  });
}
