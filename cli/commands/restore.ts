/**
 * `pc-hygiene restore ID`: undoes a soft-delete, recording who restored it
 * and why. Refuses a deletion pc-hygiene did not make (no override: the
 * owner or the platform revoked it), and a credential past its `expiresTime`
 * unless `--force` or exempt (`hygieneExempt`, or the `exemptIds` of the
 * stack's deployed config, which its scheduled sweep reads — a `--config`
 * file's list counts only on a local `--endpoint` table), because the next
 * sweep would delete it again. With a stack, `--now` is for `--dry-run` only
 * (restore-terms.ts). With `--format json` a refusal is also a JSON document on
 * stdout, `{id, error, check}`, as `--run` lists one (exit 1 all the same).
 */
import type { Command } from '@commander-js/extra-typings';
import { operatorText } from '../../lambdas/hygiene/operator-identity';
import { jsonText } from '../../lambdas/render/json-text';
import { terminalText } from '../../lambdas/render/sanitize';
import { OPERATOR_ENV } from '../aws/caller-identity';
import { RestoreRefusal, restoreCredential } from '../aws/restore';
import { byOption } from '../options/by-option';
import { parseCredentialId } from '../options/credential-id';
import { defineCommand } from '../options/define-command';
import { enforceOption } from '../options/deployment-target';
import { formatOption, RESULT_FORMATS } from '../options/formats';
import { configOption } from '../options/load-config';
import { nowOption } from '../options/now-option';
import type { OptionsOf } from '../options/options-of';
import { requireRunIdArgument } from '../options/run-id';
import { withTable } from '../options/table-options';
import { UsageError } from '../usage-error';
import { runRestoreRun } from './restore-run';
import { deletionNoticeText, restoreTerms, writeRestoreWarnings } from './restore-terms';

/** What `restore --help` says the command does. */
const DESCRIPTION =
  'Undo a soft-delete pc-hygiene made (one made upstream, without hygieneDeletedReason, is refused): ' +
  'clear deletedAt, the deletion reason and run, the purge time (hygienePurgeAt, hygienePurgePending), ' +
  'the stale flag, the orphan flag and the deletion notice if still unsent (one already sent is not retracted: ' +
  'the output names the owner to tell); record who restored it, when and why.';

async function runRestore(id: string, options: RestoreOptions): Promise<void> {
  const { terms, target } = await restoreTerms(options, 'the credential is restored', 'restore');
  const result = await withTable(target, (client) =>
    restoreCredential(client, target.table, { id, ...terms }),
  ).catch((error: unknown) => {
    if (options.format === 'json' && error instanceof RestoreRefusal) {
      process.stdout.write(`${jsonText(refusalJson(id, error))}\n`);
    }
    // The error line on stderr and exit 1, as for every format (cli/main.ts).
    throw error;
  });
  if (options.format === 'json') {
    process.stdout.write(`${jsonText(result)}\n`);
  } else {
    const deleted = [
      result.deletedReason && `as ${result.deletedReason}`,
      result.deletedByRun && `by run ${result.deletedByRun}`,
    ]
      .filter(Boolean)
      .join(' ');
    const line = `${result.dryRun ? 'would restore' : 'restored'} ${result.id} (deleted ${result.deletedAt}${deleted ? ` ${deleted}` : ''}${deletionNoticeText(result)}) by ${operatorText({ by: result.restoredBy, ...result })}: ${result.reason}`;
    process.stdout.write(`${terminalText(line)}\n`);
  }
  writeRestoreWarnings([result]);
}

/**
 * A refusal as `--format json` prints it on stdout, keyed as `restore --run`'s
 * `skipped` and `refused` entries (`cli/use-cases/restore-run.ts`, `RunRestoreMiss`;
 * no `rule`, which only a run's manifest knows): the message as the stderr line
 * says it, and the check for scripts to branch on (docs/data-model.md, "Restore").
 */
function refusalJson(id: string, refusal: RestoreRefusal): { id: string; error: string; check: string } {
  return { id, error: refusal.message, check: refusal.check };
}

/**
 * Reads `--run <run-id>` (`requireRunIdArgument`): an empty run id, or one too long for its manifest's keys, is a
 * usage error naming the option (exit 2), not a lookup of a manifest that cannot exist.
 * @throws {UsageError}
 */
function parseRunOption(value: string): string {
  return requireRunIdArgument('the --run run id', value);
}

/** `restore` and its flags. */
function defineRestoreCommand(program: Command) {
  return defineCommand(program, 'restore', DESCRIPTION, 'table', (command) =>
    command
      .argument('[id]', 'the credential id (or --run RUN_ID)', parseCredentialId)
      .requiredOption('--reason <text>', 'why it is restored (recorded as hygieneRestoreReason)')
      .addOption(
        byOption(
          `who restores it (recorded as hygieneRestoredBy; default: ${OPERATOR_ENV}, else your AWS caller ARN, else your OS user)`,
        ),
      )
      .option('--force', 'restore even when past its expiresTime (the next sweep will delete it again)')
      .option(
        '--run <run-id>',
        'restore every credential that run soft-deleted (from its manifest: pc-hygiene runs show)',
        parseRunOption,
      )
      .option('--dry-run', 'make every check and say what would be restored, write nothing')
      .addOption(nowOption('the restore instant (in AWS, not a local --endpoint: only with --dry-run)'))
      .addOption(
        configOption(
          'table',
          'exemptIds, on a local --endpoint table: a credential they list is restored past its expiry ' +
            "without --force; in AWS only the stack's deployed exemptIds count, which its scheduled sweep " +
            'reads: with --table, name the stack too',
        ),
      )
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
