/**
 * Small CLI helpers of the operator commands: who is acting (flag, env, STS
 * caller identity against AWS — mocked at the client boundary — else the OS
 * user), `--by` (never blank), the duration flag, `guard approve
 * --max-deletes`'s bound (the config's), and the listing formats (table, CSV).
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPERATOR_ENV, osUser, resolveVerifiedOperator } from '../../cli/aws/caller-identity';
import { MAX_APPROVED_DELETES } from '../../cli/commands/guard';
import { listingCsv, listingTable } from '../../cli/format/listing';
import { parseBy } from '../../cli/options/by-option';
import { durationIn } from '../../cli/options/duration';
import { UsageError } from '../../cli/usage-error';
import { ConfigError, parseConfig } from '../../lambdas/hygiene/config';

describe('resolveVerifiedOperator', () => {
  const sts = mockClient(STSClient);
  const ARN = 'arn:aws:sts::123456789012:assumed-role/ops/alice';
  let saved: string | undefined;
  beforeEach(() => {
    sts.reset();
    saved = process.env[OPERATOR_ENV];
    delete process.env[OPERATOR_ENV];
  });
  afterEach(() => {
    if (saved === undefined) delete process.env[OPERATOR_ENV];
    else process.env[OPERATOR_ENV] = saved;
  });

  it('--by first, then the environment variable; against AWS the caller ARN is kept beside either', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Arn: ARN });
    process.env[OPERATOR_ENV] = 'ci-job-42';
    expect(await resolveVerifiedOperator({ by: ' alice ' }, new STSClient({}))).toEqual({
      by: 'alice',
      callerArn: ARN,
    });
    expect(await resolveVerifiedOperator({}, new STSClient({}))).toEqual({ by: 'ci-job-42', callerArn: ARN });
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(2);
  });

  it('no name given: the caller ARN names them', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Arn: ARN });
    expect(await resolveVerifiedOperator({ region: 'eu-west-1' }, new STSClient({}))).toEqual({
      by: ARN,
      callerArn: ARN,
    });
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it('STS failing, or a local endpoint (not asked): the name or the OS user, and no ARN', async () => {
    sts.on(GetCallerIdentityCommand).rejects(new Error('no credentials'));
    expect(await resolveVerifiedOperator({}, new STSClient({}))).toEqual({ by: osUser() });
    expect(await resolveVerifiedOperator({ by: 'alice' }, new STSClient({}))).toEqual({ by: 'alice' });
    sts.reset();
    expect(await resolveVerifiedOperator({ endpoint: 'http://127.0.0.1:8000' }, new STSClient({}))).toEqual({
      by: osUser(),
    });
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });
});

describe('durationIn', () => {
  const parse = durationIn('--expires-in', 60_000, 7 * 86_400_000, '1m to 7d');
  it('reads minutes, hours and days within the range', () => {
    expect(parse('30m')).toBe(30 * 60_000);
    expect(parse('24h')).toBe(86_400_000);
    expect(parse('7d')).toBe(7 * 86_400_000);
  });
  it('refuses other forms and values out of range, naming the flag', () => {
    for (const bad of ['', '24', '1.5h', '-1h', '8d', '0m', '1w', 'h']) {
      expect(() => parse(bad), bad).toThrow(UsageError);
    }
    expect(() => parse('8d')).toThrow(
      '--expires-in "8d" must be a duration such as 30m, 24h or 2d, from 1m to 7d',
    );
  });
});

describe('listing', () => {
  it('a table aligns columns, prints - for nothing and sanitises stored text', () => {
    expect(
      listingTable(
        ['ID', 'N', 'NAME'],
        [
          ['a', 1, 'x\u001b[31m'],
          ['bbb', undefined, 'y'],
        ],
      ),
    ).toBe('ID   N  NAME\na    1  x\\x1b[31m\nbbb  -  y\n');
  });
  it('CSV quotes what needs it and defuses formulas', () => {
    expect(
      listingCsv(
        ['ID', 'NAME'],
        [
          ['a,b', '=cmd()'],
          ['c', undefined],
        ],
      ),
    ).toBe('ID,NAME\r\n"a,b",\'=cmd()\r\nc,\r\n');
  });
});

describe('--by', () => {
  it('is trimmed, and a blank one is a usage error, never a default name', () => {
    expect(parseBy(' alice ')).toBe('alice');
    for (const blank of ['', '   ', '\t']) {
      expect(() => parseBy(blank)).toThrow(new UsageError('--by must not be empty'));
    }
  });
});

describe('guard approve --max-deletes', () => {
  it('allows at most what the config maxDeletesPerRun may be', () => {
    expect(parseConfig({ maxDeletesPerRun: MAX_APPROVED_DELETES }).maxDeletesPerRun).toBe(
      MAX_APPROVED_DELETES,
    );
    expect(() => parseConfig({ maxDeletesPerRun: MAX_APPROVED_DELETES + 1 })).toThrow(ConfigError);
  });
});
