/**
 * Props that used to pass the synth (or fail it with CDK's own error, naming no prop) and then fail at deploy or
 * at run time: a FIFO alarm topic, a schedule that is no Scheduler expression, a duration not in whole seconds, an
 * admin address given twice (in another letter case, or its domain in Punycode), an admin address the owner rules
 * refuse (an invisible character, `Name <a@x>`, two addresses run together). Each now fails the synth with the one props error naming the prop, as the CDK
 * context does (lib/credential-hygiene-props.ts, lib/config.ts).
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { ContextError, readDeploymentSettings } from '../../lib/config';
import {
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
} from '../../lib/credential-hygiene';
import { longestGapOf } from '../../lib/schedule-gaps';
import { thrownBy } from '../support/thrown';
import { SKIP_BUNDLING, synthApp } from './synth';

function build(props: CredentialHygieneProps | ((stack: Stack) => CredentialHygieneProps) = {}) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Test');
  const hygiene = new CredentialHygiene(stack, 'Hygiene', typeof props === 'function' ? props(stack) : props);
  return { app, hygiene };
}

const problemsOf = (props: CredentialHygieneProps | ((stack: Stack) => CredentialHygieneProps)) =>
  thrownBy(CredentialHygienePropsError, () => build(props)).problems;

const contextProblemsOf = (context: Record<string, unknown>) =>
  thrownBy(ContextError, () => readDeploymentSettings(context)).problems;

describe('a FIFO alarm topic', () => {
  const fifo =
    /^alarmTopic \(Test\/Alarms\) is a FIFO topic: CloudWatch publishes alarms without a message group id, .*give a standard topic$/;

  it('is refused, built in the app or imported by a .fifo ARN, as a FIFO notification topic is', () => {
    expect(problemsOf((s) => ({ alarmTopic: new sns.Topic(s, 'Alarms', { fifo: true }) }))).toEqual([
      expect.stringMatching(fifo),
    ]);
    const arn = 'arn:aws:sns:eu-west-1:123456789012:alarms.fifo';
    expect(problemsOf((s) => ({ alarmTopic: sns.Topic.fromTopicArn(s, 'Alarms', arn) }))).toEqual([
      expect.stringMatching(fifo),
    ]);
  });

  it('but a standard one is taken', () => {
    build((s) => ({ alarmTopic: new sns.Topic(s, 'Alarms'), adminEmails: ['sec@example.com'] }));
  });
});

describe('a schedule that is no rate, cron or at expression', () => {
  const texts = ['daily', 'rate(5 mins)', 'rate(15 minutes', 'cron(0 3 * * ? (*))', 'at()'];
  const refused = (key: string, text: string) =>
    `${key} = ${JSON.stringify(text)}: EventBridge Scheduler refuses it (not a rate, cron or at expression); write one such as "cron(0 3 * * ? *)" or "rate(15 minutes)"`;

  it.each(texts)('%s is invalid to the one rule (longestGapOf)', (text) => {
    expect(longestGapOf(text)).toEqual({
      known: false,
      why: 'not a rate, cron or at expression',
      invalid: true,
    });
  });

  it.each(texts)('%s as a prop fails the synth, with alarms or without', (text) => {
    const schedule = scheduler.ScheduleExpression.expression(text);
    expect(problemsOf({ sweepSchedule: schedule })).toEqual([refused('sweepSchedule', text)]);
    expect(problemsOf({ alarms: false, reconcilerSchedule: schedule })).toEqual([
      refused('reconcilerSchedule', text),
    ]);
  });

  it.each(texts)('%s as context fails with the same line', (text) => {
    expect(contextProblemsOf({ notifierSchedule: text })).toEqual([refused('notifierSchedule', text)]);
  });

  it('a context value that is not text is named as such', () => {
    expect(contextProblemsOf({ sweepSchedule: 24 })).toEqual([
      'sweepSchedule = 24: must be an EventBridge Scheduler expression such as "cron(0 3 * * ? *)" or "rate(15 minutes)"',
    ]);
  });

  it('what Scheduler takes still passes, from context and as a prop', () => {
    const good = ['rate(5 minutes)', ' cron(0 3 * * ? *) ', 'at(2030-01-01T03:00:00)'];
    for (const text of good) {
      expect(readDeploymentSettings({ sweepSchedule: text }).sweepSchedule?.expressionString).toBe(
        text.trim(),
      );
    }
    build({
      alarms: false,
      sweepSchedule: scheduler.ScheduleExpression.expression('at(2030-01-01T03:00:00)'),
    });
  });
});

describe('durations not in whole seconds', () => {
  it('are named, prop by prop, among the other problems (not CDK’s error naming none)', () => {
    expect(
      problemsOf({
        scheduleRetryAttempts: -1,
        scheduleMaxEventAge: Duration.millis(61_500),
        pendingNoticeMaxAge: Duration.millis(3_600_500),
        heartbeatWindow: Duration.millis(93_600_250),
        reconcilerHeartbeatWindow: Duration.millis(10_800_001),
        maxScheduleSkew: Duration.millis(190_500),
      }),
    ).toEqual([
      'scheduleRetryAttempts = -1: must be an integer from 0 to 185',
      'scheduleMaxEventAge = 61.5 s: must be whole seconds',
      'pendingNoticeMaxAge = 3600.5 s: must be whole hours from 1 to 168',
      'heartbeatWindow = 93600.25 s: must be whole hours from 1 to 168',
      'reconcilerHeartbeatWindow = 10800.001 s: must be whole hours from 1 to 168',
      'maxScheduleSkew = 190.5 s: must be whole seconds',
    ]);
  });

  it('a function timeout of a fraction of a millisecond too', () => {
    expect(problemsOf({ notifierTimeout: Duration.millis(60_000.5) })).toEqual([
      "notifierTimeout = 60.0005 s: must be whole seconds from 1 second to 15 minutes (Lambda's timeout limit)",
    ]);
  });
});

describe('an admin address given twice', () => {
  it('is named under adminEmails, with its letter case or another (one mailbox)', () => {
    expect(
      problemsOf({
        adminEmails: ['sec@example.com', 'ops@example.com', 'sec@example.com', 'Ops@Example.COM'],
      }),
    ).toEqual([
      'adminEmails: "sec@example.com" is given twice: give each address once',
      'adminEmails: "Ops@Example.COM" is "ops@example.com" again (one mailbox: addresses are compared case-insensitively, a domain in Unicode or Punycode alike): give each address once',
    ]);
  });

  it('is named with its domain in Unicode or in Punycode (one mailbox, as the worker compares them)', () => {
    expect(problemsOf({ adminEmails: ['Admin@Bücher.example', 'admin@xn--bcher-kva.example'] })).toEqual([
      'adminEmails: "admin@xn--bcher-kva.example" is "Admin@Bücher.example" again (one mailbox: addresses are compared case-insensitively, a domain in Unicode or Punycode alike): give each address once',
    ]);
  });

  it('from -c adminEmails, fails the synth naming adminEmails (not CDK’s "already subscribed")', () => {
    const error = thrownBy(CredentialHygienePropsError, () => synthApp({ adminEmails: 'a@x.com,a@x.com' }));
    expect(error.problems).toEqual(['adminEmails: "a@x.com" is given twice: give each address once']);
  });

  it('is refused by subscribeAdmin too, in another letter case', () => {
    const { hygiene } = build({ adminEmails: ['sec@example.com'] });
    expect(() => hygiene.subscribeAdmin('SEC@example.com')).toThrow(
      'Invalid CredentialHygiene props: admin email "SEC@example.com" is already subscribed as "sec@example.com" (addresses are compared case-insensitively, a domain in Unicode or Punycode alike)',
    );
    expect(() => hygiene.subscribeAdmin('sec@example.com')).toThrow(
      'Invalid CredentialHygiene props: admin email "sec@example.com" is already subscribed',
    );
    hygiene.subscribeAdmin('ops@example.com');
  });
});

describe('an admin address the owner email rules refuse', () => {
  it.each([
    [
      'an invisible character pasted with it',
      'sec\u200B@example.com',
      'holds the invisible character U+200B',
      'no invisible characters',
    ],
    ['a display name around it', '<sec@example.com>', 'holds < or >', 'a bare address'],
    [
      'two addresses run together',
      'x,y@example.com',
      "holds ',' (U+002C) before the @",
      'a plain local part',
    ],
    ['an empty domain label', 'sec@example..com', 'has no dotted domain', 'a dotted domain'],
  ])('is refused at synth: %s', (_what, email, problem, rule) => {
    const problems = problemsOf({ adminEmails: [email] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`adminEmails email ${JSON.stringify(email)} ${problem}`);
    expect(problems[0]).toContain(`(email address rule "${rule}", docs/deploy.md "Owner directory")`);
  });

  it('is refused by subscribeAdmin too', () => {
    const { hygiene } = build();
    expect(() => hygiene.subscribeAdmin('sec\u200B@example.com')).toThrow(
      /^Invalid CredentialHygiene props: admin email "sec\u200b@example.com" holds the invisible character U\+200B/,
    );
  });
});
