/**
 * The ready-to-deploy stack: one `CredentialHygiene` worker configured from
 * the validated deployment settings (CDK context), with outputs an operator needs,
 * and its own name in the sweep function's environment for the admins' report.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { HANDLER_ENV } from '../lambdas/handlers/environment';
import { DEFAULT_CONFIG } from '../lambdas/hygiene/config';
import type { DeploymentSettings } from './config';
import { CredentialHygiene } from './credential-hygiene';
import type { CredentialHygieneProps } from './credential-hygiene-props';

/** Props of {@link PersonalClientHygieneStack}. */
export interface PersonalClientHygieneStackProps extends StackProps {
  /**
   * The deployment settings (usually `readDeploymentSettings` over CDK context).
   * @default - the defaults: audit mode, daily sweep at 03:00 UTC, a new table
   */
  readonly settings?: DeploymentSettings;
}

/** The PersonalClient hygiene worker as a stack. */
export class PersonalClientHygieneStack extends Stack {
  readonly hygiene: CredentialHygiene;

  constructor(scope: Construct, id: string, props: PersonalClientHygieneStackProps = {}) {
    super(scope, id, {
      description: 'PersonalClient credential hygiene: expiry notices, stale cleanup, owner digests',
      ...props,
    });
    const settings: DeploymentSettings = props.settings ?? {
      config: DEFAULT_CONFIG,
      adminEmails: [],
    };
    this.hygiene = new CredentialHygiene(this, 'Hygiene', this.hygieneProps(settings));

    // The admins' messages name this stack in their commands (`--stack NAME`): the sweep's report in a tripped
    // guard's, the owner-unreachable reports (the notifier's, and with `relay` a bounced digest's) in their restore
    // commands. Set here, not by the construct: `--stack` finds a deployment by the outputs below, which a stack of
    // your own may lack.
    const relay = this.hygiene.relay;
    const named = [this.hygiene.sweepFunction, this.hygiene.notifierFunction];
    for (const fn of relay === undefined ? named : [...named, relay.sesEventsFunction])
      fn.function.addEnvironment(HANDLER_ENV.stackName, this.stackName);

    this.addOutputs();
  }

  /** The construct's props from the deployment settings (CDK context): each given setting, nothing else. */
  private hygieneProps(settings: DeploymentSettings): CredentialHygieneProps {
    return {
      config: settings.config,
      ...(settings.existingTableName !== undefined && { table: this.existingTable(settings) }),
      ...(settings.sweepSchedule !== undefined && { sweepSchedule: settings.sweepSchedule }),
      ...(settings.notifierSchedule !== undefined && { notifierSchedule: settings.notifierSchedule }),
      ...(settings.reconcilerSchedule !== undefined && { reconcilerSchedule: settings.reconcilerSchedule }),
      ...(settings.existingDirectoryTableName !== undefined && {
        directoryTable: this.existingDirectoryTable(settings),
      }),
      ...(settings.filterPolicyQuota !== undefined && { filterPolicyQuota: settings.filterPolicyQuota }),
      adminEmails: settings.adminEmails,
      ...(settings.operatorPrincipalArns !== undefined && {
        operatorPrincipalArns: settings.operatorPrincipalArns,
      }),
      ...(settings.alarmSubscriberPrincipalArns !== undefined && {
        alarmSubscriberPrincipalArns: settings.alarmSubscriberPrincipalArns,
      }),
      ...(settings.heartbeatWindow !== undefined && { heartbeatWindow: settings.heartbeatWindow }),
      ...(settings.pendingNoticeMaxAge !== undefined && {
        pendingNoticeMaxAge: settings.pendingNoticeMaxAge,
      }),
      ...(settings.reconcilerHeartbeatWindow !== undefined && {
        reconcilerHeartbeatWindow: settings.reconcilerHeartbeatWindow,
      }),
      ...(settings.maxScheduleSkew !== undefined && { maxScheduleSkew: settings.maxScheduleSkew }),
    };
  }

