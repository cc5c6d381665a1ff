/**
 * The AWS setup mistakes every command that reaches AWS can hit (no region,
 * no or expired credentials, an unknown profile), said in one line that names
 * what to set — the flag and the environment variable — instead of the SDK's
 * raw error (README, "CLI": `--region`, `--profile`).
 */
import { describeError } from '../../lambdas/hygiene/errors';

/** AWS is not set up for this command: exit 1 with this message. */
export class AwsSetupError extends Error {
  override readonly name = 'AwsSetupError';
}

const REGION_HINT = 'set --region REGION or AWS_REGION (or a region in your AWS profile)';
const CREDENTIALS_HINT =
  'set --profile NAME or AWS_PROFILE (a profile of ~/.aws/config), or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY';

/** Error names AWS gives to credentials it does not accept. */
const REJECTED_CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);

/**
 * What a command that looks a stack up can do instead, said after a setup
 * error of the lookup: a local user with neither `--endpoint` nor a table
 * named gets the default stack looked up, and may never have meant AWS. Only
 * `--endpoint` needs no AWS setup; a table named without it is in AWS, so
 * naming one skips the lookup but still needs a region and credentials.
 */
export const WITHOUT_A_STACK =
  'or use a local DynamoDB with --endpoint URL, which needs no AWS setup ' +
  '(--table NAME/--directory-table NAME skip the stack lookup but still need a region and credentials)';

/**
 * Rewrites a missing region, missing or rejected credentials and an unknown
 * profile into an {@link AwsSetupError}; anything else gives `undefined`.
 * @param doing what the command was doing, e.g. `looking up stack X`
 * @param otherwise what else the user can do, said last (e.g. {@link WITHOUT_A_STACK})
 */
export function describeAwsSetupError(
  error: unknown,
  doing: string,
  otherwise?: string,
): AwsSetupError | undefined {
  const hint = (text: string) => (otherwise === undefined ? text : `${text}; ${otherwise}`);
  const { code, message } = describeError(error);
  if (/Region is missing/i.test(message)) {
    return new AwsSetupError(`no AWS region for ${doing}: ${hint(REGION_HINT)}`);
  }
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    const profile = /profile/i.test(message) ? ` (${message})` : '';
    return new AwsSetupError(`no AWS credentials for ${doing}${profile}: ${hint(CREDENTIALS_HINT)}`);
  }
  if (REJECTED_CREDENTIALS.has(code)) {
    return new AwsSetupError(`AWS refused the credentials for ${doing} (${code}): ${hint(CREDENTIALS_HINT)}`);
  }
  return undefined;
}
