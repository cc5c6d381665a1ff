/**
 * The CLI's output errors (cli/stream-writer.ts): a reader closing the output
 * (`EPIPE`) is not an error, and any other write error on a guarded output
 * (`EIO`, `ENOSPC` on a redirected file) is a failure reported once by the
 * guard — never thrown from its listener as an uncaught exception — and, when
 * a `StreamWriter` writes to the output, thrown by its next write so the
 * listing stops.
 */
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE } from '../../../cli/exit-codes';
import {
  BrokenPipeError,
  exitCodeWithOutputFailure,
  guardOutputs,
  StreamWriter,
} from '../../../cli/stream-writer';

/** A write error as Node reports it, with its system code. */
function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: write failed, write`), { code, syscall: 'write' });
}

/** Outputs guarded as `cli/main.ts` guards stdout and stderr, with what the guard reported. */
function guarded(...streams: NodeJS.WritableStream[]) {
  const reported: Error[] = [];
  const guard = guardOutputs(streams, (error) => reported.push(error));
  return { guard, reported };
}

describe('guardOutputs', () => {
  it('reports the first non-EPIPE error once, records it, and throws nothing', () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const { guard, reported } = guarded(stdout, stderr);
    const eio = systemError('EIO');
    expect(() => stdout.emit('error', eio)).not.toThrow();
    expect(() => stdout.emit('error', systemError('ENOSPC'))).not.toThrow();
    expect(() => stderr.emit('error', systemError('EIO'))).not.toThrow();
    expect(reported).toEqual([eio]);
    expect(guard.failure).toBe(eio);
  });

  it('ignores EPIPE: no failure, nothing reported', () => {
    const stdout = new PassThrough();
    const { guard, reported } = guarded(stdout);
    expect(() => stdout.emit('error', systemError('EPIPE'))).not.toThrow();
    expect(reported).toEqual([]);
    expect(guard.failure).toBeUndefined();
  });
});

describe('a StreamWriter on a guarded output', () => {
  it('throws a non-EPIPE error by its next write, the same error the guard reported', async () => {
    const stream = new PassThrough();
    const { reported } = guarded(stream);
    const out = new StreamWriter(stream);
    const eio = systemError('EIO');
    stream.emit('error', eio);
    await expect(out.write('more')).rejects.toBe(eio);
    expect(reported).toEqual([eio]);
  });

  it('a write that fails (ENOSPC) rejects with its error', async () => {
    const enospc = systemError('ENOSPC');
    const stream = new Writable({ write: (_chunk, _encoding, done) => done(enospc) });
    guarded(stream);
    const out = new StreamWriter(stream);
    await expect(out.write('listing')).rejects.toBe(enospc);
  });

  it('keeps EPIPE quiet, and the writer says the reader is gone', async () => {
    const stream = new PassThrough();
    guarded(stream);
    const out = new StreamWriter(stream);
    expect(() => stream.emit('error', systemError('EPIPE'))).not.toThrow();
    await expect(out.write('more')).rejects.toBeInstanceOf(BrokenPipeError);
  });
});

describe('a StreamWriter made after its stream failed', () => {
  it('throws the error at once instead of waiting for a drain that never comes', async () => {
    const enospc = systemError('ENOSPC');
    const stream = new Writable({ write: (_chunk, _encoding, done) => done(enospc) });
    guarded(stream);
    stream.write('a plain write, before any writer');
    await new Promise((resolve) => setImmediate(resolve));
    await expect(new StreamWriter(stream).write('listing')).rejects.toBe(enospc);
  });
});

describe('the exit code of a run whose output failed', () => {
  it('is a failure whatever outcome the command reached, a usage error and a signal kept', () => {
    expect(exitCodeWithOutputFailure(undefined)).toBe(EXIT_CODE.failure);
    expect(exitCodeWithOutputFailure(EXIT_CODE.complete)).toBe(EXIT_CODE.failure);
    // A sweep's "guard tripped" or "incomplete" would tell a script its summary is there to read.
    expect(exitCodeWithOutputFailure(EXIT_CODE.guardTripped)).toBe(EXIT_CODE.failure);
    expect(exitCodeWithOutputFailure(EXIT_CODE.incomplete)).toBe(EXIT_CODE.failure);
    expect(exitCodeWithOutputFailure(EXIT_CODE.failure)).toBe(EXIT_CODE.failure);
    expect(exitCodeWithOutputFailure(EXIT_CODE.usage)).toBe(EXIT_CODE.usage);
    expect(exitCodeWithOutputFailure(130)).toBe(130);
  });
});
