/**
 * `pc-hygiene owners import FILE`: loads an HR / IdP export into the owner
 * directory (docs/deploy.md, "Owner directory"). Every row is checked first;
 * every bad row is counted, the first ones (`MAX_LISTED_REJECTED_ROWS`) named
 * by their line, and nothing is written (exit 1), as for a bad CSV header or
 * a file with no rows (JSON: `rejectedRows`, `rejectedRowCount`); `--sync`
 * marks owners missing from the file `departed`, refused (exit 3) when that
 * is more than `maxDeletePercent` of the active owners unless
 * `--allow-mass-change`; the share is the `--config`'s, else the `--stack`'s
 * deployed config's (`directoryConfigOf`), else the default. An export older
 * than the directory's recorded snapshot (`--as-of`), or a different export
 * (another content digest) than the one recorded as of the same instant, is
 * refused (exit 3) unless `--allow-older`. The instant is `--as-of`, else an
 * `owners export` file's own (`directoryAsOf`, so a moved directory keeps
 * its source's), else now; an `--as-of` that differs from the file's, or an
 * export file stating none without `--as-of`, is a usage error (exit 2:
 * lambdas/hygiene/owner-import-as-of.ts). An import during which another one
 * recorded its snapshot does not record its own, says so and exits 1. Who
 * `--sync` marks departed (for `--dry-run` and a tripped guard, would mark) is
 * named on a line after the summary's, the first `MAX_LISTED_DEPARTING` by
 * `userId` and the rest counted, stored ids escaped (JSON `departing`,
 * `departingNotListed`).
 *
 * An `owners export` line's opt-out the import does not record (the owner
 * has a subscription on this deployment's topic) is a warning on stderr
 * naming the owners and the command that records it (`owners unsubscribe --
 * <ids>`; ids that cannot be typed faithfully are counted, not put in it),
 * with exit 0: the import itself did what it can, every other owner is
 * written, and a failure exit would make a scheduled import retry what a
 * retry cannot change. The JSON summary lists them (`optOutsNotApplied`).
 * One recorded over the state `none` or `pending` (what `owners resubscribe`
 * leads to, and also what the reconciler records on route relay, or for a
 * subscription awaiting confirmation) is a notice on stderr naming the owners
 * and `owners resubscribe -- <ids>`, for any resubscribed on purpose (JSON
 * `optOutsOverNoneOrPending`).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Command, type CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import type { OptOutNotApplied } from '../../../lambdas/hygiene/owner-import-opt-outs';
import type { RejectedOwnerRow } from '../../../lambdas/hygiene/owner-import-rows';
import { placeholderWords } from '../../../lambdas/hygiene/pasted-command';
import { formatInstant, parseInstant, requireInstant } from '../../../lambdas/hygiene/time';
import { jsonText } from '../../../lambdas/render/json-text';
import { terminalLines, terminalText } from '../../../lambdas/render/sanitize';
import { EXIT_CODE } from '../../exit-codes';
import { shellWord } from '../../format/shell-word';
import { defineCommand } from '../../options/define-command';
import { directoryConfigOf, requireDirectoryTable, withDirectory } from '../../options/directory-options';
import { formatOption, RESULT_FORMATS } from '../../options/formats';
import { configOption } from '../../options/load-config';
import type { OptionsOf } from '../../options/options-of';
import { type Progress, withProgress } from '../../progress';
import { UsageError } from '../../usage-error';
import {
  importOwnerFile,
  MAX_LISTED_REJECTED_ROWS,
  type OwnerImportSummary,
} from '../../use-cases/import-owners';
import { OWNER_FILE_FORMATS } from '../../use-cases/owner-file';

/** What `owners import --help` says the command does. */
const DESCRIPTION =
  'Load owners (userId, email, name, status) from a CSV file with that header or a JSON Lines file. ' +
  `Every row is checked first: bad rows are named by line number (the first ${MAX_LISTED_REJECTED_ROWS}; the rest ` +
  'counted) and nothing is written (exit 1), as for a file with no rows. ' +
  'Owners not in the file keep their state unless --sync, which marks them departed and names them. ' +
  "An export older (--as-of) than the directory's recorded snapshot, or a different export than the one recorded " +
  'as of the same instant, is refused (exit 3) unless --allow-older. ' +
  "An owners export file carries its directory's snapshot instant (directoryAsOf), which the import records: " +
  'a different --as-of is refused (exit 2), as is an owners export file without one and no --as-of.';

