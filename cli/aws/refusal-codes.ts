/**
 * Which AWS error codes mean "not authorized", and which mean credentials AWS
 * did not accept or the SDK could not load, judged the same way for every
 * service the CLI calls: a setup error of any command (a DynamoDB or
 * CloudFormation denial, cli/options/aws-setup-errors.ts), a refusal by the
 * notification topic (publishing, subscribing: cli/aws/topic-refusal.ts), a
 * table check denied (cli/aws/table-key.ts) and the errors that stop
 * `restore --run` (cli/use-cases/restore-run.ts) alike. Kept apart from the
 * SNS advice so a non-SNS caller does not depend on it.
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

/**
 * Codes AWS gives a request whose credentials it does not accept: expired (`ExpiredTokenException`, DynamoDB's and
 * STS's; `ExpiredToken`, the query APIs': CloudFormation, SNS), unknown (`UnrecognizedClientException`, DynamoDB's;
 * `InvalidClientTokenId`, the query APIs'), signed with a secret that is not the key's (`InvalidSignatureException`,
 * DynamoDB's; `SignatureDoesNotMatch`, the query APIs'), or carrying no usable signature or key id at all
 * (`IncompleteSignature(Exception)`, `MissingAuthenticationToken(Exception)`: DynamoDB's common errors and the query
 * APIs').
 */
const REJECTED_CREDENTIALS: ReadonlySet<string> = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
]);

/** Whether a failed request's code says AWS did not accept its credentials: expired, unknown or wrongly signed. */
export function areCredentialsRejected(code: string): boolean {
  return REJECTED_CREDENTIALS.has(code);
}

/**
 * Whether an error's code says the SDK found no credentials to sign with (`CredentialsProviderError`: none set, a
 * profile without keys, or an SSO session expired since the credentials were last loaded; its message says which).
 */
export function gaveNoCredentials(code: string): boolean {
  return code === 'CredentialsProviderError';
}
