/**
 * The sweep use case (lambdas/hygiene/sweep.ts; docs/sweep.md, "Phases", "Modes", "Time budget and checkpoint",
 * "Write failures"), pure, over in-memory scanner, writer and checkpoint store: each rule applied and nothing else,
 * owner events in the same write, deletions only after the whole scan, a second run idempotent, bounded write
 * concurrency, reserved items skipped; changed items skipped, failed writes recorded, an abort past too many; audit
 * writes nothing; the guard withholds deletions; the time budget stops at a page boundary and the checkpoint
 * resumes.
 */
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { OUTBOX_ATTR, RESERVED_ID_PREFIX } from '../../lambdas/hygiene/data-contract';
import { DECISION_FIELDS } from '../../lambdas/hygiene/policy';
import {
  compactCredential,
  compactRecord,
  createRunId,
  expandRecord,
  purgeAt,
  runSweep,
  SweepAbortedError,
  type SweepDeps,
  type SweepOptions,
} from '../../lambdas/hygiene/sweep';
import { credential, days, NOW, oneOfEachRule } from './support/credentials';
import {
  MemoryCheckpointStore,
  MemoryScanner,
  MemoryTable,
  MemoryWriter,
  segmentOf,
} from './support/memory-ports';

const config = parseConfig({ maxDeletePercent: 100, scanSegments: 2, writeConcurrency: 4 });

/** What oneOfEachRule() plans (and, unguarded, applies): one of each action but the orphan rule's. */
const ONE_OF_EACH_ACTION = {
  'notify-expiry': 1,
  'delete-expired': 1,
  'flag-stale': 1,
  'delete-stale': 1,
  'unflag-stale': 1,
};

function options(overrides: Partial<SweepOptions> = {}): SweepOptions {
  return { config, now: NOW, runId: 'run-1', mode: 'enforce', ...overrides };
}

function setup(items = oneOfEachRule(), pageSize = 3) {
  const table = new MemoryTable(items);
  const scanner = new MemoryScanner(table, pageSize);
  const writer = new MemoryWriter(table);
  return { table, scanner, writer };
}

