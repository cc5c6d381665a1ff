/**
 * Why: DynamoDB Local reports no `ConsumedCapacity` for PartiQL
 * `BatchExecuteStatement` (checked: the response carries none, with
 * `ReturnConsumedCapacity: TOTAL`), and both the sweep (transitions) and the
 * notifier (marks) write with batched PartiQL `UPDATE`s. Without this, the
 * bench would count those writes as free. Each successful `UPDATE` is billed
 * like the `UpdateItem` it equals: the larger of the item's size before and
 * after, in 1 KB units, plus the writes to the sparse `KEYS_ONLY` outbox index
 * (1 when the item enters or leaves the index, 2 when its sort key changes:
 * delete + put). Sizes are those of whole stored items, by the service's size
 * rules (DynamoDB Developer Guide, "DynamoDB item sizes and formats":
 * attribute names + values; lists and maps 3 bytes + 1 byte per element; the
 * one size rule is `cli/aws/item-limits.ts`, which `import` checks items
 * against), read by the bench outside the measurement: for the notifier by
 * the driver, before the child starts (a mark shrinks the item; its own reads
 * project a few attributes, so they cannot tell the size), after it for the
 * sweep (a transition grows the item: the larger size is the one after).
 */
import { itemSizeBytes } from '../cli/aws/item-limits';
import { TABLE_DEFINITION } from '../lambdas/aws/credential-table-definition';
import { OUTBOX_ATTR } from '../lambdas/hygiene/data-contract';

const KEY = TABLE_DEFINITION.partitionKey.name;

/** One PartiQL statement of a batch, as sent. */
interface Statement {
  readonly Statement?: string;
  readonly Parameters?: readonly unknown[];
}

/** The key of the item a `UPDATE ... WHERE "id" = ? ...` statement writes (its first WHERE parameter). */
export function updatedKey(statement: Statement): string | undefined {
  const text = statement.Statement ?? '';
  const where = text.indexOf(' WHERE ');
  if (!/^\s*UPDATE\b/i.test(text) || where < 0 || !text.slice(where).startsWith(` WHERE "${KEY}" = ?`)) {
    return undefined;
  }
  const setParameters = (text.slice(0, where).match(/\?/g) ?? []).length;
  // The document client's native value, or the low-level client's marshalled `{ S: ... }`.
  const key = statement.Parameters?.[setParameters] as unknown;
  if (typeof key === 'string') return key;
  const marshalled = (key as { S?: unknown } | undefined)?.S;
  return typeof marshalled === 'string' ? marshalled : undefined;
}

/**
 * Index writes of an `UPDATE` on the sparse outbox index: 1 when the item
 * leaves it (a mark removes the owner) or enters it (a transition creates the
 * outbox, `WHERE` it is missing), 2 when its sort key moves (a mark sets
 * `since` on an item that stays), 0 otherwise (an append keeps both keys).
 */
export function outboxIndexWrites(statement: Statement): number {
  const text = statement.Statement ?? '';
  if (text.includes(`REMOVE "${OUTBOX_ATTR.owner}"`)) return 1;
  if (text.includes(`"${OUTBOX_ATTR.events}" IS MISSING`)) return 1;
  if (text.includes(`SET "${OUTBOX_ATTR.since}"`)) return 2;
  return 0;
}

/** What pricing needs of one successful statement: the key of the item it wrote and its outbox-index writes. */
export interface PricedWrite {
  readonly key: string | undefined;
  readonly indexWrites: number;
}

/**
 * The successful statements of one `BatchExecuteStatement` (DynamoDB bills
 * only those), each reduced to what pricing needs: the meter keeps these, not
 * the statements with their parameters, until the measurement is over, so
 * the bench's bookkeeping does not grow the measured process's heap.
 */
export function pricedWrites(
  input: Readonly<Record<string, unknown>>,
  output: Readonly<Record<string, unknown>>,
): PricedWrite[] {
  const responses = (output.Responses ?? []) as { Error?: unknown }[];
  return ((input.Statements ?? []) as Statement[])
    .filter((_, i) => responses[i]?.Error === undefined)
    .map((statement) => ({ key: updatedKey(statement), indexWrites: outboxIndexWrites(statement) }));
}

/** Sizes of the stored items, and the write capacity of PartiQL batches estimated from them. */
export class PartiqlCapacityEstimator {
  private readonly sizes = new Map<string, number>();
  /** Successful statements whose item size is unknown (so not estimated). */
  unestimated = 0;

  /** Remembers the sizes of whole stored items (read outside the measurement); the larger size of a key is kept. */
  recordItems(items: Iterable<Readonly<Record<string, unknown>>>): void {
    for (const item of items) {
      const key = item[KEY];
      if (typeof key === 'string') this.recordSize(key, itemSizeBytes(item));
    }
  }

  /** Remembers item sizes already measured (bytes by key), as {@link recordItems} does. */
  recordSizes(sizes: Iterable<readonly [string, number]>): void {
    for (const [key, bytes] of sizes) this.recordSize(key, bytes);
  }

  private recordSize(key: string, bytes: number): void {
    this.sizes.set(key, Math.max(this.sizes.get(key) ?? 0, bytes));
  }

  /** The keys of `writes` whose size is not known yet. */
  unsizedKeys(writes: Iterable<PricedWrite>): string[] {
    const keys = new Set<string>();
    for (const { key } of writes) if (key !== undefined && !this.sizes.has(key)) keys.add(key);
    return [...keys];
  }

  /** The estimated WCU of `writes`: each item's size in started KB plus its index writes. */
  wcu(writes: Iterable<PricedWrite>): number {
    let wcu = 0;
    for (const { key, indexWrites } of writes) {
      const size = key === undefined ? undefined : this.sizes.get(key);
      if (size === undefined) {
        this.unestimated++;
        continue;
      }
      wcu += Math.max(1, Math.ceil(size / 1024)) + indexWrites;
    }
    return wcu;
  }
}
