/**
 * The `UnreachableOwners` alarm tells whoever it pages why owners can be
 * unreachable: its description names every reason of `UNREACHABLE_REASONS`
 * (built from that list, so a new reason is never missing from the page).
 */
import { describe, expect, it } from 'vitest';
import { NOTIFIER_METRIC } from '../../lambdas/handlers/metric-names';
import { UNREACHABLE_REASONS } from '../../lambdas/hygiene/owner-directory';
import { synthApp } from './synth';

describe('the UnreachableOwners alarm description', () => {
  it('names every unreachable reason', () => {
    const { template } = synthApp();
    const alarms = Object.values(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { MetricName: NOTIFIER_METRIC.unreachableOwners },
      }),
    );
    expect(alarms).toHaveLength(1);
    const description = alarms[0]?.Properties.AlarmDescription as string;

    expect(UNREACHABLE_REASONS.filter((reason) => !description.includes(reason))).toEqual([]);
    // CloudWatch's limit on an alarm description.
    expect(description.length).toBeLessThanOrEqual(1024);
  });
});
