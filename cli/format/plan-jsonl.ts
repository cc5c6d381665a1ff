/**
 * JSON Lines: exactly one `{"id","userId","actions","problems"}` object per input record, same order; text from
 * the input written through `jsonText` (control and format characters as `\uXXXX`).
 */
import type { RecordPlan } from '../../lambdas/hygiene/policy';
import { jsonText } from '../../lambdas/render/json-text';
import type { PlanFormatter } from './plan-types';

/** The public per-record shape of a plan (docs/cli-plan.md). */
function planRecordJson(plan: RecordPlan): {
  id: string | null;
  userId: string | null;
  actions: RecordPlan['actions'];
  problems: RecordPlan['problems'];
} {
  return { id: plan.id, userId: plan.userId, actions: plan.actions, problems: plan.problems };
}

/** Streams one JSON object per line; no header, no summary (the output stays pure JSONL). */
export const jsonlPlanFormatter: PlanFormatter = {
  start: () => '',
  record: ({ plan }) => `${jsonText(planRecordJson(plan))}\n`,
  end: () => '',
};
