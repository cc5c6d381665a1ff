/**
 * `createTableFrom` (cli/aws/create-table.ts) is used by the integration tests
 * and the bench, not only by commands: it and the table-kind check it runs
 * (cli/aws/table-key.ts) stay below the options layer, so loading them pulls in
 * neither commander nor config loading. Their one stderr line comes from
 * cli/stderr.ts, not from cli/options/deployment-target.ts.
 */
import { expect, it, vi } from 'vitest';

vi.mock('@commander-js/extra-typings', () => {
  throw new Error('commander was loaded');
});
vi.mock('../../../cli/options/load-config', () => {
  throw new Error('config loading was loaded');
});
vi.mock('../../../cli/options/deployment-target', () => {
  throw new Error('the options layer was loaded');
});
vi.mock('../../../cli/options/mixed-target-refusal', () => {
  throw new Error('the options layer was loaded');
});

it('creating a table and checking its kind load no option parsing or config', async () => {
  await expect(import('../../../cli/aws/create-table')).resolves.toHaveProperty('createTableFrom');
  await expect(import('../../../cli/aws/table-key')).resolves.toHaveProperty('requireTableKind');
});
