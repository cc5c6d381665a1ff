/**
 * `--config FILE` with a stack replaces the deployed config whole (a key the
 * file leaves out takes the default): the config source told on stderr names
 * every setting in which the file differs, and how many deployed exemptIds it
 * drops (cli/options/deployment-config.ts, docs/deploy.md).
 */
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../cli/aws/deployment-lookup';
import { chooseConfig, differencesFromDeployment } from '../../cli/options/deployment-config';
import { parseConfig } from '../../lambdas/hygiene/config';

const deployed = parseConfig({
  mode: 'enforce',
  exemptIds: ['pc-break-glass', 'pc-ci'],
  maxDeletePercent: 5,
});
const deployment = { stackName: 'Prod', config: deployed } as unknown as Deployment;

describe('a --config file over a deployed stack', () => {
  it('names each setting in which a partial file differs, and the exempt ids it drops', () => {
    const file = parseConfig({ maxDeletePercent: 50 });

    expect(differencesFromDeployment(file, deployed)).toEqual([
      'mode',
      'maxDeletePercent',
      'exemptIds (2 deployed id(s) not exempt under the file)',
    ]);
    expect(chooseConfig('partial.json', file, deployment)).toEqual({
      config: file,
      configSource:
        'config file partial.json (it replaces the deployed config of stack Prod, differing in mode, maxDeletePercent, exemptIds (2 deployed id(s) not exempt under the file))',
    });
  });

  it('says nothing more for a file equal to the deployment, or without a stack', () => {
    const same = parseConfig({
      mode: 'enforce',
      exemptIds: ['pc-break-glass', 'pc-ci'],
      maxDeletePercent: 5,
    });

    expect(chooseConfig('same.json', same, deployment).configSource).toBe('config file same.json');
    expect(chooseConfig('local.json', same, undefined).configSource).toBe('config file local.json');
  });
});
