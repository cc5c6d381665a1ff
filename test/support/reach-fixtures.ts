/**
 * The mixed owner directory the owner-reach CLI tests share: one owner per
 * reason a digest can fail to reach a person, written as the files an
 * operator passes to the CLI (an `owners import` CSV and a `relay` config),
 * the tables such a test runs on (credentials seeded, an owner directory),
 * and the `owners import` run that loads such a CSV into a test directory.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from './run-cli';
import { type TestDirectoryTable, useTestDirectoryTable } from './test-directory-table';
import { type TestTable, useTestTable } from './test-table';

/**
 * `credential('a-1')` is owned by user-a, and so on: user-a departed, user-b
 * reachable, user-c absent from the directory, user-d without an email,
 * user-e reachable, user-f in the directory.
 */
export const MIXED_OWNERS_CSV = [
  'userId,email,name,status',
  'user-a,a@example.com,Ann,departed',
  'user-b,b@example.com,Bob,active',
  'user-d,,Dee,active',
  'user-e,e@example.com,Eve,active',
  'user-f,f@example.com,Fay,active',
].join('\n');

/** Paths of the files {@link writeReachFixtures} wrote. */
export interface ReachFixtures {
  /** {@link MIXED_OWNERS_CSV}, for `owners import`. */
  readonly ownersCsv: string;
  /** A `--config` file with `ownerDelivery: relay`. */
  readonly relayConfig: string;
}

/** Writes the owners CSV and the relay config into `dir` (a test's {@link useTempDir} folder). */
export async function writeReachFixtures(dir: string): Promise<ReachFixtures> {
  const fixtures = { ownersCsv: join(dir, 'owners.csv'), relayConfig: join(dir, 'relay.json') };
  await writeFile(fixtures.ownersCsv, MIXED_OWNERS_CSV);
  await writeFile(fixtures.relayConfig, JSON.stringify({ ownerDelivery: 'relay' }));
  return fixtures;
}

/** Runs `pc-hygiene owners import FILE` into the test directory table, the snapshot taken at `asOf`. */
export function importOwnersCli(owners: TestDirectoryTable, file: string, asOf: string) {
  return runCli([
    'owners',
    'import',
    file,
    '--directory-table',
    owners.tableName,
    '--endpoint',
    owners.endpoint,
    '--as-of',
    asOf,
  ]);
}

/** The two tables of an owner-reach CLI test. */
export interface OwnedTables {
  /** The credentials table (named `<label>-<random>`), seeded. */
  readonly table: TestTable;
  /** The owner directory table (named `<label>-owners-<random>`), empty. */
  readonly owners: TestDirectoryTable;
}

/**
 * For the enclosing `describe`: a credentials table holding `items` and an
 * empty owner directory table, both created before all its tests and dropped
 * after.
 */
export function useOwnedTables(label: string, items: readonly Record<string, unknown>[]): OwnedTables {
  return { table: useTestTable(label, 'all', () => items), owners: useTestDirectoryTable(`${label}-owners`) };
}
