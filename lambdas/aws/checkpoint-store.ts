/**
 * The sweep's scan checkpoint, kept as one reserved item in the credentials
 * table itself (id `__hygiene__#sweep-checkpoint`; the scanner, report and
 * export skip reserved ids).
 *
 * Why in the table, and why only `UpdateItem`: the deployed sweep function's
 * actions on the table are `SWEEP_TABLE_ACTIONS` (lib/hygiene-grants.ts:
 * `Scan`, `UpdateItem` and, for its batched transitions, `PartiQLUpdate`),
 * and it has no extra table, no SSM, no S3 and no `GetItem`. So:
 * - **save**: `SET` the checkpoint attributes (creates the item if needed);
 * - **load**: an `UpdateItem` that is conditional on a checkpoint being
 *   present, bumps a load counter (`ADD`) and returns the item with
 *   `ReturnValues: ALL_NEW`; when there is none the condition fails and
 *   nothing is written (no empty item is ever created by a read);
 * - **clear**: `REMOVE` the checkpoint attributes, conditional on the stored
 *   checkpoint still being the one this run loaded (the same stored value,
 *   readable or not). Runs overlap — the schedule, an operator's CLI sweep —
 *   and a run that finishes must not remove the newer checkpoint another run
 *   saved meanwhile; the condition also keeps a clear from creating the item.
 *   Comparing the text is enough: a checkpoint says "everything before these
 *   positions is done", so a run that finished the table from those positions
 *   may clear any checkpoint that says the same. A clear whose response was
 *   lost is sent again by the SDK and fails its condition on its own removal:
 *   when its attempts may have applied (`may-have-applied.ts`) and the item the
 *   failed condition returns holds no checkpoint, it counts as cleared.
 *
 * The positions are stored as one JSON string: keys are small (one `id` per
 * segment, at most 64 segments), and a string survives any marshalling. The
 * same string carries the figures of the runs of the pass so far (`pass`,
 * `lambdas/hygiene/sweep/pass.ts`): the clear still compares the whole text as
 * read, so a checkpoint with the same positions and the same carried figures is
 * cleared, and one that differs in either stays (read again by the next run:
 * harmless). A checkpoint saved before `pass` existed has none: nothing carried.
 */
import type { AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CONCURRENCY_MAXIMA } from '../hygiene/config';
import { CHECKPOINT_ATTR, CHECKPOINT_ID } from '../hygiene/data-contract';
import type { CheckpointStore, LoadedCheckpoint, SavedCheckpoint } from '../hygiene/ports';
import { readCarriedPass } from '../hygiene/sweep/pass';
import { formatInstant } from '../hygiene/time';
import { asStored } from './as-stored';
import { TABLE_DEFINITION } from './credential-table-definition';
import { sendUnlessConditionFails } from './dynamodb-client';
import { mayHaveApplied } from './may-have-applied';
import { UpdateExpressionBuilder, type UpdateExpressionParts } from './update-expression';

/** Options for {@link DynamoDbCheckpointStore}. */
export interface CheckpointStoreOptions {
  /** Wall clock for `hygieneCheckpointSavedAt` (default `Date.now`). */
  readonly clock?: () => number;
  /** Told when a stored checkpoint is unreadable and ignored (the run then starts from the top). */
  readonly onInvalid?: (reason: string) => void;
}

/** The table's key attribute: a scan resumes after a key of exactly this one attribute. */
const KEY_NAME = TABLE_DEFINITION.partitionKey.name;

/**
 * Exactly a key of the credentials table: `{ id: string }`, nothing else
 * (credential-table-definition.ts). Anything else would reach DynamoDB as
 * `ExclusiveStartKey` and fail every run ("The provided starting key is
 * invalid") instead of being ignored.
 */
function isTableKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  if (entries.length !== 1) return false;
  const [name, key] = entries[0] as [string, unknown];
  return name === KEY_NAME && typeof key === 'string' && key.length > 0;
}

/**
 * Validates a stored checkpoint, its carried figures (`pass`) included.
 * @returns the checkpoint, or why it cannot be used
 */
