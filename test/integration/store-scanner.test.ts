/**
 * The credential scanner (lambdas/aws/credential-scanner.ts; docs/sweep.md, "Phases", "Time budget and checkpoint")
 * on DynamoDB Local: a parallel scan over N segments reads every item exactly once, in pages, without reserved ids
 * unless asked (export); pages stream, one read ahead and no further, a failed read-ahead surfacing where its page
 * is read; a checkpoint resumes where it stopped and skips finished segments, and one taken with another segment
 * count is refused; a read error (an unknown table) propagates.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCredentialScanner, ScanCheckpointMismatchError } from '../../lambdas/aws/credential-scanner';
import { RESERVED_ID_PREFIX } from '../../lambdas/hygiene/data-contract';
import type { ScanCheckpoint, ScanPage } from '../../lambdas/hygiene/ports';
import { putItems } from '../support/items';
import { createTestTable, type TestTable } from '../support/test-table';

const ITEM_COUNT = 240;
const ids = Array.from({ length: ITEM_COUNT }, (_, i) => `pc-${String(i).padStart(4, '0')}`);

function advance(checkpoint: ScanCheckpoint, page: ScanPage): ScanCheckpoint {
  const positions = [...checkpoint.positions];
  positions[page.segment] = page.lastEvaluatedKey ?? 'done';
  return { segments: checkpoint.segments, positions };
}

function countingClient(client: DynamoDBDocumentClient): {
  client: DynamoDBDocumentClient;
  calls: () => number;
} {
  let calls = 0;
  const counting = {
    send: (...args: Parameters<DynamoDBDocumentClient['send']>) => {
      calls++;
      return client.send(...args);
    },
  } as unknown as DynamoDBDocumentClient;
  return { client: counting, calls: () => calls };
}

describe('DynamoDbCredentialScanner', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable(undefined, 'store-scanner');
    await putItems(table.client, table.tableName, [
      ...ids.map((id) => ({ id, userId: 'u-1', createdAt: '2026-01-01T00:00:00Z' })),
      { id: `${RESERVED_ID_PREFIX}checkpoint`, positions: [] },
      { id: `${RESERVED_ID_PREFIX}other`, note: 'reserved' },
    ]);
  });
  afterAll(() => table.drop());

  it('reads every item exactly once over N segments, in pages, skipping reserved ids', async () => {
    const scanner = new DynamoDbCredentialScanner(table.client, table.tableName, { pageSize: 10 });
    const seen: string[] = [];
    const segmentsSeen = new Set<number>();
    let pages = 0;
    for await (const page of scanner.scan({ segments: 4 })) {
      pages++;
      segmentsSeen.add(page.segment);
      expect(page.items.length).toBeLessThanOrEqual(10);
      seen.push(...page.items.map((item) => String(item.id)));
    }
    expect(seen.toSorted()).toEqual(ids);
    expect([...segmentsSeen].toSorted()).toEqual([0, 1, 2, 3]);
    expect(pages).toBeGreaterThanOrEqual(ITEM_COUNT / 10);
  });

  it('includes reserved items when asked (export)', async () => {
    const scanner = new DynamoDbCredentialScanner(table.client, table.tableName, { includeReserved: true });
    const seen: string[] = [];
    for await (const page of scanner.scan({ segments: 2 })) seen.push(...page.items.map((i) => String(i.id)));
    expect(seen).toHaveLength(ITEM_COUNT + 2);
    expect(seen.filter((id) => id.startsWith(RESERVED_ID_PREFIX))).toHaveLength(2);
  });

  it('streams: the first page arrives before the table is read, and breaking off stops reading', async () => {
    const counting = countingClient(table.client);
    const scanner = new DynamoDbCredentialScanner(counting.client, table.tableName, { pageSize: 5 });
    let callsAtFirstPage = 0;
    for await (const page of scanner.scan({ segments: 3 })) {
      expect(page.items.length).toBeGreaterThan(0);
      callsAtFirstPage = counting.calls();
      break;
    }
    // At most two pages per segment requested (one read, one read ahead): far fewer than the ~48 pages of the table.
    expect(callsAtFirstPage).toBeLessThanOrEqual(6);
    expect(counting.calls()).toBeLessThanOrEqual(6);
  });

  it('reads one page ahead, and no further, while the caller works on a page', async () => {
    const counting = countingClient(table.client);
    const scanner = new DynamoDbCredentialScanner(counting.client, table.tableName, { pageSize: 5 });
    const callsPerPage: number[] = [];
    for await (const _page of scanner.scan({ segments: 1 })) {
      // Give a read-ahead beyond the next page every chance to start.
      await new Promise((resolve) => setTimeout(resolve, 20));
      callsPerPage.push(counting.calls());
      if (callsPerPage.length === 3) break;
    }
    // When page n is handed out, page n + 1 is already requested: n + 1 requests, never more.
    expect(callsPerPage).toEqual([2, 3, 4]);
    expect(counting.calls()).toBe(4);
  });

  it('a page read ahead that fails surfaces where it is read, not before', async () => {
    let calls = 0;
    const failing = {
      send: (...args: Parameters<DynamoDBDocumentClient['send']>) => {
        calls++;
        return calls === 2
          ? Promise.reject(new Error('throttled after retries'))
          : table.client.send(...args);
      },
    } as unknown as DynamoDBDocumentClient;
    const scanner = new DynamoDbCredentialScanner(failing, table.tableName, { pageSize: 5 });
    const pagesRead: number[] = [];
    const reading = (async () => {
      for await (const page of scanner.scan({ segments: 1 })) {
        // The failed read ahead has settled by now; it must not surface as an unhandled rejection.
        await new Promise((resolve) => setTimeout(resolve, 20));
        pagesRead.push(page.items.length);
      }
    })();
    await expect(reading).rejects.toThrow('throttled after retries');
    expect(pagesRead).toEqual([5]);
  });

  it('resumes from a checkpoint: the two runs together read every item exactly once', async () => {
    const scanner = new DynamoDbCredentialScanner(table.client, table.tableName, { pageSize: 7 });
    let checkpoint: ScanCheckpoint = { segments: 3, positions: [null, null, null] };
    const first: string[] = [];
    let pages = 0;
    for await (const page of scanner.scan({ segments: 3 })) {
      first.push(...page.items.map((i) => String(i.id)));
      checkpoint = advance(checkpoint, page);
      if (++pages === 8) break;
    }
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(ITEM_COUNT);

    const second: string[] = [];
    for await (const page of scanner.scan({ segments: 3, resumeFrom: checkpoint })) {
      second.push(...page.items.map((i) => String(i.id)));
      checkpoint = advance(checkpoint, page);
    }
    expect([...first, ...second].toSorted()).toEqual(ids);
    expect(checkpoint.positions).toEqual(['done', 'done', 'done']);
  });

  it('skips segments a checkpoint marks done', async () => {
    const scanner = new DynamoDbCredentialScanner(table.client, table.tableName);
    const all = new Map<number, string[]>();
    for await (const page of scanner.scan({ segments: 2 })) {
      all.set(page.segment, [...(all.get(page.segment) ?? []), ...page.items.map((i) => String(i.id))]);
    }
    const resumed: string[] = [];
    for await (const page of scanner.scan({
      segments: 2,
      resumeFrom: { segments: 2, positions: ['done', null] },
    })) {
      expect(page.segment).toBe(1);
      resumed.push(...page.items.map((i) => String(i.id)));
    }
    expect(resumed.toSorted()).toEqual((all.get(1) ?? []).toSorted());
  });

  it('refuses a checkpoint taken with another segment count', () => {
    const scanner = new DynamoDbCredentialScanner(table.client, table.tableName);
    expect(() => scanner.scan({ segments: 4, resumeFrom: { segments: 2, positions: [null, null] } })).toThrow(
      ScanCheckpointMismatchError,
    );
    expect(() => scanner.scan({ segments: 0 })).toThrow(RangeError);
  });

  it('propagates a read error (unknown table)', async () => {
    const scanner = new DynamoDbCredentialScanner(table.client, `${table.tableName}-missing`);
    const read = async () => {
      for await (const _ of scanner.scan({ segments: 2 })) {
        // nothing to read
      }
    };
    await expect(read()).rejects.toThrow(/non-existent table|not found|ResourceNotFound/i);
  });
});
