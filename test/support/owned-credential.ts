/**
 * The credential item the notification tests seed: one owner's healthy key,
 * scoped and source-limited, used yesterday, expiring in 200 days, with dates
 * relative to the test's `now` — so only the rule a test overrides applies.
 */
import { addDays, formatInstant } from '../../lambdas/hygiene/time';

/**
 * A raw credential item owned by `userId`; `extra` overrides any attribute
 * and an `undefined` value removes it.
 */
export function ownedCredential(
  now: number,
  id: string,
  userId: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const iso = (days: number) => formatInstant(addDays(now, days));
  const item: Record<string, unknown> = {
    id,
    userId,
    clientId: `client-${id}`,
    displayName: `Key ${id}`,
    createdAt: iso(-400),
    lastUsedAt: iso(-1),
    expiresTime: iso(200),
    scopedRoles: ['role-read'],
    allowSourceCidr: ['10.0.0.0/8'],
    ...extra,
  };
  for (const [key, value] of Object.entries(item)) if (value === undefined) delete item[key];
  return item;
}
