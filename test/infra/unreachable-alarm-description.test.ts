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
    // The Region is a token, joined in at deploy: read as the template's text.
    description = JSON.stringify(alarms[0]?.Properties.AlarmDescription);
  });

  it('names every unreachable reason', () => {
    expect(UNREACHABLE_REASONS.filter((reason) => !description.includes(reason))).toEqual([]);
    // CloudWatch's limit on an alarm description (with the longest stack name: alarm-description-commands.test.ts).
    expect(description.length).toBeLessThanOrEqual(1024);
  });

  it('says owners list judges on the recorded states, and points to notify --dry-run for the next drain', () => {
    // Each command aimed at the deployment, its Region joined in at deploy (alarm-description-commands.test.ts).
    expect(description).toContain(
      'pc-hygiene owners list --unreachable --stack PersonalClientHygiene --region ',
    );
    expect(description).toContain(
      ' judges on the directory’s recorded states (refreshed by the reconciler’s schedule)',
    );
    expect(description).toContain('pc-hygiene notify --dry-run --stack PersonalClientHygiene --region ');
    expect(description).toContain(' shows what the next drain decides');
  });
});
