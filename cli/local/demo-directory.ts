/**
 * The demo owner directory for `npm start` (`pc-hygiene local`): built from
 * the demo credentials' owners so the local run shows every case of owner
 * reach and the orphan rule (docs/rules.md, "Orphaned credentials";
 * docs/notifications.md, "Owner reach"): a few owners absent from the
 * directory (`not-in-directory`), one `departed` (their credentials are
 * flagged orphaned, and their events go to the admins), one without an email
 * (`no-email`), everyone else active with an address. Written as the CSV an
 * HR export would be, so the demo loads it through `owners import`'s use case.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_DIRECTORY_TABLE_NAME } from '../../lambdas/aws/owner-directory-table-definition';
import { formatInstant } from '../../lambdas/hygiene/time';
import { importOwnerFile, type OwnerImportSummary } from '../use-cases/import-owners';
import { demoPersonName } from './demo-data';

/** How many owners the demo leaves out of the directory. */
export const DEMO_ABSENT_OWNERS = 3;

/** One owner of the demo directory, or an owner deliberately left out of it. */
export interface DemoOwner {
  readonly userId: string;
  /** Short user name, from the credential display names (`alovelace`). */
  readonly handle: string;
  readonly role: 'absent' | 'departed' | 'no-email' | 'active';
}

/**
 * The demo credentials' owners in a stable order (by `userId`), each with
 * its role: the first {@link DEMO_ABSENT_OWNERS} absent, the next departed,
 * the next without an email, the rest active. Records without a usable
 * `userId` (the demo's invalid ones) are skipped.
 */
export function demoOwners(records: readonly Readonly<Record<string, unknown>>[]): DemoOwner[] {
  const handles = new Map<string, string>();
  for (const record of records) {
    const { userId, displayName } = record;
    if (typeof userId !== 'string' || userId === '' || handles.has(userId)) continue;
    const handle = typeof displayName === 'string' ? (displayName.split(' ')[0] ?? '') : '';
    handles.set(userId, /^[a-z]+$/.test(handle) ? handle : `owner${handles.size + 1}`);
  }
  const roles = (index: number): DemoOwner['role'] =>
    index < DEMO_ABSENT_OWNERS
      ? 'absent'
      : index === DEMO_ABSENT_OWNERS
        ? 'departed'
        : index === DEMO_ABSENT_OWNERS + 1
          ? 'no-email'
          : 'active';
  return [...handles]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([userId, handle], index) => ({ userId, handle, role: roles(index) }));
}

/** The owner's name in the directory: the demo person's full name, else the handle capitalised. */
function displayName(handle: string): string {
  return demoPersonName(handle) ?? handle.charAt(0).toUpperCase() + handle.slice(1);
}

/** The demo directory as an HR export: CSV with the `userId,email,name,status` header (absent owners left out). */
export function demoDirectoryCsv(owners: readonly DemoOwner[]): string {
  const lines = ['userId,email,name,status'];
  for (const owner of owners) {
    if (owner.role === 'absent') continue;
    const email = owner.role === 'no-email' ? '' : `${owner.handle}@example.com`;
    const status = owner.role === 'departed' ? 'departed' : 'active';
    lines.push([owner.userId, email, `"${displayName(owner.handle)}"`, status].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes the demo directory CSV into `dir` and imports it (table created) as
 * a snapshot taken at `now`, so it is fresh for the demo's sweep.
 * @param log narration of the step
 */
export async function loadDemoDirectory(
  client: DynamoDBDocumentClient,
  records: readonly Readonly<Record<string, unknown>>[],
  options: { readonly now: number; readonly dir: string; readonly log: (line: string) => void },
): Promise<OwnerImportSummary> {
  const owners = demoOwners(records);
  const file = join(options.dir, 'owners.csv');
  await writeFile(file, demoDirectoryCsv(owners));
  const summary = await importOwnerFile(client, {
    table: DEFAULT_DIRECTORY_TABLE_NAME,
    file,
    asOf: formatInstant(options.now),
    now: formatInstant(options.now),
    maxDeletePercent: 100,
    createTable: true,
  });
  if (summary.outcome !== 'imported') {
    throw new Error(
      `the demo owner directory was not loaded into ${DEFAULT_DIRECTORY_TABLE_NAME}: ${summary.outcome}`,
    );
  }
  const count = (role: DemoOwner['role']) => owners.filter((o) => o.role === role).length;
  options.log(
    `Loaded the demo owner directory (${file}) into ${DEFAULT_DIRECTORY_TABLE_NAME}: ${summary.owners} owners, ` +
      `${count('departed')} departed, ${count('no-email')} without an email; ${count('absent')} owners left out on purpose`,
  );
  return summary;
}