describe('runSweep in enforce mode', () => {
  it('applies each rule to the table and leaves everything else alone', async () => {
    const { table, scanner, writer } = setup();
    const before = table.snapshot();

    const summary = await runSweep({ clock: Date.now, scanner, writer }, options());

    expect(table.get('b-expired')).toMatchObject({
      deletedAt: days(0),
      updatedAt: days(0),
      hygieneDeletedReason: 'expired',
      hygieneDeletedByRun: 'run-1',
    });
    expect(table.get('c-expiring')).toMatchObject({
      hygieneExpiryNoticeStage: 7,
      hygieneExpiryNoticeFor: days(5),
    });
    expect(table.get('d-stale')).toMatchObject({
      hygieneStaleFlaggedAt: days(0),
      hygieneStaleDeleteAfter: days(14),
    });
    expect(table.get('e-flagged-due')).toMatchObject({ deletedAt: days(0), hygieneDeletedReason: 'stale' });
    expect(table.get('f-used-again')).not.toHaveProperty('hygieneStaleFlaggedAt');
    expect(table.get('f-used-again')).not.toHaveProperty('hygieneStaleDeleteAfter');
    for (const id of ['a-healthy', 'g-deleted', 'h-exempt', 'i-invalid']) {
      expect(table.get(id)).toEqual(before.find((i) => i.id === id));
    }
    expect(summary).toMatchObject({
      status: 'complete',
      scanned: 9,
      valid: 8,
      alreadyDeleted: 1,
      activeValid: 7,
      exempt: 1,
      unchanged: 2,
      planned: ONE_OF_EACH_ACTION,
      applied: ONE_OF_EACH_ACTION,
      deletions: { expired: 1, stale: 1, applied: 2, blockedByGuard: 0, deferred: 0, skippedChanged: 0 },
      guard: { tripped: false, plannedDeletes: 2, activeValid: 7 },
    });
    expect(summary.invalid.records).toEqual([
      {
        id: 'i-invalid',
        userId: 'user-i',
        problems: [expect.stringMatching(/^expiresTime: .*without a time/)],
      },
    ]);
  });

  it('queues owner events in the same write, counted per type and per owner', async () => {
    const { table, scanner, writer } = setup();

    const summary = await runSweep({ clock: Date.now, scanner, writer }, options());

    expect(table.get('c-expiring')?.[OUTBOX_ATTR.events]).toEqual([
      expect.objectContaining({
        type: 'expiry-warning',
        stageDays: 7,
        credentialId: 'c-expiring',
        runId: 'run-1',
      }),
    ]);
    expect(table.get('c-expiring')?.[OUTBOX_ATTR.owner]).toBe('user-c');
    expect(table.get('f-used-again')).not.toHaveProperty(OUTBOX_ATTR.events); // unflagging is silent
    expect(summary.events).toMatchObject({
      queued: true,
      total: 4,
      perType: { 'expiry-warning': 1, 'stale-warning': 1, 'deleted-expired': 1, 'deleted-stale': 1 },
      owners: 4,
    });
    expect(summary.events.perOwner.map((o) => o.userId).sort()).toEqual([
      'user-b',
      'user-c',
      'user-d',
      'user-e',
    ]);
  });

  it('writes deletions only after the whole table was scanned', async () => {
    const table = new MemoryTable(oneOfEachRule());
    const scanner = new MemoryScanner(table, 1);
    const deletionsBeforeScanEnd: string[] = [];
    const writer = new MemoryWriter(table, {
      beforeWrite: (t) => {
        if (t.actions.some((a) => a.type.startsWith('delete')) && !scanner.finished)
          deletionsBeforeScanEnd.push(t.credential.id);
      },
    });

    await runSweep({ clock: Date.now, scanner, writer }, options());

    expect(writer.received.filter((t) => t.actions.some((a) => a.type.startsWith('delete')))).toHaveLength(2);
    expect(deletionsBeforeScanEnd).toEqual([]);
  });

  it('sets hygienePurgeAt on deletions only when purgeAfterDays is configured', async () => {
    const { table, scanner, writer } = setup();

    await runSweep(
      { clock: Date.now, scanner, writer },
      options({ config: { ...config, purgeAfterDays: 30 } }),
    );

    expect(table.get('b-expired')?.hygienePurgeAt).toBe(Math.floor(NOW / 1000) + 30 * 86_400);
    expect(table.get('c-expiring')).not.toHaveProperty('hygienePurgeAt');
    const again = setup();
    await runSweep({ clock: Date.now, scanner: again.scanner, writer: again.writer }, options());
    expect(again.table.get('b-expired')).not.toHaveProperty('hygienePurgeAt');
  });

  it('changes nothing when run a second time with the same now', async () => {
    const { table, scanner, writer } = setup();
    await runSweep({ clock: Date.now, scanner, writer }, options());
    const afterFirst = table.snapshot();

    const second = await runSweep(
      { clock: Date.now, scanner, writer: new MemoryWriter(table) },
      options({ runId: 'run-2' }),
    );

    expect(table.snapshot()).toEqual(afterFirst);
    expect(Object.values(second.planned).every((n) => n === 0)).toBe(true);
    expect(second.alreadyDeleted).toBe(3);
  });

  it('writes no events when the run does not notify owners', async () => {
    const { table, scanner, writer } = setup();

    const summary = await runSweep({ clock: Date.now, scanner, writer }, options({ notifyOwners: false }));

    expect(writer.received.every((t) => t.events.length === 0)).toBe(true);
    expect(table.get('c-expiring')).not.toHaveProperty(OUTBOX_ATTR.events);
    expect(summary.events).toMatchObject({ queued: false, total: 0 });
    expect(summary.applied['notify-expiry']).toBe(1);
  });

  it('keeps at most writeConcurrency writes in flight', async () => {
    const items = Array.from({ length: 40 }, (_, i) =>
      credential(`x${String(i).padStart(2, '0')}`, { expiresTime: days(5) }),
    );
    const table = new MemoryTable(items);
    const writer = new MemoryWriter(table, { delayMs: 2 });

    const summary = await runSweep(
      { clock: Date.now, scanner: new MemoryScanner(table, 5), writer },
      options({ config: { ...config, writeConcurrency: 3 } }),
    );

    expect(summary.applied['notify-expiry']).toBe(40);
    expect(writer.maxInFlight).toBe(3);
  });

  it('skips the worker’s reserved items', async () => {
    const { table, scanner, writer } = setup([
      credential('a-expired', { expiresTime: days(-1) }),
      { id: `${RESERVED_ID_PREFIX}sweep-checkpoint`, hygieneCheckpoint: '{}' },
    ]);
    // The scanner skips reserved ids too; feed one through a scanner that does not.
    const leaky = {
      async *scan() {
        yield { segment: 0, items: [...table.items.values()] };
      },
    };

    const summary = await runSweep(
      { clock: Date.now, scanner: leaky, writer },
      options({ config: { ...config, scanSegments: 1 } }),
    );

    expect(summary).toMatchObject({ scanned: 1, valid: 1, invalid: { count: 0 } });
    expect(scanner.yielded).toEqual([]);
  });
});

