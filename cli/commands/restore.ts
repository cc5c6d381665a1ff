/**
 * `pc-hygiene restore ID`: undoes a soft-delete, recording who restored it
 * and why. Refuses a deletion pc-hygiene did not make (no override: the
 * owner or the platform revoked it), and a credential past its `expiresTime`
 * unless `--force`, because the next sweep would delete it again.
 */
import type { Command } from '@commander-js/extra-typings';
import { terminalText } from '../../lambdas/render/sanitize';
import { osUser } from '../aws/caller-identity';
import { type RestoreResult, type RestoreTerms, restoreCredential } from '../aws/restore';
import { byOption } from '../options/by-option';
import { defineCommand } from '../options/define-command';
import {
  enforceOption,
  refuseAuditDeployment,
  resolveTarget,
  type Target,
  type TargetFlags,
} from '../options/deployment-target';
import { formatOption, RESULT_FORMATS } from '../options/formats';
import { nowOption, resolveNow } from '../options/now-option';
import type { OptionsOf } from '../options/options-of';
import { withTable } from '../options/table-options';
import { UsageError } from '../usage-error';
import { runRestoreRun } from './restore-run';

/** What `restore --help` says the command does. */
const DESCRIPTION =
  'Undo a soft-delete pc-hygiene made (one made upstream, without hygieneDeletedReason, is refused): ' +
  'clear deletedAt, the deletion reason, the purge time and the stale flag; ' +
  'record who restored it, when and why.';

/** The `restore` flags both forms (one id, or `--run`) read. */
export interface RestoreFlags extends TargetFlags {
  readonly reason: string;
  readonly by?: string | undefined;
  readonly force?: boolean | undefined;
  readonly dryRun?: boolean | undefined;
  readonly now?: string | undefined;
  readonly enforce?: boolean | undefined;
}

/**
 * The terms of a restore and the table it is made on, the same for one
 * credential and for a run: `--reason` and `--by` trimmed (`--by` defaults to
 * the OS user running the CLI), `--now`, `--force`, `--dry-run`; an
 * audit-mode deployment without `--enforce` is refused, except for a dry run,
 * which writes nothing (docs/deploy.md: the runbook dry-runs against an
 * audit-mode deployment).
 * @param undone what the reason explains, for the error (e.g. `the run is undone`)
 * @param what the command the refusal names (e.g. `restore --run`)
 * @throws {UsageError} when `--reason` or `--by` is empty, or `--now` is invalid
 * @throws {AuditDeploymentError} for an audit-mode deployment without `--enforce`
 */
export async function restoreTerms(
  flags: RestoreFlags,
  undone: string,
  what: string,
): Promise<{ readonly terms: RestoreTerms; readonly target: Target }> {
  const reason = flags.reason.trim();
  if (reason === '') throw new UsageError(`--reason must not be empty: say why ${undone}`);
  const by = flags.by ?? osUser();
  const now = resolveNow(flags.now);
  const target = await resolveTarget(flags, { usesConfig: false });
  if (!flags.dryRun) refuseAuditDeployment(target, flags.enforce, what, ', or --dry-run to check only');
  const terms = {
    reason,
    by,
    now,
    ...(flags.force && { force: true }),
    ...(flags.dryRun && { dryRun: true }),
  };
  return { terms, target };
}

async function runRestore(id: string, options: RestoreOptions): Promise<void> {
  const { terms, target } = await restoreTerms(options, 'the credential is restored', 'restore');
  const result = await withTable(target, (client) =>
    restoreCredential(client, target.table, { id, ...terms }),
  );
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const deleted = [
      result.deletedReason && `as ${result.deletedReason}`,
      result.deletedByRun && `by run ${result.deletedByRun}`,
    ]
      .filter(Boolean)
      .join(' ');
    const line = `${result.dryRun ? 'would restore' : 'restored'} ${result.id} (deleted ${result.deletedAt}${deleted ? ` ${deleted}` : ''}) by ${result.restoredBy}: ${result.reason}`;
    process.stdout.write(`${terminalText(line)}\n`);
  }
  writeRestoreWarnings([result]);
}

/**
 * Writes each result's warning (forced past expiry, orphaned: the next sweep
 * acts on it again) on stderr, as terminal-safe text: one line each.
 */
export function writeRestoreWarnings(results: readonly RestoreResult[]): void {
  for (const { warning } of results) {
    if (warning) process.stderr.write(`pc-hygiene restore: warning: ${terminalText(warning)}\n`);
  }
}

/** `restore` and its flags. */
function defineRestoreCommand(program: Command) {
  return defineCommand(program, 'restore', DESCRIPTION, 'table', (command) =>
    command
      .argument('[id]', 'the credential id (or --run RUN_ID)')
      .requiredOption('--reason <text>', 'why it is restored (recorded as hygieneRestoreReason)')
      .addOption(byOption('who restores it (recorded as hygieneRestoredBy; default: your OS user)'))
      .option('--force', 'restore even when past its expiresTime (the next sweep will delete it again)')
      .option(
        '--run <run-id>',
        'restore every credential that run soft-deleted (from its manifest: pc-hygiene runs show)',
      )
      .option('--dry-run', 'make every check and say what would be restored, write nothing')
      .addOption(nowOption('the restore instant'))
      .addOption(enforceOption())
      .addOption(formatOption(RESULT_FORMATS, 'output format')),
  );
}

type RestoreOptions = OptionsOf<ReturnType<typeof defineRestoreCommand>>;

/** Registers `restore` on the program. */
export function registerRestoreCommand(program: Command): void {
  defineRestoreCommand(program).action(async (id, options) => {
    if (options.run !== undefined) return runRestoreRun(options.run, id, options);
    if (id === undefined) throw new UsageError('give the credential id to restore, or --run RUN_ID');
    return runRestore(id, options);
  });
}
