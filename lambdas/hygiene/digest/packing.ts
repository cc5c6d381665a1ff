/**
 * How a digest too large for one message is split (docs/notifications.md, "Size limits, splitting, batching and
 * pacing"): what a part costs, measured piece by piece once per digest by the transport's own measure, and the greedy
 * packing of the digest's events into parts by that cost, so each part is as full as the limit allows.
 */
import type { OutboxEvent } from '../events';
import { SEVERITIES, SUBJECT_MAX_CHARS } from '../message';
import { adviceText } from './advice';
import { eventTypesOf, type WholeDigest } from './document';
import { describeEvent } from './event-lines';
import { SECTION_ORDER, sectionOf } from './order';
import { foldOvertaken } from './overtaken';
import { type DigestInput, notifierWording, partMessage } from './part';
import { appendedText, credentialLines, headingLines } from './text';

/** The longest severity word: no part's is longer. */
const WIDEST_SEVERITY = SEVERITIES.reduce((a, b) => (b.length > a.length ? b : a));

/**
 * What one event adds to a part ({@link measureCosts}): always `core`, its lines but its advice and its entry in the
 * document's list (with a separator). Its advice, as `sharedAdvice` (`text.ts`) decides from the part's events of its
 * section: `single` when it is their only one (the advice said under the heading), `shared` once for them all when
 * every one has the same plural advice `key` (the first's), else `own`, its advice line under it. An expiry warning
 * its credential's deletion overtakes (`rides`: `overtaken.ts`) has no entry of its own: its `core` is its document
 * entry only (its line is in its deletion's `core`), and it has no heading nor advice.
 */
export interface EventCost {
  readonly event: OutboxEvent;
  /** Said in the entry of the deletion before it in the digest's order (`orderEvents`), in whose part it must be. */
  readonly rides: boolean;
  readonly section: number;
  readonly core: number;
  readonly single: number;
  readonly own: number;
  readonly key: string;
  readonly shared: number;
  /**
   * Its cost packed apart from the events it folds with, when a deletion and its overtaken expiry warnings do not
   * fit one part together ({@link pack}): a deletion's without their lines, an overtaken warning's as an event with
   * an entry of its own (its part folds only its own events). Absent for an event that folds with none.
   */
  readonly apart?: EventCost;
}

/** What packing a digest needs, measured once per digest ({@link measureCosts}). */
export interface MeasuredDigest {
  /** A part without events, at its widest: the longest subject, part counter, event types and severity. */
  readonly fixed: number;
  /** Per section of {@link SECTION_ORDER}: its blank line and heading, paid once by a part with one of its events. */
  readonly heading: readonly number[];
  /** Per event, in the digest's order. */
  readonly events: readonly EventCost[];
}

/**
 * The transport's measure of pieces of a part: the empty part with a text or listed events in it, less the empty
 * part.
 */
interface Probe {
  /** The empty part at its widest ({@link MeasuredDigest.fixed}). */
  readonly fixed: number;
  /** What `text` (appended to the part's text) and the document's entries of `listed` add to a part. */
  added(text: string, listed?: readonly OutboxEvent[]): number;
  /** What `lines` add, appended to the text ({@link appendedText}): the same text measured once. */
  lines(lines: readonly string[]): number;
  /** What the document's list adds between two entries (a comma). */
  readonly separator: number;
}

function probeOf(
  input: DigestInput,
  nowIso: string,
  events: readonly OutboxEvent[],
  whole: WholeDigest,
): Probe {
  const empty = partMessage(input, nowIso, [], 999, 999, whole);
  const widest = { eventTypes: eventTypesOf(events), severity: WIDEST_SEVERITY };
  const fixed = input.budget.measure({
    ...empty,
    subject: 'x'.repeat(SUBJECT_MAX_CHARS),
    document: { ...empty.document, ...widest },
    routing: { ...empty.routing, ...widest },
  });
  const measure = (text: string, listed: readonly OutboxEvent[] = []) =>
    input.budget.measure({ ...empty, text, document: { ...empty.document, events: listed } });
  const zero = measure('');
  const known = new Map<string, number>();
  const lines = (appended: readonly string[]) => {
    const text = appendedText(appended);
    const cost = known.get(text) ?? measure(text) - zero;
    known.set(text, cost);
    return cost;
  };
  const [first] = events;
  // Counted for every event, one more than a part has.
  const separator = first === undefined ? 0 : measure('', [first, first]) - 2 * measure('', [first]) + zero;
  return { fixed, added: (text, listed) => measure(text, listed) - zero, lines, separator };
}

