/**
 * With an owner directory, the posture report judges orphan flags with the
 * directory as a sweep at the same `now` loads it (`loadDirectoryState`), not
 * with the flag's premise: a stale or ahead directory makes none due (the
 * sweep orphans nothing then), an owner no longer departed is not due; and
 * the report says the directory's state in the run summary's shape and words
 * (`directory`, `directoryLine` in the report's voice: `AHEAD`, never "fresh"
 * for a snapshot taken after `now`). Without a directory, the premise stands.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { loadDirectoryState } from '../../lambdas/hygiene/owner-directory';
import { credentialPosture, PostureAccumulator } from '../../lambdas/hygiene/posture';
import { withOwnerReach } from '../../lambdas/hygiene/posture-reach';
import { renderPostureText } from '../../lambdas/render/posture-text';
import { InMemoryOwnerDirectory, reachableOwner } from './owner-directory-fake';
import { credential, days, NOW } from './support/credentials';

/** Orphan-flagged 10 days before `NOW`, its grace over 3 days before. */
const orphanFlagged = (id: string) =>
  credential(id, { [HYGIENE_ATTR.orphanedAt]: days(-10), [HYGIENE_ATTR.orphanDeleteAfter]: days(-3) });

/** user-a departed, user-b active again (its flag is one the sweep clears), imported as of `asOf`. */
const directoryAsOf = (asOf: string) =>
  new InMemoryOwnerDirectory(
    [{ userId: 'user-a', email: 'a@example.com', status: 'departed' }, reachableOwner('user-b')],
    asOf,
  );

const ITEMS = [orphanFlagged('a-1'), orphanFlagged('a-2'), orphanFlagged('b-1'), credential('c-1')];

/** The report at `now` with the directory loaded as a sweep at `now` loads it (what `report` does). */
async function reportWith(directory: InMemoryOwnerDirectory, now = NOW) {
  const state = await loadDirectoryState(directory, DEFAULT_CONFIG.directoryMaxAgeDays, now);
  const accumulator = new PostureAccumulator(DEFAULT_CONFIG, now, state);
  for (const item of ITEMS) accumulator.add(item);
  const owners = accumulator.reachOwners();
  return withOwnerReach(accumulator.report(), owners, directory, state, DEFAULT_CONFIG, now);
}

describe('posture with an owner directory: orphan flags as the sweep judges them', () => {
  it('a usable directory: due only where it marks the owner departed, and says it was applied', async () => {
    const report = await reportWith(directoryAsOf(days(-1)));

    expect(report.orphaned).toEqual({ total: 3, dueForDeletion: 2 });
    expect(report.directory).toEqual({
      status: 'used',
      asOf: days(-1),
      owners: 2,
      departed: 1,
      maxAgeDays: 7,
    });
    expect(renderPostureText(report)).toContain(
      `\nOwner directory: as of ${days(-1)}, 2 owner(s), 1 departed (orphan rule applied)\n`,
    );
  });

  it('a stale directory: none due (the sweep orphans nothing), and the report says so', async () => {
    const report = await reportWith(directoryAsOf(days(-8)));

    expect(report.orphaned).toEqual({ total: 3, dueForDeletion: 0 });
    expect(report.directory).toMatchObject({ status: 'stale', asOf: days(-8), departed: 0 });
    expect(renderPostureText(report)).toContain(
      `\nOwner directory: STALE (as of ${days(-8)}, older than directoryMaxAgeDays 7); nothing would be orphaned - re-import it (owners import --as-of)\n`,
    );
  });

  it('a snapshot taken after the report’s now: AHEAD, none due, never called fresh', async () => {
    const report = await reportWith(directoryAsOf(days(300)));
    const text = renderPostureText(report);

    expect(report.orphaned.dueForDeletion).toBe(0);
    expect(report.directory).toMatchObject({ status: 'ahead', asOf: days(300) });
    expect(text).toContain(
      `\nOwner directory: AHEAD (as of ${days(300)}, more than 2 days after the report's now: it may record departures not yet made at now); nothing would be orphaned\n`,
    );
    expect(text).not.toContain('fresh');
    // The reach section still judges the owners, with the snapshot it was given (no second read).
    expect(text).toContain(`Owner reach (sns-email):\n  directory as of ${days(300)}, 2 owner(s)\n`);
  });

  it('an unreadable directory: none due, reach unverified, and the report says why', async () => {
    const directory = directoryAsOf(days(-1));
    directory.freshness = () =>
      Promise.reject(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    const report = await reportWith(directory);
    const text = renderPostureText(report);

    expect(report.orphaned.dueForDeletion).toBe(0);
    expect(report.directory).toMatchObject({
      status: 'unreadable',
      error: 'AccessDeniedException: not authorized',
    });
    expect(report.reach).toMatchObject({ status: 'unverified', ownersChecked: 0 });
    expect(directory.lookups).toEqual([]);
    expect(text).toContain(
      '\nOwner directory: UNREADABLE (AccessDeniedException: not authorized); nothing would be orphaned\n',
    );
    expect(text).toContain('Owner reach is unverified: the owner directory could not be read');
  });

  it('without a directory: the flag’s premise (due while the directory marks the owner departed), no directory said', () => {
    const accumulator = new PostureAccumulator(DEFAULT_CONFIG, NOW);
    for (const item of ITEMS) accumulator.add(item);
    const report = accumulator.report();

    expect(report.orphaned).toEqual({ total: 3, dueForDeletion: 3 });
    expect(report).not.toHaveProperty('directory');
    expect(renderPostureText(report)).not.toContain('Owner directory');
  });

  it('report --list decides a credential’s categories with the same directory', async () => {
    const parsed = parseCredential(orphanFlagged('b-1'));
    if (!parsed.ok) throw new Error('fixture');
    const used = await loadDirectoryState(directoryAsOf(days(-1)), 7, NOW);

    expect(
      credentialPosture(parsed.credential, DEFAULT_CONFIG, NOW, used).categories.has('orphaned-due'),
    ).toBe(false);
    expect(credentialPosture(parsed.credential, DEFAULT_CONFIG, NOW).categories.has('orphaned-due')).toBe(
      true,
    );
  });
});
