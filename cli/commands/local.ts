/**
 * `pc-hygiene local` (what `npm start` runs): the whole cycle on this machine,
 * with nothing to set up but Java. Starts an in-memory DynamoDB Local, creates
 * the table from the same definition the CDK uses, loads realistic demo data
 * relative to `now` and a demo owner directory (`cli/local/demo-directory.ts`),
 * runs a sweep in `enforce` mode (orphan flags for the departed owner), drains
 * the outbox into a JSON Lines file sink (the exact SNS entries; owner reach
 * judged by the `relay` rule, as there is no SNS locally), writes the emails
 * the SES relay would send for them (`.eml`, one as HTML), and prints the run
 * summary, the posture report (with its owner reach section, judged by the
 * same rule), the owner-unreachable report and the digests.
 * The whole cycle runs as of one instant, `now` (docs/sweep.md). The database
 * is stopped at the end, on errors and on Ctrl-C: no java process is left behind;
 * so the summary suggests no command aimed at it (a tripped guard says why).
 * What failed after the sweep is said and exits 1, as `notify` and `relay` do:
 * events the drain could not deliver, store errors, digest parts the relay
 * wrote no email for, a digests file that cannot be read back. A sweep aborted
 * after it wrote (too many failed writes, or an error of its own) ends the
 * cycle there, as `sweep` ends: its partial summary printed, why on stderr,
 * exit 1 (docs/sweep.md, "Write failures"). The demo's files stay in their
 * `$TMPDIR/pc-hygiene-local-*` folder for the user to open: the last line on
 * stderr names it and the `rm -rf` that removes it (README.md, "The two commands"),
 * also after a Ctrl-C, once the folder exists, saying its files may be partial.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from '@commander-js/extra-typings';
import { DEFAULT_TABLE_NAME } from '../../lambdas/aws/credential-table-definition';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { DEFAULT_DIRECTORY_TABLE_NAME } from '../../lambdas/aws/owner-directory-table-definition';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import { errorText } from '../../lambdas/hygiene/errors';
import type { NotifierSummary } from '../../lambdas/hygiene/notifier';
import type { PostureReport } from '../../lambdas/hygiene/posture';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { formatInstant } from '../../lambdas/hygiene/time';
import { jsonText } from '../../lambdas/render/json-text';
import { renderPostureText } from '../../lambdas/render/posture-text';
import { renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { terminalText } from '../../lambdas/render/sanitize';
import { batchWriteItems } from '../aws/batch-import';
import { createTable } from '../aws/create-table';
import { readEntriesFile, renderEntriesOverview } from '../digest-preview';
import { EXIT_CODE } from '../exit-codes';
import { deliveryFailureLines } from '../format/delivery-failures';
import { typedWord } from '../format/shell-word';
import { interruptedExitCode, onInterrupt } from '../interrupts';
import { JsonlFileSink } from '../jsonl-sink';
import { DEMO_DAYS_BEFORE_NOW, EARLIEST_DEMO_NOW_MS, generateDemoData } from '../local/demo-data';
import { loadDemoDirectory } from '../local/demo-directory';
import { type DynamoDbLocal, startDynamoDbLocal } from '../local/local-dynamodb';
import { formatOption, REPORT_FORMATS } from '../options/formats';
import { configOption, loadConfigFile } from '../options/load-config';
import { LATEST_NOW_MS, nowOption, resolveNow } from '../options/now-option';
import { integerIn } from '../options/numbers';
import type { OptionsOf } from '../options/options-of';
import { sesSendableSender } from '../options/sender';
import { createProgress, type Progress } from '../progress';
import { UsageError } from '../usage-error';
import { drainTable } from '../use-cases/drain-table';
import type { OwnerImportSummary } from '../use-cases/import-owners';
import {
  type RelayEntriesResult,
  type RelayFilesSummary,
  relayEntriesFile,
} from '../use-cases/relay-to-files';
import { reportTable } from '../use-cases/report-table';
import {
  type SweepOutcome,
  sweepAbortedLine,
  sweepExitCode,
  sweepOrAbort,
  sweepTable,
} from '../use-cases/sweep-table';
import { topOwnersOption } from './report';

/** What one local cycle produced. */
export interface LocalCycleResult {
  readonly table: string;
  readonly endpoint: string;
  readonly imported: number;
  /** The demo owner directory's import. */
  readonly owners: OwnerImportSummary;
  readonly summary: RunSummary;
  readonly posture: PostureReport;
  /** The notifier drain after the sweep (file sink). */
  readonly notify: NotifierSummary;
  /** The JSON Lines file holding the digests, exactly as `PublishBatch` entries. */
  readonly digestsPath: string;
  /** The emails the SES relay would send for those digests (`.eml` files, and one email's HTML). */
  readonly emails: RelayEntriesResult;
}

