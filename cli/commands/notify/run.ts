/**
 * The sequence of one `pc-hygiene notify`: its `--config`, dry run or not, sink, target, owner directory and topic
 * resolved and refused in order before anything is read, then the drain (its summary printed, the exit code set) or
 * its preview (`preview.ts`).
 */
import type { Command } from '@commander-js/extra-typings';
import { jsonText } from '../../../lambdas/render/json-text';
import { EXIT_CODE } from '../../exit-codes';
import { awsTargetOf, refuseAuditDeployment, resolveTarget } from '../../options/deployment-target';
import { directoryReadBeside, directoryTableOf } from '../../options/directory-options';
import { dryRunOfConfigLine, plansOnly, readConfigFile } from '../../options/load-config';
import { refuseNowOnDeployment, resolveNow } from '../../options/now-option';
import { drainOutbox } from './drain';
import { leaseHeldNote } from './lease-notes';
import type { NotifyOptions } from './options';
import { notifyExitCode, notifyOutcome } from './outcome';
import { previewNotify } from './preview';
import { publisherFor, refusedPublishNote } from './publisher';
import { sinkOf } from './sink';
import { snsSideOf, topicOf } from './sns-side';
import { renderNotifySummaryText } from './summary-text';

/**
 * What `--enforce` does on an audit deployment: sends now what its own notifier would send anyway (an audit sweep
 * queues nothing; an operator's `sweep --enforce`, or a run before the switch to audit, did: docs/deploy.md).
 */
const NOTIFY_IN_AUDIT =
  " (it sends the owners what is queued now: what an operator's sweep --enforce queued, or a run before the " +
  "switch to audit; the deployment's notifier sends the same within notifierSchedule)";

/**
 * One `pc-hygiene notify`: reads `--config` and the target, then drains the outbox (printing its summary, the
 * lease and refusal notes, and setting the exit code) or, on a dry run, previews the drain.
 */
export async function runNotify(options: NotifyOptions, command: Command): Promise<void> {
  const now = resolveNow(options.now);
  // The one strict read of `--config`: a bad file is a usage error before anything reaches AWS.
  const file = options.config === undefined ? undefined : await readConfigFile(options.config);
  // `--dry-run`, or a config file saying "mode": "audit" itself: a dry run, as for `sweep`.
  const dryRun = plansOnly(options.dryRun, file);
  // A drain's leases and sent marks are written at its instant: a typed one would expire a lease at once (the
  // scheduled drain could send the same digests again) or hold the scheduled drains off until then.
  if (!dryRun) refuseNowOnDeployment(options.now, awsTargetOf(options), 'notify', '--dry-run');
  const sink = await sinkOf(options.sink);
  const target = await resolveTarget(options, {
    usesConfig: true,
    ...(file !== undefined && { fileConfig: file.config }),
  });
  // Checked before either table is read (`withTable`): another kind is refused by name; a missing one is no directory.
  const directory = directoryReadBeside(directoryTableOf(options, command, target));
  const topicArn = topicOf(options, command, target);
  if (!dryRun) refuseAuditDeployment(target, options.enforce, 'notify', NOTIFY_IN_AUDIT);
  // A dry run the file makes, not --dry-run, says so (such a run drained before notify read the file's mode).
  const fromFile = dryRunOfConfigLine('notify', options.dryRun, options.config, file);
  if (fromFile !== undefined) process.stderr.write(fromFile);
  const sns = snsSideOf(options, target, topicArn, !dryRun && sink.kind === 'sns');
  try {
    if (dryRun) return await previewNotify(options, sink, target, directory, sns, now);
    const drain = publisherFor(sink, sns);
    const summary = notifyOutcome(await drainOutbox(target, directory, drain.publisher, sns, now));
    process.stdout.write(
      options.format === 'json' ? `${jsonText(summary, 2)}\n` : renderNotifySummaryText(summary, drain.label),
    );
    const leaseNote = leaseHeldNote(summary, awsTargetOf(options) === undefined);
    if (leaseNote !== undefined) process.stderr.write(`pc-hygiene notify: ${leaseNote}\n`);
    if (summary.eventsFailed > 0 || summary.storeErrors > 0) {
      process.stderr.write(
        `pc-hygiene notify: ${summary.eventsFailed} event(s) not delivered and ${summary.storeErrors} store error(s); they stay pending for the next drain\n`,
      );
      const advice = refusedPublishNote(drain, target, topicArn);
      if (advice !== undefined) process.stderr.write(`pc-hygiene notify: ${advice}\n`);
    }
    const exitCode = notifyExitCode(summary);
    if (exitCode !== EXIT_CODE.complete) process.exitCode = exitCode;
  } finally {
    sns.topic?.client.destroy();
  }
}
