/**
 * `pc-hygiene owners import FILE`: loads an HR / IdP export into the owner
 * directory (docs/deploy.md, "Owner directory"). Every row is checked first;
 * a bad row is named by its line and nothing is written (exit 1); `--sync`
 * marks owners missing from the file `departed`, refused (exit 3) when that
 * is more than `maxDeletePercent` of the active owners unless
 * `--allow-mass-change`; the share is the `--config`'s, else the `--stack`'s
 * deployed config's (`directoryConfigOf`), else the default. An export older
 * than the directory's recorded snapshot (`--as-of`), or a different export
 * (another content digest) than the one recorded as of the same instant, is
 * refused (exit 3) unless `--allow-older`; an import during which another one
 * recorded its snapshot does not record its own, says so and exits 1.
 *
 * An `owners export` line's opt-out the import does not record (the owner
 * has a subscription on this deployment's topic, or is recorded `none`, maybe
 * resubscribed on purpose) is a warning on stderr naming the owners and the
 * command that records it (`owners unsubscribe -- <ids>`; ids that cannot be
 * typed faithfully are counted, not put in it), with exit 0:
 * the import itself did what it can, every other owner is written, and a
 * failure exit would make a scheduled import retry what a retry cannot
 * change. The JSON summary lists them (`optOutsNotApplied`).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Command, type CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import type { OptOutNotApplied } from '../../../lambdas/hygiene/owner-import-opt-outs';
import type { RejectedOwnerRow } from '../../../lambdas/hygiene/owner-import-rows';
import { formatInstant, parseInstant, requireInstant } from '../../../lambdas/hygiene/time';
import { terminalLines, terminalText } from '../../../lambdas/render/sanitize';
import { EXIT_CODE } from '../../exit-codes';
import { defineCommand } from '../../options/define-command';
import { directoryConfigOf, withDirectory } from '../../options/directory-options';
import { formatOption, RESULT_FORMATS } from '../../options/formats';
import { configOption } from '../../options/load-config';
import type { OptionsOf } from '../../options/options-of';
import { type Progress, withProgress } from '../../progress';
import { UsageError } from '../../usage-error';
import { importOwnerFile, type OwnerImportSummary } from '../../use-cases/import-owners';
import { OWNER_FILE_FORMATS } from '../../use-cases/owner-file';

/** What `owners import --help` says the command does. */
const DESCRIPTION =
  'Load owners (userId, email, name, status) from a CSV file with that header or a JSON Lines file. ' +
  'Every row is checked first: bad rows are named by line number and nothing is written (exit 1). ' +
  'Owners not in the file keep their state unless --sync. ' +
  "An export older (--as-of) than the directory's recorded snapshot, or a different export than the one recorded " +
  'as of the same instant, is refused (exit 3) unless --allow-older.';

function defineOwnersImport(owners: Command) {
  return defineCommand(owners, 'import', DESCRIPTION, 'directory', (command) =>
    command
      .argument('<file>', 'CSV (header userId,email,name,status) or JSON Lines (one owner object a line)')
      .option('--as-of <iso>', 'the instant the export reflects (RFC 3339 with a zone; default: now)')
      .option('--sync', 'mark active owners missing from the file departed (guarded by maxDeletePercent)')
      .option(
        '--allow-mass-change',
        'let --sync mark more than maxDeletePercent of the active owners departed',
      )
      .option(
        '--allow-older',
        "import an export whose --as-of is older than the directory's recorded snapshot (the freshness goes back " +
          'to it), or one whose content differs from the export recorded as of the same --as-of (it replaces that one)',
      )
      .option('--create-table', 'create the owner directory table when it does not exist')
      .option('--dry-run', 'check the file and show what would change; write nothing')
      .addOption(
        configOption("maxDeletePercent is the --sync guard share; default: the --stack's deployed config"),
      )
      .addOption(
        new Option('--input-format <format>', 'file format (default: from the extension or content)').choices(
          OWNER_FILE_FORMATS,
        ),
      )
      .addOption(formatOption(RESULT_FORMATS, 'summary format')),
  );
}

type OwnersImportOptions = OptionsOf<ReturnType<typeof defineOwnersImport>>;

/** `--as-of` as canonical UTC; never after `now` (a future snapshot would look fresh for longer than it is). */
function resolveAsOf(value: string | undefined, now: number): string {
  if (value === undefined) return formatInstant(now);
  let asOf: number;
  try {
    asOf = requireInstant(value, '--as-of');
  } catch (error: unknown) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  if (asOf > now) throw new UsageError(`--as-of ${value} is in the future`);
  return formatInstant(asOf);
}

function describeRejected(row: RejectedOwnerRow): string {
  const who = row.userId === null ? '' : ` (userId ${JSON.stringify(row.userId)})`;
  return `line ${row.line}${who}: ${row.problems.join('; ')}`;
}

