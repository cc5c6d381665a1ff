/**
 * The worker's SNS topics and the customer-managed key that encrypts them:
 * the notification topic (owner digests, admin run summaries) with its
 * allow-lists, and the alarm topic only CloudWatch alarms publish to and, when the deployment role is known, only
 * it, the operators and the alarm subscribers subscribe to (docs/deploy.md, "Security choices").
 */
import { ArnFormat, DefaultStackSynthesizer, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct, IConstruct } from 'constructs';
import type { OwnerDeliveryRoute } from '../lambdas/hygiene/owner-directory';
import { denyUnlessPrincipal, publishOnlyByServices } from './deny-unless-principal';
import { reconcilerSubscribes, TOPIC_KEY_ACTIONS } from './hygiene-grants';

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

/**
 * The service CloudWatch alarms publish as, rendered as the literal name (what a `ServicePrincipal` of it
 * resolves to), so two statements built for it compare equal before synth ({@link addOnce}).
 */
const CLOUDWATCH = iam.ServicePrincipal.fromStaticServicePrincipleName('cloudwatch.amazonaws.com');

/** Who may subscribe an endpoint to the alarm topic the construct creates (`aws:PrincipalArn` values). */
export interface AlarmTopicSubscribers {
  /**
   * The role CloudFormation deploys with: it creates the `adminEmails` subscriptions ({@link deploymentRoleArn}).
   * Undefined (a synthesizer naming none, no `deploymentRoleArn`): the topic gets no Subscribe Deny at all, as the
   * SES events topic (a Deny sparing no deployer would refuse those subscriptions): IAM alone decides.
   */
  readonly deploymentRoleArn: string | undefined;
  /** The stack's `operatorPrincipalArns`: an on-call endpoint, a security team's own queue. */
  readonly operatorPrincipalArns: readonly string[];
  /**
   * The stack's `alarmSubscriberPrincipalArns`: principals that subscribe an endpoint to this topic and may do
   * nothing else of the worker, e.g. the AWS Chatbot (Amazon Q Developer in chat applications) service-linked role.
   */
  readonly alarmSubscriberPrincipalArns: readonly string[];
}

/**
 * The alarm topic. CloudWatch alarms publish as the CloudWatch service: once a
 * topic has a policy (it has: HTTPS only), nothing lets CloudWatch publish
 * unless a statement says so, and the encrypted topic needs CloudWatch to be
 * able to use its key ({@link allowCloudWatchAlarms}); see docs/deploy.md,
 * "Operations: alarms and the dashboard". And only CloudWatch: {@link publishOnlyByServices}. Only `subscribers`
 * add a reader when the deployment role is known: every alarm (its name, reason and threshold) goes to each
 * subscriber.
 */
export function addAlarmTopic(scope: Construct, key: kms.Key, subscribers: AlarmTopicSubscribers): sns.Topic {
  const topic = addEncryptedTopic(scope, 'AlarmTopic', 'Personal client hygiene alarms', key);
  // Only CloudWatch publishes: an account principal with an IAM publish grant cannot post a message of its own
  // (operators neither: no runbook has them publish there; `aws cloudwatch set-alarm-state` tests the path as
  // CloudWatch). That keeps out a hand-made message, not a chosen alarm: CloudWatch may publish for any alarm of the
  // account ({@link allowCloudWatchAlarms}: the alarms' names are CloudFormation's, and a name prefix would not keep
  // out an alarm named to match), so whoever may `cloudwatch:PutMetricAlarm` or `cloudwatch:SetAlarmState` can have
  // an alarm of their choosing published here: keep those to administrators. A brought `alarmTopic` may have
  // publishers of its own and gets no such Deny (docs/deploy.md, "Security choices").
  topic.addToResourcePolicy(publishOnlyByServices('PublishOnlyByCloudWatchAlarms', topic.topicArn));
  const deployment = subscribers.deploymentRoleArn;
  // Only the operators (a runbook may have them subscribe an on-call or security-team endpoint: docs/deploy.md,
  // "Subscribing owners and the security team"), the alarm subscribers (a chat channel through AWS Chatbot) and the
  // deployment role (the `adminEmails` subscriptions; without it the next deploy fails): an account principal with
  // an IAM subscribe grant cannot read every alarm. Without a known deployment role no Deny, as on the SES events
  // topic: IAM alone decides (the notification topic, which carries owners' digests, requires the role instead). A
  // brought `alarmTopic` keeps its own subscribers and gets no such Deny, as for publishing.
  if (deployment !== undefined) {
    topic.addToResourcePolicy(
      denyUnlessPrincipal(
        'SubscribeOnlyByOperatorsAndDeployment',
        topic.topicArn,
        TOPIC_SUBSCRIPTION_ACTIONS,
        [...subscribers.operatorPrincipalArns, ...subscribers.alarmSubscriberPrincipalArns, deployment],
      ),
    );
  }
  allowCloudWatchAlarms(scope, topic);
  return topic;
}

