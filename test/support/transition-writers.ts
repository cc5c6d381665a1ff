/**
 * Both ways the worker writes a transition, for tests that must hold for
 * each: one conditional `UpdateItem` per credential, and the sweep's batched
 * PartiQL statements (which fall back to the former). docs/data-model.md,
 * "The transition write".
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchedTransitionWriter } from '../../lambdas/aws/batched-transition-writer';
import { DynamoDbTransitionWriter } from '../../lambdas/aws/transition-writer';
import type { TransitionWriter } from '../../lambdas/hygiene/ports';

/** `[name, make]` pairs for `describe.each`. */
export const TRANSITION_WRITERS: readonly (readonly [
  string,
  (client: DynamoDBDocumentClient, tableName: string) => TransitionWriter,
])[] = [
  ['per-item UpdateItem', (client, tableName) => new DynamoDbTransitionWriter(client, tableName)],
  ['batched PartiQL', (client, tableName) => new BatchedTransitionWriter(client, tableName)],
];
