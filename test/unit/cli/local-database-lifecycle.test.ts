/**
 * `pc-hygiene local`'s database lifecycle (`withLocalDatabase`, cli/commands/local/database-lifecycle.ts): Ctrl-C or kill stops
 * DynamoDB Local before Node leaves, from before the start until the final stop has finished. A signal while the
 * database stops at the end of a run must find the handler still there: without it Node ends at once on SIGINT
 * and the stop's SIGKILL fallback for a java that ignores SIGTERM is lost. Once stopped, it says the caller's
 * `interruptedLine` (where the run's files are: `local` exits before its own last line) before it exits. With a
 * fake database whose stop waits until the test lets it finish, and `process.exit` stubbed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withLocalDatabase } from '../../../cli/commands/local/database-lifecycle';
import type { DynamoDbLocal } from '../../../cli/local/local-dynamodb';
import type { Progress } from '../../../cli/progress';

const progress: Progress = { update: () => undefined, setTotal: () => undefined, clear: () => undefined };

/** A database whose `stop` resolves only when `finishStop` is called; `stops` counts the calls. */
function slowStoppingDatabase() {
  let finishStop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    finishStop = resolve;
  });
  const database = { endpoint: 'http://127.0.0.1:1', stops: 0, stop: () => stopped };
  database.stop = () => {
    database.stops++;
    return stopped;
  };
  return { database: database as DynamoDbLocal & { stops: number }, finishStop: () => finishStop() };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('withLocalDatabase', () => {
  it('keeps the signal handlers while the final stop runs, so a Ctrl-C then waits for that stop', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const { database, finishStop } = slowStoppingDatabase();
    const lines: string[] = [];
    const before = process.listenerCount('SIGINT');
    const beforeHangUp = process.listenerCount('SIGHUP');
    let handlersDuringStop = 0;
    let hangUpHandlersDuringStop = 0;

    const run = withLocalDatabase(
      async () => database,
      { progress, log: (l) => lines.push(l), interruptedLine: () => 'the files are in /tmp/x' },
      async () => {
        // The work is done; the stop is next.
      },
    );
    await vi.waitFor(() => expect(database.stops).toBe(1));
    handlersDuringStop = process.listenerCount('SIGINT') - before;
    // A closed terminal (SIGHUP) stops the database too, as every interrupting signal does (cli/interrupts.ts).
    hangUpHandlersDuringStop = process.listenerCount('SIGHUP') - beforeHangUp;
    // As Node delivers a signal: the handler gets its name.
    (process.emit as (event: string, ...args: unknown[]) => boolean)('SIGINT', 'SIGINT');
    expect(exit).not.toHaveBeenCalled();
    finishStop();
    await run;
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(130));

    expect(handlersDuringStop).toBe(1);
    expect(hangUpHandlersDuringStop).toBe(1);
    expect(lines).toContain('Interrupted (SIGINT): stopping DynamoDB Local...');
    // The interrupt's own stop logs once stopped, then the caller's line, then it exits.
    expect(lines.slice(-2)).toEqual(['Stopped DynamoDB Local.', 'the files are in /tmp/x']);
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(process.listenerCount('SIGHUP')).toBe(beforeHangUp);
  });

  it('stops the database when the work fails, and leaves no handler behind', async () => {
    const { database, finishStop } = slowStoppingDatabase();
    finishStop();
    const before = process.listenerCount('SIGTERM');

    await expect(
      withLocalDatabase(
        async () => database,
        { progress, log: () => undefined },
        async () => {
          throw new Error('the sweep failed');
        },
      ),
    ).rejects.toThrow('the sweep failed');
    expect(database.stops).toBe(1);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
