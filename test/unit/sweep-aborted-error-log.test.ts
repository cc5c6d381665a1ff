/**
 * A sweep aborted after it wrote throws `SweepAbortedError` carrying its
 * partial summary for the handler to report. The Lambda runtime logs a
 * thrown error with its enumerable own properties, so the summary must not
 * be one of them: it would be logged whole a second time, past CloudWatch's
 * 256 KB event on a large run. The handler still reads it.
 */
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { SweepAbortedError } from '../../lambdas/hygiene/sweep/types';

/** What the runtime's error line is built from: the error's enumerable own properties. */
const runtimeErrorLine = (error: Error) =>
  JSON.stringify({ errorType: error.name, errorMessage: error.message, ...error });

describe('SweepAbortedError', () => {
  const summary = {
    status: 'aborted',
    flaggedUserIds: ['owner-of-a-very-long-list'],
  } as unknown as RunSummary;

  it('carries its summary for the handler', () => {
    const error = new SweepAbortedError('too many failed writes', summary);
    expect(error.summary).toBe(summary);
    expect(error).toBeInstanceOf(Error);
  });

  it('keeps the summary out of the runtime error line', () => {
    const line = runtimeErrorLine(new SweepAbortedError('too many failed writes', summary));
    expect(line).toContain('too many failed writes');
    expect(line).not.toContain('owner-of-a-very-long-list');
    expect(Object.keys(new SweepAbortedError('x', summary))).not.toContain('summary');
  });
});
