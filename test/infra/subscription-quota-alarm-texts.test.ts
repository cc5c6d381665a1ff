/**
 * What the reconciler's quota alarms tell the person they page, and docs/deploy.md's alarm table with them:
 * `SubscriptionQuotaExceeded` says the run subscribed only the owners that fit, that a raised quota needs
 * `filterPolicyQuota` set too, and names the section of docs/deploy.md that says how (a heading there);
 * `SubscriptionOperationsFailed` names the account's quota (`FilterPolicyLimitExceeded`, "Filter policies per
 * account"), whose refusals no later run gets past by itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { RECONCILER_METRIC } from '../../lambdas/handlers/metric-names';
import { PROJECT_ROOT } from '../../lib/hygiene-function';
import { synthApp } from './synth';

const QUOTA_SECTION = 'Owner subscriptions: the SNS quota, and when to switch to relay';
const deployDoc = () => readFileSync(join(PROJECT_ROOT, 'docs/deploy.md'), 'utf8');

/** The description of the one alarm on `metricName`. */
function descriptionOf(template: Template, metricName: string): string {
  const alarms = Object.values(
    template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } }),
  );
  expect(alarms).toHaveLength(1);
  return alarms[0]?.Properties.AlarmDescription as string;
}

/** The row of docs/deploy.md's alarm table for `alarm`. */
function tableRow(alarm: string): string {
  const rows = deployDoc()
    .split('\n')
    .filter((line) => line.startsWith(`| \`${alarm}\``));
  expect(rows).toHaveLength(1);
  return rows[0] ?? '';
}

describe('the reconciler’s quota alarms', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synthApp());
  });

  it('SubscriptionQuotaExceeded: only the owners that fit were subscribed; raise the quota and set filterPolicyQuota', () => {
    const description = descriptionOf(template, RECONCILER_METRIC.quotaExceeded);

    expect(description).toContain('subscribed only the new owners that fit (first by userId)');
    expect(description).toContain(
      'Raise "Filter policies per topic" in Service Quotas and set filterPolicyQuota',
    );
    expect(description).toContain(`(docs/deploy.md, "${QUOTA_SECTION}")`);
    expect(deployDoc().split('\n')).toContain(`## ${QUOTA_SECTION}`);
    expect(tableRow('SubscriptionQuotaExceeded')).toContain('subscribed only the new owners that fit');
  });

  it('SubscriptionOperationsFailed: a FilterPolicyLimitExceeded refusal is the account’s quota, refused on every run', () => {
    const description = descriptionOf(template, RECONCILER_METRIC.failed);

    expect(description).toContain(
      'A subscribe refused with FilterPolicyLimitExceeded is refused again on every run: the account’s ' +
        '"Filter policies per account" is full; raise it or switch ownerDelivery to relay.',
    );
    expect(tableRow('SubscriptionOperationsFailed')).toContain(
      'A subscribe refused with `FilterPolicyLimitExceeded` is refused on every run: the account\'s "Filter policies ' +
        'per account" quota is full',
    );
  });
});
