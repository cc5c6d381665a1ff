/**
 * What both forms of `pc-hygiene restore` share — one credential
 * (`restore.ts`) and a whole run (`restore-run.ts`): the flags they read, the
 * terms of the restore resolved from them, and the per-credential warnings on
 * stderr. Its own module so that `restore.ts`, which registers the command
 * and hands `--run` to `restore-run.ts`, is not imported back by it.
 */
import { terminalText } from '../../lambdas/render/sanitize';
import { resolveVerifiedOperator } from '../aws/caller-identity';
import type { Deployment } from '../aws/deployment-lookup';
import type { RestoreResult, RestoreTerms } from '../aws/restore';
import { requiredReason } from '../options/by-option';
import { configuredExemptIds } from '../options/deployment-config';
import {
  awsTargetOf,
  refuseAuditDeployment,
  resolveTarget,
  type Target,
  type TargetFlags,
} from '../options/deployment-target';
import { refuseNowOnDeployment, resolveNow } from '../options/now-option';
import { sayOnStderr } from '../stderr';

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
 * credential and for a run: `--reason` trimmed, who acts as every operator
 * record names them (`--by`, else `PC_HYGIENE_OPERATOR`, else the AWS caller
 * ARN, else the OS user; against AWS the caller ARN is kept beside a typed
 * name: `cli/aws/caller-identity.ts`), `--now`, `--force`, `--dry-run`, and the
 * ids the configured `exemptIds` list (exempt as `hygieneExempt` makes a
 * credential): with a stack, its deployed config's, which its scheduled sweep
 * reads, whatever `--config FILE` says; on a local `--endpoint` table,
 * `--config`'s; on a table in AWS named without a stack, none (an id only the
 * file lists is named as such in its refusal: {@link exemptionOf}); an
 * audit-mode deployment without `--enforce` is refused, except for a dry run,
 * which writes nothing (docs/deploy.md: the runbook dry-runs against an
 * audit-mode deployment). A restore that writes to a deployment takes no
 * `--now` (refused before anything reaches AWS): it would judge "past its
 * expiry" and record the restore at the typed instant, not the wall clock.
 * @param undone what the reason explains, for the error (e.g. `the run is undone`)
 * @param what the command the refusal names (e.g. `restore --run`)
 * @throws {UsageError} when `--reason` or `--by` is empty or over 1,000 characters, or `--now` is invalid or given to a
 *   restore that writes to a deployment
 * @throws {AuditDeploymentError} for an audit-mode deployment without `--enforce`
 */
export async function restoreTerms(
  flags: RestoreFlags,
  undone: string,
  what: string,
): Promise<{ readonly terms: RestoreTerms; readonly target: Target }> {
  const reason = requiredReason(flags.reason, `say why ${undone}`);
  const now = resolveNow(flags.now);
  if (!flags.dryRun) refuseNowOnDeployment(flags.now, awsTargetOf(flags), what, '--dry-run');
  // The configured exemptIds are exempt as hygieneExempt is (docs/rules.md): exemptionOf says which list.
  const target = await resolveTarget(flags, { usesConfig: false });
  const exemption = exemptionOf(target, flags);
  if (!flags.dryRun) refuseAuditDeployment(target, flags.enforce, what, ', or --dry-run to check only');
  const operator = await resolveVerifiedOperator({
    ...target,
    ...(flags.by !== undefined && { by: flags.by }),
  });
  const terms = {
    reason,
    ...operator,
    now,
    ...(flags.force && { force: true }),
    ...(flags.dryRun && { dryRun: true }),
    ...exemption,
  };
  return { terms, target };
}

/**
 * The `exemptIds` a restore judges by, said on stderr when it acts on a
 * deployment: the list the sweep that acts next reads, as far as the CLI
 * knows it ({@link configuredExemptIds}: with a stack, its deployed config's;
 * else `--config`'s). A `--config` file's list counts only on a local
 * (`--endpoint`) table, which no deployment sweeps. With
 * a stack, or on a table in AWS named without one (`--table`: no deployment
 * looked up, so its deployed list is unknown), the file's list does not count
 * — a deployment's scheduled sweep never reads the file, and would delete
 * again a credential restored past its expiry on the file's word — so the ids
 * only the file lists are kept apart, for the refusal (or `--force` warning)
 * of such a credential to say why it is not exempt.
 */
