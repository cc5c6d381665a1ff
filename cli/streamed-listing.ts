/**
 * The one way a command streams a listing (`runs show`, `report --list`,
 * `plan`, `export`, `owners export`): a start, each item as its source yields
 * it, an end, written through a `StreamWriter` (cli/stream-writer.ts), so
 * with backpressure and memory flat whatever the listing's size. A reader
 * closing the output early (`pc-hygiene … | head`) stops the listing quietly:
 * the items not read yet are never read. Any other write error stops it too,
 * thrown to the command: stdout's and stderr's the CLI has already reported
 * (`guardOutputs`), a file's is said as any other error. The start is
 * written once the first item is in hand, so an error opening the source (a
 * missing table, a file or a first page that cannot be read) leaves the
 * output empty. What is left to each command is its own: what it gathers
 * from the items, and what it says or cleans up afterwards.
 */
import { BrokenPipeError, StreamWriter } from './stream-writer';

/** A listing's text, in parts: what comes before the items, each item's, what comes after. */
export interface ListingParts<Item> {
  /** Written before the items, once the first is in hand (nothing when absent). */
  readonly start?: () => string;
  /** One item's text (`''` for none). */
  readonly item: (item: Item) => string;
  /** Written once the source has no more items (nothing when absent). */
  readonly end?: () => string;
}

/**
 * Writes the listing of `items` to `output` in `parts`, and releases the
 * source (`return()`) however the listing ends, so a scan stopped early
 * closes what it holds.
 * @returns `true` when the listing was written to its end; `false` when the reader closed the output first
 * @throws the output's write error (`isOutputError`), or the error reading `items` raised
 */
export async function writeStreamedListing<Item>(
  output: NodeJS.WritableStream,
  items: AsyncIterable<Item>,
  parts: ListingParts<Item>,
): Promise<boolean> {
  const out = new StreamWriter(output);
  const source = items[Symbol.asyncIterator]();
  try {
    // The start once the first item is in hand: an error opening the source leaves the output empty.
    let next = await source.next();
    if (parts.start !== undefined) await out.write(parts.start());
    for (; next.done !== true; next = await source.next()) await out.write(parts.item(next.value));
    if (parts.end !== undefined) await out.write(parts.end());
    return true;
  } catch (error: unknown) {
    if (error instanceof BrokenPipeError) return false;
    throw error;
  } finally {
    await source.return?.();
  }
}
