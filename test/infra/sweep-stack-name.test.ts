/**
 * The shipped stack gives the sweep and notifier functions its own name
 * (`STACK_NAME`), so the admins' messages aim their commands at it (`--stack
 * NAME`): the sweep's report of a tripped guard (lambdas/render/admin-report.ts)
 * and the notifier's owner-unreachable report in its restore commands
 * (lambdas/hygiene/unreachable-report.ts), and with `relay` the SES events
 * function's report of a bounced digest. Only the stack that declares the
 * outputs the CLI's `--stack` reads sets it: the construct in a stack of one's
 * own leaves it out, and the reports keep their placeholder.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { parseConfig } from '../../lambdas/hygiene/config';
import { CredentialHygiene } from '../../lib/credential-hygiene';
import { PersonalClientHygieneStack } from '../../lib/personal-client-hygiene-stack';
import { environmentOf, SKIP_BUNDLING, synthApp } from './synth';

/** The environment variables of one of the stack's functions, as synthesized. */
describe("the sweep's and the notifier's environments name their stack", () => {
  it('the app as deployed: STACK_NAME is the stack’s name, on the sweep and notifier functions only', () => {
    const { template, stack } = synthApp();

    for (const named of [stack.hygiene.sweepFunction, stack.hygiene.notifierFunction]) {
      expect(environmentOf(template, stack, named)[HANDLER_ENV.stackName]).toBe(stack.stackName);
    }
    expect(stack.stackName).toBe('PersonalClientHygiene');
    expect(environmentOf(template, stack, stack.hygiene.reconcilerFunction)).not.toHaveProperty(
      HANDLER_ENV.stackName,
    );
  });

  it('a stack deployed under another name carries that name', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new PersonalClientHygieneStack(app, 'Hygiene', { stackName: 'HygieneProd' });

    const template = Template.fromStack(stack);
    for (const named of [stack.hygiene.sweepFunction, stack.hygiene.notifierFunction]) {
      expect(environmentOf(template, stack, named)[HANDLER_ENV.stackName]).toBe('HygieneProd');
    }
  });

  it('with ownerDelivery relay, the SES events function carries it too (a bounced digest’s report), the relay not', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new PersonalClientHygieneStack(app, 'Hygiene', {
      stackName: 'HygieneProd',
      settings: {
        config: parseConfig({ ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' }),
        adminEmails: [],
      },
    });
    const relay = stack.hygiene.relay;
    if (relay === undefined) throw new Error('no relay');

    const template = Template.fromStack(stack);
    expect(environmentOf(template, stack, relay.sesEventsFunction)[HANDLER_ENV.stackName]).toBe(
      'HygieneProd',
    );
    expect(environmentOf(template, stack, relay.relayFunction)).not.toHaveProperty(HANDLER_ENV.stackName);
  });

  it('the construct in a stack of one’s own leaves it out: --stack could not find that deployment', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'Platform');
    const hygiene = new CredentialHygiene(stack, 'Hygiene', { adminEmails: ['security@example.com'] });

    const template = Template.fromStack(stack);
    for (const fn of [hygiene.sweepFunction, hygiene.notifierFunction]) {
      const variables = environmentOf(template, stack, fn);
      expect(variables).toHaveProperty(HANDLER_ENV.tableName);
      expect(variables).not.toHaveProperty(HANDLER_ENV.stackName);
    }
  });
});