/**
 * Whether each policy lets CloudWatch in after {@link allowCloudWatchAlarms}: its statement added, or one alike
 * already there; false for a resource imported into the app (its policy is out of reach).
 */
export interface CloudWatchAlarmStatements {
  readonly topicStatementAdded: boolean;
  /** False also when the topic has no key. */
  readonly keyStatementAdded: boolean;
}

/**
 * Lets the alarms of `scope`'s account and region publish to `topic`: a topic policy statement allowing
 * CloudWatch `sns:Publish` for this account's alarms, and, when the topic is encrypted, a key policy statement
 * allowing CloudWatch the data-key actions, both scoped by `aws:SourceAccount` (confused-deputy protection). A
 * topic or key imported into the app has no policy the app can change: its statement is not added (see the result).
 * A topic the app brings may be shared or already allow this ({@link addOnce}): no policy ends with a Sid twice.
 */
export function allowCloudWatchAlarms(scope: Construct, topic: sns.ITopic): CloudWatchAlarmStatements {
  const stack = Stack.of(scope);
  const fromThisAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
  const key = topic.masterKey;
  // The key's statement is scoped by account only. Not `aws:SourceArn` = this account's alarms, though the topic's
  // statement has it: what AWS documents for CloudWatch publishing to an encrypted topic is a key statement without
  // it (the SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted topics";
  // the AWS Knowledge Center's article on a CloudWatch alarm with an encrypted SNS topic), no AWS source says the
  // KMS request SNS makes for an alarm carries it, and a key refusing CloudWatch drops every alarm with nothing but
  // a line in the alarm's history (docs/deploy.md, "Security choices"). The topic statement is what limits
  // CloudWatch to this account's alarms; the key only lets SNS encrypt what the topic already accepted.
  const keyStatementAdded =
    key !== undefined &&
    addOnce(
      scope,
      key,
      () => keyPolicyOf(key),
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [CLOUDWATCH],
        actions: [...TOPIC_KEY_ACTIONS],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );
  const topicStatementAdded = addOnce(
    scope,
    topic,
    () => topicPolicyOf(topic),
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
  return { topicStatementAdded, keyStatementAdded };
}

/** A policy statement as CDK renders it (`PolicyStatement.toStatementJson`), tokens unresolved. */
type StatementJson = { readonly Sid?: string } & Record<string, unknown>;

/** A topic or key whose policy the app may add to. */
type PolicyHolder = IConstruct & {
  addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult;
};

/**
 * Adds `statement` to the policy of `holder` (read by `policy`) at most once: SNS refuses a topic policy whose
 * statement ids repeat ("Every policy statement must have a unique ID"), KMS key policies follow the same IAM
 * grammar, and CDK drops only exact copies. So nothing is added when a statement alike but for its Sid is already
 * there (another worker sharing the topic added it), and ours gets a Sid unique to `scope` when a different
 * statement has taken its own (the app's, e.g. copied from a synthesized template). Compared as rendered, tokens
 * unresolved (resolving now would fix a lazy value of the app's before it is complete): a statement alike only once
 * resolved is taken as different, which costs a redundant statement, never a lost one. A different statement given
 * our Sid later still makes two: synth fails naming it ({@link repeatedSid}).
 * @returns whether the policy has the statement (false: the holder is imported into the app)
 */
function addOnce(
  scope: Construct,
  holder: PolicyHolder,
  policy: () => iam.PolicyDocument | undefined,
  statement: iam.PolicyStatement,
): boolean {
  const present = statementsOf(policy());
  const { Sid: sid, ...effect } = statement.toStatementJson() as StatementJson;
  if (present.some(({ Sid: _, ...other }) => JSON.stringify(other) === JSON.stringify(effect))) return true;
  if (present.some((other) => other.Sid === sid)) statement.sid = `${sid}${scope.node.addr}`;
  const added = holder.addToResourcePolicy(statement).statementAdded;
  if (added) {
    const ours = statement.sid!;
    scope.node.addValidation({ validate: () => repeatedSid(holder, statementsOf(policy()), ours) });
  }
  return added;
}

/** The statements of a policy, as rendered now (nothing resolved or frozen); none without a policy. */
function statementsOf(policy: iam.PolicyDocument | undefined): StatementJson[] {
  return (policy?.toJSON() as { Statement?: StatementJson[] } | undefined)?.Statement ?? [];
}

/** The policy of a topic built in the app (`sns.Topic` makes it on its first statement). */
function topicPolicyOf(topic: sns.ITopic): iam.PolicyDocument | undefined {
  const policy = topic.node.tryFindChild('Policy');
  return policy instanceof sns.TopicPolicy ? policy.document : undefined;
}

/** The key policy of a key built in the app (`kms.Key` keeps it on its `CfnKey`). */
function keyPolicyOf(key: kms.IKey): iam.PolicyDocument | undefined {
  const policy: unknown = (key.node.defaultChild as kms.CfnKey | undefined)?.keyPolicy;
  return key instanceof kms.Key && policy instanceof iam.PolicyDocument ? policy : undefined;
}

/**
 * A synth error when different statements of `holder`'s policy share `sid`, compared resolved (at validation every
 * value is final): copies that resolve alike are one, CDK keeps one of them.
 */
function repeatedSid(holder: IConstruct, statements: readonly StatementJson[], sid: string): string[] {
  const resolved = Stack.of(holder).resolve(statements.filter((s) => s.Sid === sid)) as unknown[];
  const distinct = new Set(resolved.map((s) => JSON.stringify(s)));
  if (distinct.size < 2) return [];
  return [
    `the policy of ${holder.node.path} has ${distinct.size} different statements with Sid "${sid}": a policy's ` +
      'statement ids must be unique (SNS refuses the topic policy). Give the one the app adds another Sid, or leave ' +
      'it out: this construct adds the statement letting CloudWatch alarms in (docs/deploy.md, "Security choices")',
  ];
}

/** What publishing to the notification topic takes. */
export const TOPIC_PUBLISH_ACTIONS = ['sns:Publish'] as const;
/**
 * What adding a reader to the notification topic takes. Only `Subscribe`: SNS
 * authorizes `Unsubscribe`, `SetSubscriptionAttributes` and
 * `GetSubscriptionAttributes` against `"*"` (it has no subscription resource
 * type), so a topic policy cannot govern them — and they cannot add a reader;
 * the reconciler repairs or recreates an owner subscription they change
 * (docs/deploy.md, "Security choices").
 */
export const TOPIC_SUBSCRIPTION_ACTIONS = ['sns:Subscribe'] as const;
/**
 * The protocols an endpoint may subscribe with: email (owners, admins), the
 * machine subscribers (SQS, Lambda, HTTPS, Firehose). Never plain `http`
 * (notices in clear text) or SMS/mobile push (credential ids on phones).
 */
export const TOPIC_SUBSCRIPTION_PROTOCOLS = [
  'email',
  'email-json',
  'sqs',
  'lambda',
  'https',
  'firehose',
] as const;

/**
 * The notification topic's allow-lists. Allowing the account root in a topic
 * policy only defers to IAM, so any principal of the account with a broad
 * `sns:*` grant could subscribe (and read every owner's notices) or publish
 * (and send convincing fake ones). Two explicit Deny statements close that:
 * publishing only by the listed publishers (the worker's function roles, the
 * operators), subscribing only by the listed managers (the reconciler on
 * `sns-email`, the operators, the role CloudFormation deploys with), and only over the
 * {@link TOPIC_SUBSCRIPTION_PROTOCOLS}. The lists are read at synth, so a function added later is added with
 * {@link allowPublish} / {@link allowSubscriptionManagement}. The Subscribe Deny's Sid names whom it spares on the
 * stack's route ({@link subscribeDenySid}).
 */
export class TopicAllowList {
  private readonly publishers: string[] = [];
  private readonly subscriptionManagers: string[] = [];

  /**
   * @param topic the notification topic
   * @param route the stack's `ownerDelivery` route: whether the reconciler is among the subscription managers the
   *   Subscribe Deny's Sid names (on `sns-email` it is)
   */
  constructor(topic: sns.Topic, route: OwnerDeliveryRoute) {
    topic.addToResourcePolicy(
      denyUnlessPrincipal(
        'PublishOnlyByTheWorkerAndOperators',
        topic.topicArn,
        TOPIC_PUBLISH_ACTIONS,
        this.publishers,
      ),
    );
    topic.addToResourcePolicy(
      denyUnlessPrincipal(
        subscribeDenySid(route),
        topic.topicArn,
        TOPIC_SUBSCRIPTION_ACTIONS,
        this.subscriptionManagers,
      ),
    );
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SubscribeOnlyOverSafeProtocols',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...TOPIC_SUBSCRIPTION_ACTIONS],
        resources: [topic.topicArn],
        conditions: { StringNotEquals: { 'sns:Protocol': [...TOPIC_SUBSCRIPTION_PROTOCOLS] } },
      }),
    );
    topic.node.addValidation({
      validate: () => [
        ...(this.publishers.length === 0 ? ['the notification topic has no allowed publisher'] : []),
        ...(this.subscriptionManagers.length === 0
          ? ['the notification topic has no principal allowed to manage subscriptions']
          : []),
      ],
    });
  }

  /** Lets a principal (its `aws:PrincipalArn`: a role or user ARN, wildcards allowed) publish. */
  allowPublish(principalArn: string): void {
    if (!this.publishers.includes(principalArn)) this.publishers.push(principalArn);
  }

  /** Lets a principal subscribe endpoints to the topic. */
  allowSubscriptionManagement(principalArn: string): void {
    if (!this.subscriptionManagers.includes(principalArn)) this.subscriptionManagers.push(principalArn);
  }
}

