/**
 * In-memory implementations of the sweep's ports, for unit tests: a table as
 * a Map, a segmented paginated scanner with resume, a transition writer that
 * follows the write contract (condition on the state read, exact updates,
 * outbox append), and a checkpoint store.
 */

import { actionChanges } from '../../../lambdas/hygiene/action-changes';
import { HYGIENE_ATTR, isReservedId, OUTBOX_ATTR } from '../../../lambdas/hygiene/data-contract';
import { DECISION_FIELDS, isDeletion } from '../../../lambdas/hygiene/policy';
import type {
  CheckpointStore,
  CredentialScanner,
  LoadedCheckpoint,
  RawItem,
  SavedCheckpoint,
  ScanCheckpoint,
  ScanPage,
  Transition,
  TransitionResult,
  TransitionWriter,
} from '../../../lambdas/hygiene/ports';
import { readCarriedPass } from '../../../lambdas/hygiene/sweep/pass';
import { formatInstant } from '../../../lambdas/hygiene/time';

/** The fields a transition's condition compares (the write contract). */
export const CONDITION_FIELDS = DECISION_FIELDS;

/** A table: items by id, deep-copied in and out so tests cannot alias them. */
export class MemoryTable {
  readonly items = new Map<string, Record<string, unknown>>();

  constructor(items: readonly Record<string, unknown>[] = []) {
    for (const item of items) this.put(item);
  }

  put(item: Record<string, unknown>): void {
    this.items.set(String(item.id), structuredClone(item));
  }

  get(id: string): Record<string, unknown> | undefined {
    const item = this.items.get(id);
    return item && structuredClone(item);
  }

  /** Every item, sorted by id (a stable export for before/after comparisons). */
  snapshot(): Record<string, unknown>[] {
    return [...this.items.keys()].sort().map((id) => structuredClone(this.items.get(id)!));
  }
}

/** Segment of an id: a stable hash, like DynamoDB's parallel scan. */
export function segmentOf(id: string, segments: number): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % segments;
}

/** Scans a {@link MemoryTable} in `segments` segments of `pageSize` items, round-robin across segments. */
export class MemoryScanner implements CredentialScanner {
  /** Pages yielded, in order (for assertions). */
  readonly yielded: ScanPage[] = [];
  /** Set once every segment was read to the end. */
  finished = false;

  constructor(
    private readonly table: MemoryTable,
    private readonly pageSize = 3,
    /** Called before each page is yielded (e.g. to change the table between read and write). */
    private readonly beforePage?: (page: ScanPage) => void,
  ) {}

  async *scan(options: { segments: number; resumeFrom?: ScanCheckpoint }): AsyncIterable<ScanPage> {
    const { segments, resumeFrom } = options;
    if (resumeFrom && resumeFrom.segments !== segments)
      throw new Error('segment count differs from checkpoint');
    const ids = [...this.table.items.keys()].sort();
    const queues = Array.from({ length: segments }, (_, s) => {
      const position = resumeFrom?.positions[s] ?? null;
      if (position === 'done') return [];
      const after = position === null ? undefined : String(position.id);
      return ids.filter((id) => segmentOf(id, segments) === s && (after === undefined || id > after));
    });
    let active = true;
    while (active) {
      active = false;
      for (const [segment, queue] of queues.entries()) {
        if (queue.length === 0) continue;
        active = true;
        const pageIds = queue.splice(0, this.pageSize);
        const items = pageIds
          .filter((id) => !isReservedId(id))
          .map((id) => this.table.get(id))
          .filter((item): item is Record<string, unknown> => item !== undefined);
        const last = pageIds.at(-1);
        const page: ScanPage = {
          segment,
          items,
          ...(queue.length > 0 && last !== undefined && { lastEvaluatedKey: { id: last } }),
        };
        this.beforePage?.(page);
        this.yielded.push(page);
        yield page;
      }
    }
    this.finished = true;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The outbox owner a write keeps, as the DynamoDB writers do
 * (`lambdas/aws/transition-write.ts`): the owner of notices already pending
 * (`hygieneOutboxOwner` as read), else the credential's owner. Events are
 * stored whole here, each naming its own owner, so a notice for a new owner
 * appended to an earlier owner's outbox still says whose it is.
 */
function outboxOwner(raw: Record<string, unknown>, credentialOwner: string): string {
  const pendingFor = raw[OUTBOX_ATTR.owner];
  return typeof pendingFor === 'string' && pendingFor !== '' ? pendingFor : credentialOwner;
}

/** Applies transitions to a {@link MemoryTable} per the write contract. */
export class MemoryWriter implements TransitionWriter {
  /** Every transition received, in order. */
  readonly received: Transition[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly table: MemoryTable,
    private readonly options: {
      /** Artificial latency per write (ms), to exercise concurrency. */
      readonly delayMs?: number;
      /** Called before the condition is checked (e.g. to throw, or to change the item). */
      readonly beforeWrite?: (transition: Transition) => void;
    } = {},
  ) {}

  async apply(transition: Transition): Promise<TransitionResult> {
    this.received.push(transition);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.options.delayMs !== undefined) await new Promise((r) => setTimeout(r, this.options.delayMs));
      else await Promise.resolve();
      this.options.beforeWrite?.(transition);
      return this.write(transition);
    } finally {
      this.inFlight--;
    }
  }

