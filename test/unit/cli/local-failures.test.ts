/**
 * `pc-hygiene local` says what failed after its sweep and exits 1, as
 * `notify` and `relay` do for the same failures: events the drain could not
 * deliver or store errors, digest parts the relay wrote no email for, and a
 * digests file that cannot be read back (said as such, never as "nothing was
 * queued"); and a sweep aborted after it wrote ends the cycle as `sweep`
 * ends (its partial summary, why on stderr, exit 1; the cycle itself:
 * test/integration/local-aborted-sweep.test.ts). Failures injected into the summaries the cycle returns, given to
 * the helpers and to `writeLocalResult`, which writes the command's output
 * (captured here) and decides its exit code.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AbortedLocalCycle, LocalCycleResult } from '../../../cli/commands/local/cycle';
import {
  digestsOverview,
  LOCAL_ABORTED_LINE,
  localExitCode,
  localFailureLines,
  writeLocalResult,
} from '../../../cli/commands/local/output';
import { EXIT_CODE } from '../../../cli/exit-codes';
import { timerSleep } from '../../../lambdas/aws/timer-sleep';
import { DEFAULT_CONFIG, parseConfig } from '../../../lambdas/hygiene/config';
import { runNotifier } from '../../../lambdas/hygiene/notifier';
import { PostureAccumulator } from '../../../lambdas/hygiene/posture';
import type { RunSummary } from '../../../lambdas/hygiene/run-summary';
import { runSweep, SweepAbortedError } from '../../../lambdas/hygiene/sweep';
import { useTempDir } from '../../support/temp-dir';
import { InMemoryOutbox, RecordingPublisher } from '../outbox-fakes';
import { credential, days, NOW } from '../support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from '../support/memory-ports';

/** A drain with nothing failed. */
const DRAINED = { eventsFailed: 0, storeErrors: 0, failures: { count: 0, records: [], omitted: 0 } };