/**
 * A cycle its sweep aborted after it wrote: the partial summary and why; nothing was drained, relayed or reported
 * (the cycle stops at the failure, as `sweep` does).
 */
export type AbortedLocalCycle = Required<SweepOutcome>;

/** Options of {@link runLocalCycle}. */
interface LocalCycleOptions {
  readonly now: number;
  readonly config: HygieneConfig;
  /** Demo records to load. */
  readonly count: number;
  /** Demo data seed (same seed, same data). */
  readonly seed: number;
  /** Owners the posture report lists (`--top`, as `report`'s). */
  readonly topOwners: number;
  /** The run's own folder for the demo's files (the directory file, the digests, the emails): {@link makeDemoDir}. */
  readonly dir: string;
  /** Narration of the steps (stderr in the CLI). */
  readonly log: (line: string) => void;
  /** Sweep progress (items scanned). */
  readonly onScanned?: (scanned: number) => void;
}

/**
 * Runs the local cycle against an already started DynamoDB Local: table,
 * demo data, sweep (enforce), notify (file sink in the run's folder),
 * posture report; a sweep aborted after it wrote ends it there ({@link AbortedLocalCycle}).
 */
async function runLocalCycle(
  client: DynamoDBDocumentClient,
  endpoint: string,
  options: LocalCycleOptions,
): Promise<LocalCycleResult | AbortedLocalCycle> {
  const { now, log, dir } = options;
  // Owner reach is judged by the relay rule throughout (there is no SNS locally): the sweep's reach section,
  // the drain and the posture report's "Owner reach" section judge alike.
  const config: HygieneConfig = { ...options.config, ownerDelivery: 'relay' };
  const table = DEFAULT_TABLE_NAME;
  await createTable(client, table);
  log(`Created table ${table} (key, outbox index, TTL) at ${endpoint}`);
  const records = generateDemoData({ now, count: options.count, seed: options.seed });
  const imported = await batchWriteItems(client, table, records);
  log(`Loaded ${imported} demo credentials relative to now = ${formatInstant(now)}`);
  const owners = await loadDemoDirectory(client, records, { now, dir, log });
  log(
    'Sweeping (enforce): notices, stale and orphan flags, guarded soft-deletes, owner events into the outbox...',
  );
  const { summary, aborted } = await sweepOrAbort(() =>
    sweepTable({
      client,
      tableName: table,
      config,
      now,
      mode: 'enforce',
      directoryTable: DEFAULT_DIRECTORY_TABLE_NAME,
      ...(options.onScanned && { onProgress: (p) => options.onScanned?.(p.scanned) }),
    }),
  );
  if (aborted !== undefined) return { summary, aborted };
  const digestsPath = join(dir, 'digests.jsonl');
  // There from the start, empty until a digest is appended: a file that cannot be read back is then an error,
  // never "nothing was queued".
  await writeFile(digestsPath, '', { flag: 'wx' });
  log(`Notifying (file sink): one digest per owner into ${digestsPath}...`);
  log(
    'Owner reach is judged by the relay rule (ownerDelivery: relay: active, with an email, not unsubscribed, not bouncing): ' +
      "locally there is no SNS to confirm subscriptions. Unreachable owners' events go to the owner-unreachable report.",
  );
  const directory = new DynamoOwnerDirectory(client, DEFAULT_DIRECTORY_TABLE_NAME);
  // The drain's clock starts at the cycle's `now`, as the sweep decided: its summary's startedAt is `now`
  // (the digests' "as of"), not the wall clock the sweep summary's startedAt reads (docs/sweep.md).
  const notify = await drainTable(client, table, new JsonlFileSink(digestsPath), now, {
    directory,
    ownerDelivery: config.ownerDelivery,
    ...(config.ownerContact !== undefined && { ownerContact: config.ownerContact }),
    // The demo's table is gone when it ends: the report's restore commands aim nowhere in particular.
    reportTargetFlags: '',
  });
  // What the SES relay would send for those digests (the same code as the relay Lambda): .eml files.
  const emails = await relayEntriesFile(digestsPath, directory, {
    outDir: join(dir, 'emails'),
    ...(config.senderIdentity !== undefined && { from: config.senderIdentity }),
    ...(config.ownerContact !== undefined && { ownerContact: config.ownerContact }),
    now,
  });
  log(
    `Relay (as the SES relay would send them): ${emails.written.length} email(s) as .eml files in ${emails.outDir}` +
      (emails.htmlPath !== undefined ? `; the HTML of one: ${emails.htmlPath}` : ''),
  );
  // With the demo directory: the report gains its "Owner reach" section, judged as the sweep and the drain judged.
  const posture = await reportTable({
    client,
    tableName: table,
    config,
    now,
    directory,
    topOwners: options.topOwners,
  });
  return { table, endpoint, imported, owners, summary, posture, notify, digestsPath, emails };
}

