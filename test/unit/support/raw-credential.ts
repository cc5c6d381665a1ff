/** Raw credential items for the domain unit tests, with dates relative to one fixed instant. */
import { type Credential, parseCredential } from '../../../lambdas/hygiene/credential';
import { DAY_MS, formatInstant } from '../../../lambdas/hygiene/time';

/** The decision instant of the domain tests: 2026-11-26T00:00:00.000Z. */
export const T0 = Date.UTC(2026, 10, 26);

/** `T0` plus `days` (negative = past) plus `ms`, canonical UTC. */
export function at(days: number, ms = 0): string {
  return formatInstant(T0 + days * DAY_MS + ms);
}

/**
 * A valid, healthy credential at `T0`: scoped, source-limited, used yesterday,
 * created 200 days ago, expiring in a year. Override any attribute; `undefined` removes it.
 */
export function rawCredential(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return healthyCredentialAt(T0, {
    id: 'pc-1',
    userId: 'user-1',
    clientId: 'brave-otter-12345@acme.conductor.one/pcc',
    displayName: 'terraform',
    scopedRoles: ['ReadOnly'],
    ...overrides,
  });
}

/**
 * A healthy credential at `now` (created and updated 200 days before, used
 * the day before, expiring a year after, source-limited) with `fields`
 * (id, owner, names, roles, overrides); an `undefined` field is removed.
 */
export function healthyCredentialAt(now: number, fields: Record<string, unknown>): Record<string, unknown> {
  const day = (days: number) => formatInstant(now + days * DAY_MS);
  const item: Record<string, unknown> = {
    createdAt: day(-200),
    updatedAt: day(-200),
    expiresTime: day(365),
    lastUsedAt: day(-1),
    allowSourceCidr: ['10.0.0.0/8'],
    ...fields,
  };
  for (const [key, value] of Object.entries(item)) if (value === undefined) delete item[key];
  return item;
}

/** {@link rawCredential} with `overrides`, parsed; throws when the test record is invalid. */
export function credentialOf(overrides: Record<string, unknown> = {}): Credential {
  const parsed = parseCredential(rawCredential(overrides));
  if (!parsed.ok) throw new Error(`test record is invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.credential;
}

/** The instant `ms` written with a UTC offset of `offsetMinutes` (e.g. `…+05:30`), as stored dates may be. */
export function withOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${hh}:${mm}`;
}
