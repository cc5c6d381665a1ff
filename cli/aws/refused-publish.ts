/**
 * What an operator is told when the notification topic refused a publish of
 * theirs — an acting `sweep`'s admin run summary, `notify`'s digests: the
 * stack's topic lets only the worker's roles and the stack's
 * `operatorPrincipalArns` publish (its `PublishOnlyByTheWorkerAndOperators`
 * Deny), so the fix is the operator's role on that list (docs/deploy.md,
 * "Operating a deployment from the CLI"). One text for every command, so the
 * advice reads the same wherever the refusal is met.
 */

/** Codes of a publish the topic's policy (or the caller's IAM) refused: SNS's `AuthorizationError(Exception)`. */
const NOT_AUTHORIZED = /^(AuthorizationError|AccessDenied)/;

/**
 * Whether a failed publish's code says it was not authorized: SNS's
 * `AuthorizationErrorException` (the SDK's name for a refused request) or an
 * entry's `AuthorizationError`, or an `AccessDenied`.
 */
export function isRefusedPublish(code: string): boolean {
  return NOT_AUTHORIZED.test(code);
}

/**
 * Whose policy decides the refused publish: `stack`, the deployed stack's
 * own topic (its `operatorPrincipalArns`); `named`, a topic named with
 * `--topic-arn`, whose policy the stack does not write.
 */
export type RefusingTopic = 'stack' | 'named';

/**
 * The advice for a publish the topic refused, as one clause of a terminal
 * line (no trailing punctuation).
 * @param by the caller's ARN when the command has it (from STS), shown beside
 *   "the role you run as"; without it the refusal's own text names the caller
 * @param topic whose policy to change ({@link RefusingTopic})
 */
export function refusedPublishAdvice(by: string | undefined, topic: RefusingTopic): string {
  const role = by === undefined ? 'the role you run as' : `the role you run as (${by})`;
  if (topic === 'named') {
    return (
      `the topic's policy (and the role's IAM policy) must allow ${role} sns:Publish on it ` +
      '(docs/deploy.md, "Operating a deployment from the CLI")'
    );
  }
  return (
    `the topic accepts only the worker's roles and the stack's operatorPrincipalArns: add ${role} ` +
    'to operatorPrincipalArns and redeploy (for a topic the stack was given, to that ' +
    'topic\'s own policy; docs/deploy.md, "Operating a deployment from the CLI")'
  );
}
