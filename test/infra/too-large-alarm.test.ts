/**
 * A transition DynamoDB refuses for the credential's size (its 400 KB item limit) is refused again on every run until
 * someone shrinks the item: the credential is stuck (no notice, flag or deletion), and it is no failed write, so
 * `SweepWriteFailures` stays quiet. `TransitionsTooLarge` alarms on it like its nearest sibling `InvalidRecords`: the
 * last run's own figure (the largest in 5 minutes: a run emits it once, when it ends) at 1 or more, missing data
 * ignored (it keeps the last run's state, so the first sweep that has none clears it, the same hour too), on
 * the alarm topic, its description sending the reader to its runbook (docs/deploy.md, "Runbook: Transitions too
 * large"). Every sweep emits the metric, 0 included (lambdas/handlers/sweep-metric-values.ts), with the alarm's
 * dimensions: checked on the bundled sweep by deployable.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_METRICS_NAMESPACE, SWEEP_METRIC } from '../../lambdas/handlers/metric-names';
import { PROJECT_ROOT } from '../../lib/hygiene-function';
import { alarmNotificationCheck, type CfnTemplate } from './structural-checks';
import { synthApp } from './synth';

describe('TransitionsTooLarge alarm', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synthApp());
  });

  it('fires on the last sweep’s transitions too large to write, and keeps that state until a run has none', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: SWEEP_METRIC.tooLarge,
      Namespace: DEFAULT_METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: 'personal-client-hygiene' }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^HygieneAlarmTopic') }],
      AlarmDescription: Match.stringLikeRegexp(
        'Too large to update.*docs/deploy.md, "Runbook: Transitions too large"',
      ),
    });
    expect(alarmNotificationCheck(template.toJSON() as CfnTemplate).problems).toEqual([]);
  });

  it('is one alarm, and its runbook says how to find the credential and which commands shrink it', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: SWEEP_METRIC.tooLarge },
    });
    const deploy = readFileSync(join(PROJECT_ROOT, 'docs/deploy.md'), 'utf8');
    const runbook = deploy.split('\n### ').find((s) => s.startsWith('Runbook: Transitions too large ('));

    expect(Object.keys(alarms)).toHaveLength(1);
    expect(runbook).toBeDefined();
    for (const step of [
      'Too large to update',
      'sweep run records',
      'pc-hygiene export',
      'import',
      '--replace',
    ]) {
      expect(runbook).toContain(step);
    }
  });
});
