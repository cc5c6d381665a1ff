/**
 * The setup `pc-hygiene notify` gives a drain and its preview alike (the owner directory, the route, where the
 * owner-unreachable report's commands aim: docs/notifications.md, "The report message"), and the drain of the
 * target table itself (cli/use-cases/drain-table.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import type { NotifierSummary } from '../../../lambdas/hygiene/notifier';
import type { ReportTargets } from '../../../lambdas/hygiene/notifier/types';
import type { NotificationPublisher } from '../../../lambdas/hygiene/outbox-ports';
import { deploymentTargetFlags } from '../../../lambdas/render/admin-report';
import { flagWords, type Target, targetFlagsOf } from '../../options/deployment-target';
import { endpointWord } from '../../options/endpoint-text';
import { type AlsoRead, CREDENTIALS_TABLE, withTable } from '../../options/table-options';
import { type DrainSetup, drainTable } from '../../use-cases/drain-table';
import type { SnsSide } from './sns-side';

/**
 * Where the owner-unreachable report's commands aim (docs/notifications.md, "The report message"): a deployment as
 * its own notifier names it (`--stack NAME --region REGION`: `deploymentTargetFlags`), every command alike (its
 * `--stack` names its topic too); else the restore commands at the table this drain read (`--endpoint URL --table
 * NAME`, or `--table NAME --region REGION`) and the `pc-hygiene owners …` commands, which take no `--table`, at the
 * owner directory it read (`--directory-table NAME` in its place), and those that need the topic
 * (`sync-subscriptions`) at the topic named for the drain (`topic`: `--topic-arn ARN`, and its `--sns-endpoint
 * URL`), when one was (else the report says after them to add `--topic-arn ARN`:
 * `UnreachableReportInput.topicTargetFlags`); never the operator's `--profile`, which is theirs, not the admins'.
 */
function reportTargets(target: Target, directoryTable: string, topic: SnsSide['named']): ReportTargets {
  if (target.deployment !== undefined) return { targetFlags: deploymentTargetFlags(target.deployment) };
  const reached = {
    ...(target.endpoint !== undefined && { endpoint: target.endpoint }),
    ...(target.region !== undefined && { region: target.region }),
  };
  const topicFlags =
    topic === undefined
      ? undefined
      : [
          ...flagWords('--topic-arn', topic.arn, 'ARN'),
          ...(topic.endpoint !== undefined ? ['--sns-endpoint', endpointWord(topic.endpoint, 'URL')] : []),
        ].join(' ');
  return {
    targetFlags: targetFlagsOf({ table: target.table, ...reached }),
    directoryTargetFlags: targetFlagsOf({ table: directoryTable, ...reached }, '--directory-table'),
    ...(topicFlags !== undefined && { topicTargetFlags: topicFlags }),
  };
}

/**
 * The one setup of a drain and of its preview (`--dry-run`), so the preview renders what the drain sends: the owner
 * directory read beside the table, the deployment's route and `ownerContact`, where the report's commands aim
 * ({@link reportTargets}), and the topic's subscriptions when listed.
 */
export function drainSetupOf(
  client: DynamoDBDocumentClient,
  target: Target,
  directory: AlsoRead,
  sns: SnsSide,
): DrainSetup {
  return {
    directory: new DynamoOwnerDirectory(client, directory.table),
    ownerDelivery: target.config.ownerDelivery,
    ...(target.config.ownerContact !== undefined && { ownerContact: target.config.ownerContact }),
    reportTargets: reportTargets(target, directory.table, sns.named),
    ...(sns.topicSubscriptions !== undefined && { topicSubscriptions: sns.topicSubscriptions }),
  };
}

/**
 * {@link drainTable} for the target table, with readable table errors; the
 * directory table is read through the same DynamoDB endpoint and region,
 * checked first to be an owner directory (`withTable`).
 */
export async function drainOutbox(
  target: Target,
  directory: AlsoRead,
  publisher: NotificationPublisher,
  sns: SnsSide,
  now: number,
): Promise<NotifierSummary> {
  return withTable(
    target,
    (client) =>
      drainTable(client, target.table, publisher, now, drainSetupOf(client, target, directory, sns)),
    CREDENTIALS_TABLE,
    directory,
  );
}
