/**
 * `pc-hygiene guard approve | status`: the operator's override of a tripped
 * blast-radius guard, through the worker rather than around it
 * (docs/sweep.md, "The blast-radius guard"). `approve` records a one-time,
 * expiring approval — who, why, up to how many deletions — in the table; the
 * next sweep whose guard trips (the scheduled Lambda or a CLI sweep) uses it
 * when its planned deletions are within it, consumes it (exactly once) and
 * reports it in its run summary (`guard.approval`); it says which pending
 * approval it replaced, or, when its write's response was lost and the SDK
 * sent it again, that it is pending (what it replaced not known), already
 * used by a run, or not pending (used or replaced, or never recorded: not
 * known) (cli/aws/guard-approval.ts). `status` shows the pending approval and
 * the last one used.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from '@commander-js/extra-typings';
import { MAX_DELETES_PER_RUN_LIMIT } from '../../lambdas/hygiene/config';
import type { GuardApproval } from '../../lambdas/hygiene/guard';
import { operatorText } from '../../lambdas/hygiene/operator-identity';
import { formatInstant, relativePhrase } from '../../lambdas/hygiene/time';
import { jsonText } from '../../lambdas/render/json-text';
import { terminalLines } from '../../lambdas/render/sanitize';
import { OPERATOR_ENV, resolveVerifiedOperator } from '../aws/caller-identity';
import {
  approvalStatus,
  type RecordedApproval,
  recordApproval,
  type UsedApproval,
} from '../aws/guard-approval';
import { byOption, requiredReason } from '../options/by-option';
import { defineCommand } from '../options/define-command';
import { enforceOption, refuseAuditDeployment, resolveTarget } from '../options/deployment-target';
import { durationIn } from '../options/duration';
import { formatOption, REPORT_FORMATS, RESULT_FORMATS } from '../options/formats';
import { integerIn } from '../options/numbers';
import type { OptionsOf } from '../options/options-of';
import { withDocumentClient, withTable, withTableErrors } from '../options/table-options';

/** What `approve --help` says the command does. */
const DESCRIPTION =
  'Record a one-time, expiring approval: the next sweep whose guard trips makes its deletions if they are ' +
  'at most --max-deletes, reports the approval in its run summary, and uses it up.';

/**
 * The most deletions one approval allows: the most the config's
 * `maxDeletesPerRun` may allow (lambdas/hygiene/config.ts), so an approval
 * is never wider than any configuration could be.
 */
export const MAX_APPROVED_DELETES = MAX_DELETES_PER_RUN_LIMIT;

/** `--expires-in`: default and range. */
const DEFAULT_EXPIRES_MS = 24 * 3_600_000;
const parseExpiresIn = durationIn('--expires-in', 60_000, 7 * 86_400_000, '1m to 7d');

function defineGuardCommand(program: Command) {
  return program
    .command('guard')
    .description(
      "Approve the deletions of a run the blast-radius guard holds back, or see the guard's approval.",
    );
}

function defineGuardApprove(guard: ReturnType<typeof defineGuardCommand>) {
  return defineCommand(guard, 'approve', DESCRIPTION, 'table', (command) =>
    command
      .requiredOption(
        '--max-deletes <n>',
        'up to how many planned deletions it allows: a run planning more does not use it (a later run plans at ' +
          'its own time, usually more: sweep right away to use it now)',
        integerIn('--max-deletes', 1, MAX_APPROVED_DELETES),
      )
      .requiredOption(
        '--reason <text>',
        'why (recorded with the approval and reported by the run that uses it)',
      )
      .addOption(
        command
          .createOption('--expires-in <duration>', 'how long it stays usable, e.g. 30m, 24h, 2d (1m to 7d)')
          .argParser(parseExpiresIn)
          .default(DEFAULT_EXPIRES_MS, '24h'),
      )
      .addOption(enforceOption())
      .addOption(
        byOption(`who approves (default: ${OPERATOR_ENV}, else your AWS caller ARN, else your OS user)`),
      )
      .addOption(formatOption(RESULT_FORMATS, 'output format')),
  );
}

function defineGuardStatus(guard: ReturnType<typeof defineGuardCommand>) {
  return defineCommand(
    guard,
    'status',
    'Show the pending approval (and whether it has expired) and the last one a sweep used.',
    'table',
    (command) => command.addOption(formatOption(REPORT_FORMATS, 'output format')),
  );
}

