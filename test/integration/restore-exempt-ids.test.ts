/**
 * `restore` of a credential exempt only through the configured `exemptIds`
 * (docs/rules.md, "Exempt credentials": restore does not refuse an exempt
 * credential past its expiry, since no sweep deletes it again), in process:
 * the deployed config's list (CloudFormation and Lambda mocked at the client
 * boundary, the table a real DynamoDB Local one reached as the stack's own:
 * `./cli/deployed-tables.ts`), and a `--config` file's on a local table. Such
 * a credential is restored past its expiry without `--force`, and one deleted
 * as orphaned gets no "the next sweep flags it again" warning; one the list
 * does not name is refused (or warned about) as before. With a stack, a
 * `--config` file's list does not count (the scheduled sweep reads the
 * deployed config): an id only the file lists is refused, saying why.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExpiredRestoreError } from '../../cli/aws/restore';
import { registerRestoreCommand } from '../../cli/commands/restore';
import { DAY_MS, formatInstant } from '../../lambdas/hygiene/time';
import { mockDeployedStack } from '../support/deployed-stack';
import { hygieneDeletion } from '../support/hygiene-deletion';
import { runInProcess } from '../support/in-process-cli';
import { getItem } from '../support/items';
import { tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';
import { deployedTablesAt } from './cli/deployed-tables';
import { sweepWithManifest } from './support/sweep-deps';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

/** Instants relative to the wall clock: a restore that writes to a deployment takes no `--now`. */
const ago = (days: number) => formatInstant(Date.now() - days * DAY_MS);

/** A credential pc-hygiene deleted as `reason` two days ago, expired three days ago when `expired`. */
function deleted(id: string, reason: 'expired' | 'orphaned', expired = reason === 'expired') {
  return credential(id, {
    ...(expired && { expiresTime: ago(3) }),
    updatedAt: ago(2),
    ...hygieneDeletion(ago(2), reason, 'run-1'),
  });
}

const EXEMPT = ['x-expired', 'x-orphaned'];
const seed = () => [
  deleted('x-expired', 'expired'),
  deleted('y-expired', 'expired'),
  deleted('x-orphaned', 'orphaned'),
  deleted('y-orphaned', 'orphaned'),
];

/** Runs `pc-hygiene restore ID --reason … --by ops ...flags` in process. */
const restore = (id: string, flags: string[]) =>
  runInProcess(registerRestoreCommand, ['restore', id, '--reason', 'still needed', '--by', 'ops', ...flags]);

const FLAGS_AGAIN = 'the next sweep flags it again';

