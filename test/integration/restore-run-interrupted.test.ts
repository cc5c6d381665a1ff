/**
 * `restore --run` stopped part-way says what it did before the stop (docs/deploy.md, "Restore runbook"):
 * interrupted (Ctrl-C's SIGINT, a `kill`, a closed terminal), it starts no further restore — not even one already
 * waiting for a slot — lets those in flight finish, lists what it restored, skipped and refused, names the page it
 * stopped at (`interrupted`, in the text and the JSON's `missingPages`) and that running it again is safe, and exits
 * as the signal would (130) — where Node's default ended it at once, listing nothing. A write that fails with an
 * error every other would fail with too (access denied, the table gone, credentials expired or unknown mid-run, or an
 * SSO session expired so that the SDK loads none) stops it the same way (`stopped`, naming the error, what it means
 * and the credential, exit 1) rather than trying every credential; a stop that comes once the last entry has started
 * stops nothing, and is listed for neither (a signal or a run of such errors): one that fails with another error
 * (throttled) is listed refused and the others go on, the summary saying to run the same command again once the
 * cause is fixed. Either way the same command run again restores the rest, skips those restored (exit 0), and what
 * the table holds agrees with what was listed. In process over DynamoDB Local, the signal emitted, and the failure
 * injected, at the document client when a restore write is sent.
 */
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerRestoreCommand } from '../../cli/commands/restore';
import { RESTORE_CONCURRENCY, STOP_AFTER_FAILURES } from '../../cli/use-cases/restore-run';
import { runInProcess } from '../support/in-process-cli';
import { tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { days, staleDue } from '../unit/support/credentials';
import { exportTable, sweepWithManifest } from './support/sweep-deps';

/**
 * One page of deletions, many more than the restores that can have started when the fifth write is sent (8 in
 * flight, and one more for each of the four finished), so an interruption there always leaves some to do.
 */
const IDS = Array.from({ length: 40 }, (_, i) => `s-${String(i).padStart(2, '0')}`);

/** The credential a restore write (an `UpdateItem`, or a withdrawing transaction's first item) restores, if it is one. */
function restoredIdOf(command: unknown): string | undefined {
  if (command instanceof UpdateCommand) return String(command.input.Key?.id);
  if (command instanceof TransactWriteCommand)
    return String(command.input.TransactItems?.[0]?.Update?.Key?.id);
  return undefined;
}

/**
 * Hands each restore write to `onWrite`, with its number (from 1), the credential it restores and the real send;
 * every other request goes through.
 */
function onRestoreWrite(
  onWrite: (write: number, id: string, send: () => Promise<unknown>) => Promise<unknown>,
): void {
  const send = DynamoDBDocumentClient.prototype.send;
  let writes = 0;
  vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (
    this: DynamoDBDocumentClient,
    ...args: Parameters<typeof send>
  ) {
    const realSend = () => (send as (...a: typeof args) => Promise<unknown>).apply(this, args);
    const id = restoredIdOf(args[0]);
    return id === undefined ? realSend() : onWrite(++writes, id, realSend);
  } as typeof send);
}

/** Runs `what` at each restore write from the fifth on; the write fails with what it returns, if anything. */
function atFifthWrite(what: () => Promise<never> | undefined): void {
  onRestoreWrite((write, _id, send) => (write >= 5 ? what() : undefined) ?? send());
}

/** The ids the table holds still deleted. */
async function stillDeleted(table: Parameters<typeof exportTable>[0]): Promise<string[]> {
  return (await exportTable(table)).filter((i) => i.deletedAt !== undefined).map((i) => String(i.id));
}

