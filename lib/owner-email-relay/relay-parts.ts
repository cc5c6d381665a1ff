/**
 * The members of {@link OwnerEmailRelay} (lib/owner-email-relay.ts) its parts read, as a shape, so the parts need
 * not import the construct (the entry imports them: an import back would be a cycle). The construct itself is the
 * scope every part builds in, so logical ids stay those of the one construct.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ses from 'aws-cdk-lib/aws-ses';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { HygieneFunction } from '../hygiene-function';

/** The relay construct as its parts see it: each takes the members it reads (`Pick`), the ones built before it. */
export interface RelayParts extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly ledgerTable: dynamodb.Table;
  readonly relayFunction: HygieneFunction;
  readonly sesEventsFunction: HygieneFunction;
  readonly configurationSet: ses.ConfigurationSet;
  readonly sesEventsTopic: sns.Topic;
  readonly sesEventsDeadLetterQueue: sqs.Queue;
  readonly relaySubscriptionDeadLetterQueue: sqs.Queue;
  readonly maxReceiveCount: number;
}