type ApproveOptions = OptionsOf<ReturnType<typeof defineGuardApprove>>;
type StatusOptions = OptionsOf<ReturnType<typeof defineGuardStatus>>;

function approvalText(a: GuardApproval, now: number): string {
  const expires = Date.parse(a.expiresAt);
  const state = expires <= now ? 'EXPIRED' : `expires ${relativePhrase(expires, now)}`;
  return `up to ${a.maxDeletes} deletions, by ${operatorText(a)} at ${a.approvedAt}, ${state} (${a.expiresAt}): ${a.reason}`;
}

/** The run that used an approval, when, and for how many planned deletions. */
function usedByText(u: Omit<UsedApproval, 'approval'>): string {
  const run = u.runId ? `run ${u.runId}` : 'a run';
  const planned = u.plannedDeletes !== undefined ? ` for ${u.plannedDeletes} planned deletions` : '';
  return `${run}${u.usedAt ? ` at ${u.usedAt}` : ''}${planned}`;
}

function usedText(u: UsedApproval): string {
  return `${usedByText(u)}; approval by ${operatorText(u.approval)}: ${u.approval.reason}`;
}

async function approve(flags: ApproveOptions): Promise<void> {
  const reason = requiredReason(flags.reason, 'say why the deletions are approved');
  const options = { ...flags, ...(await resolveTarget(flags, { usesConfig: false })) };
  refuseAuditDeployment(options, flags.enforce, 'guard approve');
  await withDocumentClient(options, async (client) => {
    // Against AWS the STS caller ARN is kept beside the (possibly typed) name; none on a local table.
    const operator = await resolveVerifiedOperator(options);
    const now = Date.now();
    const approval: GuardApproval = {
      id: randomUUID(),
      ...operator,
      reason,
      maxDeletes: options.maxDeletes,
      approvedAt: formatInstant(now),
      expiresAt: formatInstant(now + options.expiresIn),
    };
    const recorded = await withTableErrors(options, () => recordApproval(client, options.table, approval));
    if (options.format === 'json') {
      process.stdout.write(`${jsonText({ approval, ...recorded })}\n`);
      return;
    }
    process.stdout.write(terminalLines(approvedLines(approval, recorded, now)));
  });
}

/** What `approve` says it did: the approval, and what it replaced or, after a lost response, how it stands. */
function approvedLines(approval: GuardApproval, recorded: RecordedApproval, now: number): string[] {
  const { replaced, replacedUnknown, usedBy, usedOrReplacedUnknown } = recorded;
  const recordedText = usedOrReplacedUnknown ? 'may have been recorded' : 'recorded';
  const lines = [`guard approval ${recordedText}: ${approvalText(approval, now)}`];
  if (replaced) lines.push(`replaced the pending approval ${approvalText(replaced, now)}`);
  if (replacedUnknown) {
    lines.push(
      "the write's response was lost and the SDK sent it again: it is pending, but whether it replaced " +
        'another pending approval is not known',
    );
  }
  if (usedBy) {
    lines.push(
      `already used by ${usedByText(usedBy)}. The write's response was lost, and that run used ` +
        'the approval before the SDK sent the write again, which did not record it again: it is not pending; ' +
        'record another approval if another run needs one',
    );
  }
  if (usedOrReplacedUnknown) {
    lines.push(
      'the SDK sent the write again after an error (a lost response, or a throttled attempt), and by then the ' +
        'approval item had changed: it may have been recorded and then used by a run or replaced by another approval, ' +
        'or never recorded; it is not pending and was not recorded again. `guard status` shows the pending ' +
        'approval and the last one used; record another approval if a run still needs one',
    );
  }
  return lines;
}

async function status(flags: StatusOptions): Promise<void> {
  const options = { ...flags, ...(await resolveTarget(flags, { usesConfig: false })) };
  const state = await withTable(options, (client) => approvalStatus(client, options.table));
  if (options.format === 'json') {
    process.stdout.write(`${jsonText(state)}\n`);
    return;
  }
  const now = Date.now();
  const lines = [
    `Pending approval: ${state.pending ? approvalText(state.pending, now) : 'none'}`,
    `Last used: ${state.lastUsed ? usedText(state.lastUsed) : 'never'}`,
  ];
  process.stdout.write(terminalLines(lines));
}

/** Registers `guard approve` and `guard status` on the program. */
export function registerGuardCommand(program: Command): void {
  const guard = defineGuardCommand(program);
  defineGuardApprove(guard).action(async (options) => approve(options));
  defineGuardStatus(guard).action(async (options) => status(options));
}
