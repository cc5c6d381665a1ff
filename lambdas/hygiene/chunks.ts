/**
 * THE way the code base cuts a list into requests: AWS batch APIs take a
 * bounded number of entries per call (100 keys a `BatchGetItem`, 25
 * statements a `BatchExecuteStatement`, 1,000 metrics a `PutMetricData`), and
 * every caller that batches slices its list here rather than with a loop of
 * its own, so the off-by-one lives in one place and is tested once.
 */

/**
 * Consecutive slices of `values`, each at most `size` long, in order; the
 * last may be shorter. An empty list gives no slices.
 * @param size the most entries one slice holds (a positive integer)
 * @throws {RangeError} when `size` is not a positive integer (a zero would loop forever)
 */
export function chunks<T>(values: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be >= 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
