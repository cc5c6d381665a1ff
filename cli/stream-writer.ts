/**
 * Writes text to a stream with backpressure (waits for `drain`), so streaming
 * output keeps memory flat even when the reader is slow.
 */
import { once } from 'node:events';

/** The reader closed the pipe (e.g. `pc-hygiene plan ... | head`): stop writing, not a failure. */
export class BrokenPipeError extends Error {
  override readonly name = 'BrokenPipeError';
}

function isBrokenPipe(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EPIPE';
}

/** Backpressure-aware writer over one writable stream. */
export class StreamWriter {
  private failure: unknown;

  constructor(private readonly stream: NodeJS.WritableStream) {
    // Without a listener an asynchronous write error would crash the process.
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