/**
 * What the summary line says of the export's opt-outs: the owners whose
 * line's opt-outs are all kept (`optOutsKept`), and apart, those whose
 * opt-out was not recorded (`optOutsNotApplied`, named by the warning).
 */
function optOutsText(summary: OwnerImportSummary): string {
  const notApplied = summary.optOutsNotApplied.length;
  const parts = [
    ...(summary.optOutsKept > 0 ? [`kept for ${summary.optOutsKept}`] : []),
    ...(notApplied > 0 ? [`not applied for ${notApplied} (see the warning)`] : []),
  ];
  return parts.length === 0 ? '' : `, the export's opt-outs ${parts.join(' and ')}`;
}

/** The summary line (before sanitising: the recorded instants are stored text). */
function summaryLine(summary: OwnerImportSummary, dryRun: boolean): string {
  if (summary.outcome === 'rejected') {
    return `rejected ${summary.rejectedRows.length} of ${summary.rows} row(s) in ${summary.file}; nothing written`;
  }
  if (summary.outcome === 'guard-tripped') {
    return `refused: ${summary.guardReason}; nothing written (re-run with --allow-mass-change if this is intended)`;
  }
  if (summary.outcome === 'older-snapshot' && summary.otherExport) {
    return (
      `refused: ${summary.olderReason}; nothing written (at most one of them is the source as of that instant: ` +
      'give this export its own instant with --as-of, or, to replace the recorded export with this one, ' +
      're-run with --allow-older)'
    );
  }
  if (summary.outcome === 'older-snapshot') {
    return (
      `refused: ${summary.olderReason}; nothing written (check the export; to load it anyway, ` +
      `re-run with --allow-older: the directory's freshness then goes back to ${summary.asOf})`
    );
  }
  const verb = dryRun ? 'would import' : 'imported';
  const created = summary.tableCreated ? ' (table created)' : '';
  const overridden = summary.guardOverridden ? ` (guard overridden: ${summary.guardReason})` : '';
  const older = summary.olderAllowed ? ` (--allow-older: ${summary.olderReason})` : '';
  const kept = optOutsText(summary);
  const done =
    `${verb} ${summary.rows} owner(s) into ${summary.table}${created}: ${summary.created} new, ` +
    `${summary.updated} changed, ${summary.unchanged} unchanged, ${summary.markedDeparted} marked departed` +
    `${kept}${overridden}; `;
  if (summary.outcome !== 'superseded') {
    return `${done}directory as of ${summary.asOf}${older}, ${summary.owners} owner(s)`;
  }
  return `${done}${supersededText(summary)}`;
}

/**
 * Why a `superseded` import recorded nothing, and what to re-run: the newest
 * export; when the snapshot recorded meanwhile is as of this import's own
 * instant neither is newer, and a re-run of this one is refused as another
 * export unless `--allow-older` (docs/deploy.md, "Owner directory").
 */
function supersededText(summary: OwnerImportSummary): string {
  const interleaved = "the two imports' owner writes may have interleaved";
  const recorded = summary.supersededBy === undefined ? undefined : parseInstant(summary.supersededBy);
  const own = parseInstant(summary.asOf);
  if (recorded?.ok && own.ok && recorded.ms === own.ms) {
    return (
      `but another import recorded a snapshot as of the same instant (${summary.supersededBy}) while this one ran, ` +
      `so this one's was not recorded: ${interleaved}; neither is newer: to make this export the recorded one, ` +
      're-run it with --allow-older; to keep the other, re-run that one (each re-plans against the owners as they are now)'
    );
  }
  return (
    `but another import recorded its snapshot (as of ${summary.supersededBy}) while this one ran, so ` +
    `this one's (as of ${summary.asOf}) was not recorded: ${interleaved}; ` +
    're-run the import of the newest export (it re-plans against the owners as they are now)'
  );
}

/**
 * A `userId` as one shell word of the advised command (which puts `--`
 * before the ids, so one starting with `-` is not read as an option): as is
 * when plain, else single-quoted. `undefined` when it cannot be typed
 * faithfully: the sanitiser would change it (a control character printed as
 * its escape, inside the quotes, would name another id).
 */
