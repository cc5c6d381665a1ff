/**
 * Four projects: `unit` (pure, fast; also re-run under an extreme time zone
 * by `npm test`), `integration` (one shared DynamoDB Local, a table per file),
 * `faults` (fault injection and fuzzing, same setup as integration) and
 * `infra` (CDK synth + assertions). Every project runs the property tests on a known fast-check seed
 * (`test/support/fast-check-seed.ts`; `FUZZ_SEED` picks another).
 */
import { defineConfig } from 'vitest/config';

/** Setup files of every project. */
const setupFiles = ['test/support/fast-check-seed.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          setupFiles,
          include: ['test/unit/**/*.test.ts', 'test/cli/**/*.test.ts'],
          // test/cli spawns the CLI as a process: on 2 busy cores one can take longer than vitest's 5 s default
          // (a timeout there says nothing of a behaviour); a hang still fails.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          setupFiles,
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          // A shared JVM on a 2-core machine: generous, not tight.
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Fault injection, concurrency and fuzzing against the same single DynamoDB Local (RELIABILITY.md).
          name: 'faults',
          setupFiles,
          include: ['test/faults/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'infra',
          setupFiles,
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