function defineOwnersImport(owners: Command) {
  return defineCommand(owners, 'import', DESCRIPTION, 'directory', (command) =>
    command
      .argument('<file>', 'CSV (header userId,email,name,status) or JSON Lines (one owner object a line)')
      .option(
        '--as-of <iso>',
        'the instant the export reflects (RFC 3339 with a zone; default: the directoryAsOf an owners export ' +
          'file carries, else now)',
      )
      .option('--sync', 'mark active owners missing from the file departed (guarded by maxDeletePercent)')
      .option(
        '--allow-mass-change',
        'with --sync: let it mark more than maxDeletePercent of the active owners departed',
      )
      .option(
        '--allow-older',
        "import an export whose --as-of is older than the directory's recorded snapshot (the freshness goes back " +
          'to it), or one whose content differs from the export recorded as of the same --as-of (it replaces that one)',
      )
      .option('--create-table', 'create the owner directory table when it does not exist')
      .option('--dry-run', 'check the file and show what would change; write nothing')
      .addOption(configOption('directory', 'maxDeletePercent is the --sync guard share'))
      .addOption(
        new Option('--input-format <format>', 'file format (default: from the extension or content)').choices(
          OWNER_FILE_FORMATS,
        ),
      )
      .addOption(formatOption(RESULT_FORMATS, 'summary format')),
  );
}

type OwnersImportOptions = OptionsOf<ReturnType<typeof defineOwnersImport>>;

/**
 * `--as-of` as canonical UTC; never after `now` (a future snapshot would look fresh for longer than it is).
 * Not given: `undefined` (the import takes an `owners export` file's own instant, else now).
 */
function resolveAsOf(value: string | undefined, now: number): string | undefined {
  if (value === undefined) return undefined;
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
 * line's opt-outs are all kept (`optOutsKept`; among them, those recorded
 * over `none` or `pending`, named by the notice), and apart, those whose
 * opt-out was not recorded (`optOutsNotApplied`, named by the warning).
 */
function optOutsText(summary: OwnerImportSummary): string {
  const notApplied = summary.optOutsNotApplied.length;
  const noticed = summary.optOutsOverNoneOrPending.length;
  const noticedText = noticed > 0 ? ` (${noticed} over none or pending: see the notice)` : '';
  const parts = [
    ...(summary.optOutsKept > 0 ? [`kept for ${summary.optOutsKept}${noticedText}`] : []),
    ...(notApplied > 0 ? [`not applied for ${notApplied} (see the warning)`] : []),
  ];
  return parts.length === 0 ? '' : `, the export's opt-outs ${parts.join(' and ')}`;
}

/**
 * The line after the rejected rows listed when there are more
 * (`MAX_LISTED_REJECTED_ROWS`, cli/use-cases/import-owners.ts), or `undefined`.
 */
function notListedLine(summary: OwnerImportSummary): string | undefined {
  const listed = summary.rejectedRows.length;
  const more = summary.rejectedRowCount - listed;
  if (more <= 0) return undefined;
  return (
    `... and ${more} more rejected row(s) not listed (only the first ${listed} are: fix them and run the ` +
    'import again to see the next)'
  );
}

/** What a file with no owner rows holds, by format. */
const NO_ROWS: Readonly<Record<OwnerImportSummary['format'], string>> = {
  csv: 'it is empty or blank, or holds only the header',
  jsonl: 'it is empty or blank',
};

/**
 * The summary line of a `rejected` import: the bad rows counted among the
 * rows read; a bad CSV header, which is no row and stops the read; or a file
 * with no rows (`noRows`: no line is named before this one, so it says why).
 */
