/**
 * Which AWS error codes count as a refusal (cli/aws/refusal-codes.ts): one
 * judgement for every service the CLI calls — SNS's topic refusals and any
 * command's setup error (a DynamoDB or CloudFormation `AccessDenied…`) alike —
 * and which say the credentials were refused (expired, unknown, wrongly
 * signed) or that the SDK could load none: the setup errors and the stop of
 * `restore --run` judge them by the same rule.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { areCredentialsRejected, gaveNoCredentials, isNotAuthorized } from '../../cli/aws/refusal-codes';
import { describeAwsSetupError } from '../../cli/options/aws-setup-errors';

describe('isNotAuthorized', () => {
  it.each([
    'AuthorizationErrorException',
    'AuthorizationError',
    'AccessDenied',
    'AccessDeniedException',
    'KMSAccessDenied',
    'KMSAccessDeniedException',
    'AuthorizationErrorException: User: x is not authorized',
  ])('%s is a refusal', (code) => {
    expect(isNotAuthorized(code)).toBe(true);
  });

  it.each([
    'InternalErrorException',
    'Throttled',
    'KMSThrottlingException',
    'KMSDisabledException',
    'Unconfirmed',
    'x AuthorizationError',
  ])('%s is not', (code) => {
    expect(isNotAuthorized(code)).toBe(false);
  });
});

describe('a refusal outside SNS', () => {
  it("is a DynamoDB denial too: the setup error keeps AWS's text and points at the IAM", () => {
    const denied = Object.assign(new Error('User: x is not authorized to perform: dynamodb:Scan'), {
      name: 'AccessDeniedException',
    });
    expect(describeAwsSetupError(denied, 'table T1')?.message).toBe(
      'table T1: AccessDeniedException: User: x is not authorized to perform: dynamodb:Scan: the role you run as ' +
        'needs this (docs/deploy.md, "Operating a deployment from the CLI", "What each command needs (IAM)")',
    );
  });
});

describe('areCredentialsRejected', () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([
    'ExpiredTokenException',
    'ExpiredToken',
    'UnrecognizedClientException',
    'InvalidClientTokenId',
    'InvalidSignatureException',
    'SignatureDoesNotMatch',
    'IncompleteSignatureException',
    'IncompleteSignature',
    'MissingAuthenticationTokenException',
    'MissingAuthenticationToken',
  ])('%s: AWS refused the credentials', (code) => {
    expect(areCredentialsRejected(code)).toBe(true);
    expect(isNotAuthorized(code)).toBe(false);
  });

  it.each([
    'AccessDeniedException',
    'CredentialsProviderError',
    'ThrottlingException',
    'ExpiredTokenExceptionX',
  ])('%s is not', (code) => {
    expect(areCredentialsRejected(code)).toBe(false);
  });

  it('no credentials loaded is told apart: CredentialsProviderError alone', () => {
    expect(gaveNoCredentials('CredentialsProviderError')).toBe(true);
    expect(gaveNoCredentials('ExpiredTokenException')).toBe(false);
  });

  it('the setup error says credentials AWS refused as refused, by the same rule', () => {
    vi.stubEnv('AWS_PROFILE', '');
    const expired = Object.assign(new Error('The security token included in the request is expired'), {
      name: 'ExpiredTokenException',
    });
    expect(describeAwsSetupError(expired, 'table T1')?.message).toMatch(
      /^AWS refused the credentials for table T1 \(ExpiredTokenException\): expired or invalid: /,
    );
  });
});
