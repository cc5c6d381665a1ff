/**
 * The sweep's alarm topic check is wired (lib/credential-hygiene/alarm-topic.ts, lib/hygiene-grants.ts): its function gets the
 * alarm topic's ARN (`ALARM_TOPIC_ARN`) and its role `sns:ListSubscriptionsByTopic` on exactly that topic — the one
 * the stack creates, or a brought `alarmTopic`, built in the app or imported — and on no other; with `alarms: false`
 * neither (no alarm topic: the handler makes no check). No other function may list the alarm topic, and cdk-nag stays
 * clean. The handler's side: test/infra/sweep-handler-alarm-topic.test.ts.
 */
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { CredentialHygiene } from '../../lib/credential-hygiene';
import type { CredentialHygieneProps } from '../../lib/credential-hygiene-props';
import type { HygieneFunction } from '../../lib/hygiene-function';
import { decide, expressionText, functionRoleStatements, type PolicyTemplate } from './support/role-policy';
import { environmentOf, SKIP_BUNDLING, synthApp } from './synth';

const LIST = 'sns:ListSubscriptionsByTopic';
const BROUGHT_ARN = 'arn:aws:sns:eu-west-1:123456789012:security-alarms';

interface Built {
  readonly app: App;
  readonly stack: Stack;
  readonly hygiene: CredentialHygiene;
  readonly template: Template;
}

/** The construct in a stack of its own, with the props `propsOf` gives in that stack. */
function build(propsOf: (stack: Stack) => CredentialHygieneProps): Built {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const hygiene = new CredentialHygiene(stack, 'Hygiene', propsOf(stack));
  return { app, stack, hygiene, template: Template.fromStack(stack) };
}

/** The shipped stack as `cdk synth` builds it with the defaults. */
function shipped(): Built {
  const { app, stack, template } = synthApp();
  return { app, stack, hygiene: stack.hygiene, template };
}

const idOf = (stack: Stack, fn: HygieneFunction) =>
  stack.getLogicalId(fn.function.node.defaultChild as CfnElement);

/** The resources (template notation) on which `fn`'s role is allowed `sns:ListSubscriptionsByTopic`. */
function listedBy({ stack, template }: Built, fn: HygieneFunction): string[] {
  return functionRoleStatements(template.toJSON() as PolicyTemplate, idOf(stack, fn))
    .filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes(LIST))
    .flatMap((s) => [s.Resource].flat().map(expressionText));
}

/** What the sweep function's `ALARM_TOPIC_ARN` holds, in template notation; undefined when unset. */
function alarmTopicVariable({ stack, template, hygiene }: Built): string | undefined {
  const value = environmentOf(template, stack, hygiene.sweepFunction)[HANDLER_ENV.alarmTopicArn];
  return value === undefined ? undefined : expressionText(value);
}

/** The alarm topic's ARN in template notation. */
const alarmTopicOf = ({ stack, hygiene }: Built) =>
  expressionText(stack.resolve(hygiene.alarmTopic?.topicArn));

function expectCheckWired(built: Built, alarmTopic: string): void {
  const { hygiene, stack, template } = built;
  expect(alarmTopicVariable(built)).toBe(alarmTopic);
  expect(listedBy(built, hygiene.sweepFunction)).toEqual([alarmTopic]);
  // Not the notification topic: the sweep publishes there, and lists nothing.
  const statements = functionRoleStatements(
    template.toJSON() as PolicyTemplate,
    idOf(stack, hygiene.sweepFunction),
  );
  expect(decide(statements, LIST, expressionText(stack.resolve(hygiene.topic.topicArn)))).toBe('not allowed');
  // No other function may list the alarm topic.
  for (const fn of [hygiene.notifierFunction, hygiene.reconcilerFunction]) {
    expect(listedBy(built, fn)).not.toContain(alarmTopic);
  }
}

const nagFindings = (app: App) =>
  new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName);

describe('the sweep lists the alarm topic’s subscriptions, that topic only', () => {
  it('the shipped stack: the alarm topic it creates, by Ref in the variable and the grant; cdk-nag clean', () => {
    const built = shipped();
    const alarmTopic = alarmTopicOf(built);
    expect(alarmTopic).toMatch(/^\{\w*AlarmTopic\w*\}$/);
    expectCheckWired(built, alarmTopic);
    expect(nagFindings(built.app)).toEqual([]);
  });

  it('a brought alarm topic built in the app: the same, on that topic', () => {
    const built = build((stack) => ({
      alarmTopic: new sns.Topic(stack, 'TeamAlarms', {
        masterKey: new kms.Key(stack, 'TeamKey', { enableKeyRotation: true }),
        enforceSSL: true,
      }),
      adminEmails: ['security@example.com'],
    }));
    const alarmTopic = alarmTopicOf(built);
    expect(alarmTopic).toMatch(/^\{TeamAlarms\w*\}$/);
    expectCheckWired(built, alarmTopic);
    expect(nagFindings(built.app)).toEqual([]);
  });

  it('an imported alarm topic: its literal ARN, in the variable and the grant', () => {
    const built = build((stack) => ({
      alarmTopic: sns.Topic.fromTopicArn(stack, 'TeamAlarms', BROUGHT_ARN),
    }));
    expectCheckWired(built, BROUGHT_ARN);
  });

  it('alarms off: no alarm topic, no variable, no listing grant (the handler makes no check)', () => {
    const built = build(() => ({ alarms: false }));
    expect(built.hygiene.alarmTopic).toBeUndefined();
    expect(alarmTopicVariable(built)).toBeUndefined();
    expect(listedBy(built, built.hygiene.sweepFunction)).toEqual([]);
  });
});
