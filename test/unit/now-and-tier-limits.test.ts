/**
 * Two inputs that would make the report or a run write what no record may
 * hold: a `--now` so late that a grace period from it ends after year 9999
 * (`cli/options/now-option.ts`), and a risk tier named `default`, which plans
 * and the report already use for the base limit (`lambdas/hygiene/config.ts`).
 */
import { describe, expect, it } from 'vitest';
import { LATEST_NOW_MS, resolveNow } from '../../cli/options/now-option';
import { UsageError } from '../../cli/usage-error';
import { ConfigError, MAX_GRACE_DAYS, parseConfig } from '../../lambdas/hygiene/config';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { decide } from '../../lambdas/hygiene/policy';
import { formatInstant, parseInstant } from '../../lambdas/hygiene/time';
import { thrownBy } from '../support/thrown';
import { healthyCredentialAt } from './support/raw-credential';

describe('--now', () => {
  it('refuses an instant within the longest grace period of the end of year 9999', () => {
    const error = thrownBy(UsageError, () => resolveNow('9999-06-01T00:00:00Z'));
    expect(error.message).toBe(
      '--now "9999-06-01T00:00:00Z" is too late: a grace period from it (up to 365 days, staleGraceDays or ' +
        'orphanGraceDays) could end after 9999-12-31T23:59:59.999Z, the latest instant a record can hold; ' +
        'give one no later than 9998-12-31T23:59:59.999Z',
    );
    expect(() => resolveNow('9998-12-31T23:59:59.999Z')).not.toThrow();
    expect(() => resolveNow('9999-01-01T00:00:00Z')).toThrow(UsageError);
  });

  it('allows exactly the instants from which the longest grace a config may set still ends in canonical UTC', () => {
    const config = parseConfig({ staleGraceDays: MAX_GRACE_DAYS, orphanGraceDays: MAX_GRACE_DAYS });
    expect(() => parseConfig({ staleGraceDays: MAX_GRACE_DAYS + 1 })).toThrow(ConfigError);
    expect(() => parseConfig({ orphanGraceDays: MAX_GRACE_DAYS + 1 })).toThrow(ConfigError);
    const now = resolveNow(formatInstant(LATEST_NOW_MS));
    const parsed = parseCredential(healthyCredentialAt(now - 400 * 86_400_000, { id: 'a', userId: 'u' }));
    if (!parsed.ok) throw new Error('fixture invalid');
    const flag = decide({ ...parsed.credential, expiresTime: undefined }, config, now).find(
      (a) => a.type === 'flag-stale',
    );
    expect(flag?.type === 'flag-stale' && parseInstant(flag.deleteAfter).ok).toBe(true);
    // A millisecond later, the longest grace would end past year 9999.
    expect(parseInstant(formatInstant(LATEST_NOW_MS + 1 + MAX_GRACE_DAYS * 86_400_000)).ok).toBe(false);
  });
});

describe('risk tier names', () => {
  it('refuses a tier named default, the name of the base limit', () => {
    const error = thrownBy(ConfigError, () =>
      parseConfig({ riskTiers: [{ name: 'default', staleAfterDays: 5 }] }),
    );
    expect(error.problems).toEqual([
      'riskTiers.0.name = "default": must not be "default": plans and the report call the base staleAfterDays limit that; rename the tier',
    ]);
    expect(parseConfig({ riskTiers: [{ name: 'Default', staleAfterDays: 5 }] }).riskTiers[0]?.name).toBe(
      'Default',
    );
  });
});
