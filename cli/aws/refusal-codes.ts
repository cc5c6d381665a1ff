/**
 * Which AWS error codes mean "not authorized", judged the same way for every
 * service the CLI calls: a setup error of any command (a DynamoDB or
 * CloudFormation denial, cli/options/aws-setup-errors.ts) and a refusal by the
 * notification topic (publishing, subscribing: cli/aws/topic-refusal.ts) alike.
 * Kept apart from the SNS advice so a non-SNS caller does not depend on it.
 */

/**
 * Codes of a request the resource's policy or the caller's IAM refused: SNS's
 * `AuthorizationError(Exception)`, an `AccessDenied` (DynamoDB's, CloudFormation's, …), and a
 * `KMSAccessDenied(Exception)` for a request whose caller may not use the resource's key.
 */
const NOT_AUTHORIZED = /^(AuthorizationError|AccessDenied|KMSAccessDenied)/;

/**
 * Whether a failed request's code (or an error text that starts with it) says
 * it was not authorized: SNS's `AuthorizationErrorException` (the SDK's name
 * for a refused request) or an entry's `AuthorizationError`, an `AccessDenied`
 * (`AccessDeniedException`), or a `KMSAccessDenied(Exception)` (the caller may not use the key).
 */
export function isNotAuthorized(code: string): boolean {
  return NOT_AUTHORIZED.test(code);
}