function rejectedLine(summary: OwnerImportSummary): string {
  if (summary.noRows) {
    return (
      `rejected: ${summary.file} has no owner rows (${NO_ROWS[summary.format]}); nothing written ` +
      '(an empty export is refused: with --sync it would mark every owner departed)'
    );
  }
  const header = summary.rejectedRows.find((row) => row.header);
  if (header !== undefined) {
    return `rejected: the header of ${summary.file} (line ${header.line}) is unusable, so no row was read; nothing written`;
  }
  return `rejected ${summary.rejectedRowCount} of ${summary.rows} row(s) in ${summary.file}; nothing written`;
}

/** How the summary line says where the instant it names came from (`--as-of` and now go unsaid). */
const AS_OF_FROM: Readonly<Record<OwnerImportSummary['asOfFrom'], string>> = {
  'as-of': '',
  export: " (the export's directoryAsOf)",
  now: '',
};

/** The summary line (before sanitising: the recorded instants are stored text). */
function summaryLine(summary: OwnerImportSummary, dryRun: boolean): string {
  if (summary.outcome === 'rejected') return rejectedLine(summary);
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
    return `${done}directory as of ${summary.asOf}${AS_OF_FROM[summary.asOfFrom]}${older}, ${summary.owners} owner(s)`;
  }
  return `${done}${supersededText(summary)}`;
}

/**
 * Who `--sync` marks departed (`departing`: the first ones by `userId`, the
 * rest counted), as a line after the summary's, or `undefined` when nobody:
 * the count alone would not show a wrong departure (a real owner missing
 * because their row differs by an invisible character, a truncated export)
 * until the owners' credentials are orphaned. For a dry run or a tripped
 * guard, who would be. Before sanitising: the ids are stored text.
 */
