/**
 * `pc-hygiene notify`: drains the outbox once — one digest per owner — to SNS
 * (`--sink sns --topic-arn ARN`, the default sink) or to a JSON Lines file
 * (`--sink jsonl:PATH`) holding exactly the `PublishBatch` entries SNS would
 * get. Owners are judged against the owner directory (`--directory-table`)
 * on the `ownerDelivery` route of `--config`; unreachable owners' events also
 * go to the admins' owner-unreachable report (docs/notifications.md, "Owner
 * reach"). Events not delivered stay pending for the next drain (exit 1); a
 * publish the topic refused adds one line saying whose policy must let the
 * caller publish (cli/aws/topic-refusal.ts).
 *
 * As `sweep`, it acts unless `--dry-run` is given or the `--config` file says
 * `"mode": "audit"` itself (then it is a dry run, and says so on stderr;
 * `--enforce` does not change that: it only lets an acting run write to a
 * deployment in audit mode).
 *
 * Here: the entry, {@link registerNotifyCommand}, and the names other modules import, re-exported from its parts in
 * `notify/` so its importers need not know them: the flags and options (`options.ts`), the sequence of one run
 * (`run.ts`), the sink (`sink.ts`), the topic and its SNS client (`sns-side.ts`), the drain's publisher and the
 * refused-publish advice (`publisher.ts`), the drain's setup and the drain (`drain.ts`), the dry run's preview
 * (`preview.ts`), the drain's status and exit code (`outcome.ts`), the drain-lease notes (`lease-notes.ts`), and the
 * summary's text (`summary-text.ts`).
 */
import type { Command } from '@commander-js/extra-typings';
import { defineNotifyCommand } from './notify/options';
import { runNotify } from './notify/run';

export { leaseHeldNote } from './notify/lease-notes';
export { notifyExitCode, notifyOutcome } from './notify/outcome';
export type { Sink } from './notify/sink';
export { renderNotifySummaryText } from './notify/summary-text';

/** Registers `notify` on the program. */
export function registerNotifyCommand(program: Command): void {
  defineNotifyCommand(program).action(async (options, command) => runNotify(options, command));
}
