/**
 * How a bench run was measured, beyond what each row records: whether the
 * children ran under the CPU profiler, with an added round trip or under a
 * heap cap. Both target checks read it (issue 6's in bench/summarize.ts,
 * issue 15's in bench/verdicts.ts), so it lives below both rather than in
 * either.
 */

/** How the run that made the rows was measured, beyond what each row records. */
export interface JudgeOptions {
  /** The children ran under the CPU profiler (`--cpu-prof`): timing targets are only reported. */
  readonly profiled?: boolean;
  /** `--rtt-ms`: a round trip added to every request (0 or absent: none); issue 15's timing targets are then only reported. */
  readonly rttMs?: number;
  /** `--heap-cap-mb`: every timing child under this old-space cap (absent: none); issue 15's timing targets are then only reported. */
  readonly heapCapMb?: number;
}

/** What a timing target's detail says on a profiled run: why it is reported, not judged (issue 6's checks too). */
export const PROFILED_NOTE = 'profiled run (--cpu-prof): a timing here is a diagnostic, not a verdict; ';
