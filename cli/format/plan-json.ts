/**
 * One JSON document, streamed: `{"now","input","config","records":[...],"summary":{...}}`.
 * Records are written as they are planned, so memory stays flat for any input size.
 */
import { formatInstant } from '../../lambdas/hygiene/time';
import type { PlanFormatter } from './plan-types';
import { recordStatus } from './plan-types';

/** Creates a JSON document formatter (it tracks whether a comma is needed). */
export function createJsonPlanFormatter(): PlanFormatter {
  let first = true;
  return {
    start: ({ now, input, configPath }) =>
      `{"now":${JSON.stringify(formatInstant(now))},"input":${JSON.stringify(input)},` +
      `"config":${JSON.stringify(configPath ?? null)},"records":[`,
    record: ({ lineNumber, plan }) => {
      const separator = first ? '\n' : ',\n';
      first = false;
      const { id, userId, actions, problems } = plan;
      const status = recordStatus(plan);
      return `${separator}${JSON.stringify({ line: lineNumber, id, userId, status, actions, problems })}`;
    },
    end: (counts) => `\n],"summary":${JSON.stringify(counts)}}\n`,
  };
}
