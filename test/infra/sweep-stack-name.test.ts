/**
 * The shipped stack gives the sweep function its own name (`STACK_NAME`), so
 * the admins' report of a tripped guard aims its commands at it (`--stack
 * NAME`, lambdas/render/admin-report.ts). Only the stack that declares the
 * outputs the CLI's `--stack` reads sets it: the construct in a stack of one's
 * own leaves it out, and the report keeps its placeholder.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { CredentialHygiene } from '../../lib/credential-hygiene';
import { PersonalClientHygieneStack } from '../../lib/personal-client-hygiene-stack';
import { environmentOf, SKIP_BUNDLING, synthApp } from './synth';

/** The environment variables of one of the stack's functions, as synthesized. */
describe("the sweep function's environment names its stack", () => {
  it('the app as deployed: STACK_NAME is the stack’s name, on the sweep function only', () => {
    const { template, stack } = synthApp();

    expect(environmentOf(template, stack, stack.hygiene.sweepFunction)[HANDLER_ENV.stackName]).toBe(
      stack.stackName,
    );
    expect(stack.stackName).toBe('PersonalClientHygiene');
    for (const other of [stack.hygiene.notifierFunction, stack.hygiene.reconcilerFunction]) {
      expect(environmentOf(template, stack, other)).not.toHaveProperty(HANDLER_ENV.stackName);
    }
  });

  it('a stack deployed under another name carries that name', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new PersonalClientHygieneStack(app, 'Hygiene', { stackName: 'HygieneProd' });

    const variables = environmentOf(Template.fromStack(stack), stack, stack.hygiene.sweepFunction);
    expect(variables[HANDLER_ENV.stackName]).toBe('HygieneProd');
  });

  it('the construct in a stack of one’s own leaves it out: --stack could not find that deployment', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'Platform');
    const hygiene = new CredentialHygiene(stack, 'Hygiene', { adminEmails: ['security@example.com'] });

    const variables = environmentOf(Template.fromStack(stack), stack, hygiene.sweepFunction);
    expect(variables).toHaveProperty(HANDLER_ENV.tableName);
    expect(variables).not.toHaveProperty(HANDLER_ENV.stackName);
  });
});
