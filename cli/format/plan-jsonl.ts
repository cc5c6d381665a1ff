/** JSON Lines: exactly one `{"id","userId","actions","problems"}` object per input record, same order. */
import type { RecordPlan } from '../../lambdas/hygiene/policy';
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
  record: ({ plan }) => `${JSON.stringify(planRecordJson(plan))}\n`,
  end: () => '',
};
