import { describe, expect, it } from 'vitest';
import { applyWithConcurrency } from '../../lambdas/aws/transition-writer';
import type { Transition, TransitionResult, TransitionWriter } from '../../lambdas/hygiene/ports';

/** A writer whose writes complete only when the test releases them. */
class GatedWriter implements TransitionWriter {
  inFlight = 0;
  maxInFlight = 0;
  readonly applied: string[] = [];
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly failOn?: string) {}

  async apply(transition: Transition): Promise<TransitionResult> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight--;
    if (transition.credential.id === this.failOn) throw new Error(`write of ${this.failOn} failed`);
    this.applied.push(transition.credential.id);
    return { status: 'applied' };
  }

  /** Lets every pending write finish, until none is left. */
  async drain(): Promise<void> {
    for (let round = 0; round < 1_000; round++) {
      await new Promise((resolve) => setImmediate(resolve));
      const batch = this.waiting.splice(0);
      if (batch.length === 0 && this.inFlight === 0) return;
      for (const release of batch) release();
    }
  }
}

const transitions = (count: number): Transition[] =>
  Array.from({ length: count }, (_, i) => ({
    credential: { id: `pc-${i}` } as Transition['credential'],
    actions: [],
    events: [],
    runId: 'r',
    now: 0,
  }));

describe('applyWithConcurrency', () => {
  it('never has more than `concurrency` writes in flight, and applies every transition', async () => {
    const writer = new GatedWriter();
    const results: string[] = [];
    const done = applyWithConcurrency(writer, transitions(20), {
      concurrency: 3,
      onResult: (t) => results.push(t.credential.id),
    });
    await writer.drain();
    expect(await done).toBe(20);
    expect(writer.maxInFlight).toBe(3);
    expect(results.toSorted()).toEqual(
      transitions(20)
        .map((t) => t.credential.id)
        .toSorted(),
    );
  });

  it('starts no new write once shouldStop() is true', async () => {
    const writer = new GatedWriter();
    let stop = false;
    const done = applyWithConcurrency(writer, transitions(20), {
      concurrency: 2,
      onResult: () => {
        stop = true;
      },
      shouldStop: () => stop,
    });
    await writer.drain();
    // The two writes in flight when the first finished complete; nothing else starts.
    expect(await done).toBe(2);
    expect(writer.applied).toHaveLength(2);
  });

  it('propagates a write error after in-flight writes settle, starting no new ones', async () => {
    const writer = new GatedWriter('pc-1');
    const failure = applyWithConcurrency(writer, transitions(20), { concurrency: 2 }).catch(
      (e: unknown) => e,
    );
    await writer.drain();
    expect(await failure).toEqual(new Error('write of pc-1 failed'));
    // pc-2 started when pc-0 finished, before pc-1 failed; nothing started after the failure.
    expect(writer.applied).toEqual(['pc-0', 'pc-2']);
  });
});
