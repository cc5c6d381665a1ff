/**
 * One run of `pc-hygiene import`: the target resolved (an acting import refused on a deployment in audit mode),
 * the import run with its progress and stderr lines, the summary printed, and the exit code set (README.md, "CLI").
 */
import { EXIT_CODE } from '../../exit-codes';
import { refuseAuditDeployment, resolveTarget } from '../../options/deployment-target';
import { describeTableError, withTable } from '../../options/table-options';
import { withProgress } from '../../progress';
import { importJsonLines } from './import-lines';
import type { ImportCommandOptions } from './options';
import { describeExisting, describeRejected, longHistoriesWarning } from './stderr-lines';
import { printSummary } from './summary-text';
import { ImportIncompleteError } from './types';

/** Runs `import FILE` with its parsed options. */
export async function runImport(file: string, options: ImportCommandOptions): Promise<void> {
  const target = await resolveTarget(options, { usesConfig: false });
  if (!options.dryRun)
    refuseAuditDeployment(target, options.enforce, 'import', ', or --dry-run to validate only');
  const outcome = await withProgress({ label: 'import', unit: 'records written' }, (progress) =>
    withTable(
      target,
      (client) =>
        importJsonLines(client, {
          table: target.table,
          file,
          dryRun: options.dryRun,
          createTable: options.createTable,
          replace: options.replace,
          onProgress: (p) => progress.update(p.written),
          onRejected:
            options.format === 'table'
              ? (rejected) => {
                  progress.clear();
                  process.stderr.write(`pc-hygiene import: rejected ${describeRejected(rejected)}\n`);
                }
              : undefined,
          onExisting:
            options.format === 'table'
              ? (existing, replaced) => {
                  progress.clear();
                  process.stderr.write(`pc-hygiene import: ${describeExisting(existing, replaced)}\n`);
                }
              : undefined,
        }).then(
          (summary) => ({ summary, error: undefined }),
          (error: unknown) => {
            if (!(error instanceof ImportIncompleteError)) throw error;
            // The summary first, then the error as for any other (a missing table, DynamoDB unreachable: one line).
            return { summary: error.summary, error: describeTableError(error.writeError, target) };
          },
        ),
      // `prepareTable` checks it, on a dry run too: --create-table may find none, and need not.
      'checked by the work',
    ),
  );
  printSummary(outcome.summary, options.format, outcome.error);
  const warning = longHistoriesWarning(outcome.summary);
  // A note, not a failure: the exit code stays as it was (`--format json` has the count as `longHistories`).
  if (warning !== undefined && options.format === 'table') {
    process.stderr.write(`pc-hygiene import: warning: ${warning}\n`);
  }
  if (outcome.error !== undefined) throw outcome.error;
  // Rejected lines, or records left out for an id already in the table, mean the file was not fully loaded:
  // a script must notice.
  if (outcome.summary.rejected > 0 || outcome.summary.notReplaced > 0) process.exitCode = EXIT_CODE.failure;
}
