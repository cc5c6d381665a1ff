/**
 * `pc-hygiene exempt ID` / `unexempt ID`: exemptions as data
 * (docs/rules.md, "Exempt"). Sets or clears `hygieneExempt` on the credential
 * and appends who, why and when to its history, in one conditional write. An
 * exempt credential is never flagged or deleted (it still gets expiry
 * notices); unlike the deployment's `exemptIds` list, this needs no redeploy
 * and has no size limit. `unexempt` clears only this exemption: a credential
 * the deployed `exemptIds` lists stays exempt, and the command says so; one
 * whose deletion has come due (expired, or a flag past its `deleteAfter`)
 * says that the next sweep soft-deletes it.
 * `--now` is for local tables (`--endpoint`): in AWS — a stack, or a table
 * named without `--endpoint` — it is refused (the history would record a
 * typed instant, not the wall clock).
 *
 * An exemption does not undo a soft-delete: `exempt` of a credential already
 * soft-deleted records the exemption (a later `restore` keeps it, so no sweep
 * deletes the credential again, and one past its expiry needs no `--force`),
 * but its line says the credential stays soft-deleted, and a warning on
 * stderr says when it was deleted and why, when its purge is due, and the
 * `restore` to run (docs/rules.md, "Exempt credentials"). Exit 0: what the
 * command does was done, and running it again would not change the deletion.
 * Except when its history entry would push the deletion's own entry out of
 * the bounded history (repeated toggles on a deleted credential): that entry
 * says why it was deleted and is what `restore` needs to undo it, so the
 * command refuses, writes nothing and names the `restore` to run first (exit 1;
 * `DeletionHistoryFullError`, cli/aws/exempt.ts).
 */
import type { Command } from '@commander-js/extra-typings';
import { operatorText } from '../../lambdas/hygiene/operator-identity';
import { commandNaming } from '../../lambdas/hygiene/pasted-command';
import { jsonText } from '../../lambdas/render/json-text';
import { terminalText } from '../../lambdas/render/sanitize';
import { OPERATOR_ENV, resolveVerifiedOperator } from '../aws/caller-identity';
import { type DeletionDue, type ExemptResult, setExempt } from '../aws/exempt';
import { typedWord } from '../format/shell-word';
import { byOption, requiredReason } from '../options/by-option';
import { parseCredentialId } from '../options/credential-id';
import { defineCommand } from '../options/define-command';
import { configuredExemptIds } from '../options/deployment-config';
import {
  awsTargetOf,
  enforceFlagFor,
  enforceOption,
  refuseAuditDeployment,
  resolveTarget,
  type Target,
  type TargetFlags,
  targetFlagsOf,
} from '../options/deployment-target';
import { formatOption, RESULT_FORMATS } from '../options/formats';
import { nowOption, refuseNowOnDeployment, resolveNow } from '../options/now-option';
import type { OptionsOf } from '../options/options-of';
import { withDocumentClient, withTableErrors } from '../options/table-options';

function defineExemptCommand(program: Command, name: 'exempt' | 'unexempt') {
  const description =
    name === 'exempt'
      ? 'Exempt a credential: never flagged or deleted (expiry notices still go); who, why and when go to its history.'
      : 'Remove an exemption: the sweep judges the credential again; who, why and when go to its history.';
  return defineCommand(program, name, description, 'table', (command) =>
    command
      .argument('<id>', 'the credential id', parseCredentialId)
      .requiredOption('--reason <text>', `why (recorded in the credential's history)`)
      .addOption(byOption(`who (default: ${OPERATOR_ENV}, else your AWS caller ARN, else your OS user)`))
      .addOption(enforceOption())
      .addOption(nowOption('the instant recorded (local tables only, --endpoint: refused in AWS)'))
      .addOption(formatOption(RESULT_FORMATS, 'output format')),
  );
}

type ExemptOptions = OptionsOf<ReturnType<typeof defineExemptCommand>>;

async function runExempt(id: string, exempt: boolean, flags: ExemptOptions): Promise<void> {
  const reason = requiredReason(flags.reason, 'say why');
  const now = resolveNow(flags.now);
  refuseNowOnDeployment(flags.now, awsTargetOf(flags), exempt ? 'exempt' : 'unexempt');
  const options = { ...flags, ...(await resolveTarget(flags, { usesConfig: false })) };
  refuseAuditDeployment(options, flags.enforce, exempt ? 'exempt' : 'unexempt');
  await withDocumentClient(options, async (client) => {
    const operator = await resolveVerifiedOperator(options);
    const restoreCommand = restoreCommandText(id, flags, options);
    const result = await withTableErrors(options, () =>
      setExempt(client, options.table, { id, exempt, reason, ...operator, now, restoreCommand }),
    );
    const deployedExemptIn = exempt ? undefined : deployedExemption(options, id);
    if (options.format === 'json') {
      const json = { ...result, ...(deployedExemptIn && { exemptThroughDeployment: deployedExemptIn }) };
      process.stdout.write(`${jsonText(json)}\n`);
    } else {
      process.stdout.write(`${terminalText(resultText(result, deployedExemptIn))}\n`);
    }
    if (exempt && result.deletedAt !== undefined) {
      process.stderr.write(
        `pc-hygiene exempt: warning: ${terminalText(stillDeletedWarning(result, flags, options))}\n`,
      );
    }
  });
}

