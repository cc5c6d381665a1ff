/** Picks the `pc-hygiene plan` formatter for `--format`. */

import { csvPlanFormatter } from './plan-csv';
import { createJsonPlanFormatter } from './plan-json';
import { jsonlPlanFormatter } from './plan-jsonl';
import { tablePlanFormatter } from './plan-table';
import type { PlanFormatter } from './plan-types';

/** The output formats of `plan`. */
export const PLAN_FORMATS = ['table', 'json', 'jsonl', 'csv'] as const;
type PlanFormat = (typeof PLAN_FORMATS)[number];

/** A fresh formatter for one plan run. */
export function createPlanFormatter(format: PlanFormat): PlanFormatter {
  switch (format) {
    case 'table':
      return tablePlanFormatter;
    case 'json':
      return createJsonPlanFormatter();
    case 'jsonl':
      return jsonlPlanFormatter;
    case 'csv':
      return csvPlanFormatter;
  }
}
