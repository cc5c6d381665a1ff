/**
 * The CLI's one rule on output a reader closes early (`pc-hygiene … | head`):
 * not an error. {@link tolerateClosedPipe}, installed on stdout and stderr once
 * by `cli/main.ts`, keeps a closed pipe from crashing the process, whatever a
 * command writes with; {@link StreamWriter} writes streaming output with
 * backpressure (waits for `drain`, so memory stays flat even when the reader
 * is slow) and tells its command the reader is gone, so a listing stops — or
 * throws it any other write error, which the CLI reports as a failure.
 */
import { once } from 'node:events';

/** The reader closed the pipe (e.g. `pc-hygiene plan ... | head`): stop writing, not a failure. */
export class BrokenPipeError extends Error {
  override readonly name = 'BrokenPipeError';
}

function isBrokenPipe(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EPIPE';
}

/**
 * Makes a reader closing `stream` early (`| head`) not an error: the
 * `EPIPE` Node emits for each later write is ignored (that output goes
 * nowhere), so the command finishes its work, cleanup included, and exits
 * with the code its outcome gives. Any other write error (`EIO`, `ENOSPC` on
 * a redirected file) is left to the stream's other `error` listener when it
 * has one — a {@link StreamWriter}, whose next write throws it to its command,
 * so the CLI reports it as any failure (`pc-hygiene: …`, exit 1); thrown
 * here, it would skip that listener and escape as an uncaught exception.
 * With no other listener it still ends the process, as it would unguarded.
 */
export function tolerateClosedPipe(stream: NodeJS.WritableStream): void {
  stream.on('error', (error: unknown) => {
    if (!isBrokenPipe(error) && stream.listenerCount('error') === 1) throw error;
  });
}

/** Backpressure-aware writer over one writable stream. */
export class StreamWriter {
  private failure: unknown;

  constructor(private readonly stream: NodeJS.WritableStream) {
    // Kept for `write` to throw: a file stream's error, or stdout's (`tolerateClosedPipe`, above, leaves it here).
    stream.on('error', (error: unknown) => {
      this.failure ??= error;
    });
  }

  /**
   * Writes `text`, waiting for the stream to drain when its buffer is full.
   * @throws {BrokenPipeError} when the reader has gone away
   */
  async write(text: string): Promise<void> {
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
    if (isBrokenPipe(this.failure)) throw new BrokenPipeError('output closed by the reader');
    throw this.failure;
  }
}
