/**
 * The worker's SNS topics and the customer-managed key that encrypts them:
 * the notification topic (owner digests, admin run summaries) and the alarm
 * topic CloudWatch alarms publish to.
 */
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

/** The alarm topic. CloudWatch alarms publish as the CloudWatch service, which needs the key to encrypt. */
export function addAlarmTopic(scope: Construct, key: kms.Key): sns.Topic {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: [...TOPIC_KEY_ACTIONS],
      resources: ['*'],
    }),
  );
  return addEncryptedTopic(scope, 'AlarmTopic', 'Personal client hygiene alarms', key);
}
