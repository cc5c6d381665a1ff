/**
 * Reads the credentials table with a parallel Scan: one loop per segment, all
 * running at once, pages yielded as they arrive. Each segment reads one page
 * ahead (its next page is on its way while the caller works on the last one,
 * so the caller's CPU does not add to the scan's round trips) and no further:
 * at most two pages per segment are held in memory, whatever the table size.
 */
import { type DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { isReservedId } from '../hygiene/data-contract';
import type { CredentialScanner, RawItem, ScanCheckpoint, ScanPage } from '../hygiene/ports';

/** A resume checkpoint that does not fit the requested scan. */
export class ScanCheckpointMismatchError extends Error {
  override readonly name = 'ScanCheckpointMismatchError';
}

/**
 * Items per Scan request by default. DynamoDB caps a page at 1 MB (~2,900 items
 * of ~360 bytes), and a page becomes ~10× that in JavaScript objects; a fixed
 * item count keeps the pages in memory (two per segment) the same size on a
 * small table and a huge one, at the cost of ~3× more (same-RCU) requests.
 */
export const DEFAULT_SCAN_PAGE_SIZE = 1000;

/** Options for {@link DynamoDbCredentialScanner}. */
export interface CredentialScannerOptions {
  /** Items per Scan request (DynamoDB also caps a page at 1 MB). Default {@link DEFAULT_SCAN_PAGE_SIZE}. */
  readonly pageSize?: number;
  /** Include reserved `__hygiene__#` items (export uses this); default false. */
  readonly includeReserved?: boolean;
}

/** Largest segment count DynamoDB accepts. */
const MAX_SCAN_SEGMENTS = 1_000_000;

/** {@link CredentialScanner} over a DynamoDB table. */
export class DynamoDbCredentialScanner implements CredentialScanner {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: CredentialScannerOptions = {},
  ) {}

  /**
   * Scans `segments` segments in parallel. Pages whose items are all
   * reserved are still yielded (empty) so the caller's checkpoint advances.
   * @throws {ScanCheckpointMismatchError} when `resumeFrom` was taken with another segment count
   */
  scan(options: {
    readonly segments: number;
    readonly resumeFrom?: ScanCheckpoint;
  }): AsyncIterable<ScanPage> {
    const { segments, resumeFrom } = options;
    if (!Number.isInteger(segments) || segments < 1 || segments > MAX_SCAN_SEGMENTS) {
      throw new RangeError(`segments must be an integer from 1 to ${MAX_SCAN_SEGMENTS}, got ${segments}`);
    }
    if (resumeFrom && (resumeFrom.segments !== segments || resumeFrom.positions.length !== segments)) {
      throw new ScanCheckpointMismatchError(
        `the checkpoint was taken with ${resumeFrom.segments} segments (${resumeFrom.positions.length} positions); resume with --segments ${resumeFrom.segments}`,
      );
    }
    const loops: AsyncGenerator<ScanPage>[] = [];
    for (let segment = 0; segment < segments; segment++) {
      const position = resumeFrom?.positions[segment] ?? null;
      if (position === 'done') continue;
      loops.push(this.scanSegment(segment, segments, position ?? undefined));
    }
    return mergeAsync(loops);
  }

  /**
   * Requests one page of `segment`, from `exclusiveStartKey`. The request's
   * failure is marked handled now: a page read ahead may fail while the caller
   * works on the last one, and its error surfaces where the page is awaited,
   * or not at all when the scan stops first (never as an unhandled rejection).
   */
  private requestPage(
    segment: number,
    totalSegments: number,
    exclusiveStartKey: Readonly<Record<string, unknown>> | undefined,
  ): Promise<ScanCommandOutput> {
    const reading = this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        Segment: segment,
        TotalSegments: totalSegments,
        ExclusiveStartKey: exclusiveStartKey,
        Limit: this.options.pageSize ?? DEFAULT_SCAN_PAGE_SIZE,
      }),
    );
    reading.catch(() => undefined);
    return reading;
  }

  /**
   * One segment's pages, reading one page ahead: the next page is requested
   * as soon as a page arrives, before it is handed out, so its round trip
   * overlaps the caller's work on this one. Stopped early, the page read ahead
   * is dropped unread (its error too).
   */
  private async *scanSegment(
    segment: number,
    totalSegments: number,
    startAfter: Readonly<Record<string, unknown>> | undefined,
  ): AsyncGenerator<ScanPage> {
    let reading: Promise<ScanCommandOutput> | undefined = this.requestPage(
      segment,
      totalSegments,
      startAfter,
    );
    try {
      while (reading !== undefined) {
        const page: ScanCommandOutput = await reading;
        const lastEvaluatedKey = page.LastEvaluatedKey;
        reading =
          lastEvaluatedKey === undefined
            ? undefined
            : this.requestPage(segment, totalSegments, lastEvaluatedKey);
        const items = (page.Items ?? []) as RawItem[];
        yield {
          segment,
          items: this.options.includeReserved ? items : items.filter((item) => !isReservedId(item.id)),
          ...(lastEvaluatedKey !== undefined && { lastEvaluatedKey }),
        };
      }
    } finally {
      // Stopped early (or another segment failed): wait for the page read ahead, and drop it.
      await reading?.catch(() => undefined);
    }
  }
}

/**
 * Interleaves async generators, yielding each value as soon as it is ready.
 * Each source is pulled again only after its last value was consumed
 * (back-pressure). Stopping early, or a failing source, closes the others.
 */
async function* mergeAsync<T>(sources: readonly AsyncGenerator<T>[]): AsyncGenerator<T> {
  type Pulled = { readonly index: number; readonly result: IteratorResult<T> };
  const pending = new Map<number, Promise<Pulled>>();
  const pull = (index: number) =>
    pending.set(
      index,
      sources[index]!.next().then((result) => ({ index, result })),
    );
  sources.forEach((_, index) => {
    pull(index);
  });
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        continue;
      }
      yield result.value;
      pull(index);
    }
  } finally {
    // Close the sources still running; swallow their late errors (the first one already surfaced).
    const open = [...pending.keys()];
    for (const promise of pending.values()) promise.catch(() => undefined);
    await Promise.allSettled(open.map((index) => sources[index]!.return(undefined)));
  }
}
