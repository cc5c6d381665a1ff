/**
 * Appends entries to a credential's bounded history (`hygieneHistory`,
 * docs/data-model.md "History") inside an `UpdateItem` that is being built —
 * the one way every writer (transition writer, restore, exempt) does it, so
 * the history is written in the same conditional write as the change it
 * records.
 *
 * No read is needed to keep the bound: the writer knows the history's length
 * from the state its decision was made from, and the write is conditional on
 * that length. The new entries are set at the indexes past the end (DynamoDB
 * appends them), and the oldest entries beyond the limit are removed by index
 * in the same write; both paths refer to the list as it was, so the result is
 * `old[drop:] ++ new` whichever way DynamoDB orders them. One write removes at
 * most `HISTORY_MAX_DROP` (`lambdas/hygiene/history.ts`): a longer stored
 * history shrinks over several writes, each within DynamoDB's 4 KB
 * expression limit.
 */
import { HISTORY_ATTR } from '../hygiene/data-contract';
import { type HistoryEntry, planHistoryAppend } from '../hygiene/history';
import type { UpdateExpressionBuilder } from './update-expression';

/**
 * Adds the history clauses and their condition to `update`
 * ({@link planHistoryAppend} decides them).
 * @param length how many entries the stored history held when read (0: absent, empty or not a list)
 * @param entries the entries to append, oldest first
 */
export function appendHistory(
  update: UpdateExpressionBuilder,
  length: number,
  entries: readonly HistoryEntry[],
): void {
  const plan = planHistoryAppend(length, entries);
  if (plan === undefined) return;
  const history = update.name(HISTORY_ATTR);
  const list = update.value('L');
  if (plan.kind === 'replace') {
    // Absent, empty, or not a list (replaced: the attribute is the worker's own).
    update.setExpression(history, update.value(plan.entries));
    update.condition(`(NOT attribute_type(${history}, ${list}) OR size(${history}) = ${update.value(0)})`);
    return;
  }
  plan.entries.forEach((entry, i) => {
    update.setExpression(`${history}[${plan.length + i}]`, update.value(entry));
  });
  for (let i = 0; i < plan.drop; i++) update.removePath(`${history}[${i}]`);
  update.condition(`attribute_type(${history}, ${list}) AND size(${history}) = ${update.value(plan.length)}`);
}
