/**
 * What the bench's unit tests share: the timings of a run within the speed targets, for a summary row, and a
 * plain `UpdateItem` for the meters (its answer does not matter to them).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** The timings of a run within the speed targets (1.2 × its floor, 7.7 × the naive sweep), for the target tests' rows. */
export const FAST_RUN = {
  floorMs: 100,
  parallelFloorMs: 100,
  sweepMs: 120,
  notifyMs: 10,
  naiveMs: 1_000,
  ratioToFloor: 1.2,
  speedupVsNaive: 7.7,
} as const;

/** A plain `UpdateItem` (its answer does not matter to the meter). */
export const anUpdate = () =>
  new UpdateCommand({
    TableName: 't',
    Key: { id: 'a' },
    UpdateExpression: 'SET x = :x',
    ExpressionAttributeValues: { ':x': 1 },
  });
