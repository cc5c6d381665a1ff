/**
 * What `pc-hygiene local` prints of its cycle (`cycle.ts`) and the exit code it ends with. Text: the run
 * summary (no command aimed at the demo's table, which is gone when `local` ends), the posture report, the digests
 * and where the emails are; JSON: one document. What failed after the sweep is said and exits 1, as `notify` and
 * `relay` do: events the drain could not deliver, store errors, digest parts the relay wrote no email for, a
 * digests file that cannot be read back. A cycle its sweep aborted is written as `sweep` writes an aborted run
 * (docs/sweep.md, "Write failures"). Apart from the cycle so that its tests give it the summaries they want.
 */
import type { PublishEntry } from '../../../lambdas/aws/sns-wire';
import { errorText } from '../../../lambdas/hygiene/errors';
import type { NotifierSummary } from '../../../lambdas/hygiene/notifier';
import type { RunSummary } from '../../../lambdas/hygiene/run-summary';
import { jsonText } from '../../../lambdas/render/json-text';
import { renderPostureText } from '../../../lambdas/render/posture-text';
import { renderRunSummaryText } from '../../../lambdas/render/run-summary-text';
import { terminalText } from '../../../lambdas/render/sanitize';
import { readEntriesFile, renderEntriesOverview } from '../../digest-preview';
import { EXIT_CODE } from '../../exit-codes';
import { deliveryFailureLines } from '../../format/delivery-failures';
import type { REPORT_FORMATS } from '../../options/formats';
import type { RelayEntriesResult, RelayFilesSummary } from '../../use-cases/relay-to-files';
import { sweepAbortedLine, sweepExitCode } from '../../use-cases/sweep-table';
import type { AbortedLocalCycle, LocalCycleResult } from './cycle';

/**
 * What a tripped guard's banner says in `local` instead of its commands: the demo's database is deleted when
 * `local` ends, so a dry run or a `guard approve` could reach nothing of it, and one without target flags would
 * reach the default stack (a deployment's approval, recorded from a demo).
 */
const LOCAL_GUARD_ADVICE = [
  "No command can check or approve these deletions: this demo's database is deleted when local ends.",
  'To let the demo make them, run local again with a --config raising maxDeletesPerRun or maxDeletePercent',
  '(docs/configuration.md); to try guard approve, use a database you keep (README.md, "Try the CLI locally").',
] as const;

/**
 * The run summary as `local` prints it: no command aimed at its table (the tripped guard's dry run and `guard
 * approve`, the manifest's `runs show`), which is gone when `local` ends ({@link LOCAL_GUARD_ADVICE}).
 */
export function localRunSummaryText(summary: RunSummary): string {
  return renderRunSummaryText(summary, { tableGone: LOCAL_GUARD_ADVICE });
}

/** Where the demo's emails are: open an `.eml` in a mail client, the `.html` in a browser. */
function renderDemoEmails(emails: RelayEntriesResult): string {
  const lines = [
    '',
    `Emails the SES relay would send (ownerDelivery: relay): ${emails.written.length} .eml file(s) in ${emails.outDir}`,
  ];
  if (emails.htmlPath !== undefined) lines.push(`  the HTML of one, for a browser: ${emails.htmlPath}`);
  if (emails.skipped.length > 0)
    lines.push(
      `  ${emails.skipped.length} digest(s) not emailed: owner unreachable (see the owner-unreachable report)`,
    );
  if (emails.placeholderSender)
    lines.push('  sender: a placeholder (set senderIdentity in --config to see your own)');
  return `${lines.join('\n')}\n`;
}

/**
 * What failed after the sweep, as lines (none when nothing did): the drain's
 * undelivered events and store errors, with its failures as `notify` lists
 * them, and the digest parts the relay wrote no email for, as `relay` lists
 * them. Either makes `local` exit 1, as it makes `notify` or `relay` exit 1.
 */
