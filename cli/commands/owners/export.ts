/**
 * `pc-hygiene owners export`: the owner directory as JSON Lines on stdout,
 * one owner a line (`userId`, `email`, `name`, `status`, and the route state
 * the worker records), in a form `owners import` reads back: of the route
 * state it keeps only the opt-outs (`subscription` `unsubscribed`,
 * `optedOutAddresses`), written with an owner new to the table it imports
 * into and merged into one already there
 * (lambdas/hygiene/owner-import-opt-outs.ts; an `unsubscribed` over a
 * `confirmed` subscription on that table's topic is not recorded but warned
 * about), so moving a directory keeps them (docs/deploy.md, "Owner
 * directory"). The freshness item is not an owner and is not exported, but
 * its snapshot instant is: each line carries it (`directoryAsOf`), and the
 * import records it as its own (lambdas/hygiene/owner-import-as-of.ts), so a
 * moved directory keeps its source's instant: an export older than the
 * target's recorded snapshot is refused there, and a stale source does not
 * look fresh. It is read before the owners: an import that records a newer
 * snapshot meanwhile leaves lines newer than the instant, never older. The
 * summary on stderr says it.
 */
import type { Command } from '@commander-js/extra-typings';
import { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import { EXPORT_AS_OF_FIELD } from '../../../lambdas/hygiene/owner-import-as-of';
import { describeStoredValue } from '../../../lambdas/hygiene/stored-value-text';
import { formatInstant, parseInstant } from '../../../lambdas/hygiene/time';
import { jsonText } from '../../../lambdas/render/json-text';
import { terminalText } from '../../../lambdas/render/sanitize';
import { defineCommand } from '../../options/define-command';
import { withDirectory } from '../../options/directory-options';
import type { OptionsOf } from '../../options/options-of';
import { writeStreamedListing } from '../../streamed-listing';

function defineOwnersExport(owners: Command) {
  return defineCommand(
    owners,
    'export',
    "Write every owner in the directory as JSON Lines to stdout, each line with the directory's snapshot instant " +
      '(directoryAsOf), which owners import records as its --as-of.',
    'directory',
    (command) => command,
  );
}

type OwnersExportOptions = OptionsOf<ReturnType<typeof defineOwnersExport>>;

/** The directory's recorded snapshot instant (canonical UTC), or why there is none to carry. */
type ExportedInstant = { readonly asOf: string } | { readonly none: string };

/** The recorded `asOf` of the freshness item as the export carries it (see the file header). */
async function exportedInstant(directory: DynamoOwnerDirectory): Promise<ExportedInstant> {
  const freshness = await directory.freshness();
  const stored = freshness?.asOf ?? freshness?.invalidAsOf;
  if (stored === undefined) return { none: 'no snapshot recorded (never imported in full)' };
  const parsed = typeof stored === 'string' ? parseInstant(stored) : undefined;
  if (parsed?.ok) return { asOf: formatInstant(parsed.ms) };
  return { none: `its recorded snapshot instant ${describeStoredValue(stored)} is not a valid instant` };
}

/** The summary line's end: the instant carried, or why none is and what the import then needs. */
function instantText(instant: ExportedInstant): string {
  if ('asOf' in instant) {
    return (
      `, directory as of ${instant.asOf} (on each line as ${EXPORT_AS_OF_FIELD}: owners import records it, ` +
      'so give no --as-of)'
    );
  }
  return (
    `; ${instant.none}, so the lines carry no ${EXPORT_AS_OF_FIELD}: owners import of this file needs --as-of ` +
    '(the instant the source reflects)'
  );
}

async function runOwnersExport(options: OwnersExportOptions): Promise<void> {
  const done = await withDirectory(options, async (client) => {
    let written = 0;
    const directory = new DynamoOwnerDirectory(client, options.directoryTable);
    const instant = await exportedInstant(directory);
    const stated = 'asOf' in instant ? { [EXPORT_AS_OF_FIELD]: instant.asOf } : {};
    const whole = await writeStreamedListing(process.stdout, directory.owners(), {
      item: (owner) => {
        written++;
        return `${jsonText({ ...owner, ...stated })}\n`;
      },
    });
    // `owners export | head`: the reader has what it wanted, and no count is said.
    return whole ? { written, instant } : undefined;
  });
  if (done !== undefined) {
    const summary = `exported ${done.written} owner(s) from ${options.directoryTable}${instantText(done.instant)}`;
    process.stderr.write(`${terminalText(summary)}\n`);
  }
}

/** Registers `owners export` on the `owners` command. */
export function registerOwnersExportCommand(owners: Command): void {
  defineOwnersExport(owners).action(async (options) => runOwnersExport(options));
}