describe('restore and the deployed exemptIds (mocked CloudFormation/Lambda, DynamoDB Local)', () => {
  const table = useTestTable('restore-exempt-ids', 'each', seed);
  const dir = useTempDir('restore-deployed-exempt-ids');
  const flags = ['--stack', 'PersonalClientHygiene', '--region', 'eu-west-1'];
  afterEach(() => {
    cfn.reset();
    lambda.reset();
    vi.unstubAllEnvs();
  });
  const deploy = () => {
    deployedTablesAt(table.endpoint);
    mockDeployedStack(cfn, lambda, {
      stackName: 'PersonalClientHygiene',
      outputs: {
        tableName: table.tableName,
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:hygiene',
        sweepFunctionName: 'Hygiene-Sweep-1',
      },
      config: { mode: 'enforce', exemptIds: EXEMPT },
    });
  };

  it('restores a listed credential past its expiry without --force; refuses one not listed', async () => {
    deploy();

    const listed = await restore('x-expired', flags);
    const unlisted = await restore('y-expired', flags);

    expect(listed.error).toBeUndefined();
    // Seeded with no outbox: no unsent notice to withdraw, so the line names the owner to tell (its 2nd clause).
    expect(listed.stdout).toMatch(
      /^restored x-expired \(deleted .* as expired by run run-1; its owner user-x .*\) by ops/,
    );
    expect(listed.stderr).not.toContain('warning');
    expect(listed.stderr).toContain('pc-hygiene: using the deployed config of stack PersonalClientHygiene');
    expect(await getItem(table.client, table.tableName, 'x-expired')).not.toHaveProperty('deletedAt');
    expect(unlisted.error).toBeInstanceOf(ExpiredRestoreError);
    expect(await getItem(table.client, table.tableName, 'y-expired')).toHaveProperty('deletedAt');
  });

  it('with --config FILE still judges by the deployed exemptIds, and names an id only the file lists', async () => {
    deploy();
    const config = join(dir(), 'local.json');
    // The file drops the deployed ids and lists two the deployment does not.
    await writeFile(config, JSON.stringify({ exemptIds: ['y-expired', 'y-orphaned'] }));
    const withFile = [...flags, '--config', config];
    const notThere =
      `config file ${config} lists it in exemptIds, but stack PersonalClientHygiene's deployed config does not, ` +
      "and the stack's scheduled sweep reads the deployed config";

    const fileOnly = await restore('y-expired', withFile);
    const deployedOnly = await restore('x-expired', withFile);
    const forced = await restore('y-expired', [...withFile, '--force']);
    const orphaned = await restore('y-orphaned', withFile);

    expect(fileOnly.error).toBeInstanceOf(ExpiredRestoreError);
    expect((fileOnly.error as Error).message).toContain(`${notThere}; pass --force to restore it anyway`);
    expect(fileOnly.stderr).toContain(
      `pc-hygiene: using the deployed config of stack PersonalClientHygiene (mode enforce), not config file ${config}: ` +
        "a restore judges exemption by the deployed exemptIds, which the stack's scheduled sweep reads " +
        '(2 id(s) the file lists in exemptIds are not exempt there)\n',
    );
    expect(fileOnly.stderr).not.toContain('it replaces the deployed config');
    expect(deployedOnly.error).toBeUndefined();
    expect(deployedOnly.stderr).not.toContain('warning');
    expect(forced.error).toBeUndefined();
    expect(forced.stderr).toContain(`pc-hygiene restore: warning: credential y-expired expired at `);
    expect(forced.stderr).toContain(notThere);
    expect(orphaned.stderr).toContain(`${FLAGS_AGAIN} (and deletes it after orphanGraceDays)`);
    expect(orphaned.stderr).toContain(notThere);
  });

  it('does not warn that the next sweep flags a listed orphaned credential again', async () => {
    deploy();

    const listed = await restore('x-orphaned', flags);
    const unlisted = await restore('y-orphaned', flags);

    expect(listed.error).toBeUndefined();
    expect(listed.stderr).not.toContain(FLAGS_AGAIN);
    expect(unlisted.error).toBeUndefined();
    expect(unlisted.stderr).toContain(FLAGS_AGAIN);
  });
});

describe('restore --config FILE: its exemptIds on a local table (DynamoDB Local)', () => {
  const table = useTestTable('restore-config-exempt-ids', 'each', seed);
  const dir = useTempDir('restore-exempt-ids');

  it('exempts the ids the file lists, and only those', async () => {
    const config = join(dir(), 'hygiene.json');
    await writeFile(config, JSON.stringify({ exemptIds: EXEMPT }));
    const flags = [...tableFlags(table), '--config', config];

    const listed = await restore('x-expired', flags);
    const orphaned = await restore('x-orphaned', flags);
    const unlisted = await restore('y-expired', flags);

    expect(listed.error).toBeUndefined();
    expect(orphaned.error).toBeUndefined();
    expect(orphaned.stderr).not.toContain(FLAGS_AGAIN);
    expect(unlisted.error).toBeInstanceOf(ExpiredRestoreError);
  });

  it('restore --run takes them too', async () => {
    const config = join(dir(), 'run.json');
    await writeFile(config, JSON.stringify({ exemptIds: ['r-expired'] }));
    const expired = { expiresTime: days(-1) };
    await sweepWithManifest(table, 'run-2', [
      credential('r-expired', expired),
      credential('s-expired', expired),
    ]);

    const run = await runInProcess(registerRestoreCommand, [
      ...['restore', '--run', 'run-2', '--reason', 'bad run', '--now', days(0), '--format', 'json'],
      ...[...tableFlags(table), '--config', config],
    ]);

    const result = JSON.parse(run.stdout) as {
      restored: { id: string }[];
      refused: { id: string; check: string }[];
    };
    expect(result.restored.map((r) => r.id)).toEqual(['r-expired']);
    expect(result.refused).toMatchObject([{ id: 's-expired', check: 'expired' }]);
  });

  it('without --config (the built-in defaults: no exemptIds) the same credential is refused past its expiry', async () => {
    const run = await restore('x-expired', tableFlags(table));

    expect(run.error).toBeInstanceOf(ExpiredRestoreError);
  });
});
