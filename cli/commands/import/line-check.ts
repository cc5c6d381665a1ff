/**
 * Why `pc-hygiene import` rejects a line: checked before it is written ({@link checkImportLine}: the sweep's own
 * parser, reserved ids, lone surrogates, the history, numbers, DynamoDB's item limits, duplicate ids), or refused by
 * DynamoDB when written all the same ({@link refusedLine}).
 */
import { formatProblem, parseCredential } from '../../../lambdas/hygiene/credential';
import { HISTORY_ATTR, isReservedId, RESERVED_ID_PREFIX } from '../../../lambdas/hygiene/data-contract';
import { loneSurrogateProblems } from '../../../lambdas/hygiene/lone-surrogates';
import type { RawItem } from '../../../lambdas/hygiene/ports';
import { describeStoredValue } from '../../../lambdas/hygiene/stored-value-text';
import { itemLimitProblems } from '../../aws/item-limits';
import type { JsonlLine } from '../../jsonl';
import { numberProblems } from './numbers';
import type { RejectedLine } from './types';

/**
 * A `hygieneHistory` that is not a list, one problem: the worker's first write
 * on the credential would replace it, losing what it holds (docs/data-model.md,
 * "History"). Absent or `null` holds nothing: no problem; a list of any length
 * is written (a long one is counted: {@link ImportSummary.longHistories}).
 */
function historyProblems(raw: RawItem): string[] {
  const history = raw[HISTORY_ATTR];
  if (history === undefined || history === null || Array.isArray(history)) return [];
  return [
    `${HISTORY_ATTR}: must be a list (the credential's history, which the worker's next write would replace), ` +
      `got ${describeStoredValue(history)}`,
  ];
}

/**
 * A line whose `id` is reserved for the worker's own items (docs/data-model.md,
 * "Reserved ids"), rejected for that alone, whatever else it holds or lacks;
 * `undefined` for any other line.
 */
function reservedIdRejection(lineNumber: number, value: unknown): RejectedLine | undefined {
  const id = value !== null && typeof value === 'object' ? (value as RawItem).id : undefined;
  if (typeof id !== 'string' || !isReservedId(id)) return undefined;
  return {
    line: lineNumber,
    id,
    problems: [`id: ids starting with ${RESERVED_ID_PREFIX} are reserved for the worker's own items`],
  };
}

/** Checks one line; returns the item to write, or why it is rejected. */
export function checkImportLine(
  line: JsonlLine,
  firstLineOfId: Map<string, number>,
): { readonly item: RawItem } | { readonly rejected: RejectedLine } {
  if (!line.ok) {
    // The reader's message starts with "line N is"; the line number is reported separately.
    const problem = line.error.replace(/^line \d+ is /, '');
    return { rejected: { line: line.lineNumber, id: null, problems: [problem] } };
  }
  // Before the record is parsed: a worker's own item (an `export --include-reserved` line) is no credential,
  // and the reason to give is its id, not the credential fields it lacks.
  const reserved = reservedIdRejection(line.lineNumber, line.value);
  if (reserved !== undefined) return { rejected: reserved };
  const parsed = parseCredential(line.value);
  if (!parsed.ok) {
    return {
      rejected: { line: line.lineNumber, id: parsed.id, problems: parsed.problems.map(formatProblem) },
    };
  }
  const { id } = parsed.credential;
  // DynamoDB would store U+FFFD for a lone surrogate: the stored text would differ from the file.
  const illFormed = loneSurrogateProblems(parsed.credential.raw);
  if (illFormed.length > 0) return { rejected: { line: line.lineNumber, id, problems: illFormed } };
  const history = historyProblems(parsed.credential.raw);
  if (history.length > 0) return { rejected: { line: line.lineNumber, id, problems: history } };
  const numbers = numberProblems(line);
  if (numbers.length > 0) return { rejected: { line: line.lineNumber, id, problems: numbers } };
  // Past DynamoDB's limits the item would fail its whole batch: reject the line instead.
  const unstorable = itemLimitProblems(parsed.credential.raw);
  if (unstorable.length > 0) return { rejected: { line: line.lineNumber, id, problems: unstorable } };
  const first = firstLineOfId.get(id);
  if (first !== undefined) {
    return {
      rejected: {
        line: line.lineNumber,
        id,
        problems: [`id: duplicate of line ${first} (the first one is kept)`],
      },
    };
  }
  firstLineOfId.set(id, line.lineNumber);
  return { item: parsed.credential.raw };
}

/** The line of an item DynamoDB refused at write time (validation let it through), with DynamoDB's reason. */
export function refusedLine(
  item: RawItem,
  message: string,
  firstLineOfId: ReadonlyMap<string, number>,
): RejectedLine {
  const id = String(item.id);
  return { line: firstLineOfId.get(id) ?? 0, id, problems: [`DynamoDB refused the item: ${message}`] };
}
