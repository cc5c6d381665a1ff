/** Markdown tables of the results (printed by `npm run bench`, pasted into BENCHMARKS.md). */
import type { BundleResult } from './bundles';
import type { MemoryResult } from './memory';
import { round } from './stats';
import type { RunRow, StageFigures, TargetCheck } from './summarize';
import type { Verdict } from './verdicts';

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const pct = (rate: number) => `${round(rate * 100, 1)}%`;

/** Timings, requests, capacity, SNS and memory per case. */
export function runsMarkdown(rows: readonly RunRow[]): string {
  const timing = table(
    [
      'size',
      'changes',
      'floor ms',
      'parallel floor ms',
      'sweep ms',
      'notify ms',
      'naive ms',
      'write floor ms (one request per write / 25 per batch)',
      'sweep / faster floor',
      'sweep / sequential floor',
      'write floor / faster floor (one per write / batched)',
      'sweep / write floor',
      'speedup vs naive',
    ],
    rows.map((r) => [
      r.size,
      `${pct(r.changeRate)} (${r.changes})`,
      r.floorMs,
      r.parallelFloorMs,
      r.sweepMs,
      r.notifyMs,
      r.naiveMs,
      `${r.writeFloorMs} / ${r.batchedWriteFloorMs}`,
      r.ratioToFloor,
      r.ratioToSequentialFloor,
      `${r.ratioWriteFloorToFloor} / ${r.ratioBatchedWriteFloorToFloor}`,
      r.ratioToWriteFloor,
      r.speedupVsNaive,
    ]),
  );
  const io = table(
    [
      'size',
      'changes',
      'DynamoDB requests (ours / naive)',
      'RCU (ours / naive)',
      'WCU (ours / naive)',
      'SNS calls (ours / naive)',
      'SNS KB (ours / naive)',
      'owners',
      'peak RSS MB sweep / notifier / naive / floor / parallel floor',
      'peak heap MB sweep / notifier / parallel floor',
    ],
    rows.map((r) => [
      r.size,
      pct(r.changeRate),
      `${r.dynamoRequests} / ${r.naive.dynamoRequests}`,
      `${r.consumedRcu} / ${r.naive.consumedRcu}`,
      `${r.consumedWcu} / ${r.naive.consumedWcu}`,
      `${r.snsCalls} / ${r.naive.snsCalls}`,
      `${round(r.snsBytes / 1024, 1)} / ${round(r.naive.snsBytes / 1024, 1)}`,
      r.owners,
      `${r.sweepRssMb} / ${r.notifyRssMb} / ${r.naive.peakRssMb} / ${r.floorRssMb} / ${r.parallelFloorRssMb}`,
      `${r.sweepPeakHeapMb} / ${r.notifyPeakHeapMb} / ${r.parallelFloorPeakHeapMb}`,
    ]),
  );
  return `${timing}\n\n${io}`;
}

/** Where the time goes: per stage, wall / client (Node) CPU / DynamoDB Local (JVM) CPU, ms. */
export function cpuMarkdown(rows: readonly RunRow[]): string {
  const cell = (f: StageFigures) => `${f.ms} / ${f.cpuMs} / ${f.serverCpuMs ?? '?'}`;
  return table(
    [
      'size',
      'changes',
      'floor',
      'parallel floor',
      'sweep',
      'notify',
      'naive',
      'write floor',
      'batched write floor',
    ],
    rows.map((r) => [
      r.size,
      pct(r.changeRate),
      cell(r.stages.floor),
      cell(r.stages.parallelFloor),
      cell(r.stages.sweep),
      cell(r.stages.notify),
      cell(r.stages.naive),
      cell(r.stages.writeFloor),
      cell(r.stages.batchedWriteFloor),
    ]),
  );
}

/**
 * Where the wall time goes around the scan (medians, ms from the start of the
 * call): first page back / last page back / after the scan, for the arms that
 * scan. The sweep against the batched write floor shows what it adds while it
 * reads (the scan ends later) and after (its tail).
 */
