/**
 * The CLI's progress line (cli/progress.ts; docs/sweep.md, "Commands"): items and rate, plus percent and ETA while
 * what is done has not passed the approximate total; on a TTY redrawn in place at most once per interval and
 * cleared, on a stream that is not a TTY nothing at all, so piped output stays clean. A fake stream and a fake
 * clock.
 */
import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, formatProgress } from '../../cli/progress';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (chunk: string) => writes.push(chunk) > 0 };
}

describe('progress line', () => {
  it('shows items and rate, and percent with ETA when the total is known', () => {
    expect(formatProgress({ label: 'sweep', done: 2000, elapsedMs: 1000 })).toBe(
      'sweep: 2,000 items (2,000/s)',
    );
    expect(formatProgress({ label: 'sweep', done: 2000, elapsedMs: 1000, total: 10_000 })).toBe(
      'sweep: 2,000 items (2,000/s), 20% of ~10,000, ETA 0:04',
    );
  });

  it('drops percent and ETA when the approximate total was too small', () => {
    expect(formatProgress({ label: 'report', done: 120, elapsedMs: 1000, total: 100 })).toBe(
      'report: 120 items (120/s)',
    );
  });

  it('formats durations', () => {
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });

  it('draws in place on a TTY, at most once per interval, and clears', () => {
    const stream = fakeStream(true);
    let now = 0;
    const progress = createProgress({ label: 'sweep', stream, clock: () => now, intervalMs: 200 });

    now = 1000;
    progress.update(10);
    now = 1100;
    progress.update(20); // too soon: not drawn
    now = 1300;
    progress.update(30);
    progress.clear();

    expect(stream.writes).toEqual([
      '\rsweep: 10 items (10/s)\x1b[K',
      '\rsweep: 30 items (23/s)\x1b[K',
      '\r\x1b[K',
    ]);
  });

  it('is silent when the stream is not a TTY', () => {
    const stream = fakeStream(false);
    const progress = createProgress({ label: 'sweep', stream });

    progress.update(10);
    progress.clear();

    expect(stream.writes).toEqual([]);
  });
});