describe('runSweep with changed items and failing writes', () => {
  it('counts a credential changed between read and write as skipped, without retrying', async () => {
    const { table, scanner } = setup();
    const writer = new MemoryWriter(table, {
      beforeWrite: (t) => {
        if (t.credential.id === 'b-expired')
          table.put({ ...table.get('b-expired')!, expiresTime: days(300) });
        if (t.credential.id === 'e-flagged-due')
          table.put({ ...table.get('e-flagged-due')!, lastUsedAt: days(0) });
      },
    });

    const summary = await runSweep({ clock: Date.now, scanner, writer }, options());

    expect(table.get('b-expired')).not.toHaveProperty('deletedAt');
    expect(table.get('e-flagged-due')).not.toHaveProperty('deletedAt');
    expect(summary.skippedChanged.records).toEqual(
      expect.arrayContaining([
        { id: 'b-expired', changed: ['expiresTime'] },
        { id: 'e-flagged-due', changed: ['lastUsedAt'] },
      ]),
    );
    expect(summary.deletions).toMatchObject({ applied: 0, skippedChanged: 2 });
    expect(writer.received.filter((t) => t.credential.id === 'b-expired')).toHaveLength(1);
    expect(summary.events.perType['deleted-expired']).toBe(0);
  });

  it('records a failed write and carries on', async () => {
    const { table, scanner } = setup();
    const writer = new MemoryWriter(table, {
      beforeWrite: (t) => {
        if (t.credential.id === 'c-expiring')
          throw Object.assign(new Error('boom'), { name: 'InternalServerError' });
      },
    });

    const summary = await runSweep({ clock: Date.now, scanner, writer }, options());

    expect(summary.failed).toEqual({
      count: 1,
      records: [{ id: 'c-expiring', error: 'InternalServerError: boom' }],
      omitted: 0,
    });
    expect(summary.status).toBe('complete');
    expect(summary.applied['delete-expired']).toBe(1);
  });

  it('aborts without deleting anything once too many writes failed', async () => {
    const { table, scanner } = setup();
    const writer = new MemoryWriter(table, {
      beforeWrite: (t) => {
        if (!t.actions.some((a) => a.type.startsWith('delete'))) throw new Error('AccessDenied');
      },
    });

    const run = runSweep({ clock: Date.now, scanner, writer }, options({ maxWriteFailures: 1 }));

    await expect(run).rejects.toBeInstanceOf(SweepAbortedError);
    // The second failure (more than maxWriteFailures 1) aborts the run: the third notice is never attempted.
    await expect(run).rejects.toMatchObject({ summary: { failed: { count: 2 }, status: 'aborted' } });
    expect(table.get('b-expired')).not.toHaveProperty('deletedAt');
  });
});

describe('runSweep in audit mode', () => {
  it('writes nothing and reports what enforce would do', async () => {
    const { table, scanner, writer } = setup();
    const checkpoints = new MemoryCheckpointStore({ segments: 2, positions: ['done', null] });
    const before = table.snapshot();

    const summary = await runSweep(
      { clock: Date.now, scanner, writer, checkpoints },
      options({ mode: 'audit' }),
    );

    expect(table.snapshot()).toEqual(before);
    expect(writer.received).toEqual([]);
    expect(checkpoints.calls).toEqual([]);
    expect(summary).toMatchObject({
      mode: 'audit',
      notifyOwners: false,
      scanned: 9,
      applied: ONE_OF_EACH_ACTION,
      events: { queued: false, total: 4 },
    });
    expect(summary).not.toHaveProperty('checkpoint');
  });
});

