/**
 * `pc-hygiene local` (npm start) whose sweep aborts after it wrote: every
 * write of a credential refused (the batched PartiQL calls and the per-item
 * `UpdateItem` they fall back to), so more than `maxWriteFailures` fail. As
 * `sweep` does (test/unit/sweep-command-abort.test.ts), it prints the run's
 * partial summary, says why on stderr and exits 1; the cycle stops there (no
 * drain, relay or posture report) and DynamoDB Local is stopped. Before, the
 * abort was thrown past `local`'s output: no summary, only the error's message.
 * In process (its own DynamoDB Local, as `local` starts one), the writes
 * refused at the document client's boundary (test/support/document-client-hook.ts).
 * The demo's folder, made before the sweep, is still named last on stderr.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerLocalCommand } from '../../cli/commands/local';
import { demoFilesLeftLine } from '../../cli/commands/local/demo-folder';
import { LOCAL_ABORTED_LINE } from '../../cli/commands/local/output';
import { EXIT_CODE } from '../../cli/exit-codes';
import { DEFAULT_TABLE_NAME } from '../../lambdas/aws/credential-table-definition';
import { isReservedId } from '../../lambdas/hygiene/data-contract';
import { runInProcess } from '../support/in-process-cli';
import { useTempDir } from '../support/temp-dir';

vi.mock('../../lambdas/aws/dynamodb-client', async (importOriginal) => {
  const { hookDocumentClients } = await import('../support/document-client-hook');
  return hookDocumentClients(await importOriginal(), refuseCredentialWrites);
});

/** The one call of a middleware stack used here (its generic types are the client's). */
interface InitializeMiddlewareStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}
interface Request {
  input: {
    TableName?: string;
    Key?: Record<string, unknown>;
    UpdateExpression?: string;
    Statements?: unknown[];
  };
}
type Next = (args: Request) => Promise<unknown>;

/**
 * Refuses every transition write of a credential, told by its request's shape: a PartiQL batch (`Statements`), and
 * an update of a credentials table item (`UpdateExpression`; the worker's reserved items aside).
 */
function refuseCredentialWrites(client: DynamoDBDocumentClient): void {
  (client.middlewareStack as unknown as InitializeMiddlewareStack).add(
    (next: Next) => async (args: Request) => {
      const { TableName, Key, UpdateExpression, Statements } = args.input;
      const credentialUpdate =
        UpdateExpression !== undefined && TableName === DEFAULT_TABLE_NAME && !isReservedId(Key?.id);
      if (Statements !== undefined || credentialUpdate) throw new Error('disk on fire');
      return next(args);
    },
    { step: 'initialize', priority: 'high', name: 'refuseCredentialWrites' },
  );
}

function javaListeningOn(port: number): boolean {
  const out = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' });
  return out.split('\n').some((line) => line.includes('DynamoDBLocal.jar') && line.includes(`-port ${port}`));
}

describe('pc-hygiene local whose sweep aborts', () => {
  const dir = useTempDir('pch-local-aborted');
  afterEach(() => vi.unstubAllEnvs());

  it('prints the partial summary, says why, exits 1 and stops its database', {
    timeout: 180_000,
  }, async () => {
    // The demo's files go to the test's folder, removed after it.
    vi.stubEnv('TMPDIR', dir());

    const run = await runInProcess(registerLocalCommand, ['local', '--now', '2026-11-26T00:00:00Z']);

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(EXIT_CODE.failure);
    expect(run.stdout).toMatch(
      /ABORTED: \d+ writes failed \(more than maxWriteFailures \d+\); last: .*disk on fire/m,
    );
    expect(run.stdout).not.toContain('Hygiene posture');
    expect(run.stderr).toMatch(/^pc-hygiene: sweep aborted: \d+ writes failed .*disk on fire$/m);
    expect(run.stderr).toContain(`${LOCAL_ABORTED_LINE}\n`);
    expect(run.stderr).not.toContain('Notifying');
    const made = readdirSync(dir()).filter((name) => name.startsWith('pc-hygiene-local-'));
    expect(made).toHaveLength(1);
    expect(run.stderr.split('\n').slice(-3)).toEqual([
      'Stopped DynamoDB Local.',
      demoFilesLeftLine(join(dir(), made[0] ?? '')),
      '',
    ]);
    const port = Number(/at http:\/\/127\.0\.0\.1:(\d+)/.exec(run.stderr)?.[1]);
    expect(javaListeningOn(port)).toBe(false);
  });
});
