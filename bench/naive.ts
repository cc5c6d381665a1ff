/**
 * The baseline a typical blog post shows: one sequential paginated Scan, and
 * for every record that changes one awaited `UpdateItem` (no condition, no
 * outbox), then one awaited SNS `Publish` per event. Same policy, same
 * transitions as the shipped sweep, so the difference is the I/O pattern only.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { partiqlIdentifier } from '../lambdas/aws/outbox-mark-write';
import { type AttributeChange, actionChanges } from '../lambdas/hygiene/action-changes';
import type { HygieneConfig } from '../lambdas/hygiene/config';
import { eventsFor } from '../lambdas/hygiene/events';
import { isDeletion } from '../lambdas/hygiene/policy';
import { policyChange } from './generate';

/** What one naive run did. */
export interface NaiveResult {
  readonly scanned: number;
  readonly updates: number;
  readonly published: number;
}

/** The expression part of a naive `UpdateItem`. */
export interface NaiveUpdate {
  readonly UpdateExpression: string;
  readonly ExpressionAttributeNames: Readonly<Record<string, string>>;
  readonly ExpressionAttributeValues?: Readonly<Record<string, unknown>>;
}

/** The naive `UpdateItem` of one record: SET/REMOVE the attributes its actions change, unconditionally. */
export function naiveUpdate(changes: readonly AttributeChange[]): NaiveUpdate {
  const sets: string[] = [];
  const removes: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [i, change] of changes.entries()) {
    names[`#n${i}`] = change.attribute;
    if (change.kind === 'remove') {
      removes.push(`#n${i}`);
    } else {
      values[`:v${i}`] = change.value;
      sets.push(`#n${i} = :v${i}`);
    }
  }
  return {
    UpdateExpression: [
      sets.length > 0 && `SET ${sets.join(', ')}`,
      removes.length > 0 && `REMOVE ${removes.join(', ')}`,
    ]
      .filter(Boolean)
      .join(' '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
  };
}

/** The same write as a PartiQL `UPDATE` (for `BatchExecuteStatement`), by the record's key `id`. */
export function naiveStatement(
  tableName: string,
  write: NaiveWrite,
): { readonly Statement: string; readonly Parameters: unknown[] } {
  const clauses: string[] = [];
  const parameters: unknown[] = [];
  for (const change of write.changes) {
    if (change.kind === 'remove') clauses.push(`REMOVE ${partiqlIdentifier(change.attribute)}`);
    else {
      clauses.push(`SET ${partiqlIdentifier(change.attribute)} = ?`);
      parameters.push(change.value);
    }
  }
  return {
    Statement: `UPDATE ${partiqlIdentifier(tableName)} ${clauses.join(' ')} WHERE ${partiqlIdentifier('id')} = ?`,
    Parameters: [...parameters, write.id],
  };
}

/** The naive write of one changing record: its id and the attributes its actions change (the write floor's input, bench/floor.ts). */
export interface NaiveWrite {
  readonly id: string;
  readonly changes: readonly AttributeChange[];
  /** A soft-delete: a guarded sweep makes it only after the whole scan (the mass-deletion guard counts them all first). */
  readonly deletion: boolean;
}

/** The naive `UpdateItem` of every record of `items` that changes at `now`, in table order. */
export function naiveWrites(
  items: Iterable<Readonly<Record<string, unknown>>>,
  options: { readonly config: HygieneConfig; readonly now: number; readonly runId: string },
): NaiveWrite[] {
  const writes: NaiveWrite[] = [];
  for (const item of items) {
    const change = policyChange(item, options.config, options.now);
    if (change) {
      const { runId, now } = options;
      writes.push({
        id: change.credential.id,
        changes: actionChanges(change.actions, { runId, now }),
        deletion: change.actions.some(isDeletion),
      });
    }
  }
  return writes;
}

/** Runs the naive sweep-and-notify over `tableName`. */
export async function runNaive(
  deps: { readonly dynamo: DynamoDBDocumentClient; readonly sns: SNSClient },
  options: {
    readonly tableName: string;
    readonly topicArn: string;
    readonly config: HygieneConfig;
    readonly now: number;
    readonly runId: string;
  },
): Promise<NaiveResult> {
  const { tableName, topicArn, config, now, runId } = options;
  let scanned = 0;
  let updates = 0;
  let published = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.dynamo.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      scanned++;
      const change = policyChange(item, config, now);
      if (!change) continue;
      const { credential, actions } = change;
      await deps.dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: credential.id },
          ...naiveUpdate(actionChanges(actions, { runId, now })),
        }),
      );
      updates++;
      for (const event of eventsFor(credential, actions, { runId, now })) {
        await deps.sns.send(
          new PublishCommand({
            TopicArn: topicArn,
            Subject: `Your API credential ${event.displayName ?? event.credentialId}: ${event.type}`,
            Message: JSON.stringify(event),
            MessageAttributes: { userId: { DataType: 'String', StringValue: event.userId } },
          }),
        );
        published++;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return { scanned, updates, published };
}
