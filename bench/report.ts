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
      'of ours, ListSubscriptionsByTopic pages (sweep + notifier)',
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
      `${r.snsListCalls ?? 0} (${(r.snsListCalls ?? 0) - (r.notifySnsListCalls ?? 0)} + ${r.notifySnsListCalls ?? 0})`,
      `${round(r.snsBytes / 1024, 1)} / ${round(r.naive.snsBytes / 1024, 1)}`,
      r.owners,
      `${r.sweepRssMb} / ${r.notifyRssMb} / ${r.naive.peakRssMb} / ${r.floorRssMb} / ${r.parallelFloorRssMb}`,
      `${r.sweepPeakHeapMb} / ${r.notifyPeakHeapMb} / ${r.parallelFloorPeakHeapMb}`,
    ]),
  );
  return `${timing}\n\n${io}`;
}

/** The stages of the per-stage tables, in column order, with their headers. */
const STAGE_COLUMNS = [
  ['floor', 'floor'],
  ['parallel floor', 'parallelFloor'],
  ['sweep', 'sweep'],
  ['notify', 'notify'],
  ['naive', 'naive'],
  ['write floor', 'writeFloor'],
  ['batched write floor', 'batchedWriteFloor'],
] as const;

type StageName = (typeof STAGE_COLUMNS)[number][1];

/** One row per case, one `cell` per stage (all of them, or those `shown`). */
function stageTable(
  rows: readonly RunRow[],
  cell: (figures: StageFigures) => string,
  shown: (stage: StageName) => boolean = () => true,
): string {
  const columns = STAGE_COLUMNS.filter(([, stage]) => shown(stage));
  return table(
    ['size', 'changes', ...columns.map(([header]) => header)],
    rows.map((r) => [r.size, pct(r.changeRate), ...columns.map(([, stage]) => cell(r.stages[stage]))]),
  );
}

/**
 * Where the time goes: per stage, wall / client (Node) CPU / DynamoDB Local (JVM) CPU / the SNS
 * server's CPU (its own process: never in the client's figure), ms.
 */
export function cpuMarkdown(rows: readonly RunRow[]): string {
  return stageTable(
    rows,
    (f) => `${f.ms} / ${f.cpuMs} / ${f.serverCpuMs ?? '?'} / ${f.snsServerCpuMs ?? '?'}`,
  );
}

/**
 * Where the wall time goes around the scan (medians, ms from the start of the
 * call): first page back / last page back / after the scan, for the arms that
 * read the table (not the notifier, whose one Scan reads the outbox index).
 * The sweep against the batched write floor shows what it adds while it
 * reads (the scan ends later) and after (its tail).
 */
export function scanTimelineMarkdown(rows: readonly RunRow[]): string {
  return stageTable(
    rows,
    ({ scanTimeline: t }) => (t ? `${t.firstPageMs} / ${t.scanEndMs} / ${t.afterScanMs}` : '–'),
    (stage) => stage !== 'notify',
  );
}

/**
 * What the sweep adds to the read floor, and how much of it is the time its
 * own code held the pages (medians, ms): sweep − faster read floor (wall);
 * pages held in total, the first (cold) page, the longest; the share of the
 * sweep's wall time spent holding pages.
 */
export function pageHoldMarkdown(rows: readonly RunRow[]): string {
  return table(
    [
      'size',
      'changes',
      'sweep − faster floor',
      'pages held: total / first / longest',
      'pages',
      'held / sweep',
    ],
    rows.map((r) => {
      const hold = r.stages.sweep.pageHold;
      const extra = r.sweepMs - Math.min(r.floorMs, r.parallelFloorMs);
      return [
        r.size,
        pct(r.changeRate),
        extra,
        hold ? `${hold.totalMs} / ${hold.firstMs} / ${hold.maxMs}` : '–',
        hold?.pages ?? '–',
        hold && r.sweepMs > 0 ? round(hold.totalMs / r.sweepMs, 2) : '–',
      ];
    }),
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
  const verdict = (c: TargetCheck) => (!c.judged ? 'REPORTED' : c.holds ? 'HOLDS' : 'MISSED');
  return checks.map((c) => `- ${verdict(c)}: ${c.target} — ${c.detail}`).join('\n');
}

/**
 * Issue 15's targets table: figure, target, latency model, value and verdict ("reported" with the
 * reason where the issue does not set the target; an estimated figure's verdict says so).
 */
export function verdictsMarkdown(verdicts: readonly Verdict[]): string {
  const verdict = (v: Verdict) => {
    if (!v.judged) return `reported: ${v.reportedBecause ?? 'not judged'}`;
    const outcome = v.holds ? '**HOLDS**' : '**MISSED**';
    return v.estimated === undefined ? outcome : `${outcome}, on an estimate from item sizes (detail)`;
  };
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
      'owners imported (--deployed-reach)',
      'requests / change',
      'WCU / change',
      'notifier CPU ms / event',
      'events',
    ],
    rows.map((r) => [
      r.size,
      `${pct(r.changeRate)} (${r.changes})`,
      r.latencyModel,
      r.deployedReach === true ? 'yes' : 'no',
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
      'heap cap MB (semi-spaces; V8 heap limit)',
      'completed',
      'peak heap used MB',
      'heap in use after a full GC, largest MB',
      'peak used, young generation / the rest MB',
      'peak RSS MB',
      'heap before the sweep MB',
      'peak heap reserved MB',
      'peak external MB',
      'bare parallel floor: peak heap used / after a full GC / RSS MB',
      'deletions buffered / owners with events',
      'sweep ms',
      'load ms',
      'each repetition: peak heap used / after a full GC / young generation MB',
    ],
    memory.map((m) => [
      m.size,
      `${m.heapCapMb} (${m.semiSpaceMb ? `${m.semiSpaceMb} MB` : "V8's default"}; ${m.heapSizeLimitMb ?? '?'} MB)`,
      m.completed ? 'yes' : `no: ${m.error ?? ''}`,
      m.peakHeapUsedMb ?? '?',
      m.peakLiveHeapUsedMb ?? '?',
      `${m.peakYoungUsedMb ?? '?'} / ${m.peakOldUsedMb ?? '?'}`,
      m.peakRssMb ?? '?',
      m.baseHeapUsedMb ?? '?',
      m.peakHeapTotalMb ?? '?',
      m.peakExternalMb ?? '?',
      `${m.floorPeakHeapUsedMb ?? '?'} / ${m.floorPeakLiveHeapUsedMb ?? '?'} / ${m.floorPeakRssMb ?? '?'}`,
      `${m.deletionsBuffered ?? '?'} / ${m.eventOwners ?? '?'}`,
      m.sweepMs ?? '?',
      m.loadMs,
      (m.runs ?? [])
        .map(
          (r) => `${r.peakHeapUsedMb ?? '?'} / ${r.peakLiveHeapUsedMb ?? '?'} / ${r.peakYoungUsedMb ?? '?'}`,
        )
        .join(', '),
    ]),
  );
}
