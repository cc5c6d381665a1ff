/**
 * Which AWS error codes count as a refusal (cli/aws/refusal-codes.ts): one
 * judgement for every service the CLI calls — SNS's topic refusals and any
 * command's setup error (a DynamoDB or CloudFormation `AccessDenied…`) alike.
 */
import { describe, expect, it } from 'vitest';
import { isNotAuthorized } from '../../cli/aws/refusal-codes';
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
