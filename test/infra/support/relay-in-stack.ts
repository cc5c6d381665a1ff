/**
 * The owner email relay in a stack of its own (an account and region, a deployment role, an alarm topic, the
 * operators a test names), for the infra tests that read its queues' and key's policies in the template: one
 * fixture, so every such test checks the same construct wiring.
 */
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { parseConfig } from '../../../lambdas/hygiene/config';
import { addDeadLetterQueue } from '../../../lib/dead-letter-queue';
import { OwnerEmailRelay } from '../../../lib/owner-email-relay';
import type { CfnTemplate } from '../structural-checks';
import { SKIP_BUNDLING } from '../synth';

/** What a test may vary about the relay's stack. */
export interface RelayInStackProps {
  /** The stack's name (default `RelayQueueTest`). */
  readonly stackName?: string;
  /** `operatorPrincipalArns` (default none: only the account root user). */
  readonly operators?: readonly string[];
  /** The relay queue's `maxReceiveCount` (default the construct's). */
  readonly maxReceiveCount?: number;
}

/**
 * Builds the relay in a stack of its own and synthesizes it.
 * @returns the app, stack, relay, topics, template (and its JSON), a `resolve` of tokens, the root user's ARN as
 *   the template writes it, and `idOf` (a construct's logical id)
 */
export function relayInStack(props: RelayInStackProps = {}) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, props.stackName ?? 'RelayQueueTest', {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  const key = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true });
  const topic = new sns.Topic(stack, 'Topic', { masterKey: key, enforceSSL: true });
  const alarmTopic = new sns.Topic(stack, 'Alarms', { masterKey: key, enforceSSL: true });
  const relay = new OwnerEmailRelay(stack, 'Relay', {
    topic,
    deploymentRoleArn: 'arn:aws:iam::123456789012:role/Deployer',
    ...(props.operators !== undefined && { operatorPrincipalArns: props.operators }),
    ...(props.maxReceiveCount !== undefined && { maxReceiveCount: props.maxReceiveCount }),
    directoryTable: new dynamodb.Table(stack, 'Directory', {
      partitionKey: { name: 'userId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    }),
    failedInvocationQueue: addDeadLetterQueue(stack, 'Failed', 'the test'),
    config: parseConfig({ ownerDelivery: 'relay', senderIdentity: 'hygiene@corp.example' }),
    metricsNamespace: 'PersonalClientHygiene',
    serviceName: 'personal-client-hygiene',
    alarmAction: new cloudwatchActions.SnsAction(alarmTopic),
  });
  const template = Template.fromStack(stack);
  const resolve = (value: unknown) => stack.resolve(value);
  const root = resolve(stack.formatArn({ service: 'iam', region: '', resource: 'root' }));
  const idOf = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as CfnElement);
  return {
    app,
    stack,
    relay,
    topic,
    alarmTopic,
    template,
    json: template.toJSON() as CfnTemplate,
    resolve,
    root,
    idOf,
  };
}
