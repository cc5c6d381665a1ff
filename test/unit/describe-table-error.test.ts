/**
 * `describeTableError` rewords only the table's own errors (an unreachable
 * database, missing credentials, as the SDK raises them): an error the code
 * base raised with a `cause` — a failed listing of the topic's subscriptions
 * — already says what failed and where, and reaches the operator as itself.
 * An unreachable database is advised by where it is: a local endpoint may not
 * be running, AWS's may not be reachable from here or be in another Region.
 */
import { describe, expect, it, vi } from 'vitest';
import { AwsSetupError } from '../../cli/options/aws-setup-errors';
import { describeTableError, TableAccessError } from '../../cli/options/table-options';
import { SubscriptionListingError } from '../../lambdas/hygiene/notifier';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:credential-hygiene';
const TABLE = { table: 'T1', endpoint: 'http://127.0.0.1:8000' };

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', syscall: 'connect' });
const noCredentials = () =>
  Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
  });

describe('describeTableError', () => {
  it('rewords the SDK’s unreachable database and missing credentials as the table’s', () => {
    const unreachable = describeTableError(refused(), TABLE);
    expect(unreachable).toBeInstanceOf(TableAccessError);
    expect((unreachable as Error).message).toBe(
      'cannot reach DynamoDB at http://127.0.0.1:8000 (ECONNREFUSED): is it running?',
    );
    const setup = describeTableError(noCredentials(), TABLE);
    expect(setup).toBeInstanceOf(AwsSetupError);
    expect((setup as Error).message).toMatch(/^no AWS credentials for table T1: /);
  });

  it('says a write may have applied when the connection was cut after the request, not when it was refused', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect((describeTableError(reset, TABLE) as Error).message).toBe(
      'cannot reach DynamoDB at http://127.0.0.1:8000 (ECONNRESET): is it running?; the connection was cut after a ' +
        'request was sent: if this command writes, a write may have applied, so check before running it again',
    );
    expect((describeTableError(refused(), TABLE) as Error).message).not.toMatch(/may have applied/);
  });

  it('asks whether a local endpoint runs, but in AWS names the network path and the Region it tried', () => {
    const awsAdvice = (region: string) =>
      `(ECONNREFUSED): check this machine's network, firewall or proxy and, inside a VPC, its route to DynamoDB ` +
      `(a NAT gateway or a DynamoDB VPC endpoint), and that ${region} is the Region you meant (--region)`;
    vi.stubEnv('AWS_REGION', 'us-west-2');
    try {
      expect((describeTableError(refused(), { table: 'T1', region: 'eu-west-1' }) as Error).message).toBe(
        `cannot reach DynamoDB in eu-west-1 ${awsAdvice('eu-west-1')}`,
      );
      expect((describeTableError(refused(), { table: 'T1' }) as Error).message).toBe(
        `cannot reach DynamoDB in us-west-2 ${awsAdvice('us-west-2')}`,
      );
      vi.stubEnv('AWS_REGION', '');
      expect((describeTableError(refused(), { table: 'T1' }) as Error).message).toBe(
        `cannot reach DynamoDB in your AWS profile's Region ${awsAdvice("your AWS profile's Region")}`,
      );
      expect((describeTableError(refused(), { ...TABLE, region: 'eu-west-1' }) as Error).message).toBe(
        'cannot reach DynamoDB at http://127.0.0.1:8000 (ECONNREFUSED): is it running?',
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('names an endpoint that may hold a secret by a placeholder, never as given', () => {
    const secret = { table: 'T1', endpoint: 'http://ops:s3cret@10.0.0.5:8000' };
    expect((describeTableError(refused(), secret) as Error).message).toBe(
      'cannot reach DynamoDB at (an endpoint URL with credentials, a query or a fragment: not shown) (ECONNREFUSED): ' +
        'is it running?',
    );
  });

  it.each([
    ['an unreachable SNS endpoint', refused],
    ['missing credentials', noCredentials],
  ])('leaves a failed subscription listing caused by %s as it is: it names the topic', (_, cause) => {
    const listing = new SubscriptionListingError(TOPIC, 3, cause());

    expect(describeTableError(listing, TABLE)).toBe(listing);
    expect(listing.message).toMatch(
      new RegExp(`^listing the subscriptions of ${TOPIC} failed .*the 3 pending item\\(s\\) stay pending`),
    );
  });
});
