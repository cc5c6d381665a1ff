/**
 * The AWS setup mistakes every command that reaches AWS can hit (no region,
 * no or expired credentials, an unknown profile), said in one line that names
 * what to set — the flag and the environment variable — instead of the SDK's
 * raw error (README, "CLI": `--region`, `--profile`). When a profile was
 * named (`--profile`, else `AWS_PROFILE`), a lack of credentials names it: the
 * SDK's own message does not, and telling the operator to set a profile they
 * set sends them looking in the wrong place.
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

/** What the command was doing when it failed, and what the operator gave. */
export interface AwsSetupContext {
  /** What else the user can do, said last (e.g. {@link WITHOUT_A_STACK}). */
  readonly otherwise?: string | undefined;
  /** `--profile` as given (else `AWS_PROFILE` is the profile the SDK used, when set). */
  readonly profile?: string | undefined;
}

/**
 * Rewrites a missing region, missing or rejected credentials and an unknown
 * profile into an {@link AwsSetupError}; anything else gives `undefined`.
 * @param doing what the command was doing, e.g. `looking up stack X`
 * @param context what else to say, and the `--profile` given
 */
export function describeAwsSetupError(
  error: unknown,
  doing: string,
  context: AwsSetupContext = {},
): AwsSetupError | undefined {
  const { otherwise } = context;
  const hint = (text: string) => (otherwise === undefined ? text : `${text}; ${otherwise}`);
  const { code, message } = describeError(error);
  if (/Region is missing/i.test(message)) {
    return new AwsSetupError(`no AWS region for ${doing}: ${hint(REGION_HINT)}`);
  }
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    const detail = /profile/i.test(message) ? ` (${message})` : '';
    const named = namedProfile(context.profile);
    if (named !== undefined) {
      return new AwsSetupError(
        `profile ${named} gave no AWS credentials for ${doing}${detail}: ${hint(PROFILE_HINT)}`,
      );
    }
    return new AwsSetupError(`no AWS credentials for ${doing}${detail}: ${hint(CREDENTIALS_HINT)}`);
  }
  if (REJECTED_CREDENTIALS.has(code)) {
    return new AwsSetupError(`AWS refused the credentials for ${doing} (${code}): ${hint(CREDENTIALS_HINT)}`);
  }
  return undefined;
}

/**
 * The profile the SDK read, as a message names it with where it came from
 * (`"ops" (--profile)`, `"ops" (AWS_PROFILE)`), or `undefined` when none was named.
 */
function namedProfile(flag: string | undefined): string | undefined {
  if (flag !== undefined && flag !== '') return `${JSON.stringify(flag)} (--profile)`;
  const fromEnvironment = process.env.AWS_PROFILE;
  return fromEnvironment ? `${JSON.stringify(fromEnvironment)} (AWS_PROFILE)` : undefined;
}

/** What to check when a named profile gave no credentials. */
const PROFILE_HINT =
  'check that it is in ~/.aws/config or ~/.aws/credentials (aws configure list-profiles lists them), ' +
  'with keys or a signed-in SSO session (aws sso login)';
