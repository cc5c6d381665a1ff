/**
 * `exemptIds` in CDK context against Lambda's 4 KB environment limit: the
 * limit depends on the ids' length (they travel as JSON in one variable of
 * the sweep function's environment), and past it the synth fails naming
 * exemptIds, the size and `pc-hygiene exempt`.
 */
import { describe, expect, it } from 'vitest';
import { configToEnvironment } from '../../lambdas/handlers/environment';
import { parseConfig } from '../../lambdas/hygiene/config';
import { ContextError, readDeploymentSettings } from '../../lib/config';
import {
  CONSTRUCT_ENVIRONMENT_RESERVE_BYTES,
  exemptIdsProblems,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
} from '../../lib/environment-budget';

const reader = (context: Record<string, unknown>) => (key: string) => context[key];
const ids = (n: number, length: number) =>
  Array.from({ length: n }, (_, i) => `${String(i).padStart(6, '0')}${'x'.repeat(length - 6)}`);

/** The largest count of ids of this length that passes. */
function largestAccepted(length: number): number {
  let n = 0;
  while (exemptIdsProblems(parseConfig({ exemptIds: ids(n + 1, length) })).length === 0) n++;
  return n;
}

describe('exemptIds and the Lambda environment limit', () => {
  it('the number of ids that fit depends on their length: about 80 KSUIDs, never 10,000', () => {
    const ksuids = largestAccepted(27);
    expect(ksuids).toBeGreaterThan(70);
    expect(ksuids).toBeLessThan(90);
    expect(largestAccepted(8)).toBeGreaterThan(2 * ksuids);
  });

  it.each([8, 27, 64])(
    'past the limit the message says how many ids of that length fit: exactly as many (%d characters)',
    (length) => {
      const fit = largestAccepted(length);
      const [problem] = exemptIdsProblems(parseConfig({ exemptIds: ids(fit + 1, length) }));
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
