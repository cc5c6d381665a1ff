/**
 * The `UnreachableOwners` alarm tells whoever it pages why owners can be
 * unreachable: its description names every reason of `UNREACHABLE_REASONS`
 * (built from that list, so a new reason is never missing from the page), and
 * says what each command it sends them to judges on: `owners list
 * --unreachable` the directory's recorded states, `notify --dry-run` what the
 * next drain decides with its live subscription check (docs/deploy.md,
 * "Runbook: Unreachable owners").
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NOTIFIER_METRIC } from '../../lambdas/handlers/metric-names';
import { UNREACHABLE_REASONS } from '../../lambdas/hygiene/owner-directory';
import { synthApp } from './synth';

describe('the UnreachableOwners alarm description', () => {
  let description: string;
  beforeAll(() => {
    const { template } = synthApp();
    const alarms = Object.values(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { MetricName: NOTIFIER_METRIC.unreachableOwners },
      }),
    );
    expect(alarms).toHaveLength(1);
    description = alarms[0]?.Properties.AlarmDescription as string;
  });

  it('names every unreachable reason', () => {
    expect(UNREACHABLE_REASONS.filter((reason) => !description.includes(reason))).toEqual([]);
    // CloudWatch's limit on an alarm description.
    expect(description.length).toBeLessThanOrEqual(1024);
  });

  it('says owners list judges on the recorded states, and points to notify --dry-run for the next drain', () => {
    expect(description).toContain(
      'pc-hygiene owners list --unreachable judges on the directory’s recorded states (refreshed by the reconciler’s schedule)',
    );
    expect(description).toContain(
      'pc-hygiene notify --dry-run --stack <stack> shows what the next drain decides',
    );
  });
});
