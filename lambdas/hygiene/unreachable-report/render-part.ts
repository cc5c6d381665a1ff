/**
 * One message of the owner-unreachable report (docs/notifications.md, "The report message"): its subject, its email
 * text (the frame, the owners' lines under the urgency line, each reason's advice once, the mismatched notices) and
 * its versioned JSON document, measured by the publisher's budget. Given what the part carries; which owners and
 * notices go in which part is ./parts.ts's job. Pure: no I/O, no clock (`now` is given).
 */
import { count, eventSeverity, plainValue, relative } from '../digest';
import { maxSeverity, type NotificationMessage, type Severity, subjectText } from '../message';
import { ownerCommandFlags } from './owner-commands';
import { invalidLines, ownerLines } from './owner-lines';
import { reasonAdviceLines } from './reasons';
import {
  type MismatchedOwnerEvent,
  UNREACHABLE_REPORT_SCHEMA,
  UNREACHABLE_REPORT_SCHEMA_VERSION,
  type UnreachableEventType,
  type UnreachableOwner,
  type UnreachableReportDocument,
  type UnreachableReportInput,
  type UnreachableReportPart,
} from './types';
import { shownEvents, urgencyCounts, urgencyLine } from './urgency';

/** What one part carries: its owners, in urgency order, each with the events in this part; its mismatched notices. */
export interface PartContent {
  readonly owners: readonly UnreachableOwner[];
  readonly invalidEvents: readonly MismatchedOwnerEvent[];
}

/**
 * A specific subject, e.g. "Hygiene: 3 owners unreachable, 12 notices for the admins, first expiry in 4 hours" (the
 * soonest expiry within 24 hours, when there is one and it fits the 100 characters).
 */
export function unreachableSubject(
  owners: readonly UnreachableOwner[],
  invalidEvents: readonly MismatchedOwnerEvent[],
  now: number,
  part = 1,
  parts = 1,
): string {
  const suffix = parts > 1 ? ` (part ${part}/${parts})` : '';
  const budget = 100 - suffix.length;
  // The entries the text lists: an overtaken expiry warning is a line of its deletion's (`shownEvents`).
  const notices = owners.reduce((n, o) => n + shownEvents(o).length, 0);
  const pieces = [
    ...(owners.length > 0
      ? [`${count(owners.length, 'owner')} unreachable, ${count(notices, 'notice')} for the admins`]
      : []),
    ...(invalidEvents.length > 0 ? [`${count(invalidEvents.length, 'notice')} with a mismatched owner`] : []),
  ];
  const without = `Hygiene: ${pieces.join('; ')}`;
  const { soonestWithinDay } = urgencyCounts(owners, now);
  const soonest = soonestWithinDay === undefined ? '' : `, first expiry ${relative(soonestWithinDay, now)}`;
  const text = without.length + soonest.length <= budget ? `${without}${soonest}` : without;
  return `${subjectText(text, budget)}${suffix}`;
}

/** Whether a part's text carries its reasons' advice: always, except when packing measures an owner's own lines. */
export type AdviceShown = 'with advice' | 'without advice';

/**
 * A part's email text: the frame (as of `nowIso`, the part counter), the owners under their heading and urgency
 * line ({@link urgencyLine}) with their reasons' advice after them when `advice` says so, then the mismatched notices.
 */
function renderText(
  input: UnreachableReportInput,
  nowIso: string,
  content: PartContent,
  part: number,
  parts: number,
  advice: AdviceShown,
): string {
  // The relay's bounce report takes the drain id from the bounced email's tag: flattened as every stored value.
  const lines = [`Owner notices that reached no one, as of ${nowIso} (drain ${plainValue(input.drainId)}).`];
  if (parts > 1) lines.push(`This report is long: this is part ${part} of ${parts}.`);
  if (content.owners.length > 0) {
    lines.push(
      '',
      `Unreachable owners (${content.owners.length}): their digests were published, but no person receives them on the ${input.route} route.`,
      'Please make sure each owner learns about these credentials, and fix what keeps them unreachable.',
      urgencyLine(content.owners, input.now),
    );
    for (const owner of content.owners) lines.push(...ownerLines(owner, input));
    if (advice === 'with advice') {
      lines.push(
        ...reasonAdviceLines(
          content.owners.map((o) => o.reason),
          ownerCommandFlags(input),
        ),
      );
    }
  }
  if (content.invalidEvents.length > 0) {
    lines.push(
      '',
      `Notices whose owner does not match their credential (${content.invalidEvents.length}): sent to no owner.`,
      'What to do: check who changed these credentials or wrote these notices (a reassigned credential, or a forged or corrupted outbox entry).',
    );
    for (const invalid of content.invalidEvents) lines.push(...invalidLines(invalid, input.now));
  }
  lines.push('', '--', 'All times are UTC. Sent by PersonalClient Hygiene to the admins (audience=admin).');
  return lines.join('\n');
}

/**
 * Part `part` of `parts` carrying `content`: its message (subject, text, JSON document, routing: `high` when it
 * holds a mismatched notice, else its most severe event's, at least `warning`), what it carries, and its size by
 * `input.budget`.
 */
export function renderPart(
  input: UnreachableReportInput,
  nowIso: string,
  content: PartContent,
  part: number,
  parts: number,
  advice: AdviceShown = 'with advice',
): UnreachableReportPart {
  const eventTypes: UnreachableEventType[] = [
    ...(content.owners.length > 0 ? (['owner-unreachable'] as const) : []),
    ...(content.invalidEvents.length > 0 ? (['event-owner-mismatch'] as const) : []),
  ];
  const severity: Severity =
    content.invalidEvents.length > 0
      ? 'high'
      : maxSeverity(['warning', ...content.owners.flatMap((o) => o.events.map(eventSeverity))]);
  const document: UnreachableReportDocument = {
    schema: UNREACHABLE_REPORT_SCHEMA,
    version: UNREACHABLE_REPORT_SCHEMA_VERSION,
    audience: 'admin',
    eventTypes,
    severity,
    generatedAt: nowIso,
    drainId: input.drainId,
    route: input.route,
    part,
    parts,
    ...content,
  };
  const message: NotificationMessage = {
    subject: unreachableSubject(content.owners, content.invalidEvents, input.now, part, parts),
    text: renderText(input, nowIso, content, part, parts, advice),
    document,
    routing: { audience: 'admin', severity, eventTypes },
  };
  return { message, ...content, part, parts, bytes: input.budget.measure(message) };
}