describe('runSweep guard', () => {
  const strict = { ...config, maxDeletePercent: 10 };

  it('makes no deletion when the guard trips, but still applies the rest', async () => {
    const { table, scanner, writer } = setup();

    const summary = await runSweep({ clock: Date.now, scanner, writer }, options({ config: strict }));

    expect(table.get('b-expired')).not.toHaveProperty('deletedAt');
    expect(table.get('e-flagged-due')).not.toHaveProperty('deletedAt');
    expect(table.get('c-expiring')).toHaveProperty('hygieneExpiryNoticeStage', 7);
    expect(table.get('d-stale')).toHaveProperty('hygieneStaleFlaggedAt');
    expect(summary.guard).toMatchObject({
      tripped: true,
      overridden: false,
      deletionsAllowed: false,
      plannedDeletes: 2,
      activeValid: 7,
      maxDeletePercent: 10,
    });
    expect(summary.deletions).toMatchObject({ applied: 0, blockedByGuard: 2 });
    expect(summary.applied).toMatchObject({ 'delete-expired': 0, 'delete-stale': 0, 'notify-expiry': 1 });
    expect(summary.events.perType).toMatchObject({
      'deleted-expired': 0,
      'deleted-stale': 0,
      'expiry-warning': 1,
    });
  });

  it('deletes anyway when the operator overrides it for the run', async () => {
    const { table, scanner, writer } = setup();

    const summary = await runSweep(
      { clock: Date.now, scanner, writer },
      options({ config: strict, allowMassDelete: true }),
    );

    expect(table.get('b-expired')).toHaveProperty('deletedAt', days(0));
    expect(summary.guard).toMatchObject({ tripped: true, overridden: true, deletionsAllowed: true });
    expect(summary.deletions.applied).toBe(2);
  });

  it('an overridden run writes its deletions as it plans them, during the scan; otherwise they wait for it to end', async () => {
    const items = Array.from({ length: 12 }, (_, i) =>
      credential(`c${String(i).padStart(2, '0')}`, { expiresTime: days(i % 2 === 0 ? -1 : 5) }),
    );
    const deletionTimes = async (allowMassDelete: boolean) => {
      const table = new MemoryTable(items);
      const scanner = new MemoryScanner(table, 2);
      const whileScanning: boolean[] = [];
      const writer = new MemoryWriter(table, {
        beforeWrite: (t) => {
          if (t.actions.some((a) => a.type === 'delete-expired')) whileScanning.push(!scanner.finished);
        },
      });
      const phases = new Set<string>();
      const told: string[] = [];
      const summary = await runSweep(
        {
          clock: Date.now,
          scanner,
          writer,
          onProgress: (p) => phases.add(p.phase),
          onDeletion: (d) => told.push(d.verdict),
        },
        options({ config: { ...config, scanSegments: 1, writeConcurrency: 1 }, allowMassDelete }),
      );
      expect(summary.deletions.applied).toBe(6);
      expect(table.snapshot().filter((i) => i.deletedAt !== undefined)).toHaveLength(6);
      expect(told).toEqual(Array(6).fill('allowed'));
      return { whileScanning, phases: [...phases] };
    };

    const overridden = await deletionTimes(true);
    expect(overridden.whileScanning.filter(Boolean).length).toBeGreaterThanOrEqual(5);
    expect(overridden.phases).toEqual(['scan']);
    const guarded = await deletionTimes(false);
    expect(guarded.whileScanning).toEqual(Array(6).fill(false));
    expect(guarded.phases).toEqual(['scan', 'delete']);
  });

  it('trips in audit mode too, so the dry run shows what enforce would refuse', async () => {
    const { scanner, writer } = setup();

    const summary = await runSweep(
      { clock: Date.now, scanner, writer },
      options({ config: strict, mode: 'audit' }),
    );

    expect(summary.guard.tripped).toBe(true);
    expect(summary.applied['delete-expired']).toBe(0);
  });
});

