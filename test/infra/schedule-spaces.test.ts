/**
 * A schedule prop whose text has white space around it (`ScheduleExpression.expression(' rate(1 day) ')`): CDK hands
 * the text to EventBridge Scheduler as it is, while the synth's checks judge it trimmed (lib/schedule-gaps.ts), so
 * the synth passed a text other than the one deployed. The construct refuses it, naming the prop, through its one
 * props error (`untrimmedScheduleProblems`, lib/heartbeat-windows.ts), whatever else is wrong with it. The CDK
 * context trims its text before building the expression (lib/config.ts), so there the text deployed is the text
 * judged, and it stays accepted.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { describe, expect, it } from 'vitest';
import {
  CredentialHygiene,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
} from '../../lib/credential-hygiene';
import { thrownBy } from '../support/thrown';
import { SKIP_BUNDLING, synthApp } from './synth';

const problemsOf = (props: CredentialHygieneProps) =>
  thrownBy(CredentialHygienePropsError, () => {
    const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Test');
    return new CredentialHygiene(stack, 'Hygiene', props);
  }).problems;

const spaced = (key: string, text: string) =>
  `${key} = ${JSON.stringify(text)}: has white space around the expression, which the construct would give EventBridge Scheduler as it is; write ${JSON.stringify(text.trim())}`;

describe('a schedule expression with white space around it', () => {
  it('reaches the template untrimmed when CDK builds a schedule of it (why the construct refuses it)', () => {
    const stack = new Stack(new App(), 'Plain');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    new scheduler.Schedule(stack, 'Schedule', {
      schedule: scheduler.ScheduleExpression.expression(' rate(1 day) '),
      target: new targets.LambdaInvoke(fn),
    });

    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: ' rate(1 day) ',
    });
  });

  it.each([
    ['sweepSchedule', ' rate(1 day) '],
    ['notifierSchedule', 'rate(15 minutes) '],
    ['reconcilerSchedule', '\tcron(0 * * * ? *)\n'],
  ])('as the prop %s is refused, naming it, with alarms or without', (key, text) => {
    const schedule = scheduler.ScheduleExpression.expression(text);
    expect(problemsOf({ [key]: schedule })).toEqual([spaced(key, text)]);
    expect(problemsOf({ alarms: false, [key]: schedule })).toEqual([spaced(key, text)]);
  });

  it('is named beside what Scheduler refuses in the trimmed text', () => {
    const text = ' cron(0 3 * * *) ';
    expect(problemsOf({ sweepSchedule: scheduler.ScheduleExpression.expression(text) })).toEqual([
      spaced('sweepSchedule', text),
      `sweepSchedule = ${JSON.stringify(text)}: EventBridge Scheduler refuses it (a cron expression has six fields, not 5); write one such as "cron(0 3 * * ? *)" or "rate(15 minutes)"`,
    ]);
  });

  it('as CDK context is trimmed before use: the template has the text the synth judged', () => {
    const { template } = synthApp({ sweepSchedule: ' rate(1 day) ' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 day)' });
    expect(
      Object.values(template.findResources('AWS::Scheduler::Schedule')).map(
        (s) => s.Properties.ScheduleExpression,
      ),
    ).not.toContain(' rate(1 day) ');
  });
});
