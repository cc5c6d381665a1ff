/**
 * The hygiene configuration (lambdas/hygiene/config.ts; docs/configuration.md, "Keys", "Validation errors"): every
 * default filled from nothing, the keys listed once in documentation order; range edges accepted; each refusal names
 * the key, the value and what is allowed, unknown keys listed, every problem in one error with its source; the flat
 * string form of CDK context and the environment coerced strictly (decimal text only, no rounded fractions) and
 * round-tripped, fast-check included; the relay's sender identity and SES configuration set checked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_KEYS,
  ConfigError,
  configFromFlat,
  configToFlat,
  DEFAULT_CONFIG,
  DEFAULT_RISK_TIERS,
  hygieneConfigSchema,
  parseConfig,
} from '../../lambdas/hygiene/config';
import { thrownBy } from '../support/thrown';

const configErrorOf = (run: () => unknown) => thrownBy(ConfigError, run);

describe('defaults (docs/rules.md, docs/configuration.md)', () => {
  it('fills every default from an empty object or undefined (no configuration)', () => {
    const expected = {
      mode: 'audit',
      expiryNoticeDays: [30, 7, 1],
      staleAfterDays: 90,
      staleGraceDays: 14,
      riskTiers: [
        { name: 'unscoped-unrestricted', staleAfterDays: 30, unscoped: true, unrestrictedSource: true },
      ],
      maxDeletesPerRun: 500,
      maxDeletePercent: 10,
      exemptIds: [],
      scanSegments: 4,
      writeConcurrency: 16,
      ownerDelivery: 'sns-email',
      orphanGraceDays: 7,
      directoryMaxAgeDays: 7,
    };
    expect(DEFAULT_CONFIG).toEqual(expected);
    expect(parseConfig(undefined)).toEqual(expected);
    expect(DEFAULT_CONFIG.purgeAfterDays).toBeUndefined();
    expect(DEFAULT_RISK_TIERS).toEqual(expected.riskTiers);
  });

  it('lists every schema key once, in documentation order', () => {
    expect(CONFIG_KEYS).toEqual(Object.keys(hygieneConfigSchema.shape));
    expect(CONFIG_KEYS).toContain('purgeAfterDays');
  });
});

describe('parseConfig: accepted values', () => {
  it('sorts expiry stages from the most distant to the most urgent', () => {
    expect(parseConfig({ expiryNoticeDays: [1, 60, 14] }).expiryNoticeDays).toEqual([60, 14, 1]);
  });

  it('accepts the edges of every range', () => {
    const low = parseConfig({
      staleAfterDays: 1,
      staleGraceDays: 0,
      maxDeletesPerRun: 0,
      maxDeletePercent: 0,
      purgeAfterDays: 1,
      scanSegments: 1,
      writeConcurrency: 1,
      orphanGraceDays: 0,
      directoryMaxAgeDays: 1,
      expiryNoticeDays: [],
    });
    expect(low).toMatchObject({
      staleAfterDays: 1,
      staleGraceDays: 0,
      maxDeletePercent: 0,
      expiryNoticeDays: [],
    });
    const high = parseConfig({
      staleAfterDays: 3650,
      staleGraceDays: 365,
      maxDeletesPerRun: 1_000_000,
      maxDeletePercent: 100,
      purgeAfterDays: 3650,
      scanSegments: 64,
      writeConcurrency: 256,
      orphanGraceDays: 365,
      directoryMaxAgeDays: 3650,
      expiryNoticeDays: [365, 1],
    });
    expect(high).toMatchObject({ staleAfterDays: 3650, scanSegments: 64, expiryNoticeDays: [365, 1] });
  });

  it('allows a fractional delete percentage', () => {
    expect(parseConfig({ maxDeletePercent: 2.5 }).maxDeletePercent).toBe(2.5);
  });

  it('fills risk tier defaults', () => {
    expect(parseConfig({ riskTiers: [{ name: 'strict', staleAfterDays: 7 }] }).riskTiers).toEqual([
      { name: 'strict', staleAfterDays: 7, unscoped: false, unrestrictedSource: false },
    ]);
  });
});

describe('parseConfig: messages name the key, the value and what is allowed', () => {
  it.each([
    [{ staleAfterDays: 0 }, 'staleAfterDays = 0: must be an integer from 1 to 3650'],
    [{ staleAfterDays: 3651 }, 'staleAfterDays = 3651: must be an integer from 1 to 3650'],
    [{ staleAfterDays: 1.5 }, 'staleAfterDays = 1.5: must be an integer from 1 to 3650'],
    [{ staleAfterDays: '90' }, 'staleAfterDays = "90": must be an integer from 1 to 3650'],
    [{ staleAfterDays: Number.NaN }, 'staleAfterDays = NaN: must be an integer from 1 to 3650'],
    [
      { staleAfterDays: Number.POSITIVE_INFINITY },
      'staleAfterDays = Infinity: must be an integer from 1 to 3650',
    ],
    [{ staleGraceDays: -1 }, 'staleGraceDays = -1: must be an integer from 0 to 365'],
    [{ maxDeletesPerRun: 1_000_001 }, 'maxDeletesPerRun = 1000001: must be an integer from 0 to 1000000'],
    [{ maxDeletePercent: 101 }, 'maxDeletePercent = 101: must be a number from 0 to 100'],
    [{ purgeAfterDays: 0 }, 'purgeAfterDays = 0: must be an integer from 1 to 3650'],
    [{ scanSegments: 65 }, 'scanSegments = 65: must be an integer from 1 to 64'],
    [{ writeConcurrency: 0 }, 'writeConcurrency = 0: must be an integer from 1 to 256'],
    [{ mode: 'dry' }, 'mode = "dry": must be one of audit, enforce'],
    [{ ownerDelivery: 'ses' }, 'ownerDelivery = "ses": must be one of sns-email, relay'],
    [{ orphanGraceDays: -1 }, 'orphanGraceDays = -1: must be an integer from 0 to 365'],
    [{ orphanGraceDays: 366 }, 'orphanGraceDays = 366: must be an integer from 0 to 365'],
    [{ directoryMaxAgeDays: 0 }, 'directoryMaxAgeDays = 0: must be an integer from 1 to 3650'],
    [{ directoryMaxAgeDays: 2.5 }, 'directoryMaxAgeDays = 2.5: must be an integer from 1 to 3650'],
    [{ expiryNoticeDays: [30, 0] }, 'expiryNoticeDays.1 = 0: must be an integer from 1 to 365'],
    [{ expiryNoticeDays: [400] }, 'expiryNoticeDays.0 = 400: must be an integer from 1 to 365'],
    [{ expiryNoticeDays: [7, 7] }, 'expiryNoticeDays = [7,7]: stages must be distinct'],
    [{ expiryNoticeDays: '30,7' }, 'expiryNoticeDays = "30,7": '],
    [
      { riskTiers: [{ name: 'x', staleAfterDays: 0 }] },
      'riskTiers.0.staleAfterDays = 0: must be an integer from 1 to 3650',
    ],
    [{ riskTiers: [{ staleAfterDays: 5 }] }, 'riskTiers.0.name = undefined: '],
    [{ exemptIds: [''] }, 'exemptIds.0 = "": '],
  ])('%j', (input, expected) => {
    const error = configErrorOf(() => parseConfig(input));
    expect(
      error.problems.some((p) => p.startsWith(expected)),
      error.problems.join(' | '),
    ).toBe(true);
  });

  it('names unknown keys and lists the allowed ones', () => {
    const error = configErrorOf(() => parseConfig({ staleDays: 30 }));
    expect(error.problems).toEqual([`unknown key(s) staleDays: allowed keys are ${CONFIG_KEYS.join(', ')}`]);
  });

  it('names an unknown key inside a risk tier with the tier keys', () => {
    const error = configErrorOf(() =>
      parseConfig({ riskTiers: [{ name: 't', staleAfterDays: 5, scoped: true }] }),
    );
    expect(error.problems).toEqual([
      'riskTiers.0: unknown key(s) scoped: allowed keys are name, staleAfterDays, unscoped, unrestrictedSource',
    ]);
  });

  it('reports every problem in one error, with the source in the message', () => {
    const error = configErrorOf(() => parseConfig({ staleAfterDays: 0, scanSegments: 0 }, 'CDK context'));
    expect(error.name).toBe('ConfigError');
    expect(error).toBeInstanceOf(Error);
    expect(error.problems).toHaveLength(2);
    expect(error.message).toBe(
      'Invalid CDK context: staleAfterDays = 0: must be an integer from 1 to 3650; scanSegments = 0: must be an integer from 1 to 64',
    );
  });

  it('rejects a non-object configuration, null included (it is not "the defaults"), saying what it is', () => {
    for (const [input, shown] of [
      [[1], '[1]'],
      [null, 'null'],
      [60, '60'],
      ['staleAfterDays=60', '"staleAfterDays=60"'],
      [true, 'true'],
    ] as const) {
      expect(configErrorOf(() => parseConfig(input, 'config file c.json')).message).toBe(
        `Invalid config file c.json: (root) = ${shown}: must be a JSON object of settings`,
      );
    }
  });
});

describe('configFromFlat / configToFlat', () => {
  it('coerces strings from CDK context or the environment', () => {
    const config = configFromFlat({
      staleAfterDays: '60',
      expiryNoticeDays: '14, 3',
      exemptIds: 'a,b',
      maxDeletePercent: '2.5',
      mode: 'enforce',
      riskTiers: '[{"name":"t","staleAfterDays":10}]',
      unrelatedContextKey: 'ignored',
    });
    expect(config).toMatchObject({
      staleAfterDays: 60,
      expiryNoticeDays: [14, 3],
      exemptIds: ['a', 'b'],
      maxDeletePercent: 2.5,
      mode: 'enforce',
      riskTiers: [{ name: 't', staleAfterDays: 10 }],
    });
  });

  it('coerces the owner directory keys from CDK context or the environment', () => {
    expect(
      configFromFlat({ ownerDelivery: 'relay', orphanGraceDays: '3', directoryMaxAgeDays: '30' }),
    ).toMatchObject({ ownerDelivery: 'relay', orphanGraceDays: 3, directoryMaxAgeDays: 30 });
  });

  it('reads numbers from decimal text only, as the CLI integer flags do; JSON numbers stay accepted', () => {
    expect(configFromFlat({ staleAfterDays: '060', maxDeletePercent: '2.5', scanSegments: 8 })).toMatchObject(
      {
        staleAfterDays: 60,
        maxDeletePercent: 2.5,
        scanSegments: 8,
      },
    );
    // Number() reads every one of these as 60 (or 0, or 2.5): each is shown as written and refused.
    for (const text of ['0x3c', '6e1', ' 60 ', '60 ', '+60', '0b111100', '', '60.', '.5e2']) {
      expect(configErrorOf(() => configFromFlat({ staleAfterDays: text }, 'env')).problems).toEqual([
        `staleAfterDays = ${JSON.stringify(text)}: must be an integer from 1 to 3650`,
      ]);
    }
    expect(configErrorOf(() => configFromFlat({ expiryNoticeDays: '30,0x7' })).problems).toEqual([
      'expiryNoticeDays.1 = "0x7": must be an integer from 1 to 365',
    ]);
    expect(configErrorOf(() => configFromFlat({ maxDeletePercent: '2.5e0' })).problems).toEqual([
      'maxDeletePercent = "2.5e0": must be a number from 0 to 100',
    ]);
  });

  it('reads an integer key as digits only: a fraction is refused, not rounded by the double it would become', () => {
    for (const text of ['90.0000000000000001', '90.0', '90.5']) {
      expect(configErrorOf(() => configFromFlat({ staleAfterDays: text }, 'env')).problems).toEqual([
        `staleAfterDays = ${JSON.stringify(text)}: must be an integer from 1 to 3650`,
      ]);
    }
    expect(configErrorOf(() => configFromFlat({ expiryNoticeDays: '30,7.0' })).problems).toEqual([
      'expiryNoticeDays.1 = "7.0": must be an integer from 1 to 365',
    ]);
    for (const text of ['.5', '5.', '0x5', '5e0', ' 5 ']) {
      expect(configErrorOf(() => configFromFlat({ maxDeletePercent: text })).problems).toEqual([
        `maxDeletePercent = ${JSON.stringify(text)}: must be a number from 0 to 100`,
      ]);
    }
    expect(configFromFlat({ maxDeletePercent: '2.50', staleAfterDays: '90' })).toMatchObject({
      maxDeletePercent: 2.5,
      staleAfterDays: 90,
    });
  });

  it('writes a tiny percentage as decimal text, so the flat form reads back', () => {
    const config = parseConfig({ maxDeletePercent: 1e-7 });
    expect(configToFlat(config).maxDeletePercent).toBe('0.0000001');
    expect(configFromFlat(configToFlat(config)).maxDeletePercent).toBe(1e-7);
  });

  it('shows the text as written when a number does not parse', () => {
    const error = configErrorOf(() =>
      configFromFlat({ staleAfterDays: 'ninety', expiryNoticeDays: '30,x' }, 'env'),
    );
    expect(error.problems).toEqual([
      'expiryNoticeDays.1 = "x": must be an integer from 1 to 365',
      'staleAfterDays = "ninety": must be an integer from 1 to 3650',
    ]);
  });

  it('round-trips every key, ids containing commas included', () => {
    const config = parseConfig({
      mode: 'enforce',
      exemptIds: ['a,b', 'c'],
      purgeAfterDays: 30,
      expiryNoticeDays: [60, 7],
      riskTiers: [{ name: 'strict', staleAfterDays: 7, unscoped: true }],
    });
    const flat = configToFlat(config);
    expect(Object.values(flat).every((v) => typeof v === 'string')).toBe(true);
    expect(configFromFlat(flat)).toEqual(config);
  });

  it('omits unset optional keys from the flat form', () => {
    expect(configToFlat(DEFAULT_CONFIG)).not.toHaveProperty('purgeAfterDays');
  });
});

describe('configToFlat / configFromFlat (fast-check)', () => {
  it('round-trips any valid configuration through the flat string form', () => {
    const configInput = fc.record(
      {
        mode: fc.constantFrom('audit', 'enforce'),
        expiryNoticeDays: fc.uniqueArray(fc.integer({ min: 1, max: 365 }), { maxLength: 10 }),
        staleAfterDays: fc.integer({ min: 1, max: 3650 }),
        staleGraceDays: fc.integer({ min: 0, max: 365 }),
        // Distinct names: a configuration refuses two tiers of one name.
        riskTiers: fc.uniqueArray(
          fc.record({
            name: fc.string({ minLength: 1, maxLength: 64 }),
            staleAfterDays: fc.integer({ min: 1, max: 3650 }),
            unscoped: fc.boolean(),
            unrestrictedSource: fc.boolean(),
          }),
          { maxLength: 3, selector: (tier) => tier.name },
        ),
        maxDeletesPerRun: fc.integer({ min: 0, max: 1_000_000 }),
        maxDeletePercent: fc.double({ min: 0, max: 100, noNaN: true }),
        exemptIds: fc.array(fc.string({ minLength: 1 }), { maxLength: 5 }),
        purgeAfterDays: fc.integer({ min: 1, max: 3650 }),
        scanSegments: fc.integer({ min: 1, max: 64 }),
        writeConcurrency: fc.integer({ min: 1, max: 256 }),
        ownerDelivery: fc.constantFrom('sns-email', 'relay'),
        orphanGraceDays: fc.integer({ min: 0, max: 365 }),
        directoryMaxAgeDays: fc.integer({ min: 1, max: 3650 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(configInput, (input) => {
        const config = parseConfig(input);
        expect(configFromFlat(configToFlat(config))).toEqual(config);
      }),
      { numRuns: 500 },
    );
  });
});

describe('relay keys', () => {
  it('accepts an address or "Name <address>" as senderIdentity, and an SES configuration set name', () => {
    expect(
      parseConfig({ senderIdentity: 'Hygiene <hygiene@corp.example>', sesConfigurationSet: 'pc-relay_1' }),
    ).toMatchObject({ senderIdentity: 'Hygiene <hygiene@corp.example>', sesConfigurationSet: 'pc-relay_1' });
    expect(configFromFlat({ senderIdentity: 'hygiene@corp.example' }).senderIdentity).toBe(
      'hygiene@corp.example',
    );
  });

  it.each([
    [{ senderIdentity: 'hygiene' }, 'senderIdentity = "hygiene": must be an email address'],
    [
      { senderIdentity: 'x\r\nBcc: y <a@b.example>' },
      'senderIdentity = "x\\r\\nBcc: y <a@b.example>": must be',
    ],
    [{ sesConfigurationSet: 'has space' }, 'sesConfigurationSet = "has space": must be 1-64 letters'],
  ])('names a bad relay value: %j', (input, message) => {
    expect(() => parseConfig(input)).toThrow(message);
  });
});
