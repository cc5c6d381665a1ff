/**
 * One JSON document, streamed: `{"now","input","config","records":[...],"summary":{...}}`.
 * Records are written as they are planned, so memory stays flat for any input size.
 * Text from the input is written through `jsonText` (control and format characters as `\uXXXX`).
 */
import { formatInstant } from '../../lambdas/hygiene/time';
import { jsonText } from '../../lambdas/render/json-text';
import type { PlanFormatter } from './plan-types';
import { recordStatus } from './plan-types';

/** Creates a JSON document formatter (it tracks whether a comma is needed). */
export function createJsonPlanFormatter(): PlanFormatter {
  let first = true;
  return {
    start: ({ now, input, configPath }) =>
      `{"now":${jsonText(formatInstant(now))},"input":${jsonText(input)},` +
      `"config":${jsonText(configPath ?? null)},"records":[`,
    record: ({ lineNumber, plan }) => {
      const separator = first ? '\n' : ',\n';
      first = false;
      const { id, userId, actions, problems } = plan;
      const status = recordStatus(plan);
      return `${separator}${jsonText({ line: lineNumber, id, userId, status, actions, problems })}`;
    },
    end: (counts) => `\n],"summary":${jsonText(counts)}}\n`,
  };
}
