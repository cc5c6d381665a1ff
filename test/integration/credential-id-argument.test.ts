/**
 * The credential id argument of `exempt`, `unexempt` and `restore`
 * (cli/options/credential-id.ts), against DynamoDB Local: an empty id, or one
 * past DynamoDB's 2048-byte partition key limit, is a usage error (exit 2)
 * naming the argument, before any table is touched, never DynamoDB's raw
 * validation error (exit 1); an id of exactly 2048 bytes is a real lookup.
 */
import { describe, expect, it } from 'vitest';
import { MAX_KEY_BYTES } from '../../lambdas/hygiene/credential';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';

/** Each command with the flags it needs besides the id (restore: a dry run). */
const COMMANDS: readonly [string, readonly string[]][] = [
  ['exempt', []],
  ['unexempt', []],
  ['restore', ['--dry-run']],
];
/** 2049 bytes in UTF-8: 1024 two-byte letters and one ASCII one. */
const TOO_LONG = `${'é'.repeat(1024)}x`;

describe('exempt / unexempt / restore: the credential id argument', { timeout: 120_000 }, () => {
  const table = useTestTable('credential-id-arg');

  it.each(COMMANDS)('%s "": a usage error naming the argument (exit 2)', async (command, extra) => {
    const run = await runCli([command, '', '--reason', 'x', ...extra, ...tableFlags(table)]);

    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe('pc-hygiene: the credential id argument must not be empty\n');
  });

  it.each(COMMANDS)('%s <2049-byte id>: a usage error naming the limit (exit 2)', async (command, extra) => {
    const run = await runCli([command, TOO_LONG, '--reason', 'x', ...extra, ...tableFlags(table)]);

    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe(
      'pc-hygiene: the credential id argument is 2,049 bytes in UTF-8; DynamoDB keys hold at most 2,048\n',
    );
  });

  it('an id of exactly the limit reaches the table: no such credential (exit 1)', async () => {
    const id = 'k'.repeat(MAX_KEY_BYTES);
    const run = await runCli(['exempt', id, '--reason', 'x', ...tableFlags(table)]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no credential with id');
  });
});