/**
 * What an operator who exempted a soft-deleted credential to keep it must know: it stays deleted (when, why), its
 * purge stays due, and how to undo the deletion — the `restore` to type, aimed where the command was (`flags`,
 * {@link targetFlagsOf}; `--enforce` for a deployment in audit, `target`), or, for a deletion made upstream, that
 * restore refuses it (docs/data-model.md, "Restore").
 */
function stillDeletedWarning(result: ExemptResult, flags: TargetFlags, target: Target): string {
  const why = result.deletedReason
    ? `reason ${result.deletedReason}`
    : 'deleted upstream: no hygieneDeletedReason';
  const deleted = `${result.id} is soft-deleted (deletedAt ${result.deletedAt}, ${why}): an exemption does not undo that`;
  const purge = result.purgeAt
    ? `; DynamoDB's TTL removes it for good after ${result.purgeAt} unless it is restored first`
    : '';
  if (!result.deletedReason) {
    return `${deleted}${purge}; restore refuses a deletion pc-hygiene did not make: undo it where it was made`;
  }
  return `${deleted}${purge}; to keep it, restore it: ${restoreCommandText(result.id, flags, target)}`;
}

/**
 * The `restore` of `id` to type, aimed where the command was (`flags`; `--enforce` for a deployment in audit), by the
 * rule of every printed command naming an id (`commandNaming`, lambdas/hygiene/pasted-command.ts): an id that starts
 * with `-` last, after `--`, so the CLI does not read it as an option; one the terminal would print changed as `ID`.
 */
function restoreCommandText(id: string, flags: TargetFlags, target: Target): string {
  const aim = [targetFlagsOf(flags), enforceFlagFor(target)].filter(Boolean).join(' ');
  return commandNaming('pc-hygiene restore', id, ' --reason TEXT', aim, (text) => typedWord(text, 'ID'));
}

/**
 * The stack whose deployed `exemptIds` list `id`, or `undefined`: `unexempt`
 * clears only the data exemption, and such a credential stays exempt.
 * (`unexempt` takes no `--config`: its config is the deployment's.)
 */
function deployedExemption(target: Pick<Target, 'config' | 'deployment'>, id: string): string | undefined {
  const { deployment } = target;
  return deployment !== undefined && configuredExemptIds(target).has(id) ? deployment.stackName : undefined;
}

/** What `exempt`/`unexempt` did, in one line (`deployedExemptIn`: see {@link deployedExemption}). */
function resultText(result: ExemptResult, deployedExemptIn: string | undefined): string {
  const viaDeployment =
    deployedExemptIn &&
    `exempt through the exemptIds of stack ${deployedExemptIn}'s deployed config, which only a redeploy changes`;
  const what = result.exempt ? 'exempt' : 'not exempt';
  // An exemption keeps a credential from being deleted, not one already deleted: never let the line read as kept.
  const stillDeleted = result.exempt && result.deletedAt !== undefined;
  if (result.changed) {
    const done = `${result.id} is now ${what} (by ${operatorText(result)} at ${result.at}: ${result.reason})`;
    if (stillDeleted) return `${done}, but stays soft-deleted: an exemption does not restore it`;
    if (viaDeployment) return `${done}; it stays ${viaDeployment}`;
    return result.deletionDue ? `${done}; ${deletionDueText(result.deletionDue)}` : done;
  }
  if (viaDeployment) return `${result.id} is ${viaDeployment}: nothing written`;
  const nothing = `${result.id} already was ${what}: nothing written`;
  return stillDeleted ? `${nothing}; it stays soft-deleted: an exemption does not restore it` : nothing;
}

/**
 * What the next sweep does to a credential no longer exempt whose deletion has come due (docs/rules.md, "Exempt
 * credentials"): the exemption was all that held it back, so the operator hears it before the sweep acts.
 */
function deletionDueText(due: DeletionDue): string {
  switch (due.rule) {
    case 'expired':
      return `it expired on ${due.since}: the next sweep soft-deletes it`;
    case 'orphaned':
      return `its orphan flag came due on ${due.since}: the next sweep soft-deletes it unless its owner is no longer departed`;
    case 'stale':
      return `its stale flag came due on ${due.since}: the next sweep soft-deletes it unless it was used since it was flagged`;
  }
}

/** Registers `exempt` and `unexempt` on the program. */
export function registerExemptCommands(program: Command): void {
  defineExemptCommand(program, 'exempt').action(async (id, options) => runExempt(id, true, options));
  defineExemptCommand(program, 'unexempt').action(async (id, options) => runExempt(id, false, options));
}