/**
 * An event's cost with an entry of its own ({@link EventCost}), its lines saying the expiry warnings it overtakes
 * (`overtaken`: a deletion's, folded with it in its part).
 */
function shownCost(
  probe: Probe,
  event: OutboxEvent,
  overtaken: readonly OutboxEvent[],
  now: number,
  contact: string | undefined,
): EventCost {
  // As renderText lists it on the notifier's route: each line of the text after a newline.
  const described = describeEvent(event, now, contact, undefined, overtaken);
  const unshared = credentialLines(event, described, false);
  const key = adviceText(event, now, contact, true);
  return {
    event,
    rides: false,
    section: sectionOf(event),
    core: probe.added(appendedText(unshared.slice(0, -1)), [event]) + probe.separator,
    // What sharedAdvice says for the section's one event: its advice, under the heading.
    single: probe.lines([adviceText(event, now, contact, false)]),
    own: probe.lines(unshared.slice(-1)),
    key,
    shared: probe.lines([key]),
  };
}

/**
 * Measures what a part of the digest costs, piece by piece, once per digest (not once per packing attempt): the
 * fixed cost is an empty part with the widest part counter and the whole's count every part says (`whole`: its line
 * and document field, its `overtaken` count included), its subject, event types and severity widened to the most any
 * part can have; each section's heading at its widest (the whole digest's section, every event of it: its count, and
 * "Expired or expiring soon" when some of its notices are read after their expiry and some not, "Were due to be or
 * will be …" when some are read past their deletion date and some not: `sectionHeading`, `text.ts`); each event's
 * lines (a deletion's with the line of each expiry warning it overtakes, `foldOvertaken`, which adds its document
 * entry only), its document entry, and its advice lines ({@link EventCost}); and for a deletion and the warnings it
 * overtakes, their costs packed apart too (`apart`). Every piece is measured by the transport's own measure: the
 * empty part with that text (or that listed event) in it, less the empty part, so escaping is counted as the
 * transport counts it; the same advice text is measured once. A part's cost is the sum of its pieces, never less
 * than what it measures rendered (only the widened fixed cost and headings, and one separator, are more): O(events)
 * measures of small messages.
 */
export function measureCosts(
  input: DigestInput,
  nowIso: string,
  events: readonly OutboxEvent[],
  whole: WholeDigest,
): MeasuredDigest {
  const { now } = input;
  const { contact } = notifierWording(input);
  const probe = probeOf(input, nowIso, events, whole);
  // Over all the section's events: an overtaken warning a part holds apart from its deletion has an entry there.
  const heading = SECTION_ORDER.map((section, index) => {
    const inSection = events.filter((event) => sectionOf(event) === index);
    return inSection.length === 0 ? 0 : probe.lines(headingLines(section.title, inSection, now));
  });
  // The digest's order keeps each overtaken expiry warning beside its deletion, and packing in that deletion's part
  // when they fit one: a part then folds them as the whole does, its deletion's entry measured with their lines.
  const fold = foldOvertaken(events);
  const costs = events.map((event): EventCost => {
    const overtaken = fold.overtakenBy(event);
    const cost = shownCost(probe, event, overtaken, now, contact);
    if (fold.isOvertaken(event)) {
      // Riding, its document entry only: its line is in its deletion's `core`.
      const core = probe.added('', [event]) + probe.separator;
      return { ...cost, rides: true, core, single: 0, own: 0, key: '', shared: 0, apart: cost };
    }
    return overtaken.length === 0 ? cost : { ...cost, apart: shownCost(probe, event, [], now, contact) };
  });
  return { fixed: probe.fixed, heading, events: costs };
}

/** The part's events of one section so far, for what their advice costs ({@link EventCost}). */
interface AdviceRun {
  readonly section: number;
  readonly count: number;
  readonly first: EventCost;
  /** Every event's plural advice is the first's: the section says it once. */
  readonly same: boolean;
  /** The sum of their own advice lines. */
  readonly own: number;
}

