/**
 * `targetFlagsOf`: the flags a command the CLI tells the operator to type
 * (the tripped guard's `sweep --dry-run` and `guard approve`) carries, so that pasted as shown it
 * acts on the table the run used — a local table, a named stack or a table
 * named directly — and nothing extra for the default stack; an endpoint
 * that may hold a secret is never printed (stdout ends up in CI logs).
 */
import { describe, expect, it } from 'vitest';
import { targetFlagsOf } from '../../../cli/options/deployment-target';

describe('targetFlagsOf', () => {
  it('a local table: its endpoint and table, the default table named', () => {
    expect(targetFlagsOf({ endpoint: 'http://127.0.0.1:8000', table: 'T1' })).toBe(
      '--endpoint http://127.0.0.1:8000 --table T1',
    );
    expect(targetFlagsOf({ endpoint: 'http://127.0.0.1:8000' })).toBe(
      '--endpoint http://127.0.0.1:8000 --table PersonalClients',
    );
  });

  it('a stack named: --stack, and a table given beside it; the default stack: nothing', () => {
    expect(targetFlagsOf({ stack: 'HygieneProd' })).toBe('--stack HygieneProd');
    expect(targetFlagsOf({ stack: 'HygieneProd', table: 'Other' })).toBe('--stack HygieneProd --table Other');
    expect(targetFlagsOf({})).toBe('');
  });

  it('a table in AWS named directly, and --region/--profile when given', () => {
    expect(targetFlagsOf({ table: 'T1', region: 'eu-west-1', profile: 'ops' })).toBe(
      '--table T1 --region eu-west-1 --profile ops',
    );
    expect(targetFlagsOf({ region: 'eu-west-1' })).toBe('--region eu-west-1');
  });

  it('quotes a value for the shell, and shows a placeholder for one that cannot be typed back', () => {
    expect(targetFlagsOf({ endpoint: 'http://h:8000/db&b', table: "it's" })).toBe(
      "--endpoint 'http://h:8000/db&b' --table 'it'\\''s'",
    );
    expect(targetFlagsOf({ stack: 'S', profile: 'a\u001b[2Jb' })).toBe('--stack S --profile PROFILE');
  });

  it('never prints an endpoint that may hold a secret (user info, a query, a fragment): its placeholder', () => {
    for (const endpoint of [
      'http://user:s3cret@h:8000',
      'http://:s3cret@h:8000/',
      'http://user@h:8000',
      'http://h:8000/?token=s3cret',
      'http://h:8000/#s3cret',
      'not a url s3cret',
    ]) {
      expect(targetFlagsOf({ endpoint, table: 'T1' }), endpoint).toBe('--endpoint URL --table T1');
    }
    expect(targetFlagsOf({ endpoint: 'https://dynamodb.local:8443/base', table: 'T1' })).toBe(
      '--endpoint https://dynamodb.local:8443/base --table T1',
    );
  });
});
