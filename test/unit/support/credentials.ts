/** Small builders of raw credential items relative to a fixed `now`, for sweep tests. */
import { formatInstant } from '../../../lambdas/hygiene/time';
import { healthyCredentialAt } from './raw-credential';

/** The decision instant used by the sweep unit tests. */
export const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const DAY = 86_400_000;

/** `now` plus (or minus) whole days, as a canonical ISO string. */
export function days(n: number, from = NOW): string {
  return formatInstant(from + n * DAY);
}

/** A healthy, scoped, source-limited credential used yesterday, expiring in a year. */
export function credential(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return healthyCredentialAt(NOW, {
    id,
    userId: `user-${id.split('-')[0]}`,
    clientId: `client-${id}`,
    displayName: `Credential ${id}`,
    scopedRoles: ['role-read'],
    ...overrides,
  });
}

/** A stale-flagged credential past its grace period at `NOW`: a sweep deletes it (reason `stale`); restore needs no `--force`. */
export function staleDue(id: string): Record<string, unknown> {
  return credential(id, {
    lastUsedAt: days(-120),
    hygieneStaleFlaggedAt: days(-20),
    hygieneStaleDeleteAfter: days(-6),
  });
}

/** One credential per rule, plus the cases that need nothing. */
export function oneOfEachRule(): Record<string, unknown>[] {
  return [
    credential('a-healthy'),
    credential('b-expired', { expiresTime: days(-1) }),
    credential('c-expiring', { expiresTime: days(5) }),
    credential('d-stale', { lastUsedAt: days(-100) }),
    ...flaggedStale(),
    credential('g-deleted', { expiresTime: days(-30), deletedAt: days(-29) }),
    credential('h-exempt', { expiresTime: days(-1), hygieneExempt: true }),
    { id: 'i-invalid', userId: 'user-i', expiresTime: '2026-12-01' },
  ];
}

/** Two stale-flagged credentials: one past its delete-after date, one used again since it was flagged. */
export function flaggedStale(): Record<string, unknown>[] {
  return [
    credential('e-flagged-due', {
      lastUsedAt: days(-120),
      hygieneStaleFlaggedAt: days(-20),
      hygieneStaleDeleteAfter: days(-6),
    }),
    credential('f-used-again', {
      lastUsedAt: days(-2),
      hygieneStaleFlaggedAt: days(-10),
      hygieneStaleDeleteAfter: days(4),
    }),
  ];
}

/** A small fleet for CLI tests: twenty healthy credentials (`a-00`..`a-19`), one expired, one expiring, one stale. */
export function smallFleet(): Record<string, unknown>[] {
  return [
    ...Array.from({ length: 20 }, (_, i) => credential(`a-${String(i).padStart(2, '0')}`)),
    credential('b-expired', { expiresTime: days(-1) }),
    credential('c-expiring', { expiresTime: days(5) }),
    credential('d-stale', { lastUsedAt: days(-100) }),
  ];
}
