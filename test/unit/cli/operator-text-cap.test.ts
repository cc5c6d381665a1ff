/**
 * `--reason` and `--by` are capped at 1,000 characters (cli/operator-text.ts;
 * docs/data-model.md, "Item size"): both are stored on the credential (each
 * history entry, a restore's reason twice), so a longer one could grow it past
 * what the worker can write; a guard approval's are stored on its item and
 * printed in the admin summary of the run that uses it. A longer one is a usage error naming the option,
 * before any table is touched (the endpoint below answers nothing).
 */
import { describe, expect, it } from 'vitest';
import { OPERATOR_ENV, resolveVerifiedOperator } from '../../../cli/aws/caller-identity';
import { registerExemptCommands } from '../../../cli/commands/exempt';
import { registerGuardCommand } from '../../../cli/commands/guard';
import { registerRestoreCommand } from '../../../cli/commands/restore';
import { cappedOperatorText, OPERATOR_TEXT_MAX_CHARS } from '../../../cli/operator-text';
import { parseBy } from '../../../cli/options/by-option';
import { UsageError } from '../../../cli/usage-error';
import { runInProcess } from '../../support/in-process-cli';

/** A local endpoint nothing listens on: a command that reached the table would fail otherwise. */
const TARGET = ['--endpoint', 'http://127.0.0.1:9', '--table', 'T'];

const register = (program: Parameters<typeof registerRestoreCommand>[0]) => {
  registerRestoreCommand(program);
  registerExemptCommands(program);
  registerGuardCommand(program);
};

describe('--reason and --by', () => {
  it('take 1,000 characters, counted as code points, and refuse 1,001 naming the option and the length', () => {
    expect(OPERATOR_TEXT_MAX_CHARS).toBe(1_000);
    expect(cappedOperatorText('--reason', 'r'.repeat(1_000))).toHaveLength(1_000);
    expect(cappedOperatorText('--reason', '😀'.repeat(1_000))).toHaveLength(2_000); // 1,000 characters
    expect(() => cappedOperatorText('--reason', 'r'.repeat(1_001))).toThrow(
      new UsageError(
        '--reason is 1,001 characters long; at most 1,000 (it is stored on the credential: docs/data-model.md, "Item size")',
      ),
    );
    expect(parseBy(` ${'b'.repeat(1_000)} `)).toHaveLength(1_000);
    expect(() => parseBy('b'.repeat(1_001))).toThrow(/^--by is 1,001 characters long; at most 1,000/);
  });

  it.each([
    ['restore', 'c-1', '--reason', 'r'.repeat(1_001)],
    ['restore', '--run', 'sweep-1', '--reason', 'r'.repeat(1_001)],
    ['exempt', 'c-1', '--reason', 'r'.repeat(1_001)],
    ['unexempt', 'c-1', '--reason', 'r'.repeat(1_001)],
    ['guard', 'approve', '--max-deletes', '5', '--reason', 'r'.repeat(1_001)],
  ])('%s %s … refuses a --reason over the cap as a usage error', async (...args) => {
    const run = await runInProcess(register, [...args, ...TARGET]);

    expect(run.error).toBeInstanceOf(UsageError);
    expect(String((run.error as Error).message)).toMatch(/^--reason is 1,001 characters long; at most 1,000/);
  });

  it.each([
    ['restore c-1', 'say why the credential is restored'],
    ['restore --run sweep-1', 'say why the run is undone'],
    ['exempt c-1', 'say why'],
    ['guard approve --max-deletes 5', 'say why the deletions are approved'],
  ])('%s … refuses a blank --reason, saying what it should say', async (command, why) => {
    const run = await runInProcess(register, [...command.split(' '), '--reason', '  ', ...TARGET]);

    expect(run.error).toEqual(new UsageError(`--reason must not be empty: ${why}`));
  });

  it.each([
    ['restore', 'c-1'],
    ['exempt', 'c-1'],
    ['unexempt', 'c-1'],
    ['guard', 'approve', '--max-deletes', '5'],
  ])('%s %s … refuses a --by over the cap as a usage error', async (...args) => {
    const run = await runInProcess(register, [
      ...args,
      '--reason',
      'why',
      '--by',
      'b'.repeat(1_001),
      ...TARGET,
    ]);

    expect(String((run.error as Error | undefined)?.message)).toMatch(
      /--by is 1,001 characters long; at most 1,000/,
    );
  });
});

describe('PC_HYGIENE_OPERATOR', () => {
  it('is capped as --by is: a longer name is refused naming the variable, a name within the cap is used', async () => {
    const saved = process.env[OPERATOR_ENV];
    try {
      process.env[OPERATOR_ENV] = 'o'.repeat(1_001);
      await expect(resolveVerifiedOperator({ endpoint: 'http://127.0.0.1:9' })).rejects.toThrow(
        /^PC_HYGIENE_OPERATOR is 1,001 characters long; at most 1,000/,
      );
      process.env[OPERATOR_ENV] = ` ${'o'.repeat(1_000)} `;
      expect((await resolveVerifiedOperator({ endpoint: 'http://127.0.0.1:9' })).by).toBe('o'.repeat(1_000));
    } finally {
      if (saved === undefined) delete process.env[OPERATOR_ENV];
      else process.env[OPERATOR_ENV] = saved;
    }
  });
});
