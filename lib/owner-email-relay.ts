/**
 * The SES email relay (`ownerDelivery: relay`; docs/notifications.md, "Email
 * relay"; set-up: docs/deploy.md, "Email relay (SES)"): one SQS queue on the
 * notification topic filtered on `audience=owner` (raw message delivery off),
 * encrypted, with a DLQ, both locked to their writers and readers, and
 * neither a dead-letter target of any other queue (docs/deploy.md, "Security
 * choices"), and alarms on both; the relay
 * function (partial batch responses) that emails each digest through SESv2 from the configured
 * identity; its ledger table; an SES configuration set that turns SES's
 * suppression list on for bounces and complaints, and whose bounce,
 * complaint and reject events reach a small function that, in the owner directory,
 * marks addresses bouncing (permanent bounces, and sends SES suppressed:
 * reported as a bounce or a complaint with subtype
 * `OnAccountSuppressionList`) and records owners unsubscribed (complaints),
 * and reports a bounced, suppressed or rejected digest part's events to the admins on
 * the notification topic (read from the ledger, the report recorded there); the dead-letter queue of that function's
 * subscription, where SNS keeps the events it could not deliver (its own key SNS may use, only SNS from the topic
 * sending, only the operators reading: docs/deploy.md, "Runbook: SES events not delivered"), and, locked the same way,
 * the dead-letter queue of the relay queue's subscription, where SNS keeps the digests it could not deliver to the
 * queue (docs/deploy.md, "Runbook: Relay subscription dead letters");
 * and the alarms on the DLQ (a digest there, and one waiting there so long that SQS will soon delete it), the digests
 * the relay gave up on (each one, whatever the DLQ holds), the digests kept in the relay subscription's dead-letter
 * queue, the queue's oldest digest, bounces, owners nobody was told of, records SES left no time for, SES events SNS could not deliver (and
 * those kept in their dead-letter queue) or the function could not read, and the two functions' errors. No
 * per-owner resource: the fleet's size changes nothing here.
 *
 * Here: the construct, {@link OwnerEmailRelay}, which builds its parts in order in its one scope (so every logical id
 * is the construct's), and the relay's public names, re-exported from its parts in `owner-email-relay/` so its
 * importers need not know them: its options and their synth-time checks (`props.ts`), its times (`durations.ts`),
 * the relay queue and its DLQ and their lock (`queues.ts`), the ledger table (`ledger-table.ts`), the SES
 * configuration set and the SES events topic (`configuration-set.ts`), the keys a service may use
 * (`service-key.ts`), the subscriptions' dead-letter queues (`subscription-dead-letters.ts`), the relay function
 * (`relay-function.ts`) and the SES events function (`ses-events-function.ts`) with their grants, the alarms
 * (`alarms.ts`), and the construct's members as its parts read them (`relay-parts.ts`).
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HygieneFunction } from './hygiene-function';
import { addAlarms } from './owner-email-relay/alarms';
import { addConfigurationSet, addSesEventsTopic } from './owner-email-relay/configuration-set';
import { addLedgerTable } from './owner-email-relay/ledger-table';
import {
  checkedMaxReceiveCount,
  OwnerEmailRelayConfigError,
  type OwnerEmailRelayProps,
} from './owner-email-relay/props';
import { addQueues, guardRelayQueues } from './owner-email-relay/queues';
import { addRelayFunction } from './owner-email-relay/relay-function';
import { addSesEventsFunction } from './owner-email-relay/ses-events-function';
import {
  addSubscriptionDeadLetterQueue,
  RELAY_SUBSCRIPTION_DEAD_LETTERS,
  SES_EVENTS_DEAD_LETTERS,
} from './owner-email-relay/subscription-dead-letters';

export { OwnerEmailRelayConfigError, type OwnerEmailRelayProps } from './owner-email-relay/props';

/** Everything the `relay` route needs, in one construct. */
export class OwnerEmailRelay extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly ledgerTable: dynamodb.Table;
  readonly relayFunction: HygieneFunction;
  readonly sesEventsFunction: HygieneFunction;
  readonly configurationSet: ses.ConfigurationSet;
  readonly sesEventsTopic: sns.Topic;
  /**
   * Where SNS keeps the SES events it could not deliver to the SES events function (client-side errors at once,
   * server-side ones after its retries), for the operators to replay (docs/deploy.md, "Runbook: SES events not
   * delivered").
   */
  readonly sesEventsDeadLetterQueue: sqs.Queue;
  /**
   * Where SNS keeps the owner digests it could not deliver from the notification topic to the relay queue (its
   * policy or key changed by hand, the queue deleted), for the operators to put back on the relay queue
   * (docs/deploy.md, "Runbook: Relay subscription dead letters").
   */
  readonly relaySubscriptionDeadLetterQueue: sqs.Queue;
  /** Deliveries of one digest before SQS moves it to the DLQ: the redrive policy's, told to the relay function. */
  readonly maxReceiveCount: number;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: OwnerEmailRelayProps) {
    super(scope, id);
    const sender = props.config.senderIdentity;
    if (sender === undefined) {
      throw new OwnerEmailRelayConfigError(
        'ownerDelivery "relay" needs a sender: set the context key senderIdentity (a verified SES identity, e.g. -c senderIdentity=hygiene@example.com)',
      );
    }
    this.maxReceiveCount = checkedMaxReceiveCount(props.maxReceiveCount);
    const queues = addQueues(this, this.maxReceiveCount);
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.relaySubscriptionDeadLetterQueue = addSubscriptionDeadLetterQueue(
      this,
      'RelaySubscription',
      RELAY_SUBSCRIPTION_DEAD_LETTERS,
      props.operatorPrincipalArns ?? [],
    );
    // A digest SNS cannot deliver to the queue (its policy or key changed by hand, the queue deleted) is kept in the
    // subscription's own dead-letter queue, not dropped: the notifier marked it sent once SNS accepted the publish
    // (docs/deploy.md, "Runbook: Relay subscription dead letters"). CDK adds that queue policy's Allow for SNS from
    // this topic (`aws:SourceArn`).
    props.topic.addSubscription(
      new subscriptions.SqsSubscription(this.queue, {
        rawMessageDelivery: false,
        filterPolicy: { audience: sns.SubscriptionFilter.stringFilter({ allowlist: ['owner'] }) },
        deadLetterQueue: this.relaySubscriptionDeadLetterQueue,
      }),
    );
    this.ledgerTable = addLedgerTable(this);
    this.configurationSet = addConfigurationSet(this, props.config.sesConfigurationSet);
    this.sesEventsTopic = addSesEventsTopic(this, props.deploymentRoleArn);
    // Bounces, complaints and rejects (SES found a virus: nothing sent) of the set's emails go to the SES events
    // topic (its policy lets SES publish for this set only). The id predates rejects: kept, so the destination is
    // updated in place, not replaced.
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(this.sesEventsTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.REJECT],
    });
    this.relayFunction = addRelayFunction(this, props, sender);
    guardRelayQueues(this, this.relayFunction.role.roleArn, props.operatorPrincipalArns ?? []);
    this.sesEventsDeadLetterQueue = addSubscriptionDeadLetterQueue(
      this,
      'SesEvents',
      SES_EVENTS_DEAD_LETTERS,
      props.operatorPrincipalArns ?? [],
    );
    this.sesEventsFunction = addSesEventsFunction(this, props);
    this.alarms = props.alarms === false ? [] : addAlarms(this, props);
  }
}