/** A complete enforce run over one healthy credential. */
function completeRun(): Promise<RunSummary> {
  const table = new MemoryTable([credential('a-1')]);
  return runSweep(
    { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
    { config: parseConfig({}), now: NOW, runId: 'run-1', mode: 'enforce' },
  );
}

/** An enforce run whose guard trips: 10 expired credentials, at most 5 deletions (exit 3 for `sweep`). */
function guardTrippedRun(): Promise<RunSummary> {
  const table = new MemoryTable(
    Array.from({ length: 10 }, (_, i) => credential(`x${i}-expired`, { expiresTime: days(-1) })),
  );
  return runSweep(
    { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
    {
      config: parseConfig({ maxDeletesPerRun: 5, maxDeletePercent: 100 }),
      now: NOW,
      runId: 'run-1',
      mode: 'enforce',
    },
  );
}

/** A drain failure, as `notify` lists it: 3 events of user-a not delivered, and a store error. */
const DRAIN_FAILURE = {
  eventsFailed: 3,
  storeErrors: 1,
  failures: {
    count: 1,
    records: [{ userId: 'user-a', code: 'EIO', message: 'disk full', senderFault: false, events: 3 }],
    omitted: 0,
  },
};

/** What a cycle that ran to its end gives `writeLocalResult`. */
type LocalResult = Exclude<Parameters<typeof writeLocalResult>[0], AbortedLocalCycle>;

/**
 * What a clean cycle returns (nothing queued, no email), over `summary`, with its digests file at
 * `digestsPath`; `notify` overrides parts of the drain's summary.
 */
async function cycleResult(
  summary: RunSummary,
  digestsPath: string,
  notify: Partial<LocalCycleResult['notify']> = {},
): Promise<LocalResult> {
  const drained = await runNotifier({
    outbox: new InMemoryOutbox(),
    publisher: new RecordingPublisher(),
    clock: () => NOW,
    sleep: timerSleep,
  });
  return {
    summary,
    posture: new PostureAccumulator(DEFAULT_CONFIG, NOW).report(),
    notify: { ...drained, ...notify },
    digestsPath,
    emails: {
      digests: 0,
      ignored: 0,
      written: [],
      duplicates: 0,
      skipped: [],
      failures: [],
      from: 'hygiene@example.com',
      placeholderSender: false,
      outDir: '/tmp/emails',
    },
  };
}

/** Runs `writeLocalResult`, capturing what it writes: `out` (stdout) and `log` (stderr lines). */
async function writeCaptured(result: Parameters<typeof writeLocalResult>[0], format: 'table' | 'json') {
  let out = '';
  const log: string[] = [];
  const code = await writeLocalResult(
    result,
    format,
    (text) => {
      out += text;
    },
    (line) => log.push(line),
  );
  return { code, out, log };
}

describe("local's failures after the sweep", () => {
  const dir = useTempDir('pch-local-failures');

  it('nothing failed: no lines, and the sweep’s exit code', async () => {
    const summary = await completeRun();

    expect(localFailureLines(DRAINED, { failures: [] })).toEqual([]);
    expect(localExitCode(summary, false)).toBe(EXIT_CODE.complete);
  });

  it('events the drain could not deliver and store errors: said with each failure, exit 1', async () => {
    const notify = {
      eventsFailed: 3,
      storeErrors: 1,
      failures: {
        count: 1,
        records: [{ userId: 'user-a', code: 'EIO', message: 'disk full', senderFault: false, events: 3 }],
        omitted: 0,
      },
    };

    expect(localFailureLines(notify, { failures: [] })).toEqual([
      'Notify: 3 event(s) not delivered and 1 store error(s) (left pending)',
      '  failed: user-a: EIO: disk full (3 events)',
    ]);
    expect(localExitCode(await completeRun(), true)).toBe(EXIT_CODE.failure);
  });

  it('digest parts the relay wrote no email for: said as relay says them', () => {
    const lines = localFailureLines(DRAINED, {
      failures: [{ userId: 'user-b', error: 'no address' }, { error: 'x' }],
    });

    expect(lines).toEqual([
      'Relay: 2 digest part(s) failed: no .eml written for them',
      '  failed: user-b: no address',
      '  failed: ?: x',
    ]);
  });

  it('a digests file that cannot be read back is said as such, not as "nothing was queued"', async () => {
    const empty = join(dir(), 'empty.jsonl');
    await writeFile(empty, '');
    const notJson = join(dir(), 'broken.jsonl');
    await writeFile(notJson, '{"Id": \n');
    const folder = join(dir(), 'a-folder.jsonl');
    await mkdir(folder);

    expect(await digestsOverview(empty)).toEqual({
      text: `No digests to send (nothing was queued). File: ${empty}\n`,
      failed: false,
    });
    for (const path of [notJson, folder, join(dir(), 'missing.jsonl')]) {
      const overview = await digestsOverview(path);
      expect(overview.failed, path).toBe(true);
      expect(overview.text, path).toMatch(new RegExp(`^Digests file ${path} could not be read: .+\\n$`));
    }
  });
});

describe("local's output and exit code (writeLocalResult)", () => {
  const dir = useTempDir('pch-local-result');
  /** An empty digests file, as the cycle leaves it when nothing was queued. */
  async function emptyDigests(): Promise<string> {
    const path = join(dir(), 'digests.jsonl');
    await writeFile(path, '');
    return path;
  }

  it('a clean cycle: exit 0, no failure said, in text and in JSON', async () => {
    const result = await cycleResult(await completeRun(), await emptyDigests());

    const text = await writeCaptured(result, 'table');
    expect(text.code).toBe(EXIT_CODE.complete);
    expect(text.out).toContain('No digests to send (nothing was queued).');
    expect(text.out).not.toMatch(/Notify:|Relay:|could not be read/);
    expect(text.log).toEqual([]);

    const json = await writeCaptured(result, 'json');
    expect(json.code).toBe(EXIT_CODE.complete);
    expect(JSON.parse(json.out)).toMatchObject({
      notify: { eventsFailed: 0 },
      digestsFile: result.digestsPath,
    });
    expect(json.log).toEqual([]);
  });

  it("nothing failed after the sweep: the sweep's own exit code (a tripped guard: 3)", async () => {
    const result = await cycleResult(await guardTrippedRun(), await emptyDigests());

    expect((await writeCaptured(result, 'table')).code).toBe(EXIT_CODE.guardTripped);
    expect((await writeCaptured(result, 'json')).code).toBe(EXIT_CODE.guardTripped);
  });

  it('a drain failure: exit 1 in text, said on stdout after the digests and emails', async () => {
    const result = await cycleResult(await completeRun(), await emptyDigests(), DRAIN_FAILURE);

    const { code, out, log } = await writeCaptured(result, 'table');

    expect(code).toBe(EXIT_CODE.failure);
    expect(out).toMatch(
      /Emails the SES relay would send[\s\S]*\n\nNotify: 3 event\(s\) not delivered and 1 store error\(s\) \(left pending\)\n {2}failed: user-a: EIO: disk full \(3 events\)\n$/,
    );
    expect(log).toEqual([]);
  });

  it('a drain failure: exit 1 in JSON, which carries it, and said on stderr', async () => {
    const result = await cycleResult(await completeRun(), await emptyDigests(), DRAIN_FAILURE);

    const { code, out, log } = await writeCaptured(result, 'json');

    expect(code).toBe(EXIT_CODE.failure);
    expect(JSON.parse(out)).toMatchObject({ notify: { eventsFailed: 3, storeErrors: 1 } });
    expect(log).toEqual([
      'Notify: 3 event(s) not delivered and 1 store error(s) (left pending)',
      '  failed: user-a: EIO: disk full (3 events)',
    ]);
  });

  it('a failure after the sweep outranks its tripped guard: exit 1', async () => {
    const result = await cycleResult(await guardTrippedRun(), await emptyDigests(), DRAIN_FAILURE);

    expect((await writeCaptured(result, 'table')).code).toBe(EXIT_CODE.failure);
  });

  it('a digests file that cannot be read back: said, exit 1 (text)', async () => {
    const folder = join(dir(), 'a-folder.jsonl');
    await mkdir(folder);
    const result = await cycleResult(await completeRun(), folder);

    const { code, out } = await writeCaptured(result, 'table');

    expect(code).toBe(EXIT_CODE.failure);
    expect(out).toContain(`Digests file ${folder} could not be read: `);
    expect(out).not.toContain('nothing was queued');
  });
});

describe('a cycle its sweep aborted (writeLocalResult)', () => {
  /** The aborted run as the cycle returns it: its partial summary and the abort. */
  async function abortedCycle(): Promise<AbortedLocalCycle> {
    const reason = '11 writes failed (more than maxWriteFailures 10); last: Error: disk on fire';
    const summary: RunSummary = { ...(await completeRun()), status: 'aborted', abortReason: reason };
    return { summary, aborted: new SweepAbortedError(reason, summary) };
  }

  it.each(['table', 'json'] as const)(
    '%s: the partial summary, why it stopped on stderr, exit 1',
    async (format) => {
      const cycle = await abortedCycle();

      const { code, out, log } = await writeCaptured(cycle, format);

      expect(code).toBe(EXIT_CODE.failure);
      if (format === 'json')
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify({ summary: cycle.summary })));
      else expect(out).toContain(`ABORTED: ${cycle.aborted.message}`);
      expect(log).toEqual([`pc-hygiene: sweep aborted: ${cycle.aborted.message}`, LOCAL_ABORTED_LINE]);
    },
  );
});
