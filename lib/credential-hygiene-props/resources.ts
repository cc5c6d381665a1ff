/**
 * The resources the props bring or create: either-or props given together, and brought tables and topics the worker
 * cannot use (lib/brought-table-schema.ts for the tables).
 */
import type * as sns from 'aws-cdk-lib/aws-sns';
import {
  broughtTableProblems,
  CREDENTIAL_TABLE_SCHEMA,
  OWNER_DIRECTORY_SCHEMA,
} from '../brought-table-schema';
import type { CredentialHygieneProps } from './props';

/** Either-or props given together, and brought resources the worker cannot use. */
export function resourceProblems(props: CredentialHygieneProps): string[] {
  const problems: string[] = [
    ...broughtTableProblems('table', props.table, CREDENTIAL_TABLE_SCHEMA),
    ...broughtTableProblems('directoryTable', props.directoryTable, OWNER_DIRECTORY_SCHEMA),
  ];
  if (props.table !== undefined && props.tableProps !== undefined) {
    problems.push('give either `table` (bring your own) or `tableProps` (create one), not both');
  }
  if (props.directoryTable !== undefined && props.directoryTableProps !== undefined) {
    problems.push(
      'give either `directoryTable` (bring your own) or `directoryTableProps` (create one), not both',
    );
  }
  if (props.alarmTopic !== undefined && props.alarms === false) {
    problems.push('`alarmTopic` is given but `alarms` is false');
  }
  if (
    (props.alarmSubscriberPrincipalArns ?? []).length > 0 &&
    (props.alarms === false || props.alarmTopic !== undefined)
  ) {
    problems.push(
      '`alarmSubscriberPrincipalArns` is given but the construct creates no alarm topic (`alarms` is false, or an `alarmTopic` is given: it keeps its own policy, so let them subscribe there)',
    );
  }
  if (
    props.topic !== undefined &&
    props.alarmTopic !== undefined &&
    isSameTopic(props.topic, props.alarmTopic)
  ) {
    problems.push(
      `alarmTopic (${props.alarmTopic.node.path}) is the notification topic \`topic\` (${props.topic.node.path}): alarms carry no message attributes, so no admin subscription (filter audience=admin) receives them, and the sweep's alarm topic check would count the owners' and admins' subscriptions as the alarms' reach: give the alarms a topic of their own, or leave \`alarmTopic\` out for the construct's`,
    );
  }
  if (props.topic?.fifo === true) {
    problems.push(
      `topic (${props.topic.node.path}) is a FIFO topic: the worker publishes without a message group id, and a FIFO topic delivers to no email address: give a standard topic`,
    );
  }
  if (props.alarmTopic?.fifo === true) {
    problems.push(
      `alarmTopic (${props.alarmTopic.node.path}) is a FIFO topic: CloudWatch publishes alarms without a message group id, and a FIFO topic delivers to no email address: give a standard topic`,
    );
  }
  return problems;
}

/**
 * Whether two topics are one: the same construct, or the same `topicArn` (a literal ARN, or the same token). ARNs
 * that are different tokens cannot be compared at synth: not the same, as far as the synth can tell.
 */
function isSameTopic(a: sns.ITopic, b: sns.ITopic): boolean {
  return a.node === b.node || a.topicArn === b.topicArn;
}