describe('restore --run stopped part-way (DynamoDB Local)', { timeout: 240_000 }, () => {
  const table = useTestTable('restore-run-interrupted', 'each');
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const restoreRun = (...extra: string[]) =>
    runInProcess(registerRestoreCommand, [
      ...['restore', '--run', 'run-i', '--reason', 'bad run', '--by', 'ops', '--now', days(1)],
      ...tableFlags(table),
      ...extra,
    ]);

  it('interrupted: lists what it restored, names where it stopped, exits 130; the rerun restores the rest', async () => {
    await sweepWithManifest(table, 'run-i', IDS.map(staleDue));
    let once = false;
    atFifthWrite(() => {
      if (!once) process.emit('SIGINT', 'SIGINT');
      once = true;
      return undefined;
    });

    const run = await restoreRun();
    vi.restoreAllMocks();

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(130);
    expect(process.listenerCount('SIGINT')).toBe(0);
    expect(run.stderr).toContain('pc-hygiene: restore --run interrupted (SIGINT): no further restore starts');
    const lines = run.stdout.trimEnd().split('\n');
    const restored = lines.filter((l) => l.startsWith('restored ')).map((l) => l.split(' ')[1]);
    const left = await stillDeleted(table);
    // What it says it restored is exactly what the table no longer holds deleted: the in-flight ones finished.
    expect(restored.length).toBeGreaterThanOrEqual(5);
    expect(left.length).toBeGreaterThan(0);
    expect([...restored, ...left].sort()).toEqual(IDS);
    expect(lines.slice(-2)).toEqual([
      'interrupted at page 1: run run-i: interrupted (SIGINT) at manifest page 1 of 1: the deletions of that page ' +
        'not listed above were not restored; run the same restore --run again (a credential restored already is skipped)',
      `run run-i: ${restored.length} restored, 0 skipped, 0 refused, interrupted (SIGINT)`,
    ]);

    const rerun = await restoreRun();
    expect(rerun.exitCode).toBe(0);
    expect(rerun.stdout.trimEnd().split('\n').at(-1)).toBe(
      `run run-i: ${left.length} restored, ${restored.length} skipped, 0 refused`,
    );
    expect(await stillDeleted(table)).toEqual([]);
  });

  it('interrupted, --format json: one document, the stop in missingPages', async () => {
    await sweepWithManifest(table, 'run-i', IDS.map(staleDue));
    let once = false;
    atFifthWrite(() => {
      if (!once) process.emit('SIGTERM', 'SIGTERM');
      once = true;
      return undefined;
    });

    const run = await restoreRun('--format', 'json');
    vi.restoreAllMocks();

    expect(run.exitCode).toBe(143);
    const result = JSON.parse(run.stdout) as {
      restored: { id: string }[];
      missingPages: { page: number; cause: string; error: string }[];
    };
    expect(result.missingPages).toEqual([
      {
        page: 1,
        cause: 'interrupted',
        error:
          'run run-i: interrupted (SIGTERM) at manifest page 1 of 1: the deletions of that page not listed above ' +
          'were not restored; run the same restore --run again (a credential restored already is skipped)',
      },
    ]);
    const left = await stillDeleted(table);
    expect([...result.restored.map((r) => r.id), ...left].sort()).toEqual(IDS);
  });

  it('interrupted while an entry waits for a slot: it never starts; exactly the writes sent complete', async () => {
    await sweepWithManifest(table, 'run-i', IDS.map(staleDue));
    // The first writes are held until the 8th is sent: then 8 restores are in flight, none finished, and the 9th
    // entry waits for a slot. The signal comes there; the held writes then go on and free the slots.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const inFlight = new Set<string>();
    const startedAfterSignal: string[] = [];
    onRestoreWrite(async (write, id, send) => {
      if (write < RESTORE_CONCURRENCY) {
        inFlight.add(id);
        await held;
      } else if (write === RESTORE_CONCURRENCY) {
        inFlight.add(id);
        process.emit('SIGINT', 'SIGINT');
        release();
      } else if (!inFlight.has(id)) startedAfterSignal.push(id);
      return send();
    });

    const run = await restoreRun();
    vi.restoreAllMocks();

    expect(run.exitCode).toBe(130);
    expect(startedAfterSignal).toEqual([]);
    const lines = run.stdout.trimEnd().split('\n');
    const restored = lines.filter((l) => l.startsWith('restored ')).map((l) => l.split(' ')[1]);
    expect(restored.sort()).toEqual([...inFlight].sort());
    expect(restored.length).toBe(RESTORE_CONCURRENCY);
    const left = await stillDeleted(table);
    expect([...restored, ...left].sort()).toEqual(IDS);
    expect(lines.slice(-2)).toEqual([
      'interrupted at page 1: run run-i: interrupted (SIGINT) at manifest page 1 of 1: the deletions of that page ' +
        'not listed above were not restored; run the same restore --run again (a credential restored already is skipped)',
      `run run-i: ${RESTORE_CONCURRENCY} restored, 0 skipped, 0 refused, interrupted (SIGINT)`,
    ]);
  });

  it('writes denied: stops after a run of denials, the in-flight ones finish, the rest untried; the rerun restores them', async () => {
    await sweepWithManifest(table, 'run-i', IDS.map(staleDue));
    const denied = Object.assign(new Error('not authorized to perform dynamodb:UpdateItem'), {
      name: 'AccessDeniedException',
    });
    const written = new Set<string>();
    const denials: string[] = [];
    onRestoreWrite((write, id, send) => {
      written.add(id);
      if (write < 5) return send();
      denials.push(id);
      return Promise.reject(denied);
    });

    const run = await restoreRun();
    vi.restoreAllMocks();

    expect(run.exitCode).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    const restored = lines.filter((l) => l.startsWith('restored ')).map((l) => l.split(' ')[1]);
    const refused = lines.filter((l) => l.startsWith('refused '));
    for (const line of refused)
      expect(line).toMatch(/^refused s-\d\d: AccessDeniedException: not authorized/);
    // A run of STOP_AFTER_FAILURES denials with nothing else ending between them stops it (the four restores that
    // succeeded may end after some denials, and start the count again): the restores then in flight finish, the rest
    // are left untried — no write was sent for them.
    expect(restored.length).toBe(4);
    expect(refused.length).toBeGreaterThanOrEqual(STOP_AFTER_FAILURES);
    expect(refused.length).toBeLessThan(IDS.length - 4);
    const tried = [...restored, ...refused.map((l) => l.slice('refused '.length, l.indexOf(':')))];
    expect([...written].sort()).toEqual(tried.sort());
    const left = await stillDeleted(table);
    expect([...restored, ...left].sort()).toEqual(IDS);
    // The stop names the first denial of the run of them that stopped it.
    const [stoppedLine, summary] = lines.slice(-2);
    const named = /restoring (s-\d\d) failed/.exec(stoppedLine ?? '')?.[1];
    expect(denials).toContain(named);
    expect([stoppedLine, summary]).toEqual([
      `stopped at page 1: run run-i: stopped at manifest page 1 of 1: restoring ${named} failed with ` +
        'AccessDeniedException (not authorized), as every other restore would: the deletions of that page not ' +
        'listed above were not restored; once its cause is fixed, run the same restore --run again (a credential ' +
        'restored already is skipped)',
      `run run-i: 4 restored, 0 skipped, ${refused.length} refused, stopped by an error every other restore would ` +
        'fail with too (its stopped line names it); once its cause is fixed, run the same restore --run again ' +
        '(a credential restored already is skipped)',
    ]);

    const rerun = await restoreRun();
    expect(rerun.exitCode).toBe(0);
    expect(rerun.stdout.trimEnd().split('\n').at(-1)).toBe(
      `run run-i: ${IDS.length - 4} restored, 4 skipped, 0 refused`,
    );
    expect(await stillDeleted(table)).toEqual([]);
  });

  it('the table gone mid-run, --format json: the stop in missingPages as stopped, exit 1', async () => {
    await sweepWithManifest(table, 'run-i', IDS.map(staleDue));
    const gone = Object.assign(new Error('Requested resource not found'), {
      name: 'ResourceNotFoundException',
    });
    atFifthWrite(() => Promise.reject(gone));

    const run = await restoreRun('--format', 'json');
    vi.restoreAllMocks();

    expect(run.exitCode).toBe(1);
    const result = JSON.parse(run.stdout) as {
      restored: { id: string }[];
      refused: { id: string }[];
      missingPages: { page: number; cause: string; error: string }[];
    };
    expect(result.missingPages).toEqual([
      {
        page: 1,
        cause: 'stopped',
        error: expect.stringMatching(
          /^run run-i: stopped at manifest page 1 of 1: restoring s-\d\d failed with ResourceNotFoundException \(the table is not found\), as every other restore would: /,
        ),
      },
    ]);
    expect(result.refused.length).toBeGreaterThanOrEqual(STOP_AFTER_FAILURES);
    expect(result.refused.length + result.restored.length).toBeLessThan(IDS.length);
    const left = await stillDeleted(table);
    expect([...result.restored.map((r) => r.id), ...left].sort()).toEqual(IDS);
  });

  it('credentials expired mid-run: stops as at a denial, the stopped line says to renew them, then run it again; the rerun restores the rest', async () => {
    await sweepWithManifest(table, 'run-i', IDS.map(staleDue));
    const expired = Object.assign(new Error('The security token included in the request is expired'), {
      name: 'ExpiredTokenException',
    });
    atFifthWrite(() => Promise.reject(expired));

    const run = await restoreRun();
    vi.restoreAllMocks();

    expect(run.exitCode).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    const restored = lines.filter((l) => l.startsWith('restored ')).map((l) => l.split(' ')[1]);
    const refused = lines.filter((l) => l.startsWith('refused '));
    expect(restored.length).toBe(4);
    expect(refused.length).toBeGreaterThanOrEqual(STOP_AFTER_FAILURES);
    expect(refused.length).toBeLessThan(IDS.length - 4);
    const [stoppedLine, summary] = lines.slice(-2);
    expect(stoppedLine).toMatch(
      new RegExp(
        '^stopped at page 1: run run-i: stopped at manifest page 1 of 1: restoring s-\\d\\d failed with ' +
          'ExpiredTokenException \\(the credentials are no longer valid: expired or unknown\\), as every other ' +
          'restore would: the deletions of that page not listed above were not restored; once the credentials ' +
          'are renewed \\(aws sso login, or new keys\\), run the same restore --run again \\(a credential ' +
          'restored already is skipped\\)$',
      ),
    );
    expect(summary).toContain(', stopped by an error every other restore would fail with too');

    const rerun = await restoreRun();
    expect(rerun.exitCode).toBe(0);
    expect(rerun.stdout.trimEnd().split('\n').at(-1)).toBe(
      `run run-i: ${IDS.length - 4} restored, 4 skipped, 0 refused`,
    );
  });

  it.each([
    ['UnrecognizedClientException', 'the credentials are no longer valid: expired or unknown'],
    ['InvalidSignatureException', 'the credentials are no longer valid: expired or unknown'],
    ['CredentialsProviderError', 'no credentials could be loaded: an SSO session expired, for one'],
  ])(
    'credentials refused mid-run with %s, --format json: stopped, its meaning named',
    async (code, meaning) => {
      await sweepWithManifest(table, 'run-i', IDS.map(staleDue));
      const refusal = Object.assign(new Error('refused'), { name: code });
      atFifthWrite(() => Promise.reject(refusal));

      const run = await restoreRun('--format', 'json');
      vi.restoreAllMocks();

      expect(run.exitCode).toBe(1);
      const result = JSON.parse(run.stdout) as {
        refused: { id: string }[];
        missingPages: { page: number; cause: string; error: string }[];
      };
      expect(result.missingPages).toEqual([
        {
          page: 1,
          cause: 'stopped',
          error: expect.stringContaining(`failed with ${code} (${meaning}), as every other restore would: `),
        },
      ]);
      expect(result.refused.length).toBeGreaterThanOrEqual(STOP_AFTER_FAILURES);
    },
  );

  it('a stop once the last entry has started stops nothing, and is listed for neither a run of denials nor a signal', async () => {
    // No more entries than can have started when the STOP_AFTER_FAILURES-th denial ends (each ended restore starts
    // one more): every write is sent, as a signal at the last write leaves none unstarted either.
    const ids = IDS.slice(0, STOP_AFTER_FAILURES + 2);
    expect(ids.length).toBeLessThanOrEqual(STOP_AFTER_FAILURES + RESTORE_CONCURRENCY);
    await sweepWithManifest(table, 'run-i', ids.map(staleDue));
    const denied = Object.assign(new Error('not authorized to perform dynamodb:UpdateItem'), {
      name: 'AccessDeniedException',
    });
    onRestoreWrite(() => Promise.reject(denied));

    const run = await restoreRun();
    vi.restoreAllMocks();

    expect(run.exitCode).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('refused ')).length).toBe(ids.length);
    expect(lines.some((l) => l.startsWith('stopped at page'))).toBe(false);
    expect(lines.at(-1)).toBe(
      `run run-i: 0 restored, 0 skipped, ${ids.length} refused; ${ids.length} failed with an error (named on their ` +
        "lines, not a check's refusal): once its cause is fixed, run the same restore --run again " +
        '(a credential restored already is skipped)',
    );

    // The same rule for a signal: at the last write, every restore has started, and the restore is whole (exit 0).
    onRestoreWrite((write, _id, send) => {
      if (write === ids.length) process.emit('SIGINT', 'SIGINT');
      return send();
    });
    const interrupted = await restoreRun();
    vi.restoreAllMocks();

    expect(interrupted.exitCode).toBe(0);
    expect(interrupted.stdout.trimEnd().split('\n').at(-1)).toBe(
      `run run-i: ${ids.length} restored, 0 skipped, 0 refused`,
    );
    expect(await stillDeleted(table)).toEqual([]);
  });

  it('only some writes denied (a withdrawing restore without ConditionCheckItem): those refused, the others go on', async () => {
    await sweepWithManifest(table, 'run-i', IDS.map(staleDue));
    const denied = Object.assign(new Error('not authorized to perform dynamodb:ConditionCheckItem'), {
      name: 'AccessDeniedException',
    });
    // Every fourth credential's write is denied, as those of the restores that withdraw a notice would be.
    const isDenied = (id: string) => Number(id.slice(2)) % 4 === 0;
    onRestoreWrite((_write, id, send) => (isDenied(id) ? Promise.reject(denied) : send()));

    const run = await restoreRun();
    vi.restoreAllMocks();

    expect(run.exitCode).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    const refused = lines.filter((l) => l.startsWith('refused ')).map((l) => l.split(/[ :]/)[1]);
    expect(refused.sort()).toEqual(IDS.filter(isDenied));
    expect(lines.some((l) => l.startsWith('stopped at page'))).toBe(false);
    expect(await stillDeleted(table)).toEqual(IDS.filter(isDenied));
  });

  it('writes throttled: each listed refused, the others go on, the summary says to run it again', async () => {
    await sweepWithManifest(table, 'run-i', IDS.map(staleDue));
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
      name: 'ThrottlingException',
    });
    atFifthWrite(() => Promise.reject(throttled));

    const run = await restoreRun();
    vi.restoreAllMocks();

    expect(run.exitCode).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    const refused = lines.filter((l) => l.startsWith('refused '));
    expect(refused.length).toBe(IDS.length - 4);
    for (const line of refused)
      expect(line).toMatch(/^refused s-\d\d: ThrottlingException: Rate of requests/);
    expect(lines.at(-1)).toBe(
      `run run-i: 4 restored, 0 skipped, ${refused.length} refused; ${refused.length} failed with an error ` +
        "(named on their lines, not a check's refusal): once its cause is fixed, run the same restore --run again " +
        '(a credential restored already is skipped)',
    );

    const rerun = await restoreRun();
    expect(rerun.exitCode).toBe(0);
    expect(rerun.stdout.trimEnd().split('\n').at(-1)).toBe(
      `run run-i: ${refused.length} restored, 4 skipped, 0 refused`,
    );
    expect(await stillDeleted(table)).toEqual([]);
  });
});
