/**
 * The one CloudFormation stack-name rule (`lambdas/render/stack-name.ts`): the
 * CLI's `--stack` refuses, before any lookup, exactly the names the admins'
 * report will not put in its commands.
 */
import { describe, expect, it } from 'vitest';
import type { DeploymentClients } from '../../cli/aws/deployment-lookup';
import { lookUpStack } from '../../cli/options/deployment-target';
import { UsageError } from '../../cli/usage-error';
import { isStackName } from '../../lambdas/render/stack-name';

/** Lookup clients that fail the test if a refused name ever reaches them. */
const UNTOUCHABLE = new Proxy({} as DeploymentClients, {
  get: () => {
    throw new Error('a name the rule refuses reached the lookup');
  },
});

describe('the stack-name rule', () => {
  it('is a letter, then letters, digits and hyphens, up to 128 characters', () => {
    for (const name of ['Prod', 'p', 'PersonalClientHygiene', 'a-1-b', `A${'b'.repeat(127)}`])
      expect(isStackName(name), name).toBe(true);
    for (const name of ['', '1prod', '-prod', 'prod_1', 'prod 1', `A${'b'.repeat(128)}`, 'prod; rm -rf ~'])
      expect(isStackName(name), name).toBe(false);
  });

  it.each([
    '1prod',
    'prod_1',
    `A${'b'.repeat(128)}`,
    'arn:aws:cloudformation:eu-west-1:123456789012:stack/Prod/1',
  ])('the CLI refuses --stack %j as a usage error, looking nothing up', async (name) => {
    const refused = lookUpStack(name, {}, UNTOUCHABLE);

    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(
      `--stack ${JSON.stringify(name)} is not a CloudFormation stack name`,
    );
  });
});