function exemptionOf(target: Target, flags: TargetFlags): Exemption {
  const exemptIds = configuredExemptIds(target);
  const { deployment } = target;
  if (flags.config === undefined) {
    if (deployment !== undefined) sayOnStderr(`using ${target.configSource}`);
    return { exemptIds };
  }
  const file = terminalText(flags.config);
  if (deployment !== undefined) return besideStack(target, deployment, exemptIds, file);
  const awsTable = awsTargetOf(flags);
  return awsTable === undefined ? { exemptIds } : besideAwsTable(target, terminalText(awsTable), file);
}

/** The part of {@link RestoreTerms} that says which ids are exempt. */
type Exemption = Pick<RestoreTerms, 'exemptIds' | 'fileOnlyExemptIds'>;

/** With a stack and a `--config` file: the deployed list counts; the ids only the file lists are named. */
function besideStack(
  target: Target,
  deployment: Deployment,
  exemptIds: ReadonlySet<string>,
  file: string,
): Exemption {
  const ids = new Set(target.config.exemptIds.filter((id) => !exemptIds.has(id)));
  const stack = `stack ${deployment.stackName}`;
  sayOnStderr(
    `using the deployed config of ${stack} (mode ${deployment.config.mode}), not config file ${file}: ` +
      `a restore judges exemption by the deployed exemptIds, which the stack's scheduled sweep reads` +
      (ids.size > 0 ? ` (${ids.size} id(s) the file lists in exemptIds are not exempt there)` : ''),
  );
  if (ids.size === 0) return { exemptIds };
  const why =
    `config file ${file} lists it in exemptIds, but ${stack}'s deployed config does not, ` +
    `and the stack's scheduled sweep reads the deployed config`;
  return { exemptIds, fileOnlyExemptIds: { ids, why } };
}

/**
 * On a table in AWS named without a stack (`awsTable`, as {@link awsTargetOf}
 * says it) and a `--config` file: no list counts (the deployed one is not
 * looked up); the ids the file lists are named, with the way to have the
 * deployed list count (`--stack`).
 */
function besideAwsTable(target: Target, awsTable: string, file: string): Exemption {
  const exemptIds: ReadonlySet<string> = new Set();
  const ids = new Set(target.config.exemptIds);
  if (ids.size === 0) return { exemptIds };
  const notHere =
    `a ${awsTable} without --stack: a deployment's scheduled sweep reads its deployed exemptIds, ` +
    'not this file; name the stack with --stack';
  sayOnStderr(`the ${ids.size} id(s) config file ${file} lists in exemptIds are not exempt on ${notHere}`);
  const why = `config file ${file} lists it in exemptIds, which does not count on ${notHere}`;
  return { exemptIds, fileOnlyExemptIds: { ids, why } };
}

/**
 * What a restored line adds inside its parentheses about the deletion's notice
 * to the owner (docs/deploy.md, "Restore runbook"): withdrawn while unsent
 * (`; its unsent deletion notice withdrawn`, or `would be` in a dry run: the
 * owner is not told of the deletion); or none left to withdraw, so the owner
 * (`userId`) may have been told it was deleted, which the restore does not
 * retract (`; its owner u1 may have been told it was deleted: no unsent notice
 * to withdraw — tell them it is restored`).
 */
export function deletionNoticeText(result: RestoreResult): string {
  if (result.deletionNoticeWithdrawn)
    return `; its unsent deletion notice ${result.dryRun ? 'would be ' : ''}withdrawn`;
  if (!result.deletionNoticeSent) return '';
  const owner =
    result.userId === undefined ? 'its owner (no userId stored)' : `its owner ${terminalText(result.userId)}`;
  return (
    `; ${owner} may have been told it was deleted: no unsent notice to withdraw — ` +
    `tell them ${result.dryRun ? 'once ' : ''}it is restored`
  );
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
