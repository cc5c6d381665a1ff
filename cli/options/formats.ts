/**
 * The `--format` vocabularies — one set of words across the CLI, `table`
 * (readable), `json`, `csv` (listings), plus `jsonl` for `plan`'s records —
 * one definition per kind of output (`plan`'s
 * record listing has its own, `PLAN_FORMATS` beside its formatters in
 * `cli/format/plan-formatter.ts`), and the one way to declare the flag (commander `.choices()`: an unknown value is a
 * usage error listing the allowed ones, and the option's type is the union).
 */
import { Option } from '@commander-js/extra-typings';

/** A report people read or a program parses: `sweep`, `report`, `notify`, `local`. */
export const REPORT_FORMATS = ['table', 'json'] as const;

/** A listing of records: `runs list`, `runs show`, `owners list`. */
export const LISTING_FORMATS = ['table', 'json', 'csv'] as const;

/**
 * A one-line result of an action: `restore`, `import`, `exempt`, `guard
 * approve`. The same words as every other kind (one vocabulary across the
 * CLI: `table` is the readable form), without `csv`, which a single result
 * does not need.
 */
export const RESULT_FORMATS = ['table', 'json'] as const;

/** `--format <format>` limited to `formats`, defaulting to the first of them. */
export function formatOption<const F extends readonly [string, ...string[]]>(
  formats: F,
  description: string,
) {
  return new Option('--format <format>', description).choices(formats).default<F[0]>(formats[0]);
}
