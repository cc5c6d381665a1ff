/**
 * The CLI's one rule on its outputs: a reader closing one early
 * (`pc-hygiene … | head`) is not an error, and any other write error
 * (`ENOSPC` on a redirected file, `EIO`) is a failure, reported once and
 * exiting 1, whatever the command writes with. {@link guardOutputs},
 * installed on stdout and stderr once by `cli/main.ts`, applies it;
 * {@link StreamWriter} writes streaming output with backpressure (waits for
 * `drain`, so memory stays flat even when the reader is slow) and tells its
 * command the reader is gone, so a listing stops — or throws it the write
 * error, so a listing stops there too. What it throws is the output's
 * failure and says so ({@link isOutputError}): a socket's `ECONNRESET` is
 * never taken for the database's (cli/options/table-options.ts). A command
 * streams a listing through it with `writeStreamedListing`
 * (cli/streamed-listing.ts).
 */
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { EXIT_CODE } from './exit-codes';

/** The reader closed the pipe (e.g. `pc-hygiene plan ... | head`): stop writing, not a failure. */
export class BrokenPipeError extends Error {
  override readonly name = 'BrokenPipeError';
}

function isBrokenPipe(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EPIPE';
}

/** What {@link guardOutputs} saw: the first write error that was not a closed pipe, if any. */
export interface OutputGuard {
  readonly failure: Error | undefined;
}

/**
 * Guards the CLI's outputs. A reader closing one early (`| head`) is not an
 * error: the `EPIPE` Node emits for each later write is ignored (that output
 * goes nowhere), so the command finishes its work, cleanup included, and exits
 * with the code its outcome gives. Any other write error (`ENOSPC` on a
 * redirected file, `EIO`) is a failure: the first is recorded in the guard and
 * handed to `report` (the CLI prints it once, `pc-hygiene: …`), later ones are
 * ignored, and none is thrown from here, where it would escape as an uncaught
 * exception with a stack trace. The command is not stopped halfway (a sweep's
 * writes are not cut short by its summary's output): a {@link StreamWriter} on
 * the stream throws the error to its command, so a listing stops; anything
 * else finishes, its output going nowhere. The CLI then exits 1
 * ({@link exitCodeWithOutputFailure}, `cli/main.ts`).
 */
export function guardOutputs(
  streams: readonly NodeJS.WritableStream[],
  report: (error: Error) => void,
): OutputGuard {
  const guard: { failure: Error | undefined } = { failure: undefined };
  for (const stream of streams) {
    stream.on('error', (error: unknown) => {
      if (isBrokenPipe(error) || guard.failure !== undefined) return;
      guard.failure = error instanceof Error ? error : new Error(String(error));
      report(guard.failure);
    });
  }
  return guard;
}

/**
 * The exit code of a run whose output failed (a write error other than a closed pipe, {@link guardOutputs}): a
 * failure (1), whatever outcome the command reached — a sweep's "guard tripped" (3) or "incomplete" (4) would tell
 * a script its summary is there to read, and it is not. A usage error (2: nothing was done) and a signal's code
 * (e.g. 130) are kept.
 */
export function exitCodeWithOutputFailure(code: number | undefined): number {
  const outcomes: readonly (number | undefined)[] = [
    undefined,
    EXIT_CODE.complete,
    EXIT_CODE.guardTripped,
    EXIT_CODE.incomplete,
  ];
  return outcomes.includes(code) ? EXIT_CODE.failure : (code as number);
}

/** The errors a {@link StreamWriter} threw: its output's, whatever their code. */
const outputErrors = new WeakSet<object>();

/**
 * True for an error a {@link StreamWriter} threw: its output failed (the
 * reader closed it, or a write error such as `ENOSPC`, or `ECONNRESET` on a
 * socket). Such an error says nothing about the table or service the command
 * was reading, so no classifier of their errors rewords it: it reaches the
 * CLI as itself (stdout's and stderr's already reported once by
 * {@link guardOutputs}, a file's said as any other error).
 */
export function isOutputError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && outputErrors.has(error);
}

/** Backpressure-aware writer over one writable stream. */
export class StreamWriter {
  private failure: unknown;

  constructor(private readonly stream: NodeJS.WritableStream) {
    // Kept for `write` to throw: a file stream's error, or stdout's (`guardOutputs`, above, also reports it).
    stream.on('error', (error: unknown) => {
      this.failure ??= error;
    });
  }

  /**
   * Writes `text`, waiting for the stream to drain when its buffer is full.
   * @throws {BrokenPipeError} when the reader has gone away
   * @throws the stream's write error (the same error object its `error` event carried), marked {@link isOutputError}
   */
  async write(text: string): Promise<void> {
    // A stream that failed before this writer listened (a plain write's error): it would never drain.
    if (this.stream instanceof Writable && this.stream.destroyed) {
      this.failure ??= this.stream.errored ?? new BrokenPipeError('output closed');
    }
    this.throwIfFailed();
    if (text === '') return;
    try {
      if (!this.stream.write(text)) await once(this.stream, 'drain');
    } catch (error: unknown) {
      this.failure ??= error;
    }
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure === undefined) return;
    const error = isBrokenPipe(this.failure)
      ? new BrokenPipeError('output closed by the reader')
      : this.failure;
    // Marked, not wrapped: the CLI knows the very error `guardOutputs` reported, and says it once (`cli/main.ts`).
    if (typeof error === 'object' && error !== null) outputErrors.add(error);
    throw error;
  }
}
