/**
 * The posture report judges what the sweep will do with the sweep's own rule
 * (`lambdas/hygiene/posture.ts`): "due for deletion" is the policy's decision,
 * so a flag the sweep will clear is not due; an exempt credential counts as
 * exempt, never as stale, expired or risky; an invalid record's outbox is a
 * pending notice (the drain sends it); and the text shows a configured tier
 * name and a cut owner list safely.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type HygieneConfig } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import type { RawItem } from '../../lambdas/hygiene/ports';
import { PostureAccumulator } from '../../lambdas/hygiene/posture';
import { renderPostureText } from '../../lambdas/render/posture-text';
import { credential, days, NOW } from './support/credentials';

function postureOf(items: Iterable<RawItem>, config: HygieneConfig = DEFAULT_CONFIG, top?: number) {
  const accumulator = new PostureAccumulator(config, NOW);
  for (const item of items) accumulator.add(item);
  return { report: accumulator.report(top), owners: accumulator.reachOwners() };
}

/** Flagged stale 20 days ago, grace over 6 days ago, unused for 120 days: the sweep deletes it as stale. */
const staleDue = (id: string, extra: Record<string, unknown> = {}) =>
  credential(id, {
    lastUsedAt: days(-120),
    [HYGIENE_ATTR.staleFlaggedAt]: days(-20),
    [HYGIENE_ATTR.staleDeleteAfter]: days(-6),
    ...extra,
  });

/** Flagged orphaned 10 days ago, grace over 3 days ago. */
const orphanDue = (id: string, extra: Record<string, unknown> = {}) =>
  credential(id, {
    [HYGIENE_ATTR.orphanedAt]: days(-10),
    [HYGIENE_ATTR.orphanDeleteAfter]: days(-3),
    ...extra,
  });

describe('posture: due for deletion is the policy decision', () => {
  it('counts a stale flag past its date due only when the sweep deletes it, not when it unflags', () => {
    const { report } = postureOf([
      staleDue('a-due'),
      staleDue('b-exempt', { hygieneExempt: true }),
      // used since the flag (lastUsedAt after hygieneStaleFlaggedAt)
      staleDue('c-used', { lastUsedAt: days(-5) }),
      // no longer stale under the current configuration (stale after 90 days; used 60 days ago, before the flag)
      staleDue('d-no-longer-stale', { lastUsedAt: days(-60), [HYGIENE_ATTR.staleFlaggedAt]: days(-59) }),
      // flagged more than 2 days after now (a run whose clock was ahead)
      staleDue('e-future', {
        [HYGIENE_ATTR.staleFlaggedAt]: days(5),
        [HYGIENE_ATTR.staleDeleteAfter]: days(19),
      }),
      // expired: deleted as expired, not as stale
      staleDue('f-expired', { expiresTime: days(-1) }),
    ]);

    expect(report.flagged).toEqual({ total: 6, dueForDeletion: 1 });
  });

  it('counts an orphan flag past its date due unless the sweep clears it (exempt, flagged in the future)', () => {
    const { report } = postureOf([
      orphanDue('a-due'),
      orphanDue('b-exempt', { hygieneExempt: true }),
      orphanDue('c-future', {
        [HYGIENE_ATTR.orphanedAt]: days(3),
        [HYGIENE_ATTR.orphanDeleteAfter]: days(10),
      }),
      orphanDue('d-expired', { expiresTime: days(-1) }),
      // both due: the sweep deletes it once, as orphaned (docs/rules.md, "Precedence")
      orphanDue('e-both', {
        lastUsedAt: days(-120),
        [HYGIENE_ATTR.staleFlaggedAt]: days(-20),
        [HYGIENE_ATTR.staleDeleteAfter]: days(-6),
      }),
    ]);

    expect(report.orphaned).toEqual({ total: 5, dueForDeletion: 2 });
    expect(report.flagged).toEqual({ total: 1, dueForDeletion: 0 });
  });

  it('follows the exempt id list of the configuration as the sweep does', () => {
    const config = { ...DEFAULT_CONFIG, exemptIds: ['a-due'] };
    expect(postureOf([staleDue('a-due')], config).report.flagged.dueForDeletion).toBe(0);
  });
});

describe('posture: exempt credentials', () => {
  it('counts them as exempt only, never as stale, expired-not-deleted or risky', () => {
    const { report } = postureOf([
      credential('a-1', { expiresTime: days(-3), lastUsedAt: days(-200), hygieneExempt: true }),
      credential('a-2', {
        scopedRoles: [],
        allowSourceCidr: [],
        expiresTime: undefined,
        hygieneExempt: true,
      }),
      credential('b-1', { lastUsedAt: days(-100) }),
    ]);

    expect(report).toMatchObject({ active: 3, expiredNotDeleted: 0, exempt: 2 });
    expect(report.stale).toEqual({ total: 1, byTier: { default: 1 } });
    expect(report.owners.top.map((o) => [o.userId, o.risky, o.exempt, o.expiredNotDeleted, o.stale])).toEqual(
      [
        ['user-b', 1, 0, 0, 1],
        ['user-a', 0, 2, 0, 0],
      ],
    );
    expect(renderPostureText(report)).toMatch(/^user-a +2 +0 +2 +0 +0 /m);
  });
});

describe('posture: pending notices of invalid records', () => {
  it('counts an invalid record whose outbox the drain sends, and judges its owner', () => {
    const { report, owners } = postureOf([
      {
        ...credential('a-bad', { expiresTime: '2026-12-01' }),
        hygieneOutbox: [{ eventId: 'e1', type: 'expiry-warning', userId: 'user-a' }],
        hygieneOutboxOwner: 'user-a',
        hygieneOutboxSince: days(-1),
      },
      { id: 'b-bad', userId: 'user-b', hygieneOutbox: [{ eventId: 'e2' }], createdAt: 5 },
      { id: 'c-bad', hygieneOutbox: [{ eventId: 'e3' }] },
    ]);

    expect(report).toMatchObject({ invalid: 3, valid: 0, pendingNotices: 3 });
    expect(owners).toEqual(['user-a', 'user-b']);
  });
});

describe('posture text', () => {
  it('shows a configured tier name through the sanitiser', () => {
    const config = {
      ...DEFAULT_CONFIG,
      riskTiers: [
        { name: 'x\u001b[2J\u202e', staleAfterDays: 5, unscoped: false, unrestrictedSource: false },
      ],
    };
    const text = renderPostureText(postureOf([credential('a-1', { lastUsedAt: days(-10) })], config).report);

    expect(text).toContain('  tier x\\x1b[2J\\u202e ');
    expect(text.replaceAll('\n', '')).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });

  it('keeps the owners heading and says the list is cut when --top is 0', () => {
    const { report } = postureOf([credential('a-1'), credential('b-1')], DEFAULT_CONFIG, 0);

    const text = renderPostureText(report);

    expect(text).toContain('Owners (2), riskiest first: (the first 0 of 2; more with --top N)');
    expect(text.trimEnd().endsWith('more with --top N)')).toBe(true);
  });

  it('prints no owners heading for a table without active credentials', () => {
    const { report } = postureOf([], DEFAULT_CONFIG, 0);
    expect(renderPostureText(report)).not.toContain('Owners');
  });
});