/**
 * A fresh folder for one run's demo files, `$TMPDIR/pc-hygiene-local-*`: the sink appends, and earlier runs' digests
 * belong to other databases.
 */
function makeDemoDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'pc-hygiene-local-'));
}

/**
 * `local`'s last line on stderr: its demo files are left in `dir`, for the user to open, and how to remove them
 * (README.md, "The two commands"), the path quoted for the shell by {@link typedWord}.
 * @param interrupted a Ctrl-C or kill ended the run: the files are those written so far, and may be partial
 */
export function demoFilesLeftLine(dir: string, { interrupted = false } = {}): string {
  const files = interrupted
    ? "The demo's files so far (interrupted: they may be partial)"
    : "The demo's files";
  return `${files} are left in ${terminalText(dir)}: remove it when done (rm -rf ${typedWord(dir)})`;
}

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

/** `local` and its flags. */
function defineLocalCommand(program: Command) {
  return (
    program
      .command('local')
      .description(
        'Run the whole cycle locally: start DynamoDB Local, create the table, load demo data and a demo owner ' +
          'directory (some owners absent, one departed, one without email), sweep (enforce), ' +
          'notify into a JSON Lines file (owner reach judged by the relay rule), print the run summary, the ' +
          'posture report, the owner-unreachable report and the digests, write the emails the SES relay would ' +
          'send as .eml files (and one as HTML) in a new $TMPDIR/pc-hygiene-local-* folder, ' +
          'stop the database. Needs Java 17+.',
      )
      .addOption(nowOption('the instant of the run and of the demo data'))
      .addOption(configOption('no stack', 'the sweep runs in enforce mode regardless'))
      .option(
        '--count <n>',
        'demo credentials to load, 25 to 1,000,000',
        integerIn('--count', 25, 1_000_000),
        300,
      )
      .option(
        '--seed <n>',
        'demo data seed, 0 to 2147483647 (same seed, same data)',
        integerIn('--seed', 0, 2 ** 31 - 1),
        1,
      )
      // The posture report's own flag: its owner table's heading names it when the list is cut.
      .addOption(topOwnersOption())
      .addOption(formatOption(REPORT_FORMATS, 'output format'))
  );
}

type LocalOptions = OptionsOf<ReturnType<typeof defineLocalCommand>>;

/**
 * Resolves `--now` ({@link resolveNow}) for the demo: its dates go back
 * {@link DEMO_DAYS_BEFORE_NOW} days, so an earlier `--now` than
 * {@link EARLIEST_DEMO_NOW_MS} would generate records dated before year 0,
 * which the table then refuses.
 * @throws {UsageError} naming `--now` and the range it accepts, when it is too early (or `resolveNow`'s)
 */
function resolveDemoNow(value: string | undefined): number {
  const now = resolveNow(value);
  if (now >= EARLIEST_DEMO_NOW_MS) return now;
  throw new UsageError(
    `--now ${JSON.stringify(value)} is too early for the demo data, whose dates go back ${DEMO_DAYS_BEFORE_NOW} ` +
      `days before it: give one from ${formatInstant(EARLIEST_DEMO_NOW_MS)} to ${formatInstant(LATEST_NOW_MS)}`,
  );
}

