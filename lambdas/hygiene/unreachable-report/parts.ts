/**
 * The owner-unreachable report split into messages that fit (docs/notifications.md, "The report message"): one
 * message when the whole fits the publisher's limit, else numbered parts like digests — every owner's event and
 * every mismatched notice a unit, the units measured once per report and packed greedily (each reason's advice
 * counted once per part, as it is printed), every part checked, and an event too large alone a named error. The
 * entry of the report's rendering (`../unreachable-report.ts` re-exports it). Pure: no I/O, no clock.
 */
import { foldOvertaken, orderEvents } from '../digest';
import type { OutboxEvent } from '../events';
import { formatInstant } from '../time';
import { type AdviceShown, type PartContent, renderPart } from './render-part';
import {
  type MismatchedOwnerEvent,
  type ReportedReason,
  type UnreachableOwner,
  type UnreachableReportInput,
  type UnreachableReportPart,
  UnreachableReportTooLargeError,
} from './types';
import { ownersByUrgency } from './urgency';

/**
 * One owner's event, or one mismatched event: the smallest piece a part holds. An owner's expiry warning its
 * credential's deletion overtakes (`rides`: `foldOvertaken`) is said in that deletion's lines, so it goes in the
 * deletion's part, right after it.
 */
type Unit =
  | {
      readonly kind: 'owner';
      readonly owner: UnreachableOwner;
      readonly event: OutboxEvent;
      readonly rides: boolean;
    }
  | { readonly kind: 'invalid'; readonly invalid: MismatchedOwnerEvent };

/**
 * The report's units: each owner's events in the digest's order (an overtaken expiry warning right after its
 * deletion: `orderEvents`), owners most urgent first ({@link ownersByUrgency}), then the mismatched notices.
 */
function unitsOf(input: UnreachableReportInput): Unit[] {
  const units: Unit[] = [];
  for (const owner of ownersByUrgency(input.owners)) {
    const ordered = orderEvents(owner.events);
    const fold = foldOvertaken(ordered);
    for (const event of ordered) units.push({ kind: 'owner', owner, event, rides: fold.isOvertaken(event) });
  }
  for (const invalid of input.invalidEvents) units.push({ kind: 'invalid', invalid });
  return units;
}

/** Regroups a part's units: owners in first-seen (urgency) order with their events, then the mismatched events. */
function contentOf(units: readonly Unit[]): PartContent {
  const owners = new Map<string, { owner: UnreachableOwner; events: OutboxEvent[] }>();
  const invalidEvents: MismatchedOwnerEvent[] = [];
  for (const unit of units) {
    if (unit.kind === 'invalid') {
      invalidEvents.push(unit.invalid);
      continue;
    }
    const entry = owners.get(unit.owner.userId);
    if (entry) entry.events.push(unit.event);
    else owners.set(unit.owner.userId, { owner: unit.owner, events: [unit.event] });
  }
  return { owners: [...owners.values()].map(({ owner, events }) => ({ ...owner, events })), invalidEvents };
}

/**
 * What packing needs, measured once per report (not once per packing attempt), as digests do: `fixed`, an empty
 * part with the widest part counter; `costs[i]`, what unit `i` adds to a part without its reason's advice, alone
 * (an overtaken expiry warning with its own lines: as it is said in a part without its deletion); `together`, by the
 * index of a deletion whose overtaken warnings ride with it ({@link withRiders}), what it and they add together, their
 * lines folded into its; and per reason present, what its advice adds (its heading included, so two reasons
 * overcount a little), by the first unit with it: what a part pays once, however many of its owners have the reason.
 */
interface MeasuredUnits {
  readonly fixed: number;
  readonly costs: readonly number[];
  readonly together: ReadonlyMap<number, number>;
  readonly advice: ReadonlyMap<ReportedReason, number>;
}

function measureCosts(input: UnreachableReportInput, nowIso: string, units: readonly Unit[]): MeasuredUnits {
  const alone = (some: readonly Unit[], advice: AdviceShown) =>
    renderPart(input, nowIso, contentOf(some), 999, 999, advice).bytes;
  const fixed = renderPart(input, nowIso, contentOf([]), 999, 999).bytes;
  const costs = units.map((unit) => alone([unit], 'without advice') - fixed);
  const together = new Map<number, number>();
  for (const [lead, ...riders] of withRiders(units)) {
    if (lead === undefined || riders.length === 0) continue;
    const run = [lead, ...riders].map((i) => units[i] as Unit);
    together.set(lead, alone(run, 'without advice') - fixed);
  }
  const advice = new Map<ReportedReason, number>();
  units.forEach((unit, i) => {
    if (unit.kind !== 'owner' || advice.has(unit.owner.reason)) return;
    advice.set(unit.owner.reason, alone([unit], 'with advice') - ((costs[i] ?? 0) + fixed));
  });
  return { fixed, costs, together, advice };
}

