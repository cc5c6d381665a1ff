/**
 * The `expiryNoticeLookaheadHours` key (lambdas/hygiene/config.ts; docs/configuration.md, "Keys"): an integer from 0
 * to 8784 hours, validated like every key in each form (a `--config` file, CDK context's text, the Lambda
 * environment), unset unless given (0 for the policy; a deployment derives it: lib/expiry-notice-lookahead.ts),
 * carried through the flat form, and named when a `--config` file differs from a deployment's derived value.
 */
import { describe, expect, it } from 'vitest';
import { differencesFromDeployment } from '../../cli/options/deployment-config';
import { configFromEnvironment, configToEnvironment } from '../../lambdas/handlers/environment';
import {
  CONFIG_KEYS,
  ConfigError,
  configFromFlat,
  configToFlat,
  DEFAULT_CONFIG,
  expiryNoticeLookaheadMs,
  MAX_EXPIRY_NOTICE_LOOKAHEAD_HOURS,
  parseConfig,
} from '../../lambdas/hygiene/config';
import { thrownBy } from '../support/thrown';

const KEY = 'expiryNoticeLookaheadHours';

describe('expiryNoticeLookaheadHours', () => {
  it('is a key, after expiryNoticeDays, unset by default: no lookahead', () => {
    expect(CONFIG_KEYS.indexOf(KEY)).toBe(CONFIG_KEYS.indexOf('expiryNoticeDays') + 1);
    expect(DEFAULT_CONFIG.expiryNoticeLookaheadHours).toBeUndefined();
    expect(expiryNoticeLookaheadMs(DEFAULT_CONFIG)).toBe(0);
    expect(configToFlat(DEFAULT_CONFIG)).not.toHaveProperty(KEY);
  });

  it('takes whole hours from 0 to 8784 (366 days)', () => {
    expect(MAX_EXPIRY_NOTICE_LOOKAHEAD_HOURS).toBe(366 * 24);
    expect(parseConfig({ [KEY]: 0 }).expiryNoticeLookaheadHours).toBe(0);
    expect(expiryNoticeLookaheadMs(parseConfig({ [KEY]: 72 }))).toBe(72 * 3_600_000);
    expect(parseConfig({ [KEY]: 8784 }).expiryNoticeLookaheadHours).toBe(8784);
  });

  it.each([
    [-1, '-1'],
    [8785, '8785'],
    [1.5, '1.5'],
    ['24', '"24"'],
    [null, 'null'],
  ])('refuses %s, naming the key, the value and the range', (value, shown) => {
    const error = thrownBy(ConfigError, () => parseConfig({ [KEY]: value }));
    expect(error.problems).toEqual([`${KEY} = ${shown}: must be an integer from 0 to 8784`]);
  });

  it('reads decimal text in the flat forms (CDK context, environment) and nothing else', () => {
    expect(configFromFlat({ [KEY]: '72' }).expiryNoticeLookaheadHours).toBe(72);
    for (const text of ['72.0', '0x48', ' 72', '-1', '']) {
      expect(() => configFromFlat({ [KEY]: text }, 'CDK context'), text).toThrow(
        `Invalid CDK context: ${KEY} = ${JSON.stringify(text)}: must be an integer from 0 to 8784`,
      );
    }
  });

  it('round-trips through the Lambda environment', () => {
    const config = parseConfig({ [KEY]: 24 });
    const environment = configToEnvironment(config);
    expect(environment[`HYGIENE_${KEY}`]).toBe('24');
    expect(configFromEnvironment(environment)).toEqual(config);
  });

  it("is named when a --config file's value differs from the deployed one (a file without it: 0)", () => {
    const deployed = parseConfig({ [KEY]: 24 });
    expect(differencesFromDeployment(DEFAULT_CONFIG, deployed)).toEqual([KEY]);
    expect(differencesFromDeployment(parseConfig({ [KEY]: 24 }), deployed)).toEqual([]);
  });
});