export function localFailureLines(
  notify: Pick<NotifierSummary, 'eventsFailed' | 'storeErrors' | 'failures'>,
  emails: Pick<RelayFilesSummary, 'failures'>,
): string[] {
  const lines: string[] = [];
  if (notify.eventsFailed > 0 || notify.storeErrors > 0) {
    lines.push(
      `Notify: ${notify.eventsFailed} event(s) not delivered and ${notify.storeErrors} store error(s) (left pending)`,
      ...deliveryFailureLines(notify.failures),
    );
  }
  if (emails.failures.length > 0) {
    lines.push(
      `Relay: ${emails.failures.length} digest part(s) failed: no .eml written for them`,
      ...emails.failures.map((f) => `  failed: ${terminalText(f.userId ?? '?')}: ${terminalText(f.error)}`),
    );
  }
  return lines;
}

/**
 * The digests the drain wrote, as the text output shows them (admin messages
 * first: the demo directory is there to show them), or what kept them from
 * being read back; `failed` then.
 */
export async function digestsOverview(
  path: string,
): Promise<{ readonly text: string; readonly failed: boolean }> {
  let entries: PublishEntry[];
  try {
    entries = await readEntriesFile(path);
  } catch (error: unknown) {
    return {
      text: `Digests file ${path} could not be read: ${terminalText(errorText(error))}\n`,
      failed: true,
    };
  }
  const admin = entries.filter((e) => e.MessageAttributes.audience?.StringValue === 'admin');
  const ordered = [...admin, ...entries.filter((e) => !admin.includes(e))];
  return { text: renderEntriesOverview(ordered, 3, path), failed: false };
}

/**
 * `local`'s exit code: a failure anywhere first (the sweep's own, or one of
 * {@link localFailureLines}), then the sweep's (`sweepExitCode`).
 * @param failed something after the sweep failed
 */
export function localExitCode(summary: RunSummary, failed: boolean): number {
  return failed ? EXIT_CODE.failure : sweepExitCode(summary);
}

/** What `local` says on stderr after an aborted sweep's reason: where the cycle stopped. */
export const LOCAL_ABORTED_LINE =
  'local stopped after the aborted sweep: nothing was notified, no email written, no posture report';

/**
 * Writes a cycle its sweep aborted, as `sweep` writes an aborted run: the partial summary on `out` (text, or
 * JSON `{ "summary": … }` with its `status` and `abortReason`), why it stopped and where the cycle stopped on
 * `log`; exit 1 (`sweepExitCode`).
 */
function writeAbortedCycle(
  { summary, aborted }: AbortedLocalCycle,
  format: (typeof REPORT_FORMATS)[number],
  out: (text: string) => void,
  log: (line: string) => void,
): number {
  out(format === 'json' ? `${jsonText({ summary }, 2)}\n` : `\n${localRunSummaryText(summary)}`);
  log(sweepAbortedLine(aborted).trimEnd());
  log(LOCAL_ABORTED_LINE);
  return sweepExitCode(summary);
}

/**
 * Writes what the cycle produced and returns `local`'s exit code ({@link localExitCode}). Text: the run
 * summary, the posture report, the digests ({@link digestsOverview}), the emails, then what failed after the
 * sweep ({@link localFailureLines}). JSON: one document, which carries those failures; they are said on `log`
 * too, as the text says them. A cycle its sweep aborted: {@link writeAbortedCycle}.
 * @param out the output (stdout in the CLI)
 * @param log the narration (stderr in the CLI)
 */
export async function writeLocalResult(
  result:
    | Pick<LocalCycleResult, 'summary' | 'posture' | 'notify' | 'digestsPath' | 'emails'>
    | AbortedLocalCycle,
  format: (typeof REPORT_FORMATS)[number],
  out: (text: string) => void,
  log: (line: string) => void,
): Promise<number> {
  if ('aborted' in result) return writeAbortedCycle(result, format, out, log);
  const failures = localFailureLines(result.notify, result.emails);
  let failed = failures.length > 0;
  if (format === 'json') {
    const { summary, posture, notify, digestsPath, emails } = result;
    out(`${jsonText({ summary, posture, notify, digestsFile: digestsPath, emails }, 2)}\n`);
    for (const line of failures) log(line);
  } else {
    out(`\n${localRunSummaryText(result.summary)}\n${renderPostureText(result.posture)}`);
    const digests = await digestsOverview(result.digestsPath);
    failed ||= digests.failed;
    out(`\n${digests.text}`);
    out(renderDemoEmails(result.emails));
    if (failures.length > 0) out(`\n${failures.join('\n')}\n`);
  }
  return localExitCode(result.summary, failed);
}