  private write(transition: Transition): TransitionResult {
    const { credential, actions, events, runId, now } = transition;
    const item = this.table.items.get(credential.id);
    if (item === undefined) return { status: 'skipped-changed', changed: ['(item gone)'] };
    if (item.deletedAt !== undefined) return { status: 'skipped-changed', changed: ['deletedAt'] };
    const changed = CONDITION_FIELDS.filter((f) => !sameValue(item[f], credential.raw[f]));
    if (changed.length > 0) return { status: 'skipped-changed', changed };
    const nowIso = formatInstant(now);
    // The same pure map of what each action writes as the DynamoDB writer (one data contract).
    for (const change of actionChanges(actions, { runId, now })) {
      if (change.kind === 'set') item[change.attribute] = change.value;
      else delete item[change.attribute];
    }
    if (actions.some(isDeletion) && transition.purgeAt !== undefined) {
      item[HYGIENE_ATTR.purgeAt] = transition.purgeAt;
    }
    if (events.length > 0) {
      const outbox = (item[OUTBOX_ATTR.events] as unknown[] | undefined) ?? [];
      item[OUTBOX_ATTR.events] = [...outbox, ...structuredClone(events)];
      item[OUTBOX_ATTR.owner] = outboxOwner(credential.raw, credential.userId);
      item[OUTBOX_ATTR.since] ??= nowIso;
    }
    return { status: 'applied' };
  }
}

/**
 * A stored checkpoint that is readable: JSON of a segment count and one
 * position per segment, and the pass's carried figures when present, read as
 * the DynamoDB store reads them (`readCarriedPass`: unusable ones make the
 * checkpoint unreadable). The DynamoDB store checks each position further
 * (`lambdas/aws/checkpoint-store.ts`); this is enough for a test double.
 */
function readCheckpoint(text: string): SavedCheckpoint | undefined {
  try {
    const value = JSON.parse(text) as (Partial<ScanCheckpoint> & { pass?: unknown }) | null;
    const { segments, positions } = value ?? {};
    const carried = readCarriedPass(value?.pass);
    if (
      typeof segments === 'number' &&
      Array.isArray(positions) &&
      positions.length === segments &&
      carried.ok
    )
      return { segments, positions, ...(carried.value && { pass: carried.value }) };
  } catch {
    // not JSON: unreadable
  }
  return undefined;
}

/**
 * Keeps one checkpoint in memory, as text like the DynamoDB store, and logs
 * every call. `clear` removes it only while it is the text `load` returned
 * (a newer one saved meanwhile stays); an unreadable text is loaded as
 * `resumeFrom: undefined` and reported to `onInvalid`.
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly calls: string[] = [];
  /** The stored text; `undefined` when none is stored. */
  stored: string | undefined;

  constructor(
    checkpoint?: SavedCheckpoint,
    private readonly onInvalid?: (text: string) => void,
  ) {
    this.stored = checkpoint && JSON.stringify(checkpoint);
  }

  /** The stored checkpoint, when there is one and it is readable. */
  get checkpoint(): SavedCheckpoint | undefined {
    return this.stored === undefined ? undefined : readCheckpoint(this.stored);
  }

  async load(): Promise<LoadedCheckpoint | undefined> {
    this.calls.push('load');
    if (this.stored === undefined) return undefined;
    const resumeFrom = readCheckpoint(this.stored);
    if (resumeFrom === undefined) this.onInvalid?.(this.stored);
    return { resumeFrom, stored: this.stored };
  }

  async save(checkpoint: SavedCheckpoint): Promise<void> {
    this.calls.push('save');
    this.stored = JSON.stringify(checkpoint);
  }

  async clear(loaded: LoadedCheckpoint): Promise<boolean> {
    this.calls.push('clear');
    if (this.stored === undefined || this.stored !== loaded.stored) return false;
    this.stored = undefined;
    return true;
  }
}

/** A raw item of the table. */
export type Item = RawItem;
