/**
 * The posture report's owner reach section (`lambdas/hygiene/posture-reach.ts`):
 * every owner of an active credential or of pending notices judged on the route, one directory
 * lookup per page of 100 owners, the listed owners named, and the section as
 * text (`lambdas/render/posture-text.ts`).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { loadDirectoryState, OWNER_LOOKUP_PAGE } from '../../lambdas/hygiene/owner-directory';
import { PostureAccumulator } from '../../lambdas/hygiene/posture';
import { withOwnerReach } from '../../lambdas/hygiene/posture-reach';
import { renderPostureText } from '../../lambdas/render/posture-text';
import { InMemoryOwnerDirectory, reachableOwner } from './owner-directory-fake';
import { credential, days, NOW } from './support/credentials';

/** The directory as the report loads it before its scan (as a sweep at NOW, with the default config). */
const loaded = (directory: InMemoryOwnerDirectory) =>
  loadDirectoryState(directory, DEFAULT_CONFIG.directoryMaxAgeDays, NOW);

/** A report over one credential each for `count` owners (`user-000` ...). */
function fleet(count: number) {
  const accumulator = new PostureAccumulator(DEFAULT_CONFIG, NOW);
  for (let i = 0; i < count; i++) {
    accumulator.add(credential(`${String(i).padStart(3, '0')}-1`));
  }
  return { report: accumulator.report(3), owners: accumulator.reachOwners() };
}

describe('withOwnerReach', () => {
  it('looks every owner up once, a page of 100 at a time, and names the listed owners', async () => {
    const { report, owners } = fleet(250);
    const directory = new InMemoryOwnerDirectory(
      [reachableOwner('user-000', 'Zed'), { userId: 'user-001', status: 'departed' }],
      '2026-05-31T12:00:00.000Z',
    );

    const judged = await withOwnerReach(
      report,
      owners,
      directory,
      await loaded(directory),
      DEFAULT_CONFIG,
      NOW,
    );

    expect(directory.lookups.map((ids) => ids.length)).toEqual([OWNER_LOOKUP_PAGE, OWNER_LOOKUP_PAGE, 50]);
    expect(new Set(directory.lookups.flat()).size).toBe(250);
    expect(judged.reach).toMatchObject({
      status: 'verified',
      route: 'sns-email',
      ownersChecked: 250,
      reachable: 1,
      unreachable: 249,
      byReason: { departed: 1, 'not-in-directory': 248 },
      directory: { asOf: '2026-05-31T12:00:00.000Z', owners: 2, maxAgeDays: 7, stale: false },
    });
    expect(judged.owners.top.map((o) => [o.userId, o.name, o.reach])).toEqual([
      ['user-000', 'Zed', 'reachable'],
      ['user-001', undefined, 'departed'],
      ['user-002', undefined, 'not-in-directory'],
    ]);
    const text = renderPostureText(judged);
    expect(text).toMatch(/^user-000 +Zed +reachable +1 /m);
    expect(text).toMatch(/^ {2}not-in-directory +248$/m);
  });

  it('judges the owners of pending notices on soft-deleted credentials too (a departed owner whose credentials were all deleted)', async () => {
    const accumulator = new PostureAccumulator(DEFAULT_CONFIG, NOW);
    accumulator.add(credential('a-1'));
    accumulator.add(
      credential('b-1', {
        deletedAt: days(0),
        hygieneOutbox: [
          {
            eventId: 'deleted-orphaned:b-1',
            type: 'deleted-orphaned',
            userId: 'user-b',
            credentialId: 'b-1',
          },
        ],
        hygieneOutboxOwner: 'user-b',
        hygieneOutboxSince: days(0),
      }),
    );
    accumulator.add(credential('c-1', { deletedAt: days(-3) }));
    const directory = new InMemoryOwnerDirectory([
      reachableOwner('user-a'),
      { userId: 'user-b', email: 'b@example.com', status: 'departed' },
      reachableOwner('user-c'),
    ]);

    const judged = await withOwnerReach(
      accumulator.report(),
      accumulator.reachOwners(),
      directory,
      await loaded(directory),
      DEFAULT_CONFIG,
      NOW,
    );

    expect(directory.lookups).toEqual([['user-a', 'user-b']]);
    expect(judged.reach).toMatchObject({ ownersChecked: 2, reachable: 1, unreachable: 1 });
    expect(judged.reach?.byReason.departed).toBe(1);
    // The owner table stays over the active credentials.
    expect(judged.owners).toMatchObject({ count: 1, top: [{ userId: 'user-a', reach: 'reachable' }] });
    expect(renderPostureText(judged)).toMatch(/^owners of active credentials or pending notices +2$/m);
  });

  it('judges the owner the drain routes pending notices to: the item’s own, not the one they were queued for', () => {
    const accumulator = new PostureAccumulator(DEFAULT_CONFIG, NOW);
    const queuedFor = (owner: string) => ({
      hygieneOutbox: [
        { eventId: `e-${owner}`, type: 'expiry-warning', runId: 'run-0', occurredAt: days(-1) },
        // An entry stored whole naming another owner: the drain reports it to the admins, judges nobody for it.
        { eventId: `e-${owner}-2`, type: 'expiry-warning', userId: 'forged-fred', credentialId: 'x' },
      ],
      hygieneOutboxOwner: owner,
      hygieneOutboxSince: days(-1),
    });
    // Reassigned after the notices were queued: the drain routes by the item's userId (the earlier owner's
    // notices go to the admins as owner-mismatch, docs/notifications.md), so the new owners are judged.
    accumulator.add(credential('a-active', { userId: 'successor-sam', ...queuedFor('departed-dave') }));
    accumulator.add(
      credential('b-deleted', { userId: 'successor-sue', deletedAt: days(0), ...queuedFor('departed-dee') }),
    );
    // No userId (an invalid record): the drain falls back to the owner the notices were queued for.
    accumulator.add({ id: 'c-invalid', ...queuedFor('queued-quinn') });

    expect(accumulator.reachOwners()).toEqual(['queued-quinn', 'successor-sam', 'successor-sue']);
  });

  it('leaves reach unverified, looking nobody up, when the directory was never imported', async () => {
    const { report, owners } = fleet(2);
    const directory = new InMemoryOwnerDirectory([reachableOwner('user-000')]);
    directory.imported = undefined;

    const judged = await withOwnerReach(
      report,
      owners,
      directory,
      await loaded(directory),
      DEFAULT_CONFIG,
      NOW,
    );

    expect(directory.lookups).toEqual([]);
    expect(judged.reach).toMatchObject({ status: 'unverified', ownersChecked: 0 });
    expect(judged.owners.top[0]).not.toHaveProperty('reach');
    expect(renderPostureText(judged)).toContain('Owner reach is unverified');
  });

  it('on the relay route judges a never-imported directory: the owners it lacks cannot be emailed', async () => {
    const { report, owners } = fleet(2);
    const directory = new InMemoryOwnerDirectory();
    directory.imported = undefined;

    const judged = await withOwnerReach(
      report,
      owners,
      directory,
      await loaded(directory),
      { ...DEFAULT_CONFIG, ownerDelivery: 'relay' },
      NOW,
    );

    expect(directory.lookups).toEqual([owners]);
    expect(judged.reach).toMatchObject({
      status: 'verified',
      route: 'relay',
      directory: { imported: false, owners: 0, stale: true },
      ownersChecked: 2,
      reachable: 0,
      unreachable: 2,
    });
    expect(judged.reach?.byReason['not-in-directory']).toBe(2);
    expect(renderPostureText(judged)).toContain('directory never imported: nobody can be emailed on relay');
  });
});