  /**
   * The stack's outputs. The CLI's `--stack` and the runbooks (docs/deploy.md) name them: keep their ids stable.
   */
  private addOutputs(): void {
    // The CLI's `--stack` reads TableName, DirectoryTableName, TopicArn, SweepFunctionName and FilterPolicyQuota (and
    // the config from the sweep function's environment): keep these ids stable (cli/aws/deployment-lookup.ts).
    new CfnOutput(this, 'Mode', { value: this.hygiene.config.mode, description: 'audit or enforce' });
    new CfnOutput(this, 'TableName', { value: this.hygiene.table.tableName });
    new CfnOutput(this, 'DirectoryTableName', {
      value: this.hygiene.directoryTable.tableName,
      description: 'The owner directory: pc-hygiene owners import FILE --directory-table <this>',
    });
    new CfnOutput(this, 'TopicArn', {
      value: this.hygiene.topic.topicArn,
      description: 'Owner digests (audience=owner) and admin run summaries (audience=admin)',
    });
    if (this.hygiene.alarmTopic !== undefined) {
      new CfnOutput(this, 'AlarmTopicArn', { value: this.hygiene.alarmTopic.topicArn });
    }
    if (this.hygiene.dashboard !== undefined) {
      new CfnOutput(this, 'DashboardName', { value: this.hygiene.dashboard.dashboardName });
    }
    new CfnOutput(this, 'SweepFunctionName', { value: this.hygiene.sweepFunction.function.functionName });
    // An output, not a variable of the sweep function: its environment's 4 KB are the config's (exemptIds).
    if (this.hygiene.filterPolicyQuota !== undefined) {
      new CfnOutput(this, 'FilterPolicyQuota', {
        value: String(this.hygiene.filterPolicyQuota),
        description:
          'The filter-policy quota the reconciler plans against (owners sync-subscriptions --stack too)',
      });
    }
    // What the runbooks (docs/deploy.md) name.
    new CfnOutput(this, 'SweepScheduleName', { value: this.hygiene.sweepSchedule.scheduleName });
    new CfnOutput(this, 'NotifierScheduleName', { value: this.hygiene.notifierSchedule.scheduleName });
    new CfnOutput(this, 'ReconcilerScheduleName', { value: this.hygiene.reconcilerSchedule.scheduleName });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.hygiene.deadLetterQueue.queueUrl,
      description: 'Failed scheduled invocations and failed runs (runbook "Dead-letter queue")',
    });
    if (this.hygiene.relay !== undefined) {
      new CfnOutput(this, 'RelayQueueUrl', {
        value: this.hygiene.relay.queue.queueUrl,
        description: 'Owner digests waiting for the relay to email them',
      });
      new CfnOutput(this, 'RelayDeadLetterQueueUrl', {
        value: this.hygiene.relay.deadLetterQueue.queueUrl,
        description: 'Owner digests the relay could not email after the queue’s retries',
      });
      new CfnOutput(this, 'SesEventsDeadLetterQueueUrl', {
        value: this.hygiene.relay.sesEventsDeadLetterQueue.queueUrl,
        description:
          'SES bounce, complaint and reject events SNS could not deliver to the SES events function, to replay',
      });
      new CfnOutput(this, 'RelaySubscriptionDeadLetterQueueUrl', {
        value: this.hygiene.relay.relaySubscriptionDeadLetterQueue.queueUrl,
        description: 'Owner digests SNS could not deliver to the relay queue, to move there',
      });
      new CfnOutput(this, 'SesEventsFunctionName', {
        value: this.hygiene.relay.sesEventsFunction.function.functionName,
        description: 'The SES events function: replay the SES events dead-letter queue into it',
      });
    }
  }

  /** The brought credentials table, with its customer-managed key when one is given. */
  private existingTable(settings: DeploymentSettings): dynamodb.ITable {
    return this.broughtTable('ExistingTable', settings.existingTableName!, settings.existingTableKeyArn);
  }

  /** The brought owner directory table, with its customer-managed key when one is given. */
  private existingDirectoryTable(settings: DeploymentSettings): dynamodb.ITable {
    return this.broughtTable(
      'ExistingDirectoryTable',
      settings.existingDirectoryTableName!,
      settings.existingDirectoryTableKeyArn,
    );
  }

  /**
   * A brought table by name, with its customer-managed key when one is given
   * (`fromTableName` would carry no key, and the functions would get no KMS grants).
   */
  private broughtTable(id: string, tableName: string, keyArn: string | undefined): dynamodb.ITable {
    return dynamodb.Table.fromTableAttributes(this, id, {
      tableName,
      ...(keyArn !== undefined && { encryptionKey: kms.Key.fromKeyArn(this, `${id}Key`, keyArn) }),
    });
  }
}
