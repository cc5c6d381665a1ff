/**
 * The one shape of the stack's resource-policy allow-lists (the notification
 * topic, the SES events topic, the relay queue and its DLQ, the shared
 * dead-letter queue; docs/deploy.md,
 * "Security choices"). A resource policy that allows the account root only
 * defers to IAM, so any principal of the account with a broad grant (`sns:*`,
 * `sqs:*`) could act on the resource; an explicit Deny to every principal whose
 * `aws:PrincipalArn` is not listed is what keeps it out, whatever IAM says.
 * A topic only a service publishes to denies publishing to everyone else
 * (`publishOnlyByServices`).
 */
import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/** More conditions of such a Deny, by operator, e.g. `{ Bool: { 'aws:PrincipalIsAWSService': 'false' } }`. */
export type DenyConditions = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * Deny `actions` on `resource` to every principal whose `aws:PrincipalArn` is
 * not in `allowed` (role or user ARNs, `*` and `?` allowed: `ArnNotLike`) and
 * for which every condition of `also` holds. The list is read each time the
 * policy is resolved, never cached, so principals the construct adds to it
 * later (`TopicAllowList.allowPublish`) count even after something (an aspect,
 * cdk-nag) resolved the policy first.
 */
export function denyUnlessPrincipal(
  sid: string,
  resource: string,
  actions: readonly string[],
  allowed: readonly string[],
  also: DenyConditions = {},
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: [...actions],
    resources: [resource],
    conditions: {
      ...also,
      ArnNotLike: { 'aws:PrincipalArn': Lazy.uncachedList({ produce: () => [...allowed] }) },
    },
  });
}

/** The condition that holds for IAM principals only: a Deny carrying it spares AWS services. */
export const NOT_A_SERVICE = { Bool: { 'aws:PrincipalIsAWSService': 'false' } } as const;

/**
 * Deny `action` (default `sns:Publish`) on a resource to every principal that is not an AWS service
 * ({@link NOT_A_SERVICE}; `aws:PrincipalIsAWSService` is present in every signed request): for a topic or queue
 * whose only writer is the one service its policy allows (CloudWatch for the alarm topic, SES for the SES events
 * topic, SNS for the SES events dead-letter queue), so that whoever in the account holds an IAM grant of the action
 * still cannot post a forged message there.
 */
export function publishOnlyByServices(
  sid: string,
  resourceArn: string,
  action = 'sns:Publish',
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: [action],
    resources: [resourceArn],
    conditions: NOT_A_SERVICE,
  });
}

/**
 * The principals a queue's Deny statements always spare: the given operators,
 * then the account root user (break-glass), as `aws:PrincipalArn` values.
 */
export function operatorsAndRoot(scope: IConstruct, operators: readonly string[]): string[] {
  return [...operators, Stack.of(scope).formatArn({ service: 'iam', region: '', resource: 'root' })];
}
