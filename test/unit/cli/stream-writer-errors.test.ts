/**
 * The CLI's output errors (cli/stream-writer.ts): a reader closing the output
 * (`EPIPE`) is not an error, and any other write error on a guarded output
 * (`EIO`, `ENOSPC` on a redirected file) reaches the `StreamWriter` writing
 * to it, whose next write throws it for the command's error path to report
 * (`pc-hygiene: …`, exit 1) — it is not thrown from `tolerateClosedPipe`'s
 * listener as an uncaught exception. With no other listener, it still ends
 * the process, as it would unguarded.
 */
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BrokenPipeError, StreamWriter, tolerateClosedPipe } from '../../../cli/stream-writer';

/** A write error as Node reports it, with its system code. */
function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: write failed, write`), { code, syscall: 'write' });
}

/** An output guarded as `cli/main.ts` guards stdout, with a `StreamWriter` on it as a streaming command has. */
function guardedOutput() {
  const stream = new PassThrough();
  tolerateClosedPipe(stream);
  return { stream, out: new StreamWriter(stream) };
}

describe('tolerateClosedPipe with a StreamWriter', () => {
  it('leaves a non-EPIPE error to the writer: not thrown from the listener, thrown by the next write', async () => {
    const { stream, out } = guardedOutput();
    const eio = systemError('EIO');
    expect(() => stream.emit('error', eio)).not.toThrow();
    await expect(out.write('more')).rejects.toBe(eio);
  });

  it('a write that fails (ENOSPC) rejects with its error', async () => {
    const enospc = systemError('ENOSPC');
    const stream = new Writable({ write: (_chunk, _encoding, done) => done(enospc) });
    tolerateClosedPipe(stream);
    const out = new StreamWriter(stream);
    await expect(out.write('listing')).rejects.toBe(enospc);
  });

  it('keeps EPIPE quiet, and the writer says the reader is gone', async () => {
    const { stream, out } = guardedOutput();
    expect(() => stream.emit('error', systemError('EPIPE'))).not.toThrow();
    await expect(out.write('more')).rejects.toBeInstanceOf(BrokenPipeError);
  });
});

describe('tolerateClosedPipe alone', () => {
  it('still throws a non-EPIPE error no one else listens for (it would end the process unguarded too)', () => {
    const stream = new PassThrough();
    tolerateClosedPipe(stream);
    const eio = systemError('EIO');
    expect(() => stream.emit('error', eio)).toThrow(eio);
  });

  it('ignores EPIPE', () => {
    const stream = new PassThrough();
    tolerateClosedPipe(stream);
    expect(() => stream.emit('error', systemError('EPIPE'))).not.toThrow();
  });
});
