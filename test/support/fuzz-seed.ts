/**
 * The seed of the property tests (README.md, "Development"): a fixed default, or `FUZZ_SEED` when set. Read by the
 * Vitest setup file that configures fast-check for every project (`fast-check-seed.ts`) and by the fault suite's
 * fuzzers; kept apart from that setup file so that importing the rule configures nothing (a test of the setup file
 * then sees only what the setup file did).
 */
/** The seed when `FUZZ_SEED` is not set: the fault suite's fuzzers default to the same one. */
export const DEFAULT_FUZZ_SEED = 20261126;

/**
 * The seed of this run: `FUZZ_SEED` when set, else {@link DEFAULT_FUZZ_SEED}.
 * @throws when `FUZZ_SEED` is set but not an integer (a run must not silently fall back to another seed)
 */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FUZZ_SEED;
  if (raw === undefined || raw.trim() === '') return DEFAULT_FUZZ_SEED;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed))
    throw new Error(`FUZZ_SEED must be an integer, got ${JSON.stringify(raw)}`);
  return seed;
}