function adviceCost(run: AdviceRun | undefined): number {
  if (run === undefined) return 0;
  if (run.count === 1) return run.first.single;
  return run.same ? run.first.shared : run.own;
}

function extendRun(run: AdviceRun | undefined, cost: EventCost): AdviceRun {
  if (run === undefined || run.section !== cost.section)
    return { section: cost.section, count: 1, first: cost, same: true, own: cost.own };
  return {
    ...run,
    count: run.count + 1,
    same: run.same && cost.key === run.first.key,
    own: run.own + cost.own,
  };
}

/** A part being packed: its cost but the advice of its last section, which its next event may change; that section. */
interface PartSoFar {
  readonly settled: number;
  readonly run: AdviceRun | undefined;
}

/** `part` with `lead` and the overtaken expiry warnings riding with it added, and its `total` cost then. */
function adding(
  measured: MeasuredDigest,
  part: PartSoFar,
  lead: EventCost,
  riders: readonly EventCost[],
): PartSoFar & { readonly total: number } {
  const run = extendRun(part.run, lead);
  const opened = run.count === 1 ? (measured.heading[lead.section] ?? 0) + adviceCost(part.run) : 0;
  const carried = riders.reduce((sum, rider) => sum + rider.core, 0);
  const settled = part.settled + lead.core + carried + opened;
  return { run, settled, total: settled + adviceCost(run) };
}

/** What packing places together: an event and the overtaken expiry warnings riding with it. */
interface Unit {
  readonly lead: EventCost;
  readonly riders: readonly EventCost[];
}

/**
 * The units packing places together: each event with the overtaken expiry warnings that ride with it (`rides`: the
 * digest's order puts them right after their deletion), which never start a part; but a deletion that does not fit
 * one part with them, even alone in it within `budget` (a small limit, long names), and each of them, are units of
 * their own at their cost apart (`apart`): the part of each then folds only its own events, so each warning put
 * apart reads as an expiry warning of its own ("the next sweep may soft-delete it", "renew it now") though its
 * credential is deleted — the contradiction the fold removes, kept here (a known gap: docs/notifications.md, "Size
 * limits, splitting, batching and pacing") rather than a digest that cannot be sent. It needs a limit far below
 * SNS's, or names far longer than a display name may be.
 */
function unitsOf(measured: MeasuredDigest, budget: number): Unit[] {
  const together: { lead: EventCost; riders: EventCost[] }[] = [];
  for (const cost of measured.events) {
    const last = together.at(-1);
    if (cost.rides && last !== undefined) last.riders.push(cost);
    else together.push({ lead: cost, riders: [] });
  }
  const empty: PartSoFar = { settled: measured.fixed, run: undefined };
  return together.flatMap((unit): Unit[] => {
    if (unit.riders.length === 0 || adding(measured, empty, unit.lead, unit.riders).total <= budget)
      return [unit];
    return [unit.lead, ...unit.riders].map((cost) => ({ lead: cost.apart ?? cost, riders: [] }));
  });
}

/**
 * Packs events greedily into parts, in the digest's order, by what a part really costs ({@link measureCosts}):
 * its fixed cost, each section's heading once, each event's lines and entry, and each section's advice as the part
 * says it (once for all, or one line each). The digest's order lists a section's events together, so a part holds
 * one run of each; an overtaken expiry warning goes in its deletion's part, never starting one ({@link unitsOf}),
 * so the relay, which renders a part again alone, folds it as the notifier did (unless the two do not fit one part:
 * then apart, each part folding its own). Every part is still checked against the limit afterwards.
 */
export function pack(measured: MeasuredDigest, budget: number): OutboxEvent[][] {
  const groups: OutboxEvent[][] = [];
  let current: OutboxEvent[] = [];
  let part: PartSoFar = { settled: measured.fixed, run: undefined };
  for (const { lead, riders } of unitsOf(measured, budget)) {
    let next = adding(measured, part, lead, riders);
    if (current.length > 0 && next.total > budget) {
      groups.push(current);
      current = [];
      next = adding(measured, { settled: measured.fixed, run: undefined }, lead, riders);
    }
    current.push(lead.event, ...riders.map((rider) => rider.event));
    part = next;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