/**
 * The Sid of the notification topic's Subscribe Deny on `route`, naming whom it spares: the reconciler too on
 * `sns-email`; on `relay` only the operators and the deployment role, as the reconciler subscribes no one there
 * ({@link reconcilerSubscribes}) and is not spared (docs/deploy.md, "Security choices").
 */
export function subscribeDenySid(route: OwnerDeliveryRoute): string {
  return reconcilerSubscribes(route)
    ? 'SubscribeOnlyByReconcilerOperatorsAndDeployment'
    : 'SubscribeOnlyByOperatorsAndDeployment';
}

/**
 * The role CloudFormation deploys this stack with: given, or the CDK bootstrap
 * CloudFormation execution role of a `DefaultStackSynthesizer`
 * (`cdk-hnb659fds-cfn-exec-role-<account>-<region>`); undefined when neither.
 */
export function deploymentRoleArn(scope: Construct, given?: string): string | undefined {
  if (given !== undefined) return given;
  const synthesizer = Stack.of(scope).synthesizer;
  if (!(synthesizer instanceof DefaultStackSynthesizer)) return undefined;
  // The synthesizer's ARN keeps ${AWS::Partition}/${AWS::AccountId}/${AWS::Region} placeholders.
  return Fn.sub(synthesizer.cloudFormationExecutionRoleArn);
}
