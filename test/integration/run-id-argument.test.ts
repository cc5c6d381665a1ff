/**
 * The run id of `runs show <run-id>` and `restore --run <run-id>` gets the
 * check every key argument gets (cli/options/credential-id.ts,
 * `requireKeyArgument`): an empty one, or one past DynamoDB's 2048-byte key
 * limit, is a usage error naming the argument (exit 2) before any table is
 * touched — not "no manifest header for run  in …" nor DynamoDB's raw
 * key-size error (exit 1).
 */
import { describe, expect, it } from 'vitest';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';

/** 2049 bytes in UTF-8: 1024 two-byte letters and one ASCII one. */
const TOO_LONG = `${'é'.repeat(1024)}x`;

describe('runs show / restore --run: the run id', { timeout: 120_000 }, () => {
  const table = useTestTable('run-id-arg');
  /** Each command given `runId`, and how its usage error names it. */
  const COMMANDS: readonly [string, (runId: string) => string[], string][] = [
    ['runs show', (runId) => ['runs', 'show', runId], 'the run id argument'],
    [
      'restore --run',
      (runId) => ['restore', '--run', runId, '--reason', 'x', '--dry-run'],
      'the --run run id',
    ],
  ];

  it.each(COMMANDS)('%s "": a usage error naming the argument (exit 2)', async (_, args, name) => {
    const run = await runCli([...args(''), ...tableFlags(table)]);

    expect(run).toEqual({ code: 2, stdout: '', stderr: `pc-hygiene: ${name} must not be empty\n` });
  });

  it.each(COMMANDS)(
    '%s <2049-byte run id>: a usage error naming the limit (exit 2)',
    async (_, args, name) => {
      const run = await runCli([...args(TOO_LONG), ...tableFlags(table)]);

      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr: `pc-hygiene: ${name} is 2,049 bytes in UTF-8; DynamoDB keys hold at most 2,048\n`,
      });
    },
  );
});
