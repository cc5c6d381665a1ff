/**
 * `npm run check:deploy` (also part of `npm test`): the deploy check without
 * AWS. Synthesizes the app as `bin/` does with representative context
 * combinations and runs, on each, the structural checks of
 * `structural-checks.ts` (every alarm can notify; only CloudWatch publishes to
 * the alarm topic the worker creates, and only the deployment role, the
 * operators and the alarm subscribers subscribe to it; the notification topic's
 * allow-lists leave every role of the stack able to do its job; no owner
 * address in the template; a late scheduled sweep is not refused as forged),
 * the roles' trust policies and the worker functions' policy sets
 * (`role-checks.ts`),
 * on the relay route the relay queues' locks and, on every route, the shared
 * dead-letter queue's (`queue-access-check.ts`), and
 * cdk-nag's AwsSolutions pack. Template-only:
 * no Lambda bundling, so it stays fast.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { PersonalClientHygieneStack } from '../../lib/personal-client-hygiene-stack';
import { deadLetterQueueAccessCheck, relayQueueAccessCheck, stackEnv } from './queue-access-check';
import { roleTrustCheck, workerPolicySetCheck } from './role-checks';
import {
  alarmNotificationCheck,
  alarmTopicPublishersCheck,
  alarmTopicSubscribersCheck,
  type CfnTemplate,
  ownerSubscriptionCheck,
  sweepDeliveryCheck,
  topicAccessCheck,
} from './structural-checks';
import { synthApp } from './synth';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OPERATOR = 'arn:aws:iam::123456789012:role/HygieneOperator';
/** AWS Chatbot's service-linked role: alarms to a chat channel (docs/deploy.md, "Security choices"). */
const CHATBOT =
  'arn:aws:iam::123456789012:role/aws-service-role/management.chatbot.amazonaws.com/AWSServiceRoleForAWSChatbot';

/** The deployments a user is likely to make, one context each. */
const COMBINATIONS: Record<string, Record<string, unknown>> = {
  'audit, defaults (cdk.json)': {},
  'enforce, security team, operators': {
    mode: 'enforce',
    adminEmails: 'security@example.com,ops@example.com',
    operatorPrincipalArns: OPERATOR,
  },
  'alarms to a chat channel (AWS Chatbot may subscribe to the alarm topic)': {
    adminEmails: 'security@example.com',
    alarmSubscriberPrincipalArns: CHATBOT,
  },
  'own table with its customer-managed key': {
    existingTableName: 'PersonalClients',
    existingTableKeyArn: KEY_ARN,
  },
  'own table, AWS-managed key': { existingTableName: 'PersonalClients', mode: 'enforce' },
  'own owner directory with its customer-managed key': {
    existingDirectoryTableName: 'PersonalClientOwners',
    existingDirectoryTableKeyArn: KEY_ARN,
  },
  'owner route sns-email': {
    ownerDelivery: 'sns-email',
    mode: 'enforce',
    adminEmails: 'security@example.com',
  },
  'owner route relay': {
    ownerDelivery: 'relay',
    senderIdentity: 'hygiene@example.com',
    mode: 'enforce',
    adminEmails: 'security@example.com',
  },
  // The daily sweep's tightest window: ceil((gap + D) / 60) + 1 hours, D a run's report delay (lib/heartbeat-windows.ts):
  // ceil((1440 + 20) / 60) + 1 = 26 with the default 15-minute timeout.
  'tight heartbeat and skew': { heartbeatWindowHours: 26, maxScheduleSkewMinutes: 15 },
  'weekday sweep, hourly notifier': {
    sweepSchedule: 'cron(0 3 ? * MON-FRI *)',
    heartbeatWindowHours: 74,
    notifierSchedule: 'rate(1 hour)',
  },
  // No SweepHeartbeat (a week is more than an alarm can watch: a synth warning); the notifier's window derived.
  'weekly sweep, daily notifier': {
    sweepSchedule: 'cron(0 3 ? * SUN *)',
    notifierSchedule: 'cron(0 8 * * ? *)',
  },
};

/**
 * The logical id of the alarm topic the worker created, if it did: a brought `alarmTopic` keeps its own publishers
 * and subscribers (no Deny to check). The context has no key for one, so every combination here creates it.
 */
function createdAlarmTopicIds(stack: PersonalClientHygieneStack): string[] {
  const { hygiene } = stack;
  const topic = hygiene.alarmTopic;
  if (topic === undefined || topic.node.scope !== hygiene) return [];
  return [stack.getLogicalId(topic.node.defaultChild as CfnElement)];
}

/** A comma-separated principal list of the context (`operatorPrincipalArns`, `alarmSubscriberPrincipalArns`). */
function listOf(value: unknown): string[] {
  return String(value ?? '')
    .split(',')
    .filter((arn) => arn !== '');
}

describe.each(Object.entries(COMBINATIONS))('deploy check: %s', (_name, context) => {
  const { app, stack, template } = synthApp(context);
  const json = template.toJSON() as CfnTemplate;
  const alarmTopics = createdAlarmTopicIds(stack);

  it('every alarm can notify (alarm → action → topic → key)', () => {
    const result = alarmNotificationCheck(json);
    expect(result.checked).toBeGreaterThan(0);
    expect(result.problems).toEqual([]);
  });

  it('only CloudWatch publishes to the alarm topic the worker created (no forged alarm)', () => {
    expect(alarmTopicPublishersCheck(json, alarmTopics)).toEqual({ checked: 1, problems: [] });
  });

  it('only the deployment role, the operators and the alarm subscribers subscribe to it (its admin subscriptions still deploy)', () => {
    const subscribers = {
      operators: listOf(context.operatorPrincipalArns),
      alarmSubscribers: listOf(context.alarmSubscriberPrincipalArns),
    };
    expect(alarmTopicSubscribersCheck(json, subscribers, alarmTopics)).toEqual({ checked: 1, problems: [] });
  });

  it('every role is trusted only by the service of its kind', () => {
    const result = roleTrustCheck(json);
    expect(result.checked).toBeGreaterThan(0);
    expect(result.problems).toEqual([]);
  });

  it('the sweep, notifier and reconciler roles carry exactly their policies', () => {
    expect(workerPolicySetCheck(stack, stack.hygiene, json)).toEqual({ checked: 3, problems: [] });
  });

  it('the notification topic is allow-listed and every role can still do its job', () => {
    expect(topicAccessCheck(json)).toEqual({ checked: 1, problems: [] });
  });

  it('a late scheduled sweep is never refused as forged (its delivery fits the skew)', () => {
    expect(sweepDeliveryCheck(json)).toEqual({ checked: 1, problems: [] });
  });

  it('on the relay route, the relay queue and its DLQ are locked and every role can still do its job', () => {
    const relay = context.ownerDelivery === 'relay';
    expect(relayQueueAccessCheck(json, stackEnv(stack))).toEqual({ checked: relay ? 1 : 0, problems: [] });
  });

  it('the shared dead-letter queue is locked: every schedule and function that sends there may, only operators read', () => {
    expect(deadLetterQueueAccessCheck(json, listOf(context.operatorPrincipalArns))).toEqual({
      checked: 1,
      problems: [],
    });
  });

  it('no owner email address is in the template', () => {
    expect(ownerSubscriptionCheck(json).problems).toEqual([]);
  });

  it('cdk-nag AwsSolutions: zero unacknowledged findings', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.map(
      (v) =>
        `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });
});
