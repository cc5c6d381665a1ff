/**
 * Which hygiene config a command decides with — the one rule for every command, table or owner directory
 * (docs/deploy.md, "Operating a deployment from the CLI"): `--config FILE` when given, else the deployed stack's,
 * else the built-in defaults ({@link chooseConfig}); what a file changes against the deployment it replaces
 * ({@link differencesFromDeployment}); and which ids the sweep acting on the target's table exempts
 * ({@link configuredExemptIds}: always the deployed config's when there is a deployment). Which stack or table a
 * command acts on is `deployment-target.ts`'s job. Pure over the configs: no flag, no AWS.
 */

import { CONFIG_KEYS, DEFAULT_CONFIG, type HygieneConfig } from '../../lambdas/hygiene/config';
import type { Deployment } from '../aws/deployment-lookup';

/** The config a command decides with, and where it came from (as told on stderr). */
export interface ChosenConfig {
  readonly config: HygieneConfig;
  readonly configSource: string;
}

/**
 * Which config applies — the one rule for every command, table or owner
 * directory (docs/deploy.md, "Operating a deployment from the CLI"): the
 * `--config` file when given, else the deployment's, else the built-in
 * defaults. A file replaces the deployed config whole (a key it leaves out
 * takes the default, not the deployment's value), so with a stack the source
 * names every setting in which the file differs from the deployment
 * ({@link differencesFromDeployment}): a partial file that drops the
 * deployment's `exemptIds` or `mode` is said on stderr before anything acts.
 * @param path `--config`, when given
 * @param fileConfig that file, already loaded (`loadConfigFile`, `load-config.ts`: a bad file fails before AWS is asked)
 * @param deployment the stack looked up, if any
 */
export function chooseConfig(
  path: string | undefined,
  fileConfig: HygieneConfig | undefined,
  deployment: Deployment | undefined,
): ChosenConfig {
  if (path !== undefined && fileConfig !== undefined) {
    const differences =
      deployment === undefined ? [] : differencesFromDeployment(fileConfig, deployment.config);
    const differs =
      differences.length === 0
        ? ''
        : ` (it replaces the deployed config of stack ${deployment?.stackName}, differing in ${differences.join(', ')})`;
    return { config: fileConfig, configSource: `config file ${path}${differs}` };
  }
  if (deployment !== undefined) {
    return {
      config: deployment.config,
      configSource: `the deployed config of stack ${deployment.stackName} (mode ${deployment.config.mode})`,
    };
  }
  return { config: DEFAULT_CONFIG, configSource: 'the built-in default config' };
}

/**
 * The ids the configured `exemptIds` list for the sweep that acts on the
 * target's table: the deployed config's when a stack is looked up, whatever a
 * `--config` file says (the scheduled sweep reads the deployed config, never
 * the file); else the target's config (`--config`'s, or the built-in
 * defaults: none). A credential listed is exempt whatever its item says
 * (docs/rules.md, "Exempt credentials"): `unexempt` cannot clear that, and
 * `restore` does not refuse it past its expiry, since no sweep deletes it again.
 * @param target the resolved target (`Target`, `deployment-target.ts`): its config and the deployment looked up
 */
export function configuredExemptIds(target: {
  readonly config: HygieneConfig;
  readonly deployment?: Deployment;
}): ReadonlySet<string> {
  return new Set((target.deployment?.config ?? target.config).exemptIds);
}

/**
 * The settings in which `file` differs from the `deployed` config, in the
 * schema's order; `exemptIds` says how many deployed ids the file drops.
 */
export function differencesFromDeployment(file: HygieneConfig, deployed: HygieneConfig): string[] {
  return CONFIG_KEYS.filter((key) => JSON.stringify(file[key]) !== JSON.stringify(deployed[key])).map(
    (key) => {
      if (key !== 'exemptIds') return key;
      const dropped = deployed.exemptIds.filter((id) => !file.exemptIds.includes(id)).length;
      return dropped === 0 ? key : `${key} (${dropped} deployed id(s) not exempt under the file)`;
    },
  );
}
