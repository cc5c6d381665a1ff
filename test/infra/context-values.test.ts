/**
 * Context values the app can tell are not what was meant fail the synth, naming the key (lib/config.ts): a
 * schedule EventBridge Scheduler would refuse at deploy (what the schedule reader knows is invalid; what it only
 * cannot judge stays a warning), and a JSON list whose quotes the shell took (`-c adminEmails=[a,b]`), which was
 * split on its commas into addresses such as `[a`.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ContextError, readDeploymentSettings } from '../../lib/config';
import { thrownBy } from '../support/thrown';
import { synthApp } from './synth';

const contextError = (context: Record<string, unknown>) =>
  thrownBy(ContextError, () => readDeploymentSettings(context));

const EXAMPLE = 'write one such as "cron(0 3 * * ? *)" or "rate(15 minutes)"';
const refused = (key: string, value: string, why: string) =>
  `${key} = ${JSON.stringify(value)}: EventBridge Scheduler refuses it (${why}); ${EXAMPLE}`;

describe('schedules Scheduler refuses', () => {
  it('fail the synth, naming the key, the expression and why', () => {
    expect(
      contextError({
        sweepSchedule: 'cron(0 3 * * *)',
        notifierSchedule: 'rate(0 minutes)',
        reconcilerSchedule: 'cron(0 25 * * ? *)',
      }).problems,
    ).toEqual([
      refused('sweepSchedule', 'cron(0 3 * * *)', 'a cron expression has six fields, not 5'),
      refused('notifierSchedule', 'rate(0 minutes)', 'a rate of zero'),
      refused('reconcilerSchedule', 'cron(0 25 * * ? *)', '"25" in the hours field: 25 is outside 0-23'),
    ]);
  });

  it.each([
    ['cron(0 3 * * * *)', 'one of day-of-month and day-of-week must be ?, and only one'],
    ['cron(0 3 ? * ? *)', 'one of day-of-month and day-of-week must be ?, and only one'],
    ['cron(60 3 * * ? *)', '"60" in the minutes field: 60 is outside 0-59'],
    ['cron(0 3 0 * ? *)', '"0" in the day-of-month field: 0 is outside 1-31'],
    ['cron(0 3 1 13 ? *)', '"13" in the month field: 13 is outside 1-12'],
    ['cron(0 3 ? * 0 *)', '"0" in the day-of-week field: 0 is outside 1-7'],
    ['cron(0 20-25 * * ? *)', '"20-25" in the hours field: 25 is outside 0-23'],
    ['cron(0 3 L * ? 2030)', undefined], // L and a year: valid, only not judged here
    ['cron(0 30/5 * * ? *)', '"30/5" in the hours field: 30 is outside 0-23'],
  ])('%s', (expression, why) => {
    if (why === undefined) {
      expect(readDeploymentSettings({ sweepSchedule: expression }).sweepSchedule?.expressionString).toBe(
        expression,
      );
      return;
    }
    expect(contextError({ sweepSchedule: expression }).problems).toEqual([
      refused('sweepSchedule', expression, why),
    ]);
  });

  it('what the reader only cannot judge (L, W, #, a year, at) synthesizes, with the heartbeat’s warning', () => {
    for (const expression of ['cron(0 3 L * ? *)', 'cron(0 3 ? * 6#3 *)', 'cron(0 3 * * ? 2030)']) {
      const { stack } = synthApp({ sweepSchedule: expression });
      expect(
        Annotations.fromStack(stack).findWarning(
          '*',
          Match.stringLikeRegexp('sweepSchedule .* is not worked out at synth'),
        ),
      ).toHaveLength(1);
    }
    expect(
      readDeploymentSettings({ reconcilerSchedule: 'at(2027-01-01T03:00:00)' }).reconcilerSchedule
        ?.expressionString,
    ).toBe('at(2027-01-01T03:00:00)');
  });
});

describe('a list that lost its JSON quotes in the shell', () => {
  const notJson = (key: string, value: string) =>
    `${key} = ${JSON.stringify(value)}: not valid JSON; quote it for the shell, each string in double quotes ` +
    `and the whole argument in single quotes (-c '${key}=["a","b"]')`;

  it('is refused, naming the key, not split into addresses such as "[sec@example.com"', () => {
    const emails = '[sec@example.com,ops@example.com]';
    const arns = '[arn:aws:iam::123456789012:role/Ops]';
    expect(
      contextError({ adminEmails: emails, operatorPrincipalArns: arns, alarmSubscriberPrincipalArns: '{' })
        .problems,
    ).toEqual([
      notJson('adminEmails', emails),
      notJson('operatorPrincipalArns', arns),
      notJson('alarmSubscriberPrincipalArns', '{'),
    ]);
  });

  it('in a hygiene key, is said so too, not as the schema’s "expected array"', () => {
    const tiers = '[{name:open,staleAfterDays:30}]';
    expect(contextError({ exemptIds: '[cred-1,cred-2]', riskTiers: tiers }).problems).toEqual([
      notJson('riskTiers', tiers),
      notJson('exemptIds', '[cred-1,cred-2]'),
    ]);
  });

  it('only in a key that takes a list or JSON: a sender name in brackets or braces synthesizes', () => {
    for (const senderIdentity of ['[PROD] Hygiene <h@example.com>', '{Acme} Hygiene <h@example.com>']) {
      const context = { ownerDelivery: 'relay', senderIdentity };
      expect(readDeploymentSettings(context).config.senderIdentity).toBe(senderIdentity);
      const { template } = synthApp(context);
      // The relay function is told the sender as given.
      expect(JSON.stringify(template.toJSON())).toContain(JSON.stringify(senderIdentity));
    }
  });

  it('every list key of the hygiene config is judged so, read from the schema', () => {
    expect(contextError({ expiryNoticeDays: '[30,7' }).problems).toEqual([
      notJson('expiryNoticeDays', '[30,7'),
    ]);
  });

  it('quoted, is the JSON list; without brackets, the comma-separated one', () => {
    const quoted = readDeploymentSettings({ adminEmails: '["sec@example.com","ops@example.com"]' });
    expect(quoted.adminEmails).toEqual(['sec@example.com', 'ops@example.com']);
    const plain = readDeploymentSettings({ adminEmails: 'sec@example.com,ops@example.com' });
    expect(plain.adminEmails).toEqual(['sec@example.com', 'ops@example.com']);
  });
});
