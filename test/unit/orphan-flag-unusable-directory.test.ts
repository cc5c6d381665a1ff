/**
 * docs/rules.md ("Orphaned credentials"): while the owner directory is
 * unusable no orphan flag is cleared on the owner's standing, but the two
 * flags the directory has no say in are: one on an exempt credential, and one
 * dated more than 2 days after `now` (lambdas/hygiene/policy.ts).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import type { OwnerStanding } from '../../lambdas/hygiene/owner-directory';
import { decide } from '../../lambdas/hygiene/policy';
import { at, credentialOf, T0 } from './support/raw-credential';

const UNUSABLE: OwnerStanding = { directoryUsable: false, departed: false };

const flagged = (flaggedDays: number) => ({
  [HYGIENE_ATTR.orphanedAt]: at(flaggedDays),
  [HYGIENE_ATTR.orphanDeleteAfter]: at(flaggedDays + 7),
});

describe.each([
  ['an unusable directory', UNUSABLE],
  ['no directory', undefined],
])('with %s', (_name, owner) => {
  it('clears the orphan flag of an exempt credential', () => {
    const exempt = credentialOf({ ...flagged(-3), [HYGIENE_ATTR.exempt]: true });
    expect(decide(exempt, DEFAULT_CONFIG, T0, owner)).toEqual([{ type: 'unflag-orphan', reason: 'exempt' }]);
  });

  it('clears an orphan flag dated more than 2 days after now, keeps one dated 2 days after', () => {
    expect(decide(credentialOf(flagged(3)), DEFAULT_CONFIG, T0, owner)).toEqual([
      { type: 'unflag-orphan', reason: 'flagged-in-future' },
    ]);
    expect(decide(credentialOf(flagged(2)), DEFAULT_CONFIG, T0, owner)).toEqual([]);
  });

  it('keeps any other flag, due or not', () => {
    expect(decide(credentialOf(flagged(-3)), DEFAULT_CONFIG, T0, owner)).toEqual([]);
    expect(decide(credentialOf(flagged(-30)), DEFAULT_CONFIG, T0, owner)).toEqual([]);
  });
});
