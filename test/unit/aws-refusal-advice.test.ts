/**
 * What an operator reads when AWS refuses a command (cli/options/aws-setup-errors.ts, said for the stack lookup,
 * cli/options/deployment-target.ts, and every table, cli/options/table-options.ts), at the client boundary
 * (aws-sdk-client-mock): refused credentials name the profile to refresh rather than telling its user to set one; a
 * denied `cloudformation:DescribeStacks`, `lambda:GetFunctionConfiguration`, DynamoDB `Scan` or KMS use on the table
 * keeps AWS's text (it names the action) and points at the IAM each command needs; a stack not found names the Region
 * searched; a Region whose AWS endpoint DNS does not know is asked about, not taken for a database to start.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lookUpStack } from '../../cli/options/deployment-target';
import { describeTableError, withTableErrors } from '../../cli/options/table-options';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { mockDeployedStack } from '../support/deployed-stack';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const ddb = mockClient(DynamoDBDocumentClient);

afterEach(() => {
  for (const mock of [cfn, lambda, ddb]) mock.reset();
  vi.unstubAllEnvs();
});

/** The lookup's clients, in eu-west-1 (the mocks answer them). */
const clients = () => ({
  cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
  lambda: new LambdaClient({ region: 'eu-west-1' }),
});

/** An error as the SDK throws AWS's refusal: its name is AWS's code. */
const refusal = (name: string, message: string) => Object.assign(new Error(message), { name });

/** A DNS failure as the SDK throws it (Node's getaddrinfo error). */
const unknownHost = (host: string) =>
  Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
    code: 'ENOTFOUND',
    errno: -3008,
    syscall: 'getaddrinfo',
    hostname: host,
  });

