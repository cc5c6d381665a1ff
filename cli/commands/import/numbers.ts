/**
 * How `pc-hygiene import` carries the file's numbers: one DynamoDB stores is written as the file states it, even past
 * what a JavaScript number holds ({@link carryStorableNumber}); one it cannot store is a bad line
 * ({@link numberProblems}; docs/data-model.md, "Import and export").
 */
import { readStoredNumber } from '../../../lambdas/aws/dynamodb-client';
import { numberProblem } from '../../aws/item-limits';
import type { JsonlLine } from '../../jsonl';

/**
 * Numbers of the line that would not be written as the file states them, one
 * problem each: those no JavaScript number carries exactly and that
 * {@link carryStorableNumber} did not carry, because DynamoDB cannot store
 * them (`1e-400`, read as 0; more than 38 significant digits), which would
 * silently differ from the file. Named by DynamoDB's reason.
 */
export function numberProblems(line: JsonlLine): string[] {
  const inexact = (line.ok && line.inexactNumbers) || [];
  return inexact.map(({ path, source, value }) => {
    const reason = numberProblem(source) ?? `the number ${source} cannot be carried exactly`;
    return `${path}: ${reason} (JSON reads it as ${value}; quote it as a string)`;
  });
}

/**
 * How `import` carries a number no JavaScript number can (inexact, or beyond
 * ±(2^53 − 1), which the AWS SDK refuses to send as a `number`): as the worker
 * reads it back from the table (`readStoredNumber`: a `bigint`, or a
 * `NumberValue` of its text), which the SDK sends as written, so the item
 * holds the file's number (`12345678901234567890` from an export, docs/data-model.md,
 * "Import and export"). `undefined` (not carried, reported) for a number
 * DynamoDB cannot store (`cli/aws/item-limits.ts`, `numberProblem`).
 */
export function carryStorableNumber(source: string): unknown {
  return numberProblem(source) === undefined ? readStoredNumber(source) : undefined;
}
