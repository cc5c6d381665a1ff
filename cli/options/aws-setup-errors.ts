/**
 * The AWS setup mistakes every command that reaches AWS can hit (no region,
 * no or expired credentials, an unknown profile, a misspelt Region, a role
 * without a permission), said in one line that names what to set — the flag
 * and the environment variable — instead of the SDK's raw error (README,
 * "CLI": `--region`, `--profile`). When a profile was named (`--profile`,
 * else `AWS_PROFILE`), a lack of credentials, or credentials AWS refused,
 * names it: the SDK's own message does not, and telling the operator to set a
 * profile they set sends them looking in the wrong place. A denial
 * (`AccessDenied…`, `KMSAccessDenied…`: `isNotAuthorized`, the one test of
 * it, cli/aws/refusal-codes.ts) keeps AWS's text, which names the action and
 * the resource, and points at the IAM each command needs (docs/deploy.md,
 * "Operating a deployment from the CLI", "What each command needs (IAM)").
 * Which codes are credentials AWS refused, or none the SDK could load, is
 * judged there too (`areCredentialsRejected`, `gaveNoCredentials`).
 */
import { describeError } from '../../lambdas/hygiene/errors';
import { areCredentialsRejected, gaveNoCredentials, isNotAuthorized } from '../aws/refusal-codes';
import { typedWord } from '../format/shell-word';

/** AWS is not set up for this command: exit 1 with this message. */
export class AwsSetupError extends Error {
  override readonly name = 'AwsSetupError';
}

const REGION_HINT = 'set --region REGION or AWS_REGION (or a region in your AWS profile)';
const CREDENTIALS_HINT =
  'set --profile NAME or AWS_PROFILE (a profile of ~/.aws/config), or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY';

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
 * Rewrites a missing region, missing or rejected credentials, an unknown
 * profile, a request the role may not make (its key's use included) and an
 * AWS endpoint DNS does not know (a misspelt Region) into an
 * {@link AwsSetupError}; anything else gives `undefined`.
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
  if (gaveNoCredentials(code) || /Could not load credentials/i.test(message)) {
    const detail = /profile/i.test(message) ? ` (${message})` : '';
    const named = namedProfile(context.profile);
    if (named !== undefined) {
      return new AwsSetupError(
        `profile ${named.label} gave no AWS credentials for ${doing}${detail}: ${hint(PROFILE_HINT)}`,
      );
    }
    return new AwsSetupError(`no AWS credentials for ${doing}${detail}: ${hint(CREDENTIALS_HINT)}`);
  }
  if (areCredentialsRejected(code)) return rejectedCredentials(code, doing, context, hint);
  if (isNotAuthorized(code)) {
    return new AwsSetupError(
      `${doing}: ${code}: ${message}: the role you run as needs this (${IAM_SECTION})`,
    );
  }
  const region = unknownRegionEndpoint(error);
  if (region !== undefined) {
    return new AwsSetupError(
      `no AWS endpoint for Region ${region} (${doing}: ${message}): is it a Region name, such as eu-west-1? ` +
        '(if it is, check your network and DNS)',
    );
  }
  return undefined;
}

/** Where the IAM a command needs is listed, as an access denial's advice cites it. */
const IAM_SECTION = 'docs/deploy.md, "Operating a deployment from the CLI", "What each command needs (IAM)"';

/**
 * Credentials AWS refused (expired or invalid): a named profile's are refreshed through it (`aws sso login
 * --profile NAME`, or new keys in it), and telling its user to set a profile they set would send them looking in the
 * wrong place; without one, new credentials in the environment or a profile.
 */
function rejectedCredentials(
  code: string,
  doing: string,
  context: AwsSetupContext,
  hint: (text: string) => string,
): AwsSetupError {
  const named = namedProfile(context.profile);
  if (named !== undefined) {
    return new AwsSetupError(
      `profile ${named.label}: AWS refused its credentials for ${doing} (${code}): ` +
        hint(`refresh them (aws sso login --profile ${named.word}, or new keys in that profile)`),
    );
  }
  return new AwsSetupError(
    `AWS refused the credentials for ${doing} (${code}): expired or invalid: ` +
      hint(
        'get new credentials (aws sso login, or new keys in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or set ' +
          '--profile NAME or AWS_PROFILE (a profile of ~/.aws/config)',
      ),
  );
}

/**
 * The Region of an AWS service endpoint whose name DNS does not know (`ENOTFOUND dynamodb.eu-wset-1.amazonaws.com`):
 * a misspelt Region gives an endpoint that does not exist. `undefined` for another error, or another host (a local
 * `--endpoint`, whose own message says to check that it runs).
 */
function unknownRegionEndpoint(error: unknown): string | undefined {
  const { systemCode } = describeError(error);
  if (systemCode !== 'ENOTFOUND') return undefined;
  const host = /ENOTFOUND (\S+)/.exec(describeError(error).message)?.[1];
  return host === undefined ? undefined : AWS_ENDPOINT_HOST.exec(host)?.[1];
}

/** An AWS service endpoint's host name, its Region captured: `dynamodb.eu-west-1.amazonaws.com` (or `.com.cn`). */
const AWS_ENDPOINT_HOST =
  /^[a-z0-9-]+(?:\.[a-z0-9-]+)*?\.([a-z]{2,4}(?:-[a-z0-9]+)+-\d{1,2})\.amazonaws\.com(?:\.cn)?$/;

/**
 * The profile the SDK read, as a message names it with where it came from (`label`: `"ops" (--profile)`,
 * `"ops" (AWS_PROFILE)`) and as a command to type names it (`word`: `ops`, quoted for the shell when it must be), or
 * `undefined` when none was named.
 */
function namedProfile(flag: string | undefined): { label: string; word: string } | undefined {
  const [name, source] =
    flag !== undefined && flag !== '' ? [flag, '--profile'] : [process.env.AWS_PROFILE, 'AWS_PROFILE'];
  if (name === undefined || name === '') return undefined;
  return { label: `${JSON.stringify(name)} (${source})`, word: typedWord(name, 'NAME') };
}

/** What to check when a named profile gave no credentials. */
const PROFILE_HINT =
  'check that it is in ~/.aws/config or ~/.aws/credentials (aws configure list-profiles lists them), ' +
  'with keys or a signed-in SSO session (aws sso login)';