async function runLocalCommand(options: LocalOptions): Promise<void> {
  const now = resolveDemoNow(options.now);
  const config = await loadConfigFile(options.config);
  // Before DynamoDB Local starts: a sender SES cannot send from is refused, as `relay` and the synth refuse it.
  if (config.senderIdentity !== undefined && options.config !== undefined)
    sesSendableSender(config.senderIdentity, 'senderIdentity', `config file ${options.config}`);
  const { count, seed, top: topOwners } = options;
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const progress = createProgress({ label: 'sweep', total: count });
  let demoDir: string | undefined;
  // Said last on a Ctrl-C or kill, which exits before the `finally` below runs.
  const interruptedLine = () =>
    demoDir === undefined ? undefined : demoFilesLeftLine(demoDir, { interrupted: true });
  try {
    await withLocalDatabase(startDynamoDbLocal, { progress, log, interruptedLine }, async (database) => {
      const client = createDocumentClient({ endpoint: database.endpoint });
      try {
        demoDir = await makeDemoDir();
        const result = await runLocalCycle(client, database.endpoint, {
          now,
          config,
          count,
          seed,
          topOwners,
          dir: demoDir,
          log,
          onScanned: (n) => progress.update(n),
        });
        progress.clear();
        const code = await writeLocalResult(
          result,
          options.format,
          (text) => process.stdout.write(text),
          log,
        );
        if (code !== EXIT_CODE.complete) process.exitCode = code;
      } finally {
        client.destroy();
      }
    });
  } finally {
    // Once the database is stopped, whatever ended the cycle: the folder is left, whatever is in it.
    if (demoDir !== undefined) log(demoFilesLeftLine(demoDir));
  }
}

/** How {@link withLocalDatabase} reports: progress, narration, and what it says last when a signal ends the run. */
interface LocalDatabaseReporting {
  readonly progress: Progress;
  readonly log: (line: string) => void;
  /**
   * The line said after the database stopped on a Ctrl-C or kill, just before exiting (`undefined`: none): where
   * what the run already wrote is.
   */
  readonly interruptedLine?: () => string | undefined;
}

/**
 * Starts DynamoDB Local, runs `work` on it and stops it, also when `work` fails; Ctrl-C or kill stops it too
 * ({@link stopDatabaseOnSignals}), from before the start until the stop has finished: a signal while the database
 * stops at the end waits for that stop instead of ending Node at once (which would lose the stop's SIGKILL fallback).
 * @param start starts the database (`startDynamoDbLocal`)
 */
export async function withLocalDatabase(
  start: () => Promise<DynamoDbLocal>,
  reporting: LocalDatabaseReporting,
  work: (database: DynamoDbLocal) => Promise<void>,
): Promise<void> {
  const { progress, log } = reporting;
  let database: DynamoDbLocal | undefined;
  const stopOnSignals = stopDatabaseOnSignals(() => database, reporting);
  log('Starting DynamoDB Local (in memory)...');
  try {
    database = await start();
  } catch (error: unknown) {
    stopOnSignals.remove();
    throw error;
  }
  try {
    await work(database);
  } finally {
    progress.clear();
    await database.stop();
    stopOnSignals.remove();
    log('Stopped DynamoDB Local.');
  }
}

/**
 * Ctrl-C, kill or a closed terminal (`INTERRUPT_SIGNALS`: SIGINT, SIGTERM, SIGHUP): stops the database before
 * leaving, which Node does not do on a signal by default, says so (then the caller's `interruptedLine`, when it has
 * one), and exits 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). A signal while it stops (Ctrl-C
 * pressed again) is ignored: Node's default would exit at once and leave java running. Registered before the start:
 * exiting mid-start still kills the child (`startDynamoDbLocal`'s exit hook).
 * @param database the running database, once started
 * @returns what removes the handlers, once the command stops the database itself
 */
function stopDatabaseOnSignals(
  database: () => DynamoDbLocal | undefined,
  { progress, log, interruptedLine }: LocalDatabaseReporting,
): { readonly remove: () => void } {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    progress.clear();
    log(`Interrupted (${signal}): stopping DynamoDB Local...`);
    void (database()?.stop() ?? Promise.resolve()).finally(() => {
      log('Stopped DynamoDB Local.');
      const left = interruptedLine?.();
      if (left !== undefined) log(left);
      process.exit(interruptedExitCode(signal));
    });
  };
  return { remove: onInterrupt(onSignal) };
}

/** Registers `local` on the program. */
export function registerLocalCommand(program: Command): void {
  defineLocalCommand(program).action(async (options) => runLocalCommand(options));
}
