/**
 * What an alarm's description points at: the alarm table row that says what to do (for an alarm without a runbook)
 * and the flags that aim a description's `pc-hygiene` commands at this deployment, so each pastes as is.
 */
import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * Where a description sends the reader of an alarm without a runbook whose alarm table row says what to do: that
 * row, named by the alarm's id (the table's first column), so the reader finds it among the table's rows.
 */
export function alarmTableRow(alarmId: string): string {
  return `docs/deploy.md, "Operations: alarms and the dashboard", the ${alarmId} row`;
}

/**
 * The flags aiming a description's `pc-hygiene` commands at this deployment, so each pastes as is: `--stack` with the
 * stack's name and `--region` with its Region (a stack is found in its own Region only). Either may be a token
 * (the Region of a stack whose environment is not fixed at synth): CloudFormation puts the value in at deploy.
 */
export function deploymentFlags(scope: Construct): string {
  const stack = Stack.of(scope);
  return `--stack ${stack.stackName} --region ${stack.region}`;
}
