/**
 * The next step of each problem the run summary reports, one wording shared by its lines and the admin report, so
 * the text and the report point at the same runbook.
 */

/**
 * The next step of each problem the text reports, one line each, citing where it is handled (docs/deploy.md's
 * runbook by its heading, or its alarm table's row where no runbook exists): the one wording of the run summary.
 */
export const PROBLEM_ADVICE = {
  aborted: 'What to do: fix the cause the error names; see docs/deploy.md, "Runbook: Sweep errors"',
  abortedByWrites:
    'What to do: fix the cause the errors name (see "Write failures" below); see docs/deploy.md, "Runbook: Sweep errors"',
  writeFailures:
    "What to do: fix the cause the errors name (throttling, permissions, the table's KMS key); see docs/deploy.md, " +
    '"Operations: alarms and the dashboard", the SweepWriteFailures row, and docs/sweep.md, "Write failures"',
  invalid:
    'What to do: fix each record (docs/rules.md, "Invalid records"); see docs/deploy.md, ' +
    '"Operations: alarms and the dashboard", the InvalidRecords row',
  directory: 'What to do: see docs/deploy.md, "Runbook: Owner directory unusable"',
} as const;