function shellWord(text: string): string | undefined {
  if (terminalText(text) !== text) return undefined;
  return /^[\w.@+:=-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * How to record the opt-outs of `userIds` (by hand, `owners unsubscribe`),
 * ending with the command, which names only the ids that can be typed
 * ({@link shellWord}); the others are counted, to be read from the JSON summary.
 */
function unsubscribeAdvice(userIds: readonly string[]): string {
  const words = userIds.map(shellWord).filter((word) => word !== undefined);
  const untypable = userIds.length - words.length;
  const apart =
    untypable === 0
      ? ''
      : `for ${untypable} owner(s) whose ids cannot be typed safely, see --format json (optOutsNotApplied)`;
  if (words.length === 0) return `${apart}, then run pc-hygiene owners unsubscribe -- <userId...>`;
  return (
    `${apart === '' ? '' : `${apart}; for the others, `}run (with the same --stack or --directory-table, before --): ` +
    `pc-hygiene owners unsubscribe -- ${words.join(' ')}`
  );
}

/** Why an opt-out was not recorded, by the owner's state in this table ({@link OptOutNotApplied}). */
const NOT_APPLIED_BECAUSE: Readonly<
  Record<
    OptOutNotApplied['state'],
    { readonly why: string; readonly reason: string; readonly toRecord: string }
  >
> = {
  confirmed: {
    why: "have a subscription on this one's topic",
    reason: 'the reconciler lets the subscription win',
    toRecord: 'To record it (the subscription is removed first), ',
  },
  none: {
    why: 'are recorded none on this one',
    reason:
      'none is what pc-hygiene owners resubscribe records, so they may have been resubscribed on purpose; ' +
      'the reconciler also records none where it keeps no subscription, as on route relay',
    toRecord: 'If they were not resubscribed, to record it, ',
  },
};

/**
 * The warnings for owners whose export line's opt-out was not recorded, one
 * line per state in this table (before sanitising: the ids are the file's text).
 */
function notAppliedWarnings(notApplied: readonly OptOutNotApplied[], dryRun: boolean): string[] {
  const states = [...new Set(notApplied.map((entry) => entry.state))].sort();
  return states.map((state) => {
    const userIds = notApplied.filter((entry) => entry.state === state).map((entry) => entry.userId);
    const { why, reason, toRecord } = NOT_APPLIED_BECAUSE[state];
    return (
      `${userIds.length} owner(s) opted out on the exporting deployment, but ${why}: ${userIds.join(', ')}; ` +
      `their opt-out ${dryRun ? 'would not be' : 'was not'} recorded (${reason}). ${toRecord}` +
      unsubscribeAdvice(userIds)
    );
  });
}

const EXIT_CODE_OF: Readonly<Record<OwnerImportSummary['outcome'], number>> = {
  imported: EXIT_CODE.complete,
  'dry-run': EXIT_CODE.complete,
  rejected: EXIT_CODE.failure,
  superseded: EXIT_CODE.failure,
  'guard-tripped': EXIT_CODE.guardTripped,
  'older-snapshot': EXIT_CODE.guardTripped,
};

async function runOwnersImport(
  file: string,
  options: OwnersImportOptions,
  command: CommandUnknownOpts,
): Promise<void> {
  const now = Date.now();
  const asOf = resolveAsOf(options.asOf, now);
  const { config } = directoryConfigOf(command);
  const importFile = (client: DynamoDBDocumentClient, progress: Progress) =>
    importOwnerFile(client, {
      table: options.directoryTable,
      file,
      ...(options.inputFormat !== undefined && { format: options.inputFormat }),
      asOf,
      now: formatInstant(now),
      sync: options.sync ?? false,
      allowMassChange: options.allowMassChange ?? false,
      allowOlder: options.allowOlder ?? false,
      maxDeletePercent: config.maxDeletePercent,
      createTable: options.createTable ?? false,
      dryRun: options.dryRun ?? false,
      onWritten: (written) => progress.update(written),
    });
  const summary = await withProgress({ label: 'owners import', unit: 'owners written' }, (progress) =>
    // The import checks (or creates) the table itself.
    withDirectory(options, (client) => importFile(client, progress), { mayBeMissing: true }),
  );
  for (const warning of notAppliedWarnings(summary.optOutsNotApplied, options.dryRun ?? false)) {
    process.stderr.write(`pc-hygiene owners import: warning: ${terminalText(warning)}\n`);
  }
  if (options.format === 'json') process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    for (const row of summary.rejectedRows) {
      process.stderr.write(`pc-hygiene owners import: rejected ${terminalText(describeRejected(row))}\n`);
    }
    const text = terminalLines([summaryLine(summary, options.dryRun ?? false)]);
    (EXIT_CODE_OF[summary.outcome] === EXIT_CODE.complete ? process.stdout : process.stderr).write(text);
  }
  if (EXIT_CODE_OF[summary.outcome] !== EXIT_CODE.complete) process.exitCode = EXIT_CODE_OF[summary.outcome];
}

/** Registers `owners import` on the `owners` command. */
export function registerOwnersImportCommand(owners: Command): void {
  defineOwnersImport(owners).action(async (file, options, command) =>
    runOwnersImport(file, options, command),
  );
}
