/**
 * Every alarm of a synthesized stack, read once for the infra tests that check alarms against their docs
 * (descriptions, the alarm table's conditions, the commands descriptions give): each alarm construct with its id,
 * whether the relay made it, and its template properties — one lookup from construct to resource, not one per test.
 */
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { expect } from 'vitest';
import { OwnerEmailRelay } from '../../../lib/owner-email-relay';

/** One alarm of the stack. */
export interface StackAlarm {
  /** The construct id (`SweepErrors`; the relay's without its scope). */
  readonly id: string;
  /** Made by the email relay (`OwnerEmailRelay`). */
  readonly relay: boolean;
  /** Its `AWS::CloudWatch::Alarm` resource's properties as synthesized. */
  readonly properties: Record<string, unknown>;
}

/** Every alarm construct of `stack` with its template properties; fails when a construct and the template disagree. */
export function stackAlarms(stack: Stack, template: Template = Template.fromStack(stack)): StackAlarm[] {
  const resources = template.findResources('AWS::CloudWatch::Alarm');
  const alarms = stack.node.findAll().filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm);
  expect(alarms).toHaveLength(Object.keys(resources).length);
  return alarms.map((alarm) => ({
    id: alarm.node.id,
    relay: alarm.node.scopes.some((scope) => scope instanceof OwnerEmailRelay),
    properties: resources[stack.getLogicalId(alarm.node.defaultChild as CfnElement)]?.Properties ?? {},
  }));
}
