/**
 * The customer-managed keys of the relay's SES events topic and of its subscriptions' dead-letter queues: one AWS
 * service may use each, only for this account.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * A rotating customer-managed key that one AWS service, acting as itself, may use (`actions`) only for this account
 * (`aws:SourceAccount`: confused-deputy protection): what a service needs to write to the topic or queue the key
 * encrypts (SES to the SES events topic, SNS to the SES events dead-letter queue), which an AWS-managed key cannot
 * allow.
 */
export function keyForServiceOfThisAccount(
  scope: Construct,
  id: string,
  grant: { description: string; sid: string; service: string; actions: string[] },
): kms.Key {
  const key = new kms.Key(scope, id, { description: grant.description, enableKeyRotation: true });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: grant.sid,
      principals: [new iam.ServicePrincipal(grant.service)],
      actions: grant.actions,
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
  return key;
}