function departingLine(summary: OwnerImportSummary, dryRun: boolean): string | undefined {
  if (summary.departing.length === 0) return undefined;
  const verb = dryRun || summary.outcome === 'guard-tripped' ? 'would mark' : 'marked';
  const rest = summary.departingNotListed > 0 ? ` ... and ${summary.departingNotListed} more not listed` : '';
  return `${verb} departed (--sync: active, not in the file): ${summary.departing.join(', ')}${rest}`;
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
 * How to run `pc-hygiene owners <subcommand>` for `userIds` by hand, ending
 * with the command, which names only the ids that can be typed
 * ({@link shellWord}), after `--` (so an id starting with `-` is not read as
 * an option); the others are counted, to be read from the JSON summary's
 * `field`, and with none left the command ends with a list placeholder,
 * `"<userId>"...` (each id its own word: {@link placeholderWords}). The ids
 * are the file's, which the owner id rule keeps printable
 * (lambdas/hygiene/owner-import-rows.ts), so all can be typed: the count is a
 * guard, should the two rules ever part.
 */
export function commandAdvice(
  subcommand: 'unsubscribe' | 'resubscribe',
  field: string,
  userIds: readonly string[],
): string {
  const words = userIds.map(shellWord).filter((word) => word !== undefined);
  const untypable = userIds.length - words.length;
  const apart =
    untypable === 0
      ? ''
      : `for ${untypable} owner(s) whose ids cannot be typed safely, see --format json (${field})`;
  if (words.length === 0)
    return `${apart}, then run pc-hygiene owners ${subcommand} -- ${placeholderWords('userId')}`;
  return (
    `${apart === '' ? '' : `${apart}; for the others, `}run (with the same --stack or --directory-table, before --): ` +
    `pc-hygiene owners ${subcommand} -- ${words.join(' ')}`
  );
}

/**
 * The warning for owners whose export line's opt-out was not recorded (a
 * subscription on this topic, {@link OptOutNotApplied}), or `undefined` when
 * none (before sanitising: the ids are the file's text).
 */
function notAppliedWarning(notApplied: readonly OptOutNotApplied[], dryRun: boolean): string | undefined {
  if (notApplied.length === 0) return undefined;
  const userIds = notApplied.map((entry) => entry.userId);
  return (
    `${userIds.length} owner(s) opted out on the exporting deployment, but have a subscription on this one's ` +
    `topic: ${userIds.join(', ')}; their opt-out ${dryRun ? 'would not be' : 'was not'} recorded (the reconciler ` +
    'lets the subscription win). To record it (the subscription is removed first), ' +
    commandAdvice('unsubscribe', 'optOutsNotApplied', userIds)
  );
}

/**
 * The notice for owners whose export line's opt-out was recorded over the
 * state `none` or `pending` (`optOutsOverNoneOrPending`), or `undefined` when
 * none (before sanitising: the ids are the file's text). The stop wins; the
 * notice says how to undo it for an owner resubscribed on purpose.
 */
function resubscribeNotice(userIds: readonly string[], dryRun: boolean): string | undefined {
  if (userIds.length === 0) return undefined;
  return (
    `${userIds.length} owner(s) who opted out on the exporting deployment ${dryRun ? 'would be' : 'were'} recorded ` +
    `unsubscribed though this table had none or pending: ${userIds.join(', ')} (pc-hygiene owners resubscribe ` +
    'records none, and the next reconcile pending until the person confirms; the reconciler also records none on ' +
    'route relay or where it keeps no subscription, and pending for any subscription awaiting confirmation). ' +
    `If any was resubscribed on purpose, ${commandAdvice('resubscribe', 'optOutsOverNoneOrPending', userIds)}`
  );
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
  if (options.allowMassChange && !options.sync) {
    throw new UsageError(
      '--allow-mass-change applies only with --sync (it lets --sync mark more than maxDeletePercent of the ' +
        'active owners departed): add --sync, or leave it out',
    );
  }
  const now = Date.now();
  const asOf = resolveAsOf(options.asOf, now);
  const dryRun = options.dryRun ?? false;
  const { config } = directoryConfigOf(command);
  const importFile = (client: DynamoDBDocumentClient, progress: Progress) =>
    importOwnerFile(client, {
      table: options.directoryTable,
      file,
      ...(options.inputFormat !== undefined && { format: options.inputFormat }),
      ...(asOf !== undefined && { asOf }),
      now: formatInstant(now),
      sync: options.sync ?? false,
      allowMassChange: options.allowMassChange ?? false,
      allowOlder: options.allowOlder ?? false,
      maxDeletePercent: config.maxDeletePercent,
      createTable: options.createTable ?? false,
      dryRun,
      requireTable: (directory, howToCreate) => requireDirectoryTable(directory, options, howToCreate),
      onWritten: (written) => progress.update(written),
    });
  const summary = await withProgress({ label: 'owners import', unit: 'owners written' }, (progress) =>
    // The import checks (or creates) the table itself.
    withDirectory(options, (client) => importFile(client, progress), { mayBeMissing: true }),
  );
  const warning = notAppliedWarning(summary.optOutsNotApplied, dryRun);
  if (warning !== undefined)
    process.stderr.write(`pc-hygiene owners import: warning: ${terminalText(warning)}\n`);
  const notice = resubscribeNotice(summary.optOutsOverNoneOrPending, dryRun);
  if (notice !== undefined)
    process.stderr.write(`pc-hygiene owners import: notice: ${terminalText(notice)}\n`);
  if (options.format === 'json') process.stdout.write(`${jsonText(summary)}\n`);
  else {
    for (const row of summary.rejectedRows) {
      process.stderr.write(`pc-hygiene owners import: rejected ${terminalText(describeRejected(row))}\n`);
    }
    const unlisted = notListedLine(summary);
    if (unlisted !== undefined) process.stderr.write(`pc-hygiene owners import: ${unlisted}\n`);
    const departing = departingLine(summary, dryRun);
    const text = terminalLines([
      summaryLine(summary, dryRun),
      ...(departing === undefined ? [] : [departing]),
    ]);
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
