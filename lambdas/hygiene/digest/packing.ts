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
 * entry only (its line is in its deletion's), and it has no heading nor advice.
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
 * Measures what a part of the digest costs, piece by piece, once per digest (not once per packing attempt): the
 * fixed cost is an empty part with the widest part counter and the whole's count every part says (`whole`: its line
 * and document field), its subject, event types and severity widened to the most any part can have; each section's
 * heading at its widest (the whole digest's section: its count, and "Expired or expiring soon" when some of its
 * notices are read after their expiry and some not, "Were due to be or will be …" when some are read past their
 * deletion date and some not: `sectionHeading`, `text.ts`), of the events shown (`foldOvertaken`); each event's lines
 * (a deletion's with the line of each expiry warning it overtakes, which adds its document entry only), its document
 * entry, and its advice lines ({@link EventCost}). Every piece is measured by the transport's own measure: the
 * empty part with that text (or that listed event) in it, less the empty part, so escaping is counted as the
 * transport counts it; the same advice text is measured once. A part's cost is the sum of its pieces, never less than what it measures rendered (only the
 * widened fixed cost and headings, and one separator, are more): O(events) measures of small messages.
 */
export function measureCosts(
  input: DigestInput,
  nowIso: string,
  events: readonly OutboxEvent[],
  whole: WholeDigest,
): MeasuredDigest {
  const { now, budget } = input;
  const { contact } = notifierWording(input);
  const empty = partMessage(input, nowIso, [], 999, 999, whole);
  const widest = { eventTypes: eventTypesOf(events), severity: WIDEST_SEVERITY };
  const fixed = budget.measure({
    ...empty,
    subject: 'x'.repeat(SUBJECT_MAX_CHARS),
    document: { ...empty.document, ...widest },
    routing: { ...empty.routing, ...widest },
  });
  const probe = (text: string, listed: readonly OutboxEvent[] = []) =>
    budget.measure({ ...empty, text, document: { ...empty.document, events: listed } });
  const zero = probe('');
  const textCosts = new Map<string, number>();
  const textCost = (lines: readonly string[]) => {
    const text = appendedText(lines);
    const known = textCosts.get(text) ?? probe(text) - zero;
    textCosts.set(text, known);
    return known;
  };
  const [first] = events;
  // What the document's list adds between two entries (a comma): counted for every event, one more than a part has.
  const separator = first === undefined ? 0 : probe('', [first, first]) - 2 * probe('', [first]) + zero;
  // The digest's order keeps each overtaken expiry warning beside its deletion, and packing in that deletion's part:
  // every part folds as the whole does, so its deletion's entry (measured with its line) and headings are as here.
  const fold = foldOvertaken(events);
  const heading = SECTION_ORDER.map((section, index) => {
    const inSection = fold.shown.filter((event) => sectionOf(event) === index);
    return inSection.length === 0 ? 0 : textCost(headingLines(section.title, inSection, now));
  });
  const costs = events.map((event): EventCost => {
    const section = sectionOf(event);
    if (fold.isOvertaken(event))
      return {
        event,
        rides: true,
        section,
        core: probe('', [event]) - zero + separator,
        single: 0,
        own: 0,
        key: '',
        shared: 0,
      };
    // As renderText lists it on the notifier's route: each line of the text after a newline.
    const described = describeEvent(event, now, contact, undefined, fold.overtakenBy(event));
    const unshared = credentialLines(event, described, false);
    const key = adviceText(event, now, contact, true);
    return {
      event,
      rides: false,
      section,
      core: probe(appendedText(unshared.slice(0, -1)), [event]) - zero + separator,
      // What sharedAdvice says for the section's one event: its advice, under the heading.
      single: textCost([adviceText(event, now, contact, false)]),
      own: textCost(unshared.slice(-1)),
      key,
      shared: textCost([key]),
    };
  });
  return { fixed, heading, events: costs };
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

/**
 * The events packing places together: each event with the overtaken expiry warnings that ride with it (`rides`: the
 * digest's order puts them right after their deletion), which never start a part.
 */
function withRiders(events: readonly EventCost[]): { lead: EventCost; riders: EventCost[] }[] {
  const units: { lead: EventCost; riders: EventCost[] }[] = [];
  for (const cost of events) {
    const last = units.at(-1);
    if (cost.rides && last !== undefined) last.riders.push(cost);
    else units.push({ lead: cost, riders: [] });
  }
  return units;
}

/**
 * Packs events greedily into parts, in the digest's order, by what a part really costs ({@link measureCosts}):
 * its fixed cost, each section's heading once, each event's lines and entry, and each section's advice as the part
 * says it (once for all, or one line each). The digest's order lists a section's events together, so a part holds
 * one run of each; an overtaken expiry warning goes in its deletion's part, never starting one ({@link withRiders}),
 * so the relay, which renders a part again alone, folds it as the notifier did. Every part is still checked against
 * the limit afterwards.
 */
export function pack(measured: MeasuredDigest, budget: number): OutboxEvent[][] {
  const groups: OutboxEvent[][] = [];
  let current: OutboxEvent[] = [];
  // The part's cost but the advice of its last section, which its next event may change.
  let settled = measured.fixed;
  let run: AdviceRun | undefined;
  const adding = (cost: EventCost, riders: readonly EventCost[]) => {
    const next = extendRun(run, cost);
    const opened = next.count === 1 ? (measured.heading[cost.section] ?? 0) + adviceCost(run) : 0;
    const carried = riders.reduce((sum, rider) => sum + rider.core, 0);
    const nextSettled = settled + cost.core + carried + opened;
    return { run: next, settled: nextSettled, total: nextSettled + adviceCost(next) };
  };
  for (const { lead, riders } of withRiders(measured.events)) {
    let next = adding(lead, riders);
    if (current.length > 0 && next.total > budget) {
      groups.push(current);
      current = [];
      settled = measured.fixed;
      run = undefined;
      next = adding(lead, riders);
    }
    current.push(lead.event, ...riders.map((rider) => rider.event));
    ({ settled, run } = next);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
