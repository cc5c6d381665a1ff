/**
 * The lines the owner-unreachable report gives each owner and each mismatched notice (docs/notifications.md, "The
 * report message"): the owner named (id, then the directory's name and address), their reason and what to do, each
 * credential's facts, and under a deletion the restore command the admins run. Every stored or directory value is
 * flattened so that none can add a line. Apart from the part's frame (./render-part.ts) so that packing measures an
 * owner's lines by the same code that prints them. Pure: no I/O, no clock.
 */
import {
  credentialLabel,
  DELETION_TYPES,
  describeEvent,
  foldOvertaken,
  plainName,
  plainValue,
} from '../digest';
import type { OutboxEvent } from '../events';
import { placeholderWord } from '../pasted-command';
import { ownerCommandFlags, storedIdCommand, topicAimOf } from './owner-commands';
import { UNREACHABLE_REASON_TEXT } from './reasons';
import type { MismatchedOwnerEvent, UnreachableOwner, UnreachableReportInput } from './types';

/**
 * "bob (Bob Builder) at bob@corp.example": the owner's id, then the directory's name and address when it has them,
 * each flattened ({@link plainName}): directory values are untrusted text, and none can add a line.
 */
function ownerNaming(owner: UnreachableOwner): string {
  const name = plainName(owner.name);
  const email = plainName(owner.email);
  return [
    plainValue(owner.userId),
    ...(name !== undefined ? [`(${name})`] : []),
    ...(email !== undefined ? [`at ${email}`] : []),
  ].join(' ');
}

/**
 * What the admins run to undo a deletion the owner was never told about (the owner's own advice, "ask … to restore
 * it", is not for them): the restore command with the credential's id, aimed by `targetFlags`
 * ({@link UnreachableReportInput.targetFlags}, by `storedIdCommand`: `"<credentialId>"` and why for an id the
 * report cannot show as stored) (docs/notifications.md, "The report message").
 */
function restoreLine(event: OutboxEvent, targetFlags: string | undefined): string[] {
  if (!DELETION_TYPES.has(event.type)) return [];
  // A credential id is untrusted: named by the one rule of a command naming an id, a placeholder when not shown as stored.
  const restore = storedIdCommand(
    'pc-hygiene restore',
    event.credentialId,
    ` --reason ${placeholderWord('why')}`,
    targetFlags,
    HIDDEN_CREDENTIAL_ID,
  );
  return [`To restore it if the owner still needs it: ${restore}`];
}

/** What the restore command shows for a credential id the report cannot show as stored (`storedIdCommand`). */
const HIDDEN_CREDENTIAL_ID = {
  placeholder: placeholderWord('credentialId'),
  why: 'its id holds characters this report cannot show: pc-hygiene export shows it',
};

/**
 * An owner's lines in a part: named ({@link ownerNaming}) with their reason's `why` and `todo`
 * (`UNREACHABLE_REASON_TEXT`, ./reasons.ts), then each of `owner.events` shown with its facts and, for a deletion, its
 * restore command ({@link restoreLine}): an expiry warning its credential's deletion overtakes (`foldOvertaken`, the
 * digest's one rule) is a line of that deletion's, as in the owner's own digest.
 */
export function ownerLines(owner: UnreachableOwner, input: UnreachableReportInput): string[] {
  const reason = UNREACHABLE_REASON_TEXT[owner.reason];
  const lines = [
    '',
    `  * ${ownerNaming(owner)}: ${reason.why} [${owner.reason}]`,
    `    What to do: ${reason.todo(owner.userId, ownerCommandFlags(input), topicAimOf(input))}`,
  ];
  const fold = foldOvertaken(owner.events);
  for (const event of fold.shown) {
    lines.push(`    - ${credentialLabel(event)}`);
    const described = describeEvent(event, input.now, undefined, input.relayedAt, fold.overtakenBy(event));
    const facts = described.slice(0, -1);
    for (const line of [...facts, ...restoreLine(event, input.targetFlags)]) lines.push(`      ${line}`);
  }
  return lines;
}

/**
 * A mismatched event's lines. It may be forged (the very reason it is listed),
 * so every stored value is flattened ({@link plainValue}): none can add a line.
 */
export function invalidLines(invalid: MismatchedOwnerEvent, now: number): string[] {
  const { event } = invalid;
  const names =
    invalid.problem === 'owner-mismatch'
      ? `owner ${plainValue(event.userId)}`
      : `credential ${plainValue(event.credentialId)}`;
  return [
    `  * credential ${plainValue(invalid.credentialId)} (owner ${plainValue(invalid.itemUserId)}) holds a ${event.type} notice (event ${plainValue(event.eventId)}) that names ${names}:`,
    `    ${credentialLabel(event)}`,
    ...describeEvent(event, now)
      .slice(0, -1)
      .map((line) => `    ${line}`),
  ];
}