function parseStoredCheckpoint(
  text: unknown,
): { ok: true; value: SavedCheckpoint } | { ok: false; reason: string } {
  if (typeof text !== 'string') return { ok: false, reason: `${CHECKPOINT_ATTR.checkpoint} is not a string` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${CHECKPOINT_ATTR.checkpoint} is not JSON` };
  }
  if (value === null || typeof value !== 'object') return { ok: false, reason: 'not an object' };
  const { segments, positions, pass } = value as { segments?: unknown; positions?: unknown; pass?: unknown };
  const maxSegments = CONCURRENCY_MAXIMA.scanSegments; // a run never saves more segments than its config allows
  if (typeof segments !== 'number' || !Number.isInteger(segments) || segments < 1 || segments > maxSegments) {
    return {
      ok: false,
      reason: `segments ${JSON.stringify(segments)} is not an integer from 1 to ${maxSegments}`,
    };
  }
  if (!Array.isArray(positions) || positions.length !== segments) {
    return { ok: false, reason: `positions is not a list of ${segments} entries` };
  }
  for (const p of positions) {
    if (p !== null && p !== 'done' && !isTableKey(p)) {
      return {
        ok: false,
        reason: `position ${JSON.stringify(p)} is not null, "done" or a key of the table ({ "${KEY_NAME}": non-empty string })`,
      };
    }
  }
  const carried = readCarriedPass(pass);
  if (!carried.ok) return carried;
  return { ok: true, value: { segments, positions, ...(carried.value && { pass: carried.value }) } };
}

/**
 * The stored text of a checkpoint: its segment count, positions and carried figures, each written by name in one
 * order, so that two runs saving the same checkpoint store the same text (the clear compares it).
 */
function checkpointText({ segments, positions, pass }: SavedCheckpoint): string {
  if (pass === undefined) return JSON.stringify({ segments, positions });
  const { firstRun, runs, invalid, tooLarge } = pass;
  return JSON.stringify({ segments, positions, pass: { firstRun, runs, invalid, tooLarge } });
}

/** Load: count the resume (`ADD`), only if a checkpoint is stored (a read never creates the item). */
function loadUpdate(): UpdateExpressionParts {
  const update = new UpdateExpressionBuilder().add(CHECKPOINT_ATTR.loads, 1);
  return update.condition(`attribute_exists(${update.name(CHECKPOINT_ATTR.checkpoint)})`).build();
}

/**
 * Clear: remove the checkpoint attributes, only while the stored checkpoint is
 * still `stored` (the value loaded): never a newer one, and never on a missing
 * item (an update on a missing key would create it).
 */
function clearUpdate(stored: unknown): UpdateExpressionParts {
  const update = new UpdateExpressionBuilder()
    .remove(CHECKPOINT_ATTR.checkpoint)
    .remove(CHECKPOINT_ATTR.savedAt)
    .remove(CHECKPOINT_ATTR.loads);
  // As stored (`asStored`): a damaged number set mixing plain and big numbers is read back mixed, and sent as
  // read the SDK would refuse it, failing every finishing run's clear.
  return update
    .condition(`${update.name(CHECKPOINT_ATTR.checkpoint)} = ${update.value(asStored(stored))}`)
    .build();
}

/** The attributes a clear removes: an item holding none of them is as a clear leaves it. */
const CLEARED_ATTRIBUTES = [CHECKPOINT_ATTR.checkpoint, CHECKPOINT_ATTR.savedAt, CHECKPOINT_ATTR.loads];

/**
 * Whether a clear that failed its condition met its own removal: its attempts may have applied
 * ({@link mayHaveApplied}: the SDK sent it again after a lost response, or it ended in a transient error) and the
 * item as the condition found it (`ALL_OLD`, as DynamoDB returns it) holds none of the checkpoint attributes. A
 * checkpoint present (another run's newer one, saved after the removal) or an item gone (a clear never deletes
 * it) is not this clear's doing.
 */
function clearedByOwnAttempt(error: ConditionalCheckFailedException): boolean {
  const item: Record<string, AttributeValue> | undefined = error.Item;
  if (!mayHaveApplied(error) || item === undefined) return false;
  return CLEARED_ATTRIBUTES.every((name) => item[name] === undefined);
}

/** {@link CheckpointStore} as one reserved item of the credentials table, using only `UpdateItem`. */
export class DynamoDbCheckpointStore implements CheckpointStore {
  private readonly key = { [TABLE_DEFINITION.partitionKey.name]: CHECKPOINT_ID };

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: CheckpointStoreOptions = {},
  ) {}

  async load(): Promise<LoadedCheckpoint | undefined> {
    const sent = await sendUnlessConditionFails(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key,
        ...loadUpdate(),
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (!sent.applied) return undefined; // no checkpoint
    const stored: unknown = sent.output.Attributes?.[CHECKPOINT_ATTR.checkpoint];
    const parsed = parseStoredCheckpoint(stored);
    if (!parsed.ok) {
      this.options.onInvalid?.(`ignoring the stored sweep checkpoint: ${parsed.reason}`);
      return { resumeFrom: undefined, stored };
    }
    return { resumeFrom: parsed.value, stored };
  }

  async save(checkpoint: SavedCheckpoint): Promise<void> {
    const clock = this.options.clock ?? Date.now;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key,
        ...new UpdateExpressionBuilder()
          .set(CHECKPOINT_ATTR.checkpoint, checkpointText(checkpoint))
          .set(CHECKPOINT_ATTR.savedAt, formatInstant(clock()))
          .remove(CHECKPOINT_ATTR.loads)
          .build(),
      }),
    );
  }

  async clear(loaded: LoadedCheckpoint): Promise<boolean> {
    const sent = await sendUnlessConditionFails(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key,
        ...clearUpdate(loaded.stored),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    // A failed condition: gone, or another run's newer one; unless this clear's own earlier attempt removed it.
    return sent.applied || clearedByOwnAttempt(sent.failed);
  }
}
