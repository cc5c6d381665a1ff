/**
 * Records a run's manifest as the run goes (docs/data-model.md, "Run
 * manifests"): collects the deletions written (and those whose failed write
 * may have taken effect, marked `mayHaveApplied`) and writes them through the
 * {@link RunManifestWriter} port a page at a time (memory holds one page; a
 * page is closed at `MANIFEST_PAGE_SIZE` entries, or earlier before its
 * entries would pass `MANIFEST_PAGE_BYTES`, so no page of ordinary entries
 * meets DynamoDB's item size limit; a single entry over it, possible only with
 * stored dates of absurd length, fails its page's write, listed as failed), then the header with the counts and the pages whose write failed. Kept
 * apart from the records it writes (`run-manifest.ts`, which `ports.ts`
 * names), so the records sit below the ports and the recorder above them.
 * Pure: the port only.
 */
import type { DeletedReason } from './credential';
import { errorText } from './errors';
import type { RunManifestWriter } from './ports';
import {
  FAILED_PAGES_RECORDED,
  MANIFEST_PAGE_BYTES,
  MANIFEST_PAGE_SIZE,
  type ManifestEntry,
  manifestEntryBytes,
  type RunManifestHeader,
} from './run-manifest';
import type { ManifestSummary } from './run-summary';

/**
 * Collects a run's deletions and writes them a page at a time (a page is
 * written as soon as it is full: `pageSize` entries, or before the entry that
 * would take it past `pageBytes`; the last one and the header by
 * {@link finish}). A failed write is remembered, not thrown: the deletions it
 * describes are committed already.
 */
export class ManifestRecorder {
  private page: ManifestEntry[] = [];
  /** The page's entries' size ({@link manifestEntryBytes}). */
  private pageBytes = 0;
  private pages = 0;
  private entries = 0;
  /** Confirmed deletions per rule; the unconfirmed ones (`mayHaveApplied`) are counted apart. */
  private readonly deleted: Record<DeletedReason, number> = { expired: 0, stale: 0, orphaned: 0 };
  private unconfirmed = 0;
  private readonly writes: Promise<void>[] = [];
  private failure: string | undefined;
  /** The lowest {@link FAILED_PAGES_RECORDED} failed page numbers, ascending, and how many failed in all. */
  private readonly failedPages: number[] = [];
  private failedPageCount = 0;

  constructor(
    private readonly writer: RunManifestWriter,
    private readonly runId: string,
    private readonly pageSize = MANIFEST_PAGE_SIZE,
    private readonly pageBytesLimit = MANIFEST_PAGE_BYTES,
  ) {}

  /**
   * Records one deletion: applied, or unconfirmed (marked `mayHaveApplied`:
   * its write failed but may have taken effect), counted in the header's
   * `deleted.unconfirmed` instead of `total` and its rule's count.
   */
  add(entry: ManifestEntry): void {
    const bytes = manifestEntryBytes(entry);
    if (this.page.length > 0 && this.pageBytes + bytes > this.pageBytesLimit) this.flush();
    this.page.push(entry);
    this.pageBytes += bytes;
    this.entries++;
    if (entry.mayHaveApplied === true) this.unconfirmed++;
    else this.deleted[entry.rule]++;
    if (this.page.length >= this.pageSize) this.flush();
  }

  /**
   * Writes the last page and, once every page write has settled, the header
   * with the pages whose write failed (only when the run recorded a deletion,
   * unconfirmed ones included: a run that recorded none leaves no manifest).
   */
  async finish(
    header: Omit<RunManifestHeader, 'runId' | 'deleted' | 'pages' | 'failedPages' | 'failedPageCount'>,
  ): Promise<ManifestSummary> {
    if (this.page.length > 0) this.flush();
    await Promise.all(this.writes);
    if (this.entries > 0) {
      await this.guarded(() =>
        this.writer.writeHeader({
          ...header,
          runId: this.runId,
          deleted: {
            ...this.deleted,
            total: this.entries - this.unconfirmed,
            unconfirmed: this.unconfirmed,
          },
          pages: this.pages,
          failedPages: [...this.failedPages],
          failedPageCount: this.failedPageCount,
        }),
      );
    }
    return {
      pages: this.pages,
      entries: this.entries,
      ...(this.failure !== undefined && { failed: this.failure }),
    };
  }

  private flush(): void {
    const entries = this.page;
    this.page = [];
    this.pageBytes = 0;
    const page = ++this.pages;
    this.writes.push(
      this.guarded(
        () => this.writer.writePage(this.runId, page, entries),
        () => this.noteFailedPage(page),
      ),
    );
  }

  /** Keeps `page` among the lowest {@link FAILED_PAGES_RECORDED} failed pages (writes settle in any order). */
  private noteFailedPage(page: number): void {
    this.failedPageCount++;
    const list = this.failedPages;
    const at = list.findIndex((p) => p > page);
    list.splice(at === -1 ? list.length : at, 0, page);
    if (list.length > FAILED_PAGES_RECORDED) list.pop();
  }

  private async guarded(write: () => Promise<void>, onFailure?: () => void): Promise<void> {
    try {
      await write();
    } catch (error: unknown) {
      this.failure ??= `run manifest not fully written: ${errorText(error)}`;
      onFailure?.();
    }
  }
}
