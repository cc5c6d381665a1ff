/**
 * `pc-hygiene sweep --segments N` resuming a checkpoint saved with another segment count, against DynamoDB Local:
 * the checkpoint's count wins (its positions are per segment), and the text run says on stderr that the flag was
 * ignored, rather than scanning with another count than the operator asked for without a word. Not when the counts
 * agree, nor without `--segments`, nor in a dry run (audit reads no checkpoint); with `--format json` the summary's
 * `checkpoint.segments` carries the count used (docs/sweep.md, "Time budget and checkpoint").
 */
import { describe, expect, it } from 'vitest';
import { segmentsIgnoredLine } from '../../cli/commands/sweep';
import { DynamoDbCheckpointStore } from '../../lambdas/aws/checkpoint-store';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days } from '../unit/support/credentials';

const NOW_ISO = days(0);
const SAVED_SEGMENTS = 4;
const IGNORED =
  'pc-hygiene sweep: --segments 2 ignored: resuming a checkpoint of 4 segments ' +
  '(docs/sweep.md, "Time budget and checkpoint")\n';

describe('sweep --segments over a saved checkpoint (CLI, DynamoDB Local)', { timeout: 120_000 }, () => {
  const table = useTestTable('sweep-segments-resume', 'each', () =>
    Array.from({ length: 6 }, (_, i) => credential(`seg-${i}`)),
  );
  /** Stores the checkpoint a 4-segment run stopped by its time budget before reading any page would leave. */
  const saveCheckpoint = () =>
    new DynamoDbCheckpointStore(table.client, table.tableName).save({
      segments: SAVED_SEGMENTS,
      positions: Array.from({ length: SAVED_SEGMENTS }, () => null),
    });
  const sweep = (...extra: string[]) => runCli(['sweep', ...tableFlags(table), '--now', NOW_ISO, ...extra]);

  it('--segments 2 on a 4-segment checkpoint: says the flag was ignored, and the run uses 4 segments', async () => {
    await saveCheckpoint();

    const run = await sweep('--segments', '2');

    expect(run.code).toBe(0);
    expect(run.stderr).toBe(IGNORED);
    expect(run.stdout).toContain('this run resumed from one; 4/4 segments done');
  });

  it.each([
    ['--segments equal to the checkpoint', ['--segments', '4']],
    ['no --segments', []],
  ])('%s: nothing said', async (_name, extra) => {
    await saveCheckpoint();

    const run = await sweep(...extra);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('this run resumed from one; 4/4 segments done');
  });

  it('--format json: nothing said, the summary carries the count used', async () => {
    await saveCheckpoint();

    const run = await sweep('--segments', '2', '--format', 'json');

    expect(run).toMatchObject({ code: 0, stderr: '' });
    const summary = JSON.parse(run.stdout) as RunSummary;
    expect(summary.checkpoint).toMatchObject({ resumed: true, segments: SAVED_SEGMENTS, cleared: true });
  });

  it('a dry run reads no checkpoint: nothing said', async () => {
    await saveCheckpoint();

    const run = await sweep('--segments', '2', '--dry-run', '--format', 'json');

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect((JSON.parse(run.stdout) as RunSummary).checkpoint).toBeUndefined();
  });

  it('names one segment as one', () => {
    expect(segmentsIgnoredLine(3, 1)).toBe(
      'pc-hygiene sweep: --segments 3 ignored: resuming a checkpoint of 1 segment ' +
        '(docs/sweep.md, "Time budget and checkpoint")\n',
    );
  });
});
