/**
 * startScan: the scan the sweep starts while it reads the checkpoint
 * (docs/sweep.md, "Time budget and checkpoint"). Its first page must be
 * requested at once, an error of that request must surface where the pages
 * are read (and nowhere when the scan is cancelled), and cancelling must close
 * the source.
 */
import { describe, expect, it } from 'vitest';
import { startScan } from '../../lambdas/hygiene/sweep/started-scan';

/** A source of `values` that records what was asked of it; `failAt` throws instead of yielding that index. */
function recordingSource(values: readonly number[], failAt?: number) {
  const log: string[] = [];
  async function* generate(): AsyncGenerator<number> {
    try {
      for (const [index, value] of values.entries()) {
        log.push(`request ${index}`);
        await Promise.resolve();
        if (index === failAt) throw new Error(`page ${index} failed`);
        yield value;
      }
    } finally {
      log.push('closed');
    }
  }
  return { log, source: generate() };
}

async function readAll(pages: AsyncIterable<number>): Promise<number[]> {
  const read: number[] = [];
  for await (const page of pages) read.push(page);
  return read;
}

describe('startScan', () => {
  it('requests the first page before anything is read, then yields every page once', async () => {
    const { log, source } = recordingSource([1, 2, 3]);
    const started = startScan(source);
    expect(log).toEqual(['request 0']);
    expect(await readAll(started.pages)).toEqual([1, 2, 3]);
    expect(log).toEqual(['request 0', 'request 1', 'request 2', 'closed']);
  });

  it('surfaces a failed first page where the pages are read', async () => {
    const { source } = recordingSource([1, 2], 0);
    const started = startScan(source);
    await expect(readAll(started.pages)).rejects.toThrow('page 0 failed');
  });

  it('drops a failed first page silently when cancelled', async () => {
    const { log, source } = recordingSource([1, 2], 0);
    const started = startScan(source);
    await expect(started.cancel()).resolves.toBeUndefined();
    expect(log).toEqual(['request 0', 'closed']);
  });

  it('cancels without reading further: the source is closed after its first page', async () => {
    const { log, source } = recordingSource([1, 2, 3]);
    const started = startScan(source);
    await started.cancel();
    expect(log).toEqual(['request 0', 'closed']);
  });

  it('closes the source when the reader stops early', async () => {
    const { log, source } = recordingSource([1, 2, 3]);
    const started = startScan(source);
    for await (const page of started.pages) if (page === 2) break;
    expect(log).toEqual(['request 0', 'request 1', 'closed']);
  });
});
