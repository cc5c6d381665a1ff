/**
 * `report --list` reads the owner directory only for the categories in
 * `DIRECTORY_JUDGED_CATEGORIES` (cli/use-cases/report-table.ts). That list
 * restates which of `credentialPosture`'s categories depend on the owner's
 * standing, so this checks it against the posture itself: over every
 * combination of stale flag, orphan flag, expiry and exemption, each other
 * category comes out the same whatever the directory says (none given,
 * departed, active, unusable), and each listed one does change with it.
 */
import { describe, expect, it } from 'vitest';
import { DIRECTORY_JUDGED_CATEGORIES } from '../../cli/use-cases/report-table';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { type Credential, parseCredential } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import type { DirectoryState } from '../../lambdas/hygiene/owner-directory';
import { credentialPosture, POSTURE_CATEGORIES, type PostureCategory } from '../../lambdas/hygiene/posture';
import { credential, days, NOW } from './support/credentials';

const STALE_FLAGS: Record<string, Record<string, unknown>> = {
  none: {},
  due: {
    lastUsedAt: days(-120),
    [HYGIENE_ATTR.staleFlaggedAt]: days(-20),
    [HYGIENE_ATTR.staleDeleteAfter]: days(-6),
  },
  waiting: {
    lastUsedAt: days(-120),
    [HYGIENE_ATTR.staleFlaggedAt]: days(-10),
    [HYGIENE_ATTR.staleDeleteAfter]: days(4),
  },
  'used since': {
    lastUsedAt: days(-2),
    [HYGIENE_ATTR.staleFlaggedAt]: days(-10),
    [HYGIENE_ATTR.staleDeleteAfter]: days(4),
  },
};
const ORPHAN_FLAGS: Record<string, Record<string, unknown>> = {
  none: {},
  due: { [HYGIENE_ATTR.orphanedAt]: days(-10), [HYGIENE_ATTR.orphanDeleteAfter]: days(-3) },
  waiting: { [HYGIENE_ATTR.orphanedAt]: days(-2), [HYGIENE_ATTR.orphanDeleteAfter]: days(5) },
};
const EXPIRIES: Record<string, Record<string, unknown>> = {
  'in a year': {},
  'in 5 days': { expiresTime: days(5) },
  expired: { expiresTime: days(-1) },
};

/** Every combination, owned by user-a. */
function credentials(): Credential[] {
  const all: Credential[] = [];
  for (const stale of Object.values(STALE_FLAGS))
    for (const orphan of Object.values(ORPHAN_FLAGS))
      for (const expiry of Object.values(EXPIRIES))
        for (const exempt of [false, true]) {
          const parsed = parseCredential(
            credential(`a-${all.length}`, { ...stale, ...orphan, ...expiry, [HYGIENE_ATTR.exempt]: exempt }),
          );
          if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
          all.push(parsed.credential);
        }
  return all;
}

/** What the directory can say of user-a; `undefined`: none given. */
const DIRECTORIES: readonly (DirectoryState | undefined)[] = [
  undefined,
  { departed: new Set(['user-a']) },
  { departed: new Set() },
  { unusable: 'stale', departed: new Set() },
  { unusable: 'unreadable', readError: 'throttled', departed: new Set() },
];

/** Whether `c` is in `category` under each directory. */
function memberships(c: Credential, category: PostureCategory): boolean[] {
  return DIRECTORIES.map((d) => credentialPosture(c, DEFAULT_CONFIG, NOW, d).categories.has(category));
}

describe('the report categories the owner directory can change', () => {
  const all = credentials();

  it('no other category depends on the directory', () => {
    for (const category of POSTURE_CATEGORIES.filter((c) => !DIRECTORY_JUDGED_CATEGORIES.has(c))) {
      for (const c of all) {
        const seen = memberships(c, category);
        expect(new Set(seen).size, `${category}, ${c.id}`).toBe(1);
      }
    }
  });

  it('each listed category does depend on it', () => {
    for (const category of DIRECTORY_JUDGED_CATEGORIES) {
      expect(
        all.some((c) => new Set(memberships(c, category as PostureCategory)).size > 1),
        category,
      ).toBe(true);
    }
  });
});
