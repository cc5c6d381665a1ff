/**
 * A one-line progress display for long table work (scan, sweep, report):
 * items done, rate and, when the total is known, percent and ETA. Drawn on a
 * TTY only (redrawn in place, a few times a second); completely silent when
 * the stream is not a TTY, so piped and scripted output stays clean.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A progress line. */
export interface Progress {
  /** Reports `done` items so far (redrawn at most every `intervalMs`). */
  update(done: number): void;
  /** Sets or corrects the expected total (e.g. once `DescribeTable` answered). */
  setTotal(total: number | undefined): void;
  /** Erases the line (call before printing results, and on errors). */
  clear(): void;
}

/** Options for {@link createProgress}. */
export interface ProgressOptions {
  /** What is counted, e.g. `sweep`. */
  readonly label: string;
  /** Where to draw (default `process.stderr`). */
  readonly stream?: Pick<NodeJS.WriteStream, 'isTTY' | 'write'>;
  /** Expected total, when known (a table's approximate `ItemCount`). */
  readonly total?: number;
  /** Unit word, default `items`. */
  readonly unit?: string;
  /** Clock in ms (tests). Default `Date.now`. */
  readonly clock?: () => number;
  /** Minimum time between redraws in ms (default 200). */
  readonly intervalMs?: number;
}

/** Formats a duration as `m:ss` or `h:mm:ss`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * The progress text: `label: 12,345 items (2,100/s)`, plus
 * `, 41% of ~30,000, ETA 0:08` when a total is known. A total that turns out
 * too small (ItemCount is approximate) is not shown as over 100 %.
 */
export function formatProgress(state: {
  readonly label: string;
  readonly unit?: string;
  readonly done: number;
  readonly elapsedMs: number;
  readonly total?: number;
}): string {
  const { label, done, elapsedMs, total } = state;
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  let text = `${label}: ${done.toLocaleString('en')} ${state.unit ?? 'items'} (${Math.round(rate).toLocaleString('en')}/s)`;
  if (total !== undefined && total > 0 && done <= total) {
    const percent = Math.floor((done * 100) / total);
    text += `, ${percent}% of ~${total.toLocaleString('en')}`;
    if (rate > 0) text += `, ETA ${formatDuration(((total - done) / rate) * 1000)}`;
  }
  return text;
}

const SILENT: Progress = { update() {}, setTotal() {}, clear() {} };

/**
 * Runs `work` with a progress line ({@link createProgress}) that is erased
 * when the work ends, whatever happens, so what is printed next stands alone.
 */
export async function withProgress<T>(
  options: ProgressOptions,
  work: (progress: Progress) => Promise<T>,
): Promise<T> {
  const progress = createProgress(options);
  try {
    return await work(progress);
  } finally {
    progress.clear();
  }
}

/** Creates a progress line on `stream`, or a silent one when it is not a TTY. */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY) return SILENT;
  const clock = options.clock ?? Date.now;
  const interval = options.intervalMs ?? 200;
  const started = clock();
  let total = options.total;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    update(done) {
      const now = clock();
      if (now - lastDraw < interval) return;
      lastDraw = now;
      const text = formatProgress({
        label: options.label,
        done,
        elapsedMs: now - started,
        ...(options.unit !== undefined && { unit: options.unit }),
        ...(total !== undefined && { total }),
      });
      // \r: back to the line start; ESC[K: erase what a longer previous line left.
      stream.write(`\r${text}\x1b[K`);
      shown = true;
    },
    setTotal(value) {
      total = value;
    },
    clear() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}

/**
 * A progress line for a scan of `tableName`: the total comes from the table's
 * `ItemCount` (approximate on AWS, refreshed about every six hours), fetched
 * in the background so the scan never waits for it; no ETA when it fails.
 */
export function createTableProgress(
  client: DynamoDBDocumentClient,
  tableName: string,
  label: string,
  stream: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr,
): Progress {
  const progress = createProgress({ label, stream });
  if (stream.isTTY) {
    client
      .send(new DescribeTableCommand({ TableName: tableName }))
      .then((out) => progress.setTotal(out.Table?.ItemCount))
      .catch(() => undefined); // the scan itself reports a missing table
  }
  return progress;
}
