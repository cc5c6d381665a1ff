/**
 * The blast-radius guard (docs/rules.md, docs/sweep.md): a run that plans "too many"
 * deletions makes none, so a bad config, a wrong `now` or a table where
 * `lastUsedAt` stopped being maintained cannot wipe out the fleet.
 * Pure: figures in, verdict out.
 */
import type { HygieneConfig } from './config';
import { decimalShape } from './decimal-shape';
import type { OperatorIdentity } from './operator-identity';
import { formatInstant } from './time';

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

/**
 * An operator's one-time, expiring approval of a tripped guard: who approved
 * (`by`, and `callerArn` when recorded against AWS; absent too in an approval
 * recorded before that field existed), why, and up to how much.
 */
export interface GuardApproval extends OperatorIdentity {
  /** Random id naming this approval. */
  readonly id: string;
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

/**
 * What a run whose guard tripped does with the pending approval at `at` (wall
 * clock, epoch ms): uses it when it has not expired (`expiresAt` after `at`)
 * and covers the planned deletions (`maxDeletes` at least `plannedDeletes`),
 * else says why not — `expired` first, whatever its size. The one statement of
 * that rule: the sweep's consuming write (`lambdas/aws/guard-approval-store.ts`)
 * puts it in its condition, so that it is checked and the approval spent in
 * one step, and judges a refused write with it; `pc-hygiene plan` predicts
 * with it what the next sweep would do. `expiresAt` is compared as text with
 * `at` in canonical UTC ISO, as that condition compares them (canonical
 * instants order as text).
 * @param pending the pending approval; `undefined` when none is
 */
export function approvalOutcome(
  pending: GuardApproval | undefined,
  plannedDeletes: number,
  at: number,
): ApprovalOutcome {
  if (pending === undefined) return { status: 'none' };
  if (pending.expiresAt <= formatInstant(at)) return { status: 'expired', approval: pending };
  if (pending.maxDeletes < plannedDeletes) return { status: 'not-enough', approval: pending };
  return { status: 'used', approval: pending };
}

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
 * Limits are exclusive ("exceed"): exactly `maxDeletesPerRun` deletions pass,
 * and exactly `maxDeletePercent` % of the active valid credentials passes too
 * (compared exactly: {@link exceedsPercent}). Zero planned deletions never
 * trip, even with limits of 0.
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
  const planned = plannedDeletes === 1 ? '1 planned deletion' : `${plannedDeletes} planned deletions`;
  if (plannedDeletes > maxDeletesPerRun) {
    const verb = plannedDeletes === 1 ? 'exceeds' : 'exceed';
    reasons.push(`${planned} ${verb} maxDeletesPerRun ${maxDeletesPerRun}`);
  }
  if (plannedDeletes > 0 && exceedsPercent(plannedDeletes, activeValid, maxDeletePercent)) {
    const verb = plannedDeletes === 1 ? 'is' : 'are';
    const share = shareAboveLimitText(plannedDeletes, activeValid, maxDeletePercent);
    reasons.push(
      `${planned} ${verb} ${share} of ${activeValid} active valid credentials, above maxDeletePercent ${maxDeletePercent}%`,
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

/**
 * The share `part` is of `whole`, as a percentage that reads above `percent`: the one wording of a share that
 * exceeds a `maxDeletePercent` (the sweep's guard, {@link evaluateGuard}; `owners import --sync`'s,
 * `owner-import-guards.ts`). Exact when it is a whole number (`12%`); else cut (never rounded up) to the fewest
 * decimals that still read above the limit, so no rounding prints a share equal to or below the limit it exceeds
 * (1001 of 10000 above 10: `10.01%`, not `10.0%`; 58 of 10000 above 0.57: `0.58%`; 1 of 100000 above 0.0005:
 * `0.001%`). Of a whole of 0, any part is `more than <percent>%`. Compared in integers, as {@link exceedsPercent}.
 * @param part a count (integer ≥ 0)
 * @param whole a count (integer ≥ 0)
 * @param percent the limit exceeded (a finite number ≥ 0)
 * @throws {RangeError} when `part` of `whole` does not exceed `percent` (nothing to say), or a figure is out of range
 */
export function shareAboveLimitText(part: number, whole: number, percent: number): string {
  if (!exceedsPercent(part, whole, percent))
    throw new RangeError(`shareAboveLimitText: ${part} of ${whole} is not above ${percent}%`);
  if (whole === 0) return `more than ${percent}%`;
  const scaledPart = BigInt(part) * 100n;
  const wholeCount = BigInt(whole);
  if (scaledPart % wholeCount === 0n) return `${scaledPart / wholeCount}%`;
  const limit = decimalOf(percent);
  // The share cut to `decimals` places reads above the limit once share·10^d > digits·10^(d-scale): it does at the
  // latest when 10^-d is below share − limit (> 0), so the loop ends.
  for (let decimals = 1; ; decimals++) {
    const cut = (scaledPart * 10n ** BigInt(decimals)) / wholeCount;
    if (cut * 10n ** BigInt(limit.scale) > limit.digits * 10n ** BigInt(decimals))
      return `${decimalText(cut, decimals)}%`;
  }
}

/** `units / 10^decimals` as decimal text (`1001`, 2 → `10.01`; `1`, 3 → `0.001`). */
function decimalText(units: bigint, decimals: number): string {
  const digits = units.toString().padStart(decimals + 1, '0');
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/**
 * `part` is more than `percent` % of `whole`, decided exactly.
 *
 * Why not `part * 100 > percent * whole`: a fractional percent is a binary
 * double just off the decimal the operator wrote (`0.57 * 10000` is
 * `5699.999…`), so exactly 57 of 10,000 would trip a limit of 0.57 %.
 * Here `percent` is taken as the decimal it reads as ({@link decimalOf}:
 * `0.57` = 57 / 10²) and the comparison `part · 100 · 10^scale > digits · whole`
 * is made in integers (BigInt: the product outgrows 2^53), so a limit is
 * exceeded only when it really is.
 *
 * @param part a count (integer ≥ 0)
 * @param whole a count (integer ≥ 0)
 * @param percent a finite number ≥ 0 (config `maxDeletePercent`: 0–100, fractions allowed)
 * @throws {RangeError} when a count is not an integer ≥ 0 or `percent` is not a finite number ≥ 0
 */
export function exceedsPercent(part: number, whole: number, percent: number): boolean {
  const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!isCount(part) || !isCount(whole))
    throw new RangeError(`exceedsPercent: counts must be integers >= 0, got ${part} of ${whole}`);
  const { digits, scale } = decimalOf(percent);
  return BigInt(part) * 100n * 10n ** BigInt(scale) > digits * BigInt(whole);
}

/**
 * A finite number ≥ 0 as the exact decimal it reads as: `digits / 10^scale`,
 * from JavaScript's shortest round-trip text of it (`String(0.57)` is
 * `"0.57"`; `String(1e-7)` is `"1e-7"`), read by {@link decimalShape}. That
 * text has at most 17 significant digits, so `digits` and `scale` stay bounded.
 * @throws {RangeError} when `value` is negative or not finite
 */
function decimalOf(value: number): { digits: bigint; scale: number } {
  const shape = Number.isFinite(value) && value >= 0 ? decimalShape(String(value)) : undefined;
  if (shape === undefined)
    throw new RangeError(`exceedsPercent: percent must be a finite number >= 0, got ${value}`);
  if (shape.digits === '') return { digits: 0n, scale: 0 };
  const scale = shape.digits.length - shape.exponent;
  const digits = BigInt(shape.digits);
  return scale >= 0 ? { digits, scale } : { digits: digits * 10n ** BigInt(-scale), scale: 0 };
}
