/**
 * The `owner-unreachable` admin report (docs/notifications.md, "Owner
 * reach"): publishing to SNS is not delivery, so the events of owners the
 * directory says cannot be reached — and events whose stored owner does not
 * match their credential (never sent to anyone's digest) — go to the admins,
 * named as undelivered (with the directory's name and address for each
 * owner, when it has them), in one report per drain: a text for email and a
 * versioned JSON document for machines, split into numbered parts like
 * digests when large. Each owner's line says what to do in a sentence or two;
 * the longer advice a reason may need (SES's suppression list, on route
 * `relay`) is printed once per part, after the owners ("What to do, by
 * reason"): a part is one email, and a hundred owners with one reason need it
 * once, not a hundred times. Owners are listed most urgent first (their most
 * urgent notice: a deletion or an expiry within a day before the rest), under
 * a line counting what is urgent, and a deleted credential's lines give the
 * restore command. Every command the report prints (the restore command, the
 * `pc-hygiene owners …` commands of the owners' lines and of the advice) is
 * aimed where it works, by one rule (`aimedCommand`), and names the owner by
 * their id where it takes one (an id that starts with `-` last, after `--`:
 * `commandNaming`), a placeholder quoted (`"<userId>"`; ./pasted-command.ts).
 * Besides the reasons a drain judges an owner
 * unreachable for (`UNREACHABLE_REASONS`), a report may give one no owner is
 * ever judged by: `email-undelivered` (`REPORT_ONLY_REASONS`), the relay's
 * report of one email SES gave up on without marking its owner bouncing
 * (docs/notifications.md, "Email relay"). Pure: no I/O, no clock.
 *
 * This module is the report's entry: what the notifier, the relay, the CLI and the tests import, re-exported from
 * its parts in `unreachable-report/`, one job each: `types.ts` (the document's schema, the reasons a report gives,
 * its input and parts, its error), `reasons.ts` (each reason's texts and advice, SES's suppression-list advice),
 * `owner-commands.ts` (the `pc-hygiene owners …` commands and where they aim), `urgency.ts` (the owners' order, the
 * urgency line's counts), `owner-lines.ts` (an owner's and a mismatched notice's lines, the restore command),
 * `render-part.ts` (one message: subject, text, document) and `parts.ts` (splitting into messages that fit).
 */
export { renderUnreachableReport } from './unreachable-report/parts';
export {
  OPT_OUT_SUPPRESSION_ADVICE,
  reasonAdviceLines,
  SES_SUPPRESSION_ADVICE,
  UNREACHABLE_REASON_TEXT,
} from './unreachable-report/reasons';
export { unreachableSubject } from './unreachable-report/render-part';
export {
  type MismatchedOwnerEvent,
  REPORT_ONLY_REASONS,
  type ReportedReason,
  UNREACHABLE_EVENT_TYPES,
  UNREACHABLE_REPORT_SCHEMA,
  UNREACHABLE_REPORT_SCHEMA_VERSION,
  type UnreachableEventType,
  type UnreachableOwner,
  type UnreachableReportDocument,
  type UnreachableReportInput,
  type UnreachableReportPart,
  UnreachableReportTooLargeError,
} from './unreachable-report/types';
export { ownersByUrgency } from './unreachable-report/urgency';