/** The message the stack lookup fails with, for `flags`. */
async function lookupFailure(flags: { profile?: string } = {}): Promise<string> {
  const error = await lookUpStack('HygieneProd', flags, clients()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

const IAM = '(docs/deploy.md, "Operating a deployment from the CLI", "What each command needs (IAM)")';

describe('credentials AWS refused', () => {
  const expired = () => refusal('ExpiredToken', 'The security token included in the request is expired');

  it('with --profile: names the profile and how to refresh it, never "set --profile"', async () => {
    cfn.on(DescribeStacksCommand).rejects(expired());

    const message = await lookupFailure({ profile: 'ops' });

    expect(message).toMatch(
      /^profile "ops" \(--profile\): AWS refused its credentials for looking up stack HygieneProd \(ExpiredToken\): refresh them \(aws sso login --profile ops, or new keys in that profile\)/,
    );
    expect(message).not.toContain('set --profile');
  });

  it('with AWS_PROFILE: names it as from the environment, quoted for the shell in the command', async () => {
    vi.stubEnv('AWS_PROFILE', 'prod ops');
    ddb.on(ScanCommand).rejects(expired());
    const client = createDocumentClient({ region: 'eu-west-1' });

    const error = await withTableErrors({ table: 'T1' }, () =>
      client.send(new ScanCommand({ TableName: 'T1' })),
    ).catch((e: unknown) => e);

    expect((error as Error).message).toBe(
      'profile "prod ops" (AWS_PROFILE): AWS refused its credentials for table T1 (ExpiredToken): ' +
        "refresh them (aws sso login --profile 'prod ops', or new keys in that profile)",
    );
  });

  it('without a profile: expired or invalid, get new credentials', async () => {
    vi.stubEnv('AWS_PROFILE', '');
    cfn.on(DescribeStacksCommand).rejects(expired());

    expect(await lookupFailure()).toMatch(
      /^AWS refused the credentials for looking up stack HygieneProd \(ExpiredToken\): expired or invalid: get new credentials \(aws sso login, or new keys in AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY\), or set --profile NAME or AWS_PROFILE/,
    );
  });
});

describe('a request the role may not make', () => {
  it('cloudformation:DescribeStacks denied: the lookup, AWS text, and the IAM to add', async () => {
    const text =
      'User: arn:aws:sts::111122223333:assumed-role/oncall/me is not authorized to perform: ' +
      'cloudformation:DescribeStacks on resource: arn:aws:cloudformation:eu-west-1:111122223333:stack/HygieneProd/*';
    cfn.on(DescribeStacksCommand).rejects(refusal('AccessDenied', text));

    expect(await lookupFailure()).toBe(
      `looking up stack HygieneProd: AccessDenied: ${text}: the role you run as needs this ${IAM}`,
    );
  });

  it('lambda:GetFunctionConfiguration denied (the deployed config): the same advice', async () => {
    mockDeployedStack(cfn, lambda, {
      stackName: 'HygieneProd',
      outputs: {
        tableName: 'T',
        topicArn: 'arn:aws:sns:eu-west-1:111122223333:t',
        sweepFunctionName: 'sweepfn',
      },
      config: {},
    });
    const text =
      'User: arn:aws:sts::111122223333:assumed-role/oncall/me is not authorized to perform: ' +
      'lambda:GetFunctionConfiguration on resource: arn:aws:lambda:eu-west-1:111122223333:function:sweepfn';
    lambda.on(GetFunctionConfigurationCommand).rejects(refusal('AccessDeniedException', text));

    expect(await lookupFailure()).toBe(
      `looking up stack HygieneProd: AccessDeniedException: ${text}: the role you run as needs this ${IAM}`,
    );
  });

  it.each([
    [
      'DynamoDB Scan',
      'AccessDeniedException',
      'User: arn:aws:sts::111122223333:assumed-role/oncall/me is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:eu-west-1:111122223333:table/T1',
    ],
    [
      "KMS on the table's key",
      'KMSAccessDeniedException',
      'KMS key access denied error: User: arn:aws:sts::111122223333:assumed-role/oncall/me is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-1:111122223333:key/abc',
    ],
  ])('%s denied: the table, AWS text, and the IAM to add', async (_, code, text) => {
    ddb.on(ScanCommand).rejects(refusal(code, text));
    const client = createDocumentClient({ region: 'eu-west-1' });

    const error = await withTableErrors({ table: 'T1', region: 'eu-west-1' }, () =>
      client.send(new ScanCommand({ TableName: 'T1' })),
    ).catch((e: unknown) => e);

    expect((error as Error).message).toBe(
      `table T1: ${code}: ${text}: the role you run as needs this ${IAM}`,
    );
  });
});

describe('the Region', () => {
  it('a stack not found names the Region it was looked for in', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejects(refusal('ValidationError', 'Stack with id HygieneProd does not exist'));

    expect(await lookupFailure()).toMatch(
      /^stack HygieneProd not found in eu-west-1: name the deployed stack/,
    );
  });

  it('an AWS endpoint DNS does not know: is the Region a Region name? (stack lookup and table alike)', async () => {
    cfn.on(DescribeStacksCommand).rejects(unknownHost('cloudformation.eu-wset-1.amazonaws.com'));
    const dynamo = unknownHost('dynamodb.eu-wset-1.amazonaws.com');

    expect(await lookupFailure()).toBe(
      'no AWS endpoint for Region eu-wset-1 (looking up stack HygieneProd: getaddrinfo ENOTFOUND ' +
        'cloudformation.eu-wset-1.amazonaws.com): is it a Region name, such as eu-west-1? (if it is, check your ' +
        'network and DNS)',
    );
    expect((describeTableError(dynamo, { table: 'T1', region: 'eu-wset-1' }) as Error).message).toBe(
      'no AWS endpoint for Region eu-wset-1 (table T1: getaddrinfo ENOTFOUND dynamodb.eu-wset-1.amazonaws.com): ' +
        'is it a Region name, such as eu-west-1? (if it is, check your network and DNS)',
    );
  });

  it('a local endpoint DNS does not know is still a database to start or name right', () => {
    const local = unknownHost('dynamo.local');

    expect(
      (describeTableError(local, { table: 'T1', endpoint: 'http://dynamo.local:8000' }) as Error).message,
    ).toBe('cannot reach DynamoDB at http://dynamo.local:8000 (ENOTFOUND): is it running?');
  });
});