describe('runSweep with a time budget', () => {
  it('fails with the scan error when the scan cannot start, leaving no failed checkpoint load unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const checkpoints = new MemoryCheckpointStore();
      checkpoints.load = () => Promise.reject(new Error('checkpoint load failed'));
      const scanner = {
        scan(): AsyncIterable<never> {
          throw new RangeError('segments must be an integer from 1 to 1000000, got 0');
        },
      };
      const running = runSweep(
        { clock: Date.now, scanner, writer: new MemoryWriter(new MemoryTable([])), checkpoints },
        options(),
      );
      await expect(running).rejects.toThrow(RangeError);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reads the first pages while the checkpoint loads, and drops them unplanned when one is found', async () => {
    const items = Array.from({ length: 12 }, (_, i) =>
      credential(`r${String(i).padStart(2, '0')}`, { expiresTime: days(5) }),
    );
    const table = new MemoryTable(items);
    const writer = new MemoryWriter(table);
    const scanner = new MemoryScanner(table, 2);
    // Segment 0 is done, segment 1 was read up to its first item: the run resumes with the rest of segment 1.
    const segmentOneIds = items
      .map((item) => String(item.id))
      .filter((id) => segmentOf(id, 2) === 1)
      .sort();
    const [firstOfSegmentOne, ...restOfSegmentOne] = segmentOneIds;
    const saved = { segments: 2, positions: ['done' as const, { id: firstOfSegmentOne }] };
    let releaseLoad: () => void = () => undefined;
    const loadReleased = new Promise<void>((resolve) => {
      releaseLoad = resolve;
    });
    const checkpoints = new MemoryCheckpointStore(saved);
    const load = checkpoints.load.bind(checkpoints);
    checkpoints.load = async () => {
      await loadReleased;
      return load();
    };

    const running = runSweep({ clock: Date.now, scanner, writer, checkpoints }, options());
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The scan from the top was asked for its first page before the checkpoint came back.
    expect(scanner.yielded.length).toBeGreaterThan(0);
    releaseLoad();
    const summary = await running;

    expect(summary.checkpoint).toMatchObject({ resumed: true, cleared: true });
    expect(summary.scanned).toBe(restOfSegmentOne.length);
    expect(writer.received.map((t) => t.credential.id).sort()).toEqual(restOfSegmentOne);
  });

  it('stops at a page boundary, saves a checkpoint, and the next run finishes the job', async () => {
    const items = Array.from({ length: 30 }, (_, i) =>
      credential(`x${String(i).padStart(2, '0')}`, { expiresTime: days(i % 2 === 0 ? -1 : 5) }),
    );
    const table = new MemoryTable(items);
    const checkpoints = new MemoryCheckpointStore();
    const writer = new MemoryWriter(table);
    const scanner = new MemoryScanner(table, 2);
    // Plenty of time for 4 pages, then under the margin (but enough for the deletions).
    const remainingMs = () => (scanner.yielded.length <= 4 ? 100_000 : 8_000);

    const first = await runSweep(
      { scanner, writer, checkpoints, remainingMs, clock: () => 0 },
      options({ deadlineMarginMs: 10_000 }),
    );

    expect(first.status).toBe('incomplete');
    expect(first.scanned).toBe(8);
    expect(first.deletions.deferred).toBe(0);
    expect(checkpoints.checkpoint?.segments).toBe(2);
    expect(first.checkpoint).toMatchObject({ resumed: false, saved: true, cleared: false, segments: 2 });

    const second = await runSweep(
      { clock: Date.now, scanner: new MemoryScanner(table, 2), writer, checkpoints },
      options({ runId: 'run-2', config: { ...config, scanSegments: 5 } }),
    );

    expect(second.status).toBe('complete');
    expect(second.checkpoint).toMatchObject({
      resumed: true,
      saved: false,
      cleared: true,
      segments: 2,
      segmentsDone: 2,
    });
    expect(checkpoints.checkpoint).toBeUndefined();
    expect(first.scanned + second.scanned).toBe(30);
    // Every credential got its transition exactly once across the two runs.
    const ids = writer.received.map((t) => t.credential.id).sort();
    expect(ids).toEqual(items.map((i) => String(i.id)).sort());
    expect(table.snapshot().filter((i) => i.deletedAt !== undefined)).toHaveLength(15);
  });

  it('stops early enough to make the buffered deletions at the write latency seen', async () => {
    const items = [
      ...Array.from({ length: 10 }, (_, i) => credential(`a${i}`, { expiresTime: days(5) })),
      ...Array.from({ length: 40 }, (_, i) =>
        credential(`b${String(i).padStart(2, '0')}`, { expiresTime: days(-1) }),
      ),
    ];
    const table = new MemoryTable(items);
    let clock = 0;
    // Every write takes one second of the fake clock.
    const writer = new MemoryWriter(table, { beforeWrite: () => (clock += 1000) });

    const summary = await runSweep(
      { scanner: new MemoryScanner(table, 5), writer, clock: () => clock, remainingMs: () => 40_000 - clock },
      options({ config: { ...config, scanSegments: 1, writeConcurrency: 1 }, deadlineMarginMs: 10_000 }),
    );

    // 30 s left after the notices: room for 20 deletions beyond the margin, so the scan stops at 25.
    expect(summary).toMatchObject({ status: 'incomplete', scanned: 35 });
    expect(summary.deletions).toMatchObject({ applied: 25, deferred: 0 });
  });

  it('always processes at least one page', async () => {
    const { scanner, writer } = setup();
    const checkpoints = new MemoryCheckpointStore();

    const summary = await runSweep(
      { clock: Date.now, scanner, writer, checkpoints, remainingMs: () => 0 },
      options(),
    );

    expect(summary.status).toBe('incomplete');
    expect(summary.scanned).toBe(3);
    expect(checkpoints.calls).toEqual(['load', 'save']);
  });

  it('defers deletions it has no time left to start', async () => {
    const { table, scanner, writer } = setup();
    const remainingMs = () => (scanner.finished ? 1_000 : 60_000);

    const summary = await runSweep(
      { clock: Date.now, scanner, writer, remainingMs },
      options({ deadlineMarginMs: 30_000 }),
    );

    // The scan finished (complete) but the deletions found the budget spent.
    expect(summary.status).toBe('complete');
    expect(summary.deletions).toMatchObject({ applied: 0, deferred: 2 });
    expect(table.get('b-expired')).not.toHaveProperty('deletedAt');
  });

  it('does not clear a checkpoint it did not resume from, and clears none without a store', async () => {
    const { scanner, writer } = setup();
    const checkpoints = new MemoryCheckpointStore();

    const summary = await runSweep({ clock: Date.now, scanner, writer, checkpoints }, options());

    expect(checkpoints.calls).toEqual(['load']);
    expect(summary.checkpoint).toMatchObject({ resumed: false, saved: false, cleared: false });
  });
});

