/**
 * `plan --input FILE` reads a file and looks no stack up, so the session's
 * `PC_HYGIENE_STACK` and `PC_HYGIENE_ENDPOINT` do not matter to it
 * (docs/deploy.md, "Operating a deployment from the CLI"): the pair, which is
 * refused next to every command that would look the stack up
 * (`refuseStackWithEndpoint`, ./stack-with-endpoint.test.ts), does not refuse
 * it. CloudFormation mocked at the client boundary (aws-sdk-client-mock): a
 * stack looked up would show as a `DescribeStacks`.
 */
import { fileURLToPath } from 'node:url';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerPlanCommand } from '../../../cli/commands/plan';
import { UsageError } from '../../../cli/usage-error';
import { runInProcess } from '../../support/in-process-cli';

const cfn = mockClient(CloudFormationClient);
const INPUT = fileURLToPath(new URL('../../fixtures/plan-input.jsonl', import.meta.url));

beforeEach(() => {
  vi.stubEnv('PC_HYGIENE_STACK', 'Prod');
  vi.stubEnv('PC_HYGIENE_ENDPOINT', 'http://127.0.0.1:8000');
  vi.stubEnv('PC_HYGIENE_TABLE', undefined);
});
afterEach(() => {
  cfn.reset();
  vi.unstubAllEnvs();
});

describe('plan --input with PC_HYGIENE_STACK and PC_HYGIENE_ENDPOINT set', () => {
  it('plans the file, looking nothing up', async () => {
    const run = await runInProcess(registerPlanCommand, [
      'plan',
      '--input',
      INPUT,
      '--now',
      '2026-11-26T00:00:00Z',
    ]);

    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain('Plan for');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('still refuses plan on a table with the pair (that plan would look the stack up)', async () => {
    const run = await runInProcess(registerPlanCommand, ['plan', '--now', '2026-11-26T00:00:00Z']);

    expect(run.error).toBeInstanceOf(UsageError);
    expect((run.error as Error).message).toMatch(/^PC_HYGIENE_STACK=Prod with PC_HYGIENE_ENDPOINT=/);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });
});
