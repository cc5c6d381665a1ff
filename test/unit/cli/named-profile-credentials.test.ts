/**
 * A profile that gives no credentials is named in the error (`--profile`,
 * else `AWS_PROFILE`): the SDK's own message ("Could not load credentials from
 * any providers") does not name it, and telling an operator who gave
 * `--profile nosuch` to "set --profile NAME" sent them looking elsewhere
 * (cli/options/aws-setup-errors.ts). Without a profile the advice is unchanged.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeploymentClients } from '../../../cli/aws/deployment-lookup';
import { describeAwsSetupError } from '../../../cli/options/aws-setup-errors';
import { lookUpStack } from '../../../cli/options/deployment-target';
import { describeTableError } from '../../../cli/options/table-options';

const noCredentials = () =>
  Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
  });

const CHECK_PROFILE =
  'check that it is in ~/.aws/config or ~/.aws/credentials (aws configure list-profiles lists them), ' +
  'with keys or a signed-in SSO session (aws sso login)';

afterEach(() => vi.unstubAllEnvs());

describe('no credentials from a named profile', () => {
  it('names the --profile given, for a table', () => {
    vi.stubEnv('AWS_PROFILE', '');
    const error = describeTableError(noCredentials(), { table: 'T', region: 'eu-west-1', profile: 'nosuch' });

    expect((error as Error).message).toBe(
      `profile "nosuch" (--profile) gave no AWS credentials for table T: ${CHECK_PROFILE}`,
    );
  });

  it('names AWS_PROFILE when it is the profile used', () => {
    vi.stubEnv('AWS_PROFILE', 'ops');

    expect(describeAwsSetupError(noCredentials(), 'table T')?.message).toBe(
      `profile "ops" (AWS_PROFILE) gave no AWS credentials for table T: ${CHECK_PROFILE}`,
    );
  });

  it('a stack lookup names it too, then the way without a stack', async () => {
    vi.stubEnv('AWS_PROFILE', '');
    const failing = { send: () => Promise.reject(noCredentials()), destroy: () => undefined };
    const clients = { cloudFormation: failing, lambda: failing } as unknown as DeploymentClients;

    const error = await lookUpStack('Prod', { profile: 'nosuch' }, clients).catch((e: unknown) => e);

    expect((error as Error).message).toMatch(
      /^profile "nosuch" \(--profile\) gave no AWS credentials for looking up stack Prod: check that it is in .*; or use a local DynamoDB with --endpoint URL/,
    );
  });

  it('without a profile, says which to set, as before', () => {
    vi.stubEnv('AWS_PROFILE', '');

    expect(describeAwsSetupError(noCredentials(), 'table T')?.message).toBe(
      'no AWS credentials for table T: set --profile NAME or AWS_PROFILE (a profile of ~/.aws/config), ' +
        'or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
    );
  });
});
