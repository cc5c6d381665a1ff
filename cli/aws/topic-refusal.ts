/**
 * What an operator is told when the notification topic refused a request of
 * theirs — an acting `sweep`'s admin run summary and `notify`'s digests
 * (publishing), `owners sync-subscriptions`' new owner subscriptions
 * (subscribing): the stack's topic lets only the worker's roles and the
 * stack's `operatorPrincipalArns` publish (its `PublishOnlyByTheWorkerAndOperators`
 * Deny), and only those operators, the role CloudFormation deploys with and (on
 * `sns-email`) its reconciler subscribe (`SubscribeOnlyByReconcilerOperatorsAndDeployment`;
 * on `relay`, where the reconciler subscribes no one, `SubscribeOnlyByOperatorsAndDeployment`),
 * so the fix is usually the operator's role on that list (docs/deploy.md,
 * "Operating a deployment from the CLI"). SNS refuses the same way a role that
 * is listed but whose own IAM policy lacks the action (or, to publish, the
 * topic key's `kms:GenerateDataKey`/`kms:Decrypt`: "What each command needs
 * (IAM)" there), so the advice names both causes. One text for every command,
 * so the advice reads the same wherever the refusal is met. Which codes are a
 * refusal is judged for every service in cli/aws/refusal-codes.ts (`isNotAuthorized`).
 */

/**
 * Whose policy decides the refusal: `stack`, the deployed stack's own topic
 * (its `operatorPrincipalArns`); `named`, a topic named with `--topic-arn`,
 * whose policy the stack does not write.
 */
export type RefusingTopic = 'stack' | 'named';

/** What the topic refused: publishing to it, or subscribing an owner to it. */
export type RefusedAction = 'publish' | 'subscribe';

/** Who the stack's topic lets do each {@link RefusedAction}, as the advice says it. */
const ALLOWED_ON_STACK_TOPIC: Readonly<Record<RefusedAction, string>> = {
  publish: "the topic accepts only the worker's roles and the stack's operatorPrincipalArns",
  subscribe:
    "the topic lets only its reconciler, the stack's operatorPrincipalArns and the role CloudFormation deploys " +
    'with subscribe',
};

/**
 * What the caller's own IAM policy must allow for each {@link RefusedAction}
 * (docs/deploy.md, "What each command needs (IAM)"): a publish also uses the
 * topic's KMS key (the stack's own topic always has one).
 */
const IAM_ALLOWS: Readonly<Record<RefusedAction, string>> = {
  publish:
    'sns:Publish on the topic and, if the topic is encrypted, kms:GenerateDataKey and kms:Decrypt on its key',
  subscribe: 'sns:Subscribe on the topic',
};

/** Where the advice sends the operator to read more. */
const SEE_DOCS = 'docs/deploy.md, "Operating a deployment from the CLI"';

/**
 * The advice for a request the topic refused, as one clause of a terminal
 * line (no trailing punctuation). It names both causes SNS cannot tell apart:
 * the topic's policy (on the stack's topic, its `operatorPrincipalArns`) and
 * the role's own IAM policy.
 * @param action what was refused ({@link RefusedAction})
 * @param by the caller's ARN when the command has it (from STS), shown beside
 *   "the role you run as"; without it the refusal's own text names the caller
 * @param topic whose policy to change ({@link RefusingTopic})
 */
export function topicRefusalAdvice(
  action: RefusedAction,
  by: string | undefined,
  topic: RefusingTopic,
): string {
  const role = by === undefined ? 'the role you run as' : `the role you run as (${by})`;
  if (topic === 'named') {
    return (
      `the topic's policy must allow ${role} sns:${action === 'publish' ? 'Publish' : 'Subscribe'} on it, ` +
      `and the role's IAM policy ${IAM_ALLOWS[action]} (${SEE_DOCS})`
    );
  }
  return (
    `${ALLOWED_ON_STACK_TOPIC[action]}: add ${role} to operatorPrincipalArns and redeploy ` +
    `(if it is listed, the role's IAM policy must allow ${IAM_ALLOWS[action]}; for a topic the stack was given, ` +
    `add the role to that topic's own policy; ${SEE_DOCS})`
  );
}
