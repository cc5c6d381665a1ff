/**
 * The SES side of the relay: the configuration set every relay email goes through, its ARN, and the SES events topic
 * its bounces, complaints and rejects go to, locked to SES as its one writer and the deployment as its one subscriber.
 */
import { Stack } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { denyUnlessPrincipal, publishOnlyByServices } from '../deny-unless-principal';
import { TOPIC_SUBSCRIPTION_ACTIONS } from '../notification-topics';
import { keyForServiceOfThisAccount } from './service-key';

/** The configuration set's ARN: what the relay's send grant names, and the source SES publishes its events as. */
export function configurationSetArn(set: ses.ConfigurationSet): string {
  return Stack.of(set).formatArn({
    service: 'ses',
    resource: 'configuration-set',
    resourceName: set.configurationSetName,
  });
}

/**
 * The configuration set every relay email goes through (its bounces, complaints and rejects: the SES events topic).
 * It states the suppression list's reasons, bounces and complaints, rather than leaving them to the account's setting
 * (which may be anything: on for both since SES's 2019 default, off in an older account), so a deployed relay
 * behaves the same in every account. The relay relies on it (docs/notifications.md, "Email relay"): after a
 * complaint about one owner's email to a mailbox several owners share, SES suppresses that address, and reports the
 * next email to it for another owner as a bounce or as a complaint with subtype `OnAccountSuppressionList` (SES did
 * not send it); the SES events function reads either as a suppressed send, never as that owner's complaint: it
 * marks them `bouncing` and reports the digest to the admins, so every notice still reaches a person.
 */
export function addConfigurationSet(scope: Construct, name: string | undefined): ses.ConfigurationSet {
  return new ses.ConfigurationSet(scope, 'ConfigurationSet', {
    ...(name !== undefined && { configurationSetName: name }),
    reputationMetrics: true,
    tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
    suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
  });
}

/**
 * The topic SES publishes bounce and complaint events to: its own rotating key, which SES may use only for this
 * account, and a policy that lets only SES publish and only the deployment role subscribe
 * ({@link guardSesEventsTopic}).
 */
export function addSesEventsTopic(scope: Construct, deploymentRole: string | undefined): sns.Topic {
  // The actions are what the SNS Developer Guide gives an AWS service publishing to an encrypted topic ("Enable
  // compatibility between event sources from AWS services and encrypted topics"); the condition is this account
  // (confused-deputy protection). Not `aws:SourceArn` = the configuration set, though the topic policy has it: no
  // AWS source says SNS's KMS request for SES carries it (for EventBridge the SNS guide says such keys are not
  // supported in a key policy), and a key refusing SES drops every bounce and complaint silently. The key
  // encrypts this one topic, whose policy lets only SES publish, only for this configuration set.
  const key = keyForServiceOfThisAccount(scope, 'SesEventsKey', {
    description: 'Encrypts the SES bounce and complaint events of the owner email relay',
    sid: 'AllowSesToPublishEncryptedEvents',
    service: 'ses.amazonaws.com',
    actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
  });
  const topic = new sns.Topic(scope, 'SesEventsTopic', {
    displayName: 'Owner email relay: SES bounces and complaints',
    masterKey: key,
    enforceSSL: true,
  });
  guardSesEventsTopic(topic, deploymentRole);
  return topic;
}

/**
 * Locks the SES events topic to its one writer and one reader. Its messages write to the owner directory (a
 * complaint records an owner `unsubscribed`, a bounce marks the address bouncing) and make the admins' bounce
 * reports, and they carry owners' addresses: a principal of the account with a broad `sns:*` grant must not be able
 * to forge one (silencing an owner's expiry warnings) or subscribe to read them. So: deny `sns:Publish` to every
 * principal that is not an AWS service (`aws:PrincipalIsAWSService`, present in every signed request; the topic's
 * only Allow for a service is SES's, added by the configuration set's event destination), and deny `sns:Subscribe`
 * to every principal but the deployment role, which creates the SES events function's subscription.
 */
function guardSesEventsTopic(topic: sns.Topic, deploymentRole: string | undefined): void {
  topic.addToResourcePolicy(publishOnlyByServices('PublishOnlyBySes', topic.topicArn));
  if (deploymentRole === undefined) return;
  topic.addToResourcePolicy(
    denyUnlessPrincipal('SubscribeOnlyByTheDeployment', topic.topicArn, TOPIC_SUBSCRIPTION_ACTIONS, [
      deploymentRole,
    ]),
  );
}
