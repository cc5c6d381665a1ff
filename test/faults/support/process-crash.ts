/**
 * A simulated process crash at the k-th write: wrappers around the sweep's and
 * the notifier's ports route every write (transition, checkpoint, drain lease,
 * mark, lease release, publish) through one {@link ProcessCrash}, which lets the k-th one
 * fail *before* it reaches the store (never made) or *after* (made, but the
 * process dies before it learns so). From then on the process is dead: every
 * further read or write of that process throws, as nothing runs after a crash.
 */
import type { OutgoingMessage } from '../../../lambdas/hygiene/message';
import type { NotifierDeps } from '../../../lambdas/hygiene/notifier';
import type {
  LeaseRequest,
  MarkOutcome,
  MarkRequest,
  NotificationPublisher,
  OutboxStore,
} from '../../../lambdas/hygiene/outbox-ports';
import type {
  CheckpointStore,
  CredentialScanner,
  LoadedCheckpoint,
  ScanCheckpoint,
  Transition,
  TransitionWriter,
} from '../../../lambdas/hygiene/ports';
import type { SweepDeps } from '../../../lambdas/hygiene/sweep';

/** Where the crash happens relative to the chosen write. */
export type CrashTiming = 'before' | 'after';

/** The injected crash itself. */
export class InjectedCrashError extends Error {
  override readonly name = 'InjectedCrashError';
}

/** Any call a dead process still attempts. */
export class ProcessDeadError extends Error {
  override readonly name = 'ProcessDeadError';
}

/** The write the crash hit. */
export interface CrashPoint {
  readonly write: number;
  readonly timing: CrashTiming;
  /** `transition`, `checkpoint-load`, `lease`, `mark-sent`, `lease-release`, `publish`, ... */
  readonly operation: string;
  /** The credential id, or what the write was about. */
  readonly target: string;
}

/** One process's life: counts its writes and dies at the chosen one. */
export class ProcessCrash {
  private writes = 0;
  private dead = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Set once the crash fired. */
  crashed: CrashPoint | undefined;
  /** Every write attempted, in order (operation and target). */
  readonly log: string[] = [];

  /**
   * @param crashAt the 1-based write to crash at (`Infinity`: never, to count a clean run's writes)
   * @param timing before the write is made, or after it was made
   */
  constructor(
    readonly crashAt: number,
    readonly timing: CrashTiming,
  ) {}

  /** Writes attempted so far. */
  get writeCount(): number {
    return this.writes;
  }

  get isDead(): boolean {
    return this.dead;
  }

  /** Throws when the process is dead (reads call this too). */
  alive(what: string): void {
    if (this.dead) throw new ProcessDeadError(`process already crashed; ${what} never ran`);
  }

  /** Runs one write, crashing at the chosen one. */
  async write<T>(operation: string, target: string, perform: () => Promise<T>): Promise<T> {
    this.alive(`${operation} ${target}`);
    const write = ++this.writes;
    this.log.push(`${operation} ${target}`);
    const crashHere = write === this.crashAt;
    if (crashHere && this.timing === 'before') this.die({ write, timing: 'before', operation, target });
    const pending = perform();
    this.inFlight.add(pending);
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await pending };
    } catch (error: unknown) {
      // A write that failed (e.g. a failed condition) is still a boundary: the crash comes after its answer.
      outcome = { ok: false, error };
    } finally {
      this.inFlight.delete(pending);
    }
    if (crashHere) this.die({ write, timing: 'after', operation, target });
    // The process died while this write was in flight: the write happened, nobody sees its result.
    this.alive(`the caller of ${operation} ${target}`);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** Waits until every write that reached the store has finished (a crash does not cancel them). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private die(point: CrashPoint): never {
    this.dead = true;
    this.crashed = point;
    throw new InjectedCrashError(`injected crash ${point.timing} write ${point.write} (${point.operation})`);
  }
}

/** The sweep's ports, with every write and read going through `crash`. */
export function crashingSweepDeps(deps: SweepDeps, crash: ProcessCrash): SweepDeps {
  const scanner: CredentialScanner = {
    async *scan(options) {
      for await (const page of deps.scanner.scan(options)) {
        crash.alive('the scan');
        yield page;
      }
    },
  };
  const writer: TransitionWriter = {
    apply: (transition: Transition) =>
      crash.write('transition', transition.credential.id, () => deps.writer.apply(transition)),
  };
  const inner = deps.checkpoints;
  const checkpoints: CheckpointStore | undefined = inner && {
    // The checkpoint load is an UpdateItem too (it bumps a counter).
    load: () => crash.write('checkpoint-load', 'checkpoint', () => inner.load()),
    save: (checkpoint: ScanCheckpoint) =>
      crash.write('checkpoint-save', 'checkpoint', () => inner.save(checkpoint)),
    clear: (loaded: LoadedCheckpoint) =>
      crash.write('checkpoint-clear', 'checkpoint', () => inner.clear(loaded)),
  };
  return { ...deps, scanner, writer, ...(checkpoints && { checkpoints }) };
}

/** The notifier's ports, with every write and read going through `crash`. */
export function crashingNotifierDeps(deps: NotifierDeps, crash: ProcessCrash): NotifierDeps {
  const inner = deps.outbox;
  const outbox: OutboxStore = {
    async *pending() {
      for await (const page of inner.pending()) {
        crash.alive('the outbox read');
        yield page;
      }
    },
    acquireLease: (request: LeaseRequest) =>
      crash.write('lease', request.drainId, () => inner.acquireLease(request)),
    releaseLease: (drainId: string) =>
      crash.write('lease-release', drainId, () => inner.releaseLease(drainId)),
    read: (ids: readonly string[]) => {
      crash.alive('the outbox read');
      return inner.read(ids);
    },
    markSent: (requests: readonly MarkRequest[]): Promise<readonly MarkOutcome[]> =>
      crash.write('mark-sent', requests.map((r) => r.item.credentialId).join(','), () =>
        inner.markSent(requests),
      ),
  };
  const publisher: NotificationPublisher = {
    limits: deps.publisher.limits,
    publishBatch: (messages: readonly OutgoingMessage[]) =>
      crash.write('publish', `${messages.length} entries`, () => deps.publisher.publishBatch(messages)),
  };
  return { ...deps, outbox, publisher };
}
