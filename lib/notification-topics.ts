/**
 * The worker's SNS topics and the customer-managed key that encrypts them:
 * the notification topic (owner digests, admin run summaries) and the alarm
 * topic CloudWatch alarms publish to.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { TOPIC_KEY_ACTIONS } from './hygiene-grants';

/** The rotating key that encrypts the topics this construct creates. */
export function addNotificationKey(scope: Construct): kms.Key {
  return new kms.Key(scope, 'NotificationKey', {
    description: 'Encrypts the credential hygiene notification and alarm topics',
    enableKeyRotation: true,
  });
}

/** A KMS-encrypted, HTTPS-only topic. */
export function addEncryptedTopic(
  scope: Construct,
  id: string,
  displayName: string,
  key: kms.IKey,
): sns.Topic {
  return new sns.Topic(scope, id, { displayName, masterKey: key, enforceSSL: true });
}

/** The service CloudWatch alarms publish as. */
const CLOUDWATCH = new iam.ServicePrincipal('cloudwatch.amazonaws.com');

/**
 * The alarm topic. CloudWatch alarms publish as the CloudWatch service: once a
 * topic has a policy (it has: HTTPS only), nothing lets CloudWatch publish
 * unless a statement says so, and the encrypted topic needs CloudWatch to be
 * able to use its key. Both are scoped to this account's alarms (confused-deputy
 * protection); see docs/deploy.md, "Alarms".
 */
export function addAlarmTopic(scope: Construct, key: kms.Key): sns.Topic {
  const stack = Stack.of(scope);
  const fromThisAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToUseTheKey',
      principals: [CLOUDWATCH],
      actions: [...TOPIC_KEY_ACTIONS],
      resources: ['*'],
      conditions: fromThisAccount,
    }),
  );
  const topic = addEncryptedTopic(scope, 'AlarmTopic', 'Personal client hygiene alarms', key);
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [CLOUDWATCH],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        ...fromThisAccount,
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  return topic;
}
