/**
 * The blast-radius guard (docs/rules.md, docs/sweep.md): a run that plans "too many"
 * deletions makes none, so a bad config, a wrong `now` or a table where
 * `lastUsedAt` stopped being maintained cannot wipe out the fleet.
 * Pure: figures in, verdict out.
 */
import type { HygieneConfig } from './config';

/** The guard's verdict, reported as is in the run summary. */
export interface GuardStatus {
  /** True when planned deletions exceed a limit (whether or not the operator overrode it). */
  readonly tripped: boolean;
  /** Deletions the run planned (both reasons). */
  readonly plannedDeletes: number;
  /** Active (not soft-deleted) valid credentials the run saw: the base of the percentage. */
  readonly activeValid: number;
  readonly maxDeletesPerRun: number;
  readonly maxDeletePercent: number;
  /** True when the guard tripped and the operator allowed the deletions anyway (one run). */
  readonly overridden: boolean;
  /** True when deletions may be applied: not tripped, or overridden. */
  readonly deletionsAllowed: boolean;
  /** Why it tripped, one sentence per exceeded limit (empty when not tripped). */
  readonly reasons: readonly string[];
  /**
   * The operator's recorded approval (`pc-hygiene guard approve`) the run
   * considered after the guard tripped: `used` (it allowed the deletions and
   * is spent), or why it could not be (`expired`, `not-enough`). Absent when
   * the guard did not trip, the CLI's own override was used, or no approval
   * was pending.
   */
  readonly approval?: GuardApprovalUse;
}

/** An operator's one-time, expiring approval of a tripped guard. */
export interface GuardApproval {
  /** Random id naming this approval. */
  readonly id: string;
  /** Who approved (the OS user, or the AWS caller identity's ARN). */
  readonly by: string;
  readonly reason: string;
  /** Up to how many planned deletions it allows. */
  readonly maxDeletes: number;
  /** When it was given and when it lapses (UTC ISO). */
  readonly approvedAt: string;
  readonly expiresAt: string;
}

/** What a run's attempt to use the pending approval found. */
export type ApprovalOutcome =
  | { readonly status: 'used'; readonly approval: GuardApproval }
  | { readonly status: 'expired' | 'not-enough'; readonly approval: GuardApproval }
  | { readonly status: 'none' };

/** The approval as the run summary reports it. */
export type GuardApprovalUse = GuardApproval & { readonly status: 'used' | 'expired' | 'not-enough' };

/**
 * The guard's verdict after the run tried the pending approval: a `used`
 * approval overrides the tripped guard (this run only); an unusable one is
 * reported and changes nothing.
 */
export function withApproval(status: GuardStatus, outcome: ApprovalOutcome): GuardStatus {
  if (outcome.status === 'none') return status;
  const approval: GuardApprovalUse = { ...outcome.approval, status: outcome.status };
  if (outcome.status !== 'used') return { ...status, approval };
  return { ...status, overridden: true, deletionsAllowed: true, approval };
}

/** The figures the guard judges. */
export interface GuardFigures {
  readonly plannedDeletes: number;
  readonly activeValid: number;
}

/**
 * Judges planned deletions against `maxDeletesPerRun` and `maxDeletePercent`.
 *
 * Limits are exclusive ("exceed"): exactly `maxDeletesPerRun` deletions pass.
 * The percentage is compared as `planned * 100 > percent * activeValid`, in
 * integers where possible, so 10 % of 50 allows exactly 5 without float noise.
 * Zero planned deletions never trip, even with limits of 0.
 *
 * @param allowMassDelete the operator's one-run override (CLI `--allow-mass-delete`)
 */
export function evaluateGuard(
  figures: GuardFigures,
  config: Pick<HygieneConfig, 'maxDeletesPerRun' | 'maxDeletePercent'>,
  allowMassDelete = false,
): GuardStatus {
  const { plannedDeletes, activeValid } = figures;
  const { maxDeletesPerRun, maxDeletePercent } = config;
  const reasons: string[] = [];
  if (plannedDeletes > maxDeletesPerRun) {
    reasons.push(`${plannedDeletes} planned deletions exceed maxDeletesPerRun ${maxDeletesPerRun}`);
  }
  if (plannedDeletes > 0 && plannedDeletes * 100 > maxDeletePercent * activeValid) {
    const percent = activeValid === 0 ? 100 : (plannedDeletes * 100) / activeValid;
    reasons.push(
      `${plannedDeletes} planned deletions are ${formatPercent(percent)} of ${activeValid} active valid credentials, above maxDeletePercent ${maxDeletePercent}%`,
    );
  }
  const tripped = reasons.length > 0;
  const overridden = tripped && allowMassDelete;
  return {
    tripped,
    plannedDeletes,
    activeValid,
    maxDeletesPerRun,
    maxDeletePercent,
    overridden,
    deletionsAllowed: !tripped || overridden,
    reasons,
  };
}

function formatPercent(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}
