/**
 * Which CDK context keys the app may be given: its own (the caller's list) and
 * the CDK's, which it leaves to the CDK (docs/configuration.md, "CDK context:
 * what else the synth refuses"). Any other key is refused, naming the known key
 * nearest it: the app would ignore it, and a misspelt key (`-c exemptID=…`)
 * would deploy the default instead of what was meant, as a `--config` file
 * refuses an unknown key. The values are read, and checked, in lib/config.ts.
 */

/**
 * The CDK's own context keys without a `:` (those with one are all the CDK's: {@link isCdkContextKey}). The CLI
 * keeps the first two in `cdk.context.json` (`cdk acknowledge`, `cdk cli-telemetry`) and passes them to the app with
 * the rest; the framework reads the third (an old asset setting).
 */
const CDK_PLAIN_CONTEXT_KEYS = ['acknowledged-issue-numbers', 'cli-telemetry', 'assets-ecr-repository-name'];

/**
 * Whether a context key is the CDK's, which the app leaves to it: feature flags and framework settings
 * (`@aws-cdk/core:…`, `@aws-cdk-containers/…`, `@aws-cdk/core.slowSynthThreshold`), the settings the CLI passes on
 * every synth (`aws:cdk:enable-path-metadata`, `aws:cdk:version-reporting`, `aws:cdk:bundling-stacks`, …),
 * `aws-cdk:enableDiffNoFail`, and the lookup cache (`availability-zones:account=…:region=…`).
 */
function isCdkContextKey(key: string): boolean {
  return key.startsWith('@aws-cdk') || key.includes(':') || CDK_PLAIN_CONTEXT_KEYS.includes(key);
}

/** Edit distance (insertions, deletions, substitutions, swaps of neighbours), ignoring case. */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  // d[i][j]: the distance between the first i letters of x and the first j of y.
  const d = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]![j]!;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const swapped = i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1];
      d[i]![j] = Math.min(
        at(i - 1, j) + 1,
        at(i, j - 1) + 1,
        at(i - 1, j - 1) + (x[i - 1] === y[j - 1] ? 0 : 1),
        swapped ? at(i - 2, j - 2) + 1 : Number.POSITIVE_INFINITY,
      );
    }
  }
  return at(x.length, y.length);
}

/**
 * The known key nearest a misspelt one among `candidates`, when it is near enough to be what was meant (a third of
 * its letters).
 */
function nearestKey(key: string, candidates: readonly string[]): string | undefined {
  const [best] = candidates
    .map((known) => ({ known, distance: editDistance(key, known) }))
    .sort((a, b) => a.distance - b.distance);
  const allowed = Math.max(1, Math.min(3, Math.floor(key.length / 3)));
  return best !== undefined && best.distance <= allowed ? best.known : undefined;
}

/**
 * One problem per context key in `keys` that is neither one of `appKeys` nor the CDK's: the app would ignore it,
 * and a misspelt key (`exemptID`, `maxDeletePercnt`, `existingTableNmae`) would deploy its default instead of what
 * was meant. Each names the known key nearest it (the app's or a plain CDK key such as `cli-telemetry`), or, with
 * none near, the docs that list the keys.
 */
export function unknownContextKeyProblems(keys: readonly string[], appKeys: readonly string[]): string[] {
  const app = new Set(appKeys);
  const candidates = [...appKeys, ...CDK_PLAIN_CONTEXT_KEYS];
  return keys
    .filter((key) => !app.has(key) && !isCdkContextKey(key))
    .map((key) => {
      const nearest = nearestKey(key, candidates);
      const hint =
        nearest !== undefined
          ? `did you mean ${nearest}?`
          : 'its keys are in docs/configuration.md and docs/deploy.md';
      return `${key}: not a context key of this app, which would ignore it (${hint})`;
    });
}
