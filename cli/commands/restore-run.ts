/**
 * The `--run RUN_ID` form of `pc-hygiene restore` (registered with `restore`
 * in `restore.ts`): undoes a whole run's deletions from its manifest, with the
 * same per-credential checks as `restore ID`, or shows what it would undo
 * with `--dry-run`. Stored manifest fields are printed as single-line
 * terminal text, one field at a time, so none forges a line of the report;
 * the per-credential warnings go to stderr as `restore ID` writes them. A
 * missing manifest page is listed with its cause (`write-failed`, `lost`,
 * `unknown`: cli/aws/run-manifests.ts). Exit 0 when nothing was refused and no
 * manifest page was missing, 1 otherwise.
 */
import { terminalText } from '../../lambdas/render/sanitize';
import { EXIT_CODE } from '../exit-codes';
import { withTable } from '../options/table-options';
import { UsageError } from '../usage-error';
import { type RunRestoreResult, restoreRun } from '../use-cases/restore-run';
import { type RestoreFlags, restoreTerms, writeRestoreWarnings } from './restore';

/** The `restore` flags the run form reads. */
export interface RestoreRunFlags extends RestoreFlags {
  readonly run?: string;
  readonly format: string;
}

function resultText(result: RunRestoreResult): string {
  const verb = result.dryRun ? 'would restore' : 'restored';
  const missing = result.missingPages.length;
  const lines = [
    ...result.restored.map(
      (r) =>
        `${verb} ${terminalText(r.id)} (deleted ${terminalText(r.deletedAt)} as ${terminalText(r.deletedReason)})`,
    ),
    ...result.skipped.map((m) => `skipped ${terminalText(m.id)}: ${terminalText(m.error)}`),
    ...result.refused.map((m) => `refused ${terminalText(m.id)}: ${terminalText(m.error)}`),
    ...result.missingPages.map((p) => `missing page ${p.page} (${p.cause}): ${terminalText(p.error)}`),
    `run ${terminalText(result.runId)}: ${result.restored.length} ${verb}, ${result.skipped.length} skipped, ${result.refused.length} refused` +
      (missing > 0 ? `, ${missing} manifest page${missing === 1 ? '' : 's'} missing` : '') +
      (result.dryRun ? ' (dry run: nothing written)' : ''),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Runs `restore --run RUN_ID`.
 * @throws {UsageError} when an id is given too, or `--reason`/`--by` is empty
 */
export async function runRestoreRun(
  runId: string,
  id: string | undefined,
  flags: RestoreRunFlags,
): Promise<void> {
  if (id !== undefined) throw new UsageError('give either a credential id or --run RUN_ID, not both');
  const { terms, target } = await restoreTerms(flags, 'the run is undone', 'restore --run');
  const result = await withTable(target, (client) => restoreRun(client, target.table, { runId, ...terms }));
  process.stdout.write(flags.format === 'json' ? `${JSON.stringify(result)}\n` : resultText(result));
  writeRestoreWarnings(result.restored);
  if (result.refused.length > 0 || result.missingPages.length > 0) process.exitCode = EXIT_CODE.failure;
}
