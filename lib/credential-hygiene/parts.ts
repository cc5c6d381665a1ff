/**
 * The members of {@link CredentialHygiene} (lib/credential-hygiene.ts) its parts read, as a shape, so the parts need
 * not import the construct (the entry imports them: an import back would be a cycle). The construct itself is the
 * scope every part builds in, so logical ids stay those of the one construct.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import type { HygieneFunction } from '../hygiene-function';
import type { TopicAllowList } from '../notification-topics';
import type { OwnerEmailRelay } from '../owner-email-relay';

/** The worker construct as its parts see it: each takes the members it reads (`Pick`), the ones built before it. */
export interface HygieneParts extends Construct {
  readonly table: dynamodb.ITable;
  readonly directoryTable: dynamodb.ITable;
  readonly topic: sns.ITopic;
  readonly alarmTopic?: sns.ITopic;
  readonly topicAllowList?: TopicAllowList;
  readonly config: HygieneConfig;
  readonly filterPolicyQuota: number | undefined;
  readonly sweepFunction: HygieneFunction;
  readonly notifierFunction: HygieneFunction;
  readonly reconcilerFunction: HygieneFunction;
  readonly sweepSchedule: scheduler.Schedule;
  readonly notifierSchedule: scheduler.Schedule;
  readonly reconcilerSchedule: scheduler.Schedule;
  readonly deadLetterQueue: sqs.Queue;
  readonly relay?: OwnerEmailRelay;
  readonly metricsNamespace: string;
  readonly serviceName: string;
}
