/**
 * The posture report `pc-hygiene report` prints (lambdas/hygiene/posture.ts, lambdas/render/posture-text.ts;
 * docs/sweep.md, "Commands"), pure, items fed one at a time: every category over the active valid credentials, stale
 * per risk tier, exempt ones apart, reserved ids skipped; pending notices counted on soft-deleted items too (what
 * the notifier sends next); the riskiest owners first, cut at `--top`; the text table and a JSON document that reads
 * back.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { RESERVED_ID_PREFIX } from '../../lambdas/hygiene/data-contract';
import type { RawItem } from '../../lambdas/hygiene/ports';
import { PostureAccumulator, type PostureReport } from '../../lambdas/hygiene/posture';
import { renderPostureJson, renderPostureText } from '../../lambdas/render/posture-text';
import { credential, days, NOW, oneOfEachRule } from './support/credentials';

/** The report over `items`, counted one at a time as the report command does. */
function postureOf(items: Iterable<RawItem>, topOwners?: number): PostureReport {
  const accumulator = new PostureAccumulator(DEFAULT_CONFIG, NOW);
  for (const item of items) accumulator.add(item);
  return accumulator.report(topOwners);
}

describe('PostureAccumulator', () => {
  it('counts every category over active valid credentials', () => {
    const items = [
      ...oneOfEachRule(),
      credential('c-in-20-days', { expiresTime: days(20) }),
      credential('c-no-expiry', { expiresTime: undefined }),
      credential('j-open', {
        scopedRoles: [],
        allowSourceCidr: ['0.0.0.0/0'],
        lastUsedAt: undefined,
        createdAt: days(-40),
      }),
      credential('k-pending', { hygieneOutbox: [{ eventId: 'e1' }] }),
      { id: `${RESERVED_ID_PREFIX}sweep-checkpoint` },
    ];

    const report = postureOf(items);

    expect(report).toMatchObject({
      now: '2026-06-01T12:00:00.000Z',
      total: 13,
      valid: 12,
      invalid: 1,
      deleted: 1,
      active: 11,
      expiringIn7Days: 1,
      expiringIn30Days: 2,
      expiredNotDeleted: 1, // b-expired (the exempt h-exempt is not: the sweep never deletes it)
      // d-stale, e-flagged-due (default tier) and j-open (unscoped-unrestricted tier: 40 > 30 days)
      stale: { total: 3, byTier: { default: 2, 'unscoped-unrestricted': 1 } },
      flagged: { total: 2, dueForDeletion: 1 },
      neverUsed: 1,
      noExpiry: 1,
      unscoped: 1,
      unrestrictedSource: 1,
      unscopedAndUnrestricted: 1,
      exempt: 1,
      pendingNotices: 1,
    });
  });

  it('counts the pending notices of credentials the sweep just soft-deleted (what the notifier will send)', () => {
    const deletionNotice = (id: string) => ({
      expiresTime: days(-2),
      deletedAt: days(0),
      hygieneOutbox: [
        {
          eventId: `deleted-expired:${id}`,
          type: 'deleted-expired',
          userId: `user-${id[0]}`,
          credentialId: id,
        },
      ],
      hygieneOutboxOwner: `user-${id[0]}`,
      hygieneOutboxSince: days(0),
    });
    const items = [
      credential('a-gone', deletionNotice('a-gone')),
      credential('a-kept', { hygieneOutbox: [{ eventId: 'e1' }] }),
      credential('b-gone', { expiresTime: days(-30), deletedAt: days(-29) }),
    ];

    const report = postureOf(items);

    expect(report).toMatchObject({ valid: 3, deleted: 2, active: 1, pendingNotices: 2 });
    // The other figures stay over the active credentials.
    expect(report).toMatchObject({ expiredNotDeleted: 0, owners: { count: 1 } });
    expect(renderPostureText(report)).toMatch(/^with notices pending \(deleted included\) +2$/m);
  });

  it('lists the riskiest owners first', () => {
    const items = [
      credential('a-1'),
      credential('a-2'),
      credential('a-3'),
      credential('b-1', { expiresTime: days(-1) }),
      credential('c-1', { expiresTime: days(-1) }),
      credential('c-2', { lastUsedAt: days(-200) }),
    ];

    const report = postureOf(items, 2);

    expect(report.owners.count).toBe(3);
    expect(report.owners.top.map((o) => [o.userId, o.risky, o.credentials])).toEqual([
      ['user-c', 2, 2],
      ['user-b', 1, 1],
    ]);
  });
});

describe('posture renderers', () => {
  it('renders a readable table and a JSON document', () => {
    const report = postureOf(oneOfEachRule());

    const text = renderPostureText(report);

    expect(text).toContain('Hygiene posture at 2026-06-01T12:00:00.000Z');
    expect(text).toMatch(/expired, not deleted\s+1\s+14\.3%/);
    expect(text).toMatch(/Owners \(7\), riskiest first:/);
    expect(JSON.parse(renderPostureJson(report))).toEqual(report);
  });
});