export function scanTimelineMarkdown(rows: readonly RunRow[]): string {
  const cell = (f: StageFigures) =>
    f.scanTimeline
      ? `${f.scanTimeline.firstPageMs} / ${f.scanTimeline.scanEndMs} / ${f.scanTimeline.afterScanMs}`
      : '–';
  return table(
    ['size', 'changes', 'floor', 'parallel floor', 'sweep', 'naive', 'write floor', 'batched write floor'],
    rows.map((r) => [
      r.size,
      pct(r.changeRate),
      cell(r.stages.floor),
      cell(r.stages.parallelFloor),
      cell(r.stages.sweep),
      cell(r.stages.naive),
      cell(r.stages.writeFloor),
      cell(r.stages.batchedWriteFloor),
    ]),
  );
}

/** Bundle size and init time per Lambda. */
export function bundlesMarkdown(bundles: readonly BundleResult[]): string {
  return table(
    [
      'Lambda',
      'index.mjs KB',
      'source map KB',
      'init ms (--enable-source-maps, as deployed)',
      'init ms (no source maps)',
      'largest inputs (KB)',
    ],
    bundles.map((b) => [
      b.name,
      round(b.bytes / 1024, 1),
      round(b.mapBytes / 1024, 1),
      b.initMs,
      b.initMsWithoutSourceMaps,
      b.largestInputs
        .slice(0, 5)
        .map((i) => `${i.input} ${round(i.bytes / 1024)}`)
        .join(', '),
    ]),
  );
}

/** One line per target. */
export function targetsMarkdown(checks: readonly TargetCheck[]): string {
  return checks.map((c) => `- ${c.holds ? 'HOLDS' : 'MISSED'}: ${c.target} — ${c.detail}`).join('\n');
}

/** Issue 15's targets table: figure, target, latency model, value and verdict (REPORTED = the target is for the other model). */
export function verdictsMarkdown(verdicts: readonly Verdict[]): string {
  const verdict = (v: Verdict) => (!v.judged ? 'reported' : v.holds ? '**HOLDS**' : '**MISSED**');
  return table(
    ['figure', 'target', 'latency model', 'value', 'verdict', 'detail'],
    verdicts.map((v) => [v.figure, v.target, v.latencyModel, v.value ?? '?', verdict(v), v.detail]),
  );
}

/** Per-change figures of each case. */
export function perChangeMarkdown(rows: readonly RunRow[]): string {
  return table(
    [
      'size',
      'changes',
      'latency model',
      'requests / change',
      'WCU / change',
      'notifier CPU ms / event',
      'events',
    ],
    rows.map((r) => [
      r.size,
      `${pct(r.changeRate)} (${r.changes})`,
      r.latencyModel,
      r.requestsPerChange,
      r.wcuPerChange,
      r.notifyCpuMsPerEvent,
      r.eventsPublished,
    ]),
  );
}

/** The `--memory` runs (medians of the repetitions; each repetition's heap peaks in the last column). */
export function memoryMarkdown(memory: readonly MemoryResult[]): string {
  return table(
    [
      'size',
      'heap cap MB',
      'completed',
      'peak heap used MB',
      'heap in use after a full GC, largest MB',
      'peak RSS MB',
      'heap before the sweep MB',
      'peak heap reserved MB',
      'peak external MB',
      'bare parallel floor: peak heap used / after a full GC / RSS MB',
      'deletions buffered / owners with events',
      'sweep ms',
      'load ms',
      'each repetition: peak heap used / after a full GC MB',
    ],
    memory.map((m) => [
      m.size,
      m.heapCapMb,
      m.completed ? 'yes' : `no: ${m.error ?? ''}`,
      m.peakHeapUsedMb ?? '?',
      m.peakLiveHeapUsedMb ?? '?',
      m.peakRssMb ?? '?',
      m.baseHeapUsedMb ?? '?',
      m.peakHeapTotalMb ?? '?',
      m.peakExternalMb ?? '?',
      `${m.floorPeakHeapUsedMb ?? '?'} / ${m.floorPeakLiveHeapUsedMb ?? '?'} / ${m.floorPeakRssMb ?? '?'}`,
      `${m.deletionsBuffered ?? '?'} / ${m.eventOwners ?? '?'}`,
      m.sweepMs ?? '?',
      m.loadMs,
      (m.runs ?? []).map((r) => `${r.peakHeapUsedMb ?? '?'} / ${r.peakLiveHeapUsedMb ?? '?'}`).join(', '),
    ]),
  );
}