/**
 * What the units of `run` (a unit and the overtaken warnings riding with it: {@link withRiders}) add to a part that
 * already holds `reasons`: their lines (folded: {@link MeasuredUnits.together}), plus their owner's reason's advice
 * when new there, counted once.
 */
function costIn(
  measured: MeasuredUnits,
  units: readonly Unit[],
  run: readonly number[],
  reasons: ReadonlySet<ReportedReason>,
) {
  const lead = run[0] ?? 0;
  const unit = units[lead];
  const own = (run.length > 1 ? measured.together.get(lead) : measured.costs[lead]) ?? 0;
  if (unit?.kind !== 'owner' || reasons.has(unit.owner.reason)) return own;
  return own + (measured.advice.get(unit.owner.reason) ?? 0);
}

/**
 * The indices of the units packing places together: each unit with the overtaken expiry warnings after it (`rides`),
 * which never start a part, so the part that lists a deletion also folds its warnings.
 */
function withRiders(units: readonly Unit[]): number[][] {
  const runs: number[][] = [];
  units.forEach((unit, i) => {
    const last = runs.at(-1);
    if (unit.kind === 'owner' && unit.rides && last !== undefined) last.push(i);
    else runs.push([i]);
  });
  return runs;
}

/**
 * The runs packing places ({@link withRiders}) within `budget`: a deletion and its overtaken warnings that do not fit
 * one part together, even alone in it (a small limit, long names), are each a run of its own instead, as the
 * digest's packing does: each part then folds only its own events, a warning put apart listed with its own lines.
 */
function runsWithin(units: readonly Unit[], measured: MeasuredUnits, budget: number): number[][] {
  return withRiders(units).flatMap((run) =>
    run.length === 1 || measured.fixed + costIn(measured, units, run, new Set()) <= budget
      ? [run]
      : run.map((i) => [i]),
  );
}

/**
 * Packs units greedily into parts by their measured cost ({@link measureCosts}, as digests do): each run's own
 * lines, plus its reason's advice when the part does not hold the reason yet, an overtaken expiry warning with its
 * deletion when they fit a part together ({@link runsWithin}); every part is checked afterwards.
 */
function pack(units: readonly Unit[], measured: MeasuredUnits, budget: number): Unit[][] {
  const groups: Unit[][] = [];
  let current: Unit[] = [];
  let reasons = new Set<ReportedReason>();
  let used = measured.fixed;
  for (const run of runsWithin(units, measured, budget)) {
    let cost = costIn(measured, units, run, reasons);
    if (current.length > 0 && used + cost > budget) {
      groups.push(current);
      current = [];
      reasons = new Set();
      used = measured.fixed;
      cost = costIn(measured, units, run, reasons);
    }
    for (const i of run) {
      const unit = units[i] as Unit;
      current.push(unit);
      if (unit.kind === 'owner') reasons.add(unit.owner.reason);
    }
    used += cost;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Renders the drain's report: one message, or numbered parts ("(part 1/2)")
 * each within the size limit; no parts when there is nothing to report.
 * @throws {UnreachableReportTooLargeError} when one event alone exceeds the limit
 */
export function renderUnreachableReport(input: UnreachableReportInput): UnreachableReportPart[] {
  const units = unitsOf(input);
  if (units.length === 0) return [];
  const limit = input.budget.maxMessageBytes;
  const nowIso = formatInstant(input.now);
  const whole = renderPart(input, nowIso, contentOf(units), 1, 1);
  if (whole.bytes <= limit) return [whole];
  const measured = measureCosts(input, nowIso, units);
  for (let budget = limit; budget > limit / 4; budget = Math.floor(budget * 0.9)) {
    const groups = pack(units, measured, budget);
    const parts = groups.map((group, i) => renderPart(input, nowIso, contentOf(group), i + 1, groups.length));
    if (parts.every((p) => p.bytes <= limit)) return parts;
    if (groups.every((g) => g.length === 1)) break;
  }
  throw new UnreachableReportTooLargeError(
    `the owner-unreachable report cannot be split into messages of at most ${limit} bytes (one event is too large)`,
  );
}
