/**
 * Every property test runs on a known seed, so a run is reproducible and a failure seen once can be seen again:
 * a Vitest setup file (`vitest.config.ts`, every project) gives fast-check a fixed default seed, or `FUZZ_SEED`
 * when set (README.md, "Development"). A test that passes its own `seed` (the fault suite's fuzzers) keeps it, and
 * per-call parameters such as `numRuns` still apply: fast-check lays them over this global configuration.
 */
import fc from 'fast-check';
import { fuzzSeed } from './fuzz-seed';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fuzzSeed() });