describe('runSweep and the wall clock', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('times the run by the injected clock only: the domain reads no clock of its own', async () => {
    vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('the sweep read Date.now instead of deps.clock');
    });
    let tick = Date.UTC(2030, 0, 2, 3, 4, 5);
    const clock = () => (tick += 250);
    const { scanner, writer } = setup();

    const summary = await runSweep({ clock, scanner, writer }, options());

    expect(summary.startedAt).toBe('2030-01-02T03:04:05.250Z');
    expect(summary.durationMs).toBeGreaterThan(0);
    expect(summary.durationMs % 250).toBe(0);
  });

  it('requires a clock (no default in the domain; checked by the type check)', () => {
    expectTypeOf<SweepDeps>().toHaveProperty('clock').toEqualTypeOf<() => number>();
  });
});

describe('sweep helpers', () => {
  it('compacts a credential to what the write and the event need', () => {
    const parsed = parseCredential(
      credential('a-x', {
        extra: 'x'.repeat(1000),
        hygieneStaleFlaggedAt: days(-1),
        hygieneStaleDeleteAfter: days(1),
        hygieneOutbox: [{ eventId: 'e-1', type: 'expiry-warning', runId: 'run-0', occurredAt: days(-2) }],
        hygieneOutboxOwner: 'user-earlier',
        hygieneOutboxSince: days(-2),
        hygieneHistory: [{ at: days(-2), action: 'notify-expiry', runId: 'run-0' }],
      }),
    );
    if (!parsed.ok) throw new Error('fixture invalid');

    const compact = compactCredential(parsed.credential);

    // Every field the write's condition compares (the risk tier's lists too: docs/rules.md, "Races"), and the
    // pending notices' owner, which the write keeps (docs/data-model.md, "Compact entries").
    expect(Object.keys(compact.raw).sort()).toEqual(
      [
        'allowSourceCidr',
        'clientId',
        'createdAt',
        'displayName',
        'expiresTime',
        'hygieneOutboxOwner',
        'hygieneOutboxSince',
        'hygieneStaleDeleteAfter',
        'hygieneStaleFlaggedAt',
        'id',
        'lastUsedAt',
        'scopedRoles',
        'userId',
      ].sort(),
    );
    for (const field of [...DECISION_FIELDS, 'hygieneOutboxOwner']) {
      expect(compact.raw[field], field).toEqual(parsed.credential.raw[field]);
    }
    expect(compact.lastUsedAt).toEqual(parsed.credential.lastUsedAt);
    // What a buffered deletion holds: the compact item itself, unparsed, sharing the item's values.
    const record = compactRecord(parsed.credential);
    expect(record).toEqual(compact.raw);
    expect(record.lastUsedAt).toBe(parsed.credential.raw.lastUsedAt);
  });

  it('refuses to apply a buffered item that no longer parses, naming it', () => {
    expect(() => expandRecord({ id: 'a-x', userId: 'u', expiresTime: 'soon' })).toThrow(
      /^compacting a-x made it invalid: .*expiresTime/,
    );
  });

  it('makes readable run ids and purge instants', () => {
    expect(createRunId(NOW, 'abc123')).toBe('sweep-2026-06-01T12:00:00.000Z-abc123');
    expect(purgeAt(NOW, 1)).toBe(Math.floor(NOW / 1000) + 86_400);
  });
});
