/**
 * The deployment lookup reads the filter-policy quota the deployed reconciler
 * plans against from the stack's `FilterPolicyQuota` output (declared when the
 * deployment sets `filterPolicyQuota`), so `owners sync-subscriptions --stack`
 * stops where the Lambda does, not at SNS's default 200 (docs/deploy.md,
 * "Owner subscriptions: the SNS quota"). Clients mocked at the boundary
 * (aws-sdk-client-mock).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DeploymentLookupError, lookUpDeployment } from '../../cli/aws/deployment-lookup';
import { mockProdStack } from '../support/deployed-stack';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

afterEach(() => {
  cfn.reset();
  lambda.reset();
});

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:prod-hygiene';

function clients() {
  return {
    cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
    lambda: new LambdaClient({ region: 'eu-west-1' }),
  };
}

/** Stack `Prod`, its `FilterPolicyQuota` output `quota` (none when undefined). */
function deployProd(quota: string | undefined): void {
  mockProdStack(cfn, lambda, {
    outputs: { topicArn: TOPIC, ...(quota !== undefined && { filterPolicyQuota: quota }) },
    config: { mode: 'enforce' },
  });
}

describe('lookUpDeployment: the filter-policy quota', () => {
  it('reads the FilterPolicyQuota output', async () => {
    deployProd('1000');
    const deployment = await lookUpDeployment('Prod', clients());
    expect(deployment.filterPolicyQuota).toBe(1000);
  });

  it('has none when the stack declares no output (SNS’s default stands)', async () => {
    deployProd(undefined);
    const deployment = await lookUpDeployment('Prod', clients());
    expect(deployment).not.toHaveProperty('filterPolicyQuota');
  });

  it('refuses an output that is no quota, naming the stack and the output', async () => {
    for (const bad of ['0', 'lots', '2.5']) {
      deployProd(bad);
      const lookup = lookUpDeployment('Prod', clients());
      await expect(lookup).rejects.toBeInstanceOf(DeploymentLookupError);
      await expect(lookup).rejects.toThrow(
        `stack Prod: output FilterPolicyQuota = ${JSON.stringify(bad)}: must be a whole number of at least 1 ` +
          `(the topic's "Filter policies per topic" quota; SNS's default is 200)`,
      );
      cfn.reset();
      lambda.reset();
    }
  });
});
