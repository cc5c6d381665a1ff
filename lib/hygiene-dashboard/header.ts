/**
 * The dashboard's first row (lib/hygiene-dashboard.ts): a text that says what it shows and how to read its axes.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** What the dashboard shows and how to read it. */
export function headerWidget(): cloudwatch.IWidget {
  return new cloudwatch.TextWidget({
    markdown:
      '## Credential hygiene\nSweep: counts per day, every run of the day summed (the scheduled sweep, CLI sweeps, retries). In `audit` mode nothing is written: *Applied* counts what enforce would have written. ' +
      'Guard tripped = deletions held back; invalid records = listed in the admin run summary. ' +
      'Each axis of a graph draws one period: where a graph has two, the right axis has the other and each line’s label says its period.',
    width: 24,
    height: 2,
  });
}
