/**
 * The records of `pc-hygiene import` whose id the table already holds: each batch's ids read before it is written
 * ({@link existingOption}), and how the summary counts them, replaced or not written ({@link existingOf};
 * docs/data-model.md, "History").
 */
import type { RawItem } from '../../../lambdas/hygiene/ports';
import type { BatchWriterOptions } from '../../aws/batch-import';
import type { ExistingRecord, ImportOptions, ImportSummary } from './types';

/**
 * The writer's `existing` option: each batch's ids read first, and a record
 * found pushed onto `found` with its line (and written only with `--replace`).
 * None for a table just created: it holds nothing, no read is needed.
 */
export function existingOption(
  options: ImportOptions,
  tableCreated: boolean,
  firstLineOfId: ReadonlyMap<string, number>,
  found: ExistingRecord[],
): Pick<BatchWriterOptions, 'existing'> {
  if (tableCreated) return {};
  const replace = options.replace ?? false;
  const onExisting = (item: RawItem) => {
    const id = String(item.id);
    const existing = { line: firstLineOfId.get(id) ?? 0, id };
    found.push(existing);
    options.onExisting?.(existing, replace);
  };
  return { existing: { replace, onExisting } };
}

/** The records already in the table, as the summary counts them: replaced, or not written. */
export function existingOf(
  records: readonly ExistingRecord[],
  replaced: boolean,
): Pick<ImportSummary, 'notReplaced' | 'notReplacedRecords' | 'replaced' | 'replacedRecords'> {
  // Found as their batches are answered: report in file order.
  const inOrder = records.toSorted((a, b) => a.line - b.line);
  return {
    notReplaced: replaced ? 0 : inOrder.length,
    notReplacedRecords: replaced ? [] : inOrder,
    replaced: replaced ? inOrder.length : 0,
    replacedRecords: replaced ? inOrder : [],
  };
}
