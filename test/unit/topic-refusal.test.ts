/**
 * The advice an operator gets when the notification topic refuses a publish or
 * a subscribe (cli/aws/topic-refusal.ts; docs/deploy.md, "Operating a
 * deployment from the CLI"): SNS refuses the same way a role missing from the
 * stack's `operatorPrincipalArns` and a listed role whose own IAM policy lacks
 * the action (or, to publish, the topic key's use), so the advice names both.
 * Also the publisher wrapper `notify` asks whether any entry of a drain was
 * refused (cli/aws/refusal-watching-publisher.ts); which codes count as a
 * refusal: test/unit/refusal-codes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { RefusalWatchingPublisher } from '../../cli/aws/refusal-watching-publisher';
import { topicRefusalAdvice } from '../../cli/aws/topic-refusal';
import { SNS_LIMITS } from '../../lambdas/aws/sns-wire';
import type { FailedEntry, NotificationPublisher } from '../../lambdas/hygiene/outbox-ports';

const CALLER = 'arn:aws:sts::123456789012:assumed-role/Operators/alice';
const SEE_DOCS = '(docs/deploy.md, "Operating a deployment from the CLI")';

describe('topicRefusalAdvice', () => {
  it("on the stack's topic, a publish: operatorPrincipalArns, or the listed role's IAM policy and key use", () => {
    expect(topicRefusalAdvice('publish', CALLER, 'stack')).toBe(
      "the topic accepts only the worker's roles and the stack's operatorPrincipalArns: " +
        `add the role you run as (${CALLER}) to operatorPrincipalArns and redeploy (if it is listed, the role's IAM ` +
        'policy must allow sns:Publish on the topic and, if the topic is encrypted, kms:GenerateDataKey and ' +
        "kms:Decrypt on its key; for a topic the stack was given, add the role to that topic's own policy; " +
        'docs/deploy.md, "Operating a deployment from the CLI")',
    );
  });

  it("on the stack's topic, a subscribe: operatorPrincipalArns, or the listed role's sns:Subscribe", () => {
    expect(topicRefusalAdvice('subscribe', undefined, 'stack')).toBe(
      "the topic lets only its reconciler, the stack's operatorPrincipalArns and the role CloudFormation deploys " +
        'with subscribe: add the role you run as to operatorPrincipalArns and redeploy (if it is listed, the ' +
        "role's IAM policy must allow sns:Subscribe on the topic; for a topic the stack was given, add the role to " +
        'that topic\'s own policy; docs/deploy.md, "Operating a deployment from the CLI")',
    );
  });

  it('on a topic named with --topic-arn: its policy and the IAM policy, never operatorPrincipalArns', () => {
    expect(topicRefusalAdvice('publish', undefined, 'named')).toBe(
      "the topic's policy must allow the role you run as sns:Publish on it, and the role's IAM policy sns:Publish " +
        `on the topic and, if the topic is encrypted, kms:GenerateDataKey and kms:Decrypt on its key ${SEE_DOCS}`,
    );
    expect(topicRefusalAdvice('subscribe', CALLER, 'named')).toBe(
      `the topic's policy must allow the role you run as (${CALLER}) sns:Subscribe on it, and the role's IAM ` +
        `policy sns:Subscribe on the topic ${SEE_DOCS}`,
    );
  });

  it('is one clause: no trailing punctuation for the caller to double', () => {
    for (const action of ['publish', 'subscribe'] as const) {
      for (const topic of ['stack', 'named'] as const) {
        expect(topicRefusalAdvice(action, undefined, topic)).toMatch(/\)$/);
      }
    }
  });
});

/** A publisher answering each call with the next of `answers` (every entry of a call failed with that code, or none). */
function scriptedPublisher(answers: readonly (string | undefined)[]): NotificationPublisher {
  let call = 0;
  return {
    limits: SNS_LIMITS,
    publishBatch: async () => {
      const code = answers[call++];
      const failed: FailedEntry[] =
        code === undefined ? [] : [{ id: '0', code, message: 'refused or failed', senderFault: false }];
      return { failed };
    },
  };
}

describe('RefusalWatchingPublisher', () => {
  it('remembers a refused entry met after any number of other failures, and passes results through', async () => {
    const answers = [...Array.from({ length: 30 }, () => 'InternalError'), 'AuthorizationError', undefined];
    const watched = new RefusalWatchingPublisher(scriptedPublisher(answers));
    expect(watched.limits).toBe(SNS_LIMITS);
    const codes: string[] = [];
    for (let i = 0; i < answers.length; i++) {
      const { failed } = await watched.publishBatch([]);
      codes.push(...failed.map((f) => f.code));
      expect(watched.refusedAny).toBe(i >= 30);
    }
    expect(codes).toEqual(answers.filter((a) => a !== undefined));
  });

  it('stays false when nothing was refused', async () => {
    const watched = new RefusalWatchingPublisher(scriptedPublisher(['Throttled', undefined]));
    await watched.publishBatch([]);
    await watched.publishBatch([]);
    expect(watched.refusedAny).toBe(false);
  });

  it('lets an error of the wrapped publisher through', async () => {
    const failing: NotificationPublisher = {
      limits: SNS_LIMITS,
      publishBatch: async () => {
        throw new Error('too many entries');
      },
    };
    await expect(new RefusalWatchingPublisher(failing).publishBatch([])).rejects.toThrow('too many entries');
  });
});
