/**
 * Plans, notices and the report name the stale limit that applied by its
 * tier's name (`staleLimit`), so two tiers of one name could not be told
 * apart: the configuration refuses them, naming the name (lambdas/hygiene/config.ts).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromFlat, parseConfig } from '../../lambdas/hygiene/config';
import { thrownBy } from '../support/thrown';

const REPEATED =
  'repeats the name of riskTiers.0: plans, notices and the report name a tier by its name, so each must be distinct; rename one';

describe('risk tiers with the same name', () => {
  it('are refused, each repeat naming the name and the tier that has it first', () => {
    const error = thrownBy(ConfigError, () =>
      parseConfig({
        riskTiers: [
          { name: 'risky', staleAfterDays: 60, unscoped: true },
          { name: 'other', staleAfterDays: 45 },
          { name: 'risky', staleAfterDays: 20, unrestrictedSource: true },
          { name: 'risky', staleAfterDays: 10 },
        ],
      }),
    );
    expect(error.problems).toEqual([
      `riskTiers.2.name = "risky": ${REPEATED}`,
      `riskTiers.3.name = "risky": ${REPEATED}`,
    ]);
  });

  it('are refused from CDK context or the Lambda environment too (one schema)', () => {
    const tiers = JSON.stringify([
      { name: 'a', staleAfterDays: 30 },
      { name: 'a', staleAfterDays: 30 },
    ]);
    expect(thrownBy(ConfigError, () => configFromFlat({ riskTiers: tiers })).problems).toEqual([
      `riskTiers.1.name = "a": ${REPEATED}`,
    ]);
  });

  it('names differing only in case are distinct names', () => {
    const config = parseConfig({
      riskTiers: [
        { name: 'risky', staleAfterDays: 60 },
        { name: 'Risky', staleAfterDays: 20 },
      ],
    });
    expect(config.riskTiers.map((t) => t.name)).toEqual(['risky', 'Risky']);
  });
});
