/**
 * `exemptIds` in CDK context against Lambda's 4 KB environment limit: the
 * limit depends on the ids' length (they travel as JSON in one variable of
 * the sweep function's environment), and past it the synth fails naming
 * exemptIds, the size and `pc-hygiene exempt`. The construct's
 * `metricsNamespace` and `serviceName` travel there too (Powertools
 * variables): longer than the defaults the reserve counts, they leave the ids
 * less room, and the refusal names them. The rest of the config is refused
 * only when no deployment could hold it (beside the least the construct adds),
 * never when it merely passes the reserve's room. The synthesized worst case
 * and least: test/infra/environment-reserve.test.ts.
 */
import { App, Lazy, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { configToEnvironment } from '../../lambdas/handlers/environment';
import { parseConfig } from '../../lambdas/hygiene/config';
import { ContextError, readDeploymentSettings } from '../../lib/config';
import { CredentialHygiene, CredentialHygienePropsError } from '../../lib/credential-hygiene';
import {
  CONSTRUCT_ENVIRONMENT_MINIMUM_BYTES,
  CONSTRUCT_ENVIRONMENT_RESERVE_BYTES,
  environmentBudgetProblems,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
} from '../../lib/environment-budget';
import { DEFAULT_METRIC_NAMES, type MetricNames } from '../../lib/metric-identity';
import { thrownBy } from '../support/thrown';
import { configBytes, configOfBytes, DAILY_SWEEP_LOOKAHEAD } from './support/config-of-size';
import { SKIP_BUNDLING } from './synth';

const reader = (context: Record<string, unknown>) => (key: string) => context[key];
const ids = (n: number, length: number) =>
  Array.from({ length: n }, (_, i) => `${String(i).padStart(6, '0')}${'x'.repeat(length - 6)}`);

/** The largest count of ids of this length that passes (with these metric names: the defaults when not given). */
function largestAccepted(length: number, names?: MetricNames): number {
  let n = 0;
  while (environmentBudgetProblems(parseConfig({ exemptIds: ids(n + 1, length) }), names).length === 0) n++;
  return n;
}

describe('exemptIds and the Lambda environment limit', () => {
  it('the number of ids that fit depends on their length: about 70 KSUIDs, never 10,000', () => {
    const ksuids = largestAccepted(27);
    expect(ksuids).toBeGreaterThan(65);
    expect(ksuids).toBeLessThan(75);
    expect(largestAccepted(8)).toBeGreaterThan(2 * ksuids);
  });

  it.each([8, 27, 64])(
    'past the limit the message says how many ids of that length fit: exactly as many (%d characters)',
    (length) => {
      const fit = largestAccepted(length);
      const [problem] = environmentBudgetProblems(parseConfig({ exemptIds: ids(fit + 1, length) }));
      expect(problem).toContain(`(about ${fit} ids of this length fit)`);
    },
  );

  it('at the limit the config variables still leave the construct its reserve of the 4 KB', () => {
    const fit = largestAccepted(27);
    const env = configToEnvironment(parseConfig({ exemptIds: ids(fit, 27) }));
    const bytes = Object.entries(env).reduce(
      (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v),
      0,
    );
    expect(bytes).toBeLessThanOrEqual(LAMBDA_ENVIRONMENT_LIMIT_BYTES - CONSTRUCT_ENVIRONMENT_RESERVE_BYTES);
  });

  it('past the limit the synth fails with one clear message naming exemptIds, the size and pc-hygiene exempt', () => {
    const context = { exemptIds: JSON.stringify(ids(150, 27)) };
    let error: unknown;
    try {
      readDeploymentSettings(reader(context));
    } catch (caught: unknown) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContextError);
    const problems = (error as ContextError).problems.filter((p) => p.startsWith('exemptIds'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^exemptIds: 150 ids take \d+ bytes of the sweep function's environment \(HYGIENE_exemptIds\)/,
    );
    expect(problems[0]).toMatch(/about \d+ ids of this length fit/);
    expect(problems[0]).toContain('pc-hygiene exempt ID --reason TEXT');
  });

  it('a short list passes', () => {
    expect(() => readDeploymentSettings(reader({ exemptIds: 'a,b,c' }))).not.toThrow();
  });
});

/** Metric names at CloudWatch's longest, 255 characters each. */
const LONG_NAMES: MetricNames = {
  metricsNamespace: `Security/Hygiene/${'n'.repeat(238)}`,
  serviceName: `credential-hygiene-${'s'.repeat(236)}`,
};
/** What {@link LONG_NAMES} take beyond the defaults. */
const LONG_NAMES_EXTRA =
  2 * 255 - DEFAULT_METRIC_NAMES.metricsNamespace.length - DEFAULT_METRIC_NAMES.serviceName.length;

describe('metricsNamespace and serviceName share the limit (every function carries them)', () => {
  it('longer than the defaults, they leave the ids less room: ids that fit beside the defaults are refused, naming both keys', () => {
    const fit = largestAccepted(27);
    const config = parseConfig({ exemptIds: ids(fit, 27) });
    expect(environmentBudgetProblems(config)).toEqual([]);
    const problems = environmentBudgetProblems(config, LONG_NAMES);
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^exemptIds: ${fit} ids take \\d+ bytes`))]);
    expect(problems[0]).toContain(
      `beside a metricsNamespace and serviceName ${LONG_NAMES_EXTRA} bytes longer than the defaults`,
    );
    expect(problems[0]).toContain(`(about ${largestAccepted(27, LONG_NAMES)} ids of this length fit)`);
    expect(problems[0]).toMatch(/, or shorten metricsNamespace or serviceName$/);
    // The names take the ids' room byte for byte: about 466 / 30 fewer ids of 27 characters (15 or 16, as the
    // remainder of the room beside the defaults falls).
    const fewer = fit - largestAccepted(27, LONG_NAMES);
    expect([Math.floor(LONG_NAMES_EXTRA / 30), Math.ceil(LONG_NAMES_EXTRA / 30)]).toContain(fewer);
  });

  it('the construct refuses them in its props, with the same message', () => {
    const fit = largestAccepted(27);
    const build = () =>
      new CredentialHygiene(new Stack(new App({ context: SKIP_BUNDLING }), 'Test'), 'Hygiene', {
        ...LONG_NAMES,
        config: { exemptIds: ids(fit, 27) },
      });
    // The construct measures the config it deploys: with the lookahead it derives for the daily sweep.
    expect(thrownBy(CredentialHygienePropsError, build).problems).toEqual(
      environmentBudgetProblems(
        parseConfig({ ...DAILY_SWEEP_LOOKAHEAD, exemptIds: ids(fit, 27) }),
        LONG_NAMES,
      ),
    );
  });

  it('with the defaults, given or left out, or shorter names, the message is the one CDK context gets', () => {
    const config = parseConfig({ exemptIds: ids(150, 27) });
    const [message] = environmentBudgetProblems(config);
    expect(message).not.toContain('metricsNamespace');
    expect(environmentBudgetProblems(config, DEFAULT_METRIC_NAMES)).toEqual([message]);
    expect(environmentBudgetProblems(config, { metricsNamespace: 'H', serviceName: 'h' })).toEqual([message]);
  });

  it('a name the synth cannot read (a token) counts at its longest', () => {
    const token = Lazy.string({ produce: () => 'Hygiene' });
    const fit = largestAccepted(27);
    const [problem] = environmentBudgetProblems(parseConfig({ exemptIds: ids(fit, 27) }), {
      ...DEFAULT_METRIC_NAMES,
      metricsNamespace: token,
    });
    expect(problem).toContain(
      `serviceName ${255 - DEFAULT_METRIC_NAMES.metricsNamespace.length} bytes longer than the defaults`,
    );
  });
});

describe('the rest of the config: refused only when no deployment could hold it', () => {
  /** `n` risk tiers (20 at most) named with 64 ASCII characters (the longest): about 2.9 KB as JSON for 20. */
  const asciiTiers = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      name: `tier-${String(i).padStart(2, '0')}-${'t'.repeat(56)}`,
      staleAfterDays: 3650,
    }));
  const reserveRoom = LAMBDA_ENVIRONMENT_LIMIT_BYTES - CONSTRUCT_ENVIRONMENT_RESERVE_BYTES;
  /** The most the config's variables may take beside the least the construct adds with the default names. */
  const leastRoom = LAMBDA_ENVIRONMENT_LIMIT_BYTES - CONSTRUCT_ENVIRONMENT_MINIMUM_BYTES;

  it("risk tiers past the reserve's room that a deployment can hold pass: 18 and 20 tiers of 64 ASCII characters", () => {
    for (const n of [18, 20]) {
      const config = parseConfig({ riskTiers: asciiTiers(n) });
      expect(configBytes(config)).toBeGreaterThan(reserveRoom);
      expect(environmentBudgetProblems(config), `${n} tiers`).toEqual([]);
    }
    expect(() => readDeploymentSettings(reader({ riskTiers: JSON.stringify(asciiTiers(20)) }))).not.toThrow();
  });

  it('a config no deployment can hold is refused naming riskTiers, with or without exemptIds', () => {
    const riskTiers = configOfBytes(leastRoom + 1).riskTiers;
    const refused = expect.stringMatching(
      new RegExp(
        `^riskTiers: the hygiene config takes ${leastRoom + 1} bytes of the sweep function's environment without exemptIds \\(HYGIENE_riskTiers \\d+ of them\\), more than the ${leastRoom} bytes Lambda's 4 KB environment limit leaves beside the least the construct adds \\(${CONSTRUCT_ENVIRONMENT_MINIMUM_BYTES} bytes: every generated name at its shortest\\), so no deployment can hold it: shorten riskTiers$`,
      ),
    );
    // Beside the lookahead the construct derives for the daily sweep, as CDK context measures it.
    expect(environmentBudgetProblems(parseConfig({ ...DAILY_SWEEP_LOOKAHEAD, riskTiers }))).toEqual([
      refused,
    ]);
    expect(
      environmentBudgetProblems(parseConfig({ ...DAILY_SWEEP_LOOKAHEAD, riskTiers, exemptIds: ['a'] })),
    ).toEqual([refused]);
    expect(
      thrownBy(ContextError, () => readDeploymentSettings(reader({ riskTiers: JSON.stringify(riskTiers) })))
        .problems,
    ).toEqual([refused]);
    expect(environmentBudgetProblems(parseConfig(configOfBytes(leastRoom)))).toEqual([]);
  });

  it('beside longer metric names less fits, and the refusal names them too; beside shorter ones more', () => {
    const config = parseConfig(configOfBytes(leastRoom));
    expect(environmentBudgetProblems(config)).toEqual([]);
    const [problem] = environmentBudgetProblems(config, LONG_NAMES);
    expect(problem).toMatch(
      new RegExp(
        `^riskTiers: .* leaves beside the least the construct adds \\(${CONSTRUCT_ENVIRONMENT_MINIMUM_BYTES + LONG_NAMES_EXTRA} bytes: every generated name at its shortest, with this metricsNamespace and serviceName\\)`,
      ),
    );
    expect(problem).toMatch(/: shorten riskTiers, metricsNamespace or serviceName$/);
    const shortNames = { metricsNamespace: 'H', serviceName: 'h' };
    const shorter =
      DEFAULT_METRIC_NAMES.metricsNamespace.length + DEFAULT_METRIC_NAMES.serviceName.length - 2;
    expect(environmentBudgetProblems(parseConfig(configOfBytes(leastRoom + shorter)), shortNames)).toEqual(
      [],
    );
    expect(
      environmentBudgetProblems(parseConfig(configOfBytes(leastRoom + shorter + 1)), shortNames),
    ).toHaveLength(1);
  });

  it("exemptIds beside a rest that takes the reserve's whole room are refused: none fit", () => {
    const [problem] = environmentBudgetProblems(parseConfig({ riskTiers: asciiTiers(20), exemptIds: ['a'] }));
    // The other variables: the config without HYGIENE_exemptIds (`[]` when empty).
    const rest = configBytes(parseConfig({ riskTiers: asciiTiers(20) })) - 'HYGIENE_exemptIds[]'.length;
    expect(problem).toMatch(/^exemptIds: 1 ids take \d+ bytes/);
    expect(problem).toContain(`(none fit beside the rest of the config, ${rest} bytes)`);
  });
});
