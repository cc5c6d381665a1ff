/**
 * `pc-hygiene export`: every item of the table as JSON Lines, all attributes
 * (seed, bookkeeping, outbox), streamed page by page. The worker's own
 * reserved items (`__hygiene__#…`, e.g. the sweep checkpoint) are left out
 * unless `--include-reserved` is given. With `--output`, the path is checked
 * before the scan (cli/output-file.ts: a missing folder is refused, not
 * created), and the items go to a new temporary file beside it, renamed
 * onto it only when the export succeeds, readable by its owner only (`0600`:
 * the items name owners and credentials); an export that fails or is
 * interrupted (Ctrl-C's SIGINT, SIGTERM, SIGHUP) removes it, and an
 * interrupted one then ends by that signal. `--output json` (an AWS CLI habit,
 * where `--output` names a format) is refused, not written to a file named
 * `json` ({@link refuseFormatName}).
 */

import { randomBytes } from 'node:crypto';
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { type DynamoDBDocumentClient, NumberValue } from '@aws-sdk/lib-dynamodb';
import type { Command } from '@commander-js/extra-typings';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import type { RawItem } from '../../lambdas/hygiene/ports';
import { escapeJsonText } from '../../lambdas/render/json-text';
import { describeFileError } from '../file-errors';
import { onInterrupt } from '../interrupts';
import { defineCommand } from '../options/define-command';
import { resolveTarget, type Target } from '../options/deployment-target';
import type { OptionsOf } from '../options/options-of';
import { MAX_SEGMENTS, parseSegments } from '../options/scan-segments';
import { withDocumentClient, withTableErrors } from '../options/table-options';
import { checkOutputFile, OWNER_ONLY_FILE_MODE } from '../output-file';
import { createProgress } from '../progress';
import { writeStreamedListing } from '../streamed-listing';
import { UsageError } from '../usage-error';

/** What `export --help` says the command does. */
const DESCRIPTION =
  'Write every item of the table as JSON Lines (all attributes, bookkeeping and outbox included) ' +
  'to stdout or a file. Sets become arrays, binary values base64.';

function sortedKeys(value: Readonly<Record<string, unknown>>, first?: string): Record<string, unknown> {
  const sorted: Record<string, unknown> = {};
  if (first !== undefined && first in value) sorted[first] = value[first];
  for (const key of Object.keys(value).sort()) if (key !== first) sorted[key] = value[key];
  return sorted;
}

/** `JSON.rawJSON` / `JSON.isRawJSON` (Node 21+, not yet in the ES2023 lib typings). */
const RawJson = JSON as unknown as { rawJSON(text: string): unknown; isRawJSON(value: unknown): boolean };
/** A number written exactly as given. */
const rawJson = (text: string): unknown => RawJson.rawJSON(text);

/** A set member as JSON can carry it: bigint and NumberValue members as raw JSON numbers. */
function exactNumber(member: unknown): unknown {
  if (typeof member === 'bigint') return rawJson(member.toString());
  if (member instanceof NumberValue) return rawJson(member.value);
  return member;
}

/** Number set members by value (exact enough to order), string set members by code unit. */
function compareScalars(a: unknown, b: unknown): number {
  const numeric = (v: unknown) =>
    typeof v === 'number' || typeof v === 'bigint'
      ? Number(v)
      : v instanceof NumberValue
        ? Number(v.value)
        : undefined;
  const [m, n] = [numeric(a), numeric(b)];
  if (m !== undefined && n !== undefined && m !== n) return m < n ? -1 : 1;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * One item as a JSON line: `id` first, then attributes (and the keys of
 * nested maps) by name, since DynamoDB returns them in no fixed order and two
 * exports should diff cleanly. String and number sets become sorted arrays,
 * binary values base64 strings (JSON has neither), so export → import keeps
 * every value but their types: a set comes back as a list, a binary value as
 * its base64 string (docs/data-model.md, "Import and export"). Stored DEL, C1, format and line
 * separator characters are written as `\uXXXX` escapes (`escapeJsonText`):
 * the same values for a JSON reader, nothing raw for a terminal.
 */
export function itemToJsonLine(item: RawItem): string {
  const json = JSON.stringify(sortedKeys(item, 'id'), (key, value: unknown) => {
    if (value instanceof Set) return [...value].sort(compareScalars).map(exactNumber);
    if (RawJson.isRawJSON(value)) return value;
    if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
    // Numbers beyond a double (read as bigint or NumberValue) are written exactly as stored.
    if (typeof value === 'bigint') return rawJson(value.toString());
    if (value instanceof NumberValue) return rawJson(value.value);
    // The root (key '') is already ordered with `id` first.
    if (key !== '' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return sortedKeys(value as Record<string, unknown>);
    }
    return value;
  });
  return `${escapeJsonText(json)}\n`;
}

/**
 * Writes every item to `output`, one JSON line each ({@link writeStreamedListing}).
 * @returns how many items were written, or `undefined` when the reader closed the output first (`export | head`)
 */
async function exportItems(
  client: DynamoDBDocumentClient,
  table: string,
  output: NodeJS.WritableStream,
  options: {
    readonly segments?: number;
    readonly includeReserved?: boolean;
    /** Called after each page with the running count. */
    readonly onProgress?: (exported: number) => void;
  } = {},
): Promise<number | undefined> {
  const scanner = new DynamoDbCredentialScanner(client, table, { includeReserved: options.includeReserved });
  let count = 0;
  async function* items(): AsyncGenerator<RawItem> {
    for await (const page of scanner.scan({ segments: options.segments ?? 1 })) {
      for (const item of page.items) yield item;
      // Resumed once the page's last item is written.
      options.onProgress?.(count);
    }
  }
  const whole = await writeStreamedListing(output, items(), {
    item: (item) => {
      count++;
      return itemToJsonLine(item);
    },
  });
  return whole ? count : undefined;
}

/**
 * The temporary file an export is written to, beside `output` (so the final
 * rename stays on one file system), under a name nobody else's file has: a
 * random suffix, and created with `wx`, so it never overwrites a file.
 */
const partialPathOf = (output: string) => `${output}.${randomBytes(8).toString('hex')}.partial`;

/**
 * While an export writes `partial`, an interruption (`INTERRUPT_SIGNALS`, cli/interrupts.ts)
 * removes it, then ends the process by that same signal, as if no handler had
 * caught it: a shell (and any parent) then sees a process killed by the
 * signal, so a script's `pc-hygiene export …; next` stops there rather than
 * going on as after a command that merely failed. Node runs no cleanup on a
 * signal, and the `catch` that removes the file on a failure never runs, so
 * each interrupted export would otherwise leave one behind. Synchronous:
 * nothing asynchronous runs once the signal is raised again.
 * @param beforeExit run first (e.g. clearing a progress line)
 * @returns a function that removes the handlers (call it when the export ends, either way)
 */
function removeOnInterrupt(partial: string, beforeExit: () => void): () => void {
  const stopWatching = onInterrupt((signal) => {
    beforeExit();
    rmSync(partial, { force: true });
    // With no handler left, the signal raised again takes its default action: the process ends by it.
    stopWatching();
    process.kill(process.pid, signal);
  });
  return stopWatching;
}

/**
 * Creates `partial` (`wx`: never a file that exists) for writing.
 * @throws {UsageError} naming `output` when it cannot be created
 */
async function openPartial(partial: string, output: string): Promise<WriteStream> {
  const file = createWriteStream(partial, { encoding: 'utf8', flags: 'wx', mode: OWNER_ONLY_FILE_MODE });
  try {
    await new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', reject);
    });
    return file;
  } catch (error: unknown) {
    throw new UsageError(`cannot write output file ${output}: ${describeFileError(error)}`);
  }
}

/**
 * Exports to `output` through a temporary file beside it ({@link partialPathOf}),
 * renamed onto it at the end: an export that fails, or is interrupted
 * ({@link removeOnInterrupt}), never leaves a partial file.
 */
async function exportToFile(
  client: DynamoDBDocumentClient,
  target: Target,
  options: ExportCommandOptions,
  output: string,
): Promise<void> {
  const partial = partialPathOf(output);
  // Progress only when writing to a file: on stdout the line would mix with the data on a terminal.
  const progress = createProgress({ label: 'export', unit: 'items' });
  // Watched from before the file exists: a signal while it is being created still removes it.
  const stopWatching = removeOnInterrupt(partial, () => progress.clear());
  try {
    const file = await openPartial(partial, output);
    try {
      const count = await withTableErrors(target, () =>
        exportItems(client, target.table, file, { ...options, onProgress: (n) => progress.update(n) }),
      );
      // A file has no reader to close it early: were it closed, the export is not whole, and fails.
      if (count === undefined)
        throw new Error(`output file ${output} was closed before the export ended: not written`);
      progress.clear();
      file.end();
      await finished(file);
      await rename(partial, output);
      process.stderr.write(`exported ${count} item(s) from ${target.table} to ${output}\n`);
    } catch (error: unknown) {
      progress.clear();
      file.destroy();
      await rm(partial, { force: true });
      throw error;
    }
  } finally {
    stopWatching();
  }
}

/** The AWS CLI's `--output` values: formats there, a bare file name here. */
const AWS_CLI_OUTPUT_FORMATS: ReadonlySet<string> = new Set(['json', 'text', 'table', 'yaml', 'yaml-stream']);

/**
 * Refuses `--output` given one of the AWS CLI's format names alone (`--output
 * json`): there it picks the format, here it names the file, and the export
 * would land in a file named `json`. A file of that name is still one
 * `./json` away.
 * @throws {UsageError} saying that `--output` names a file and how to name that one
 */
function refuseFormatName(output: string): void {
  if (!AWS_CLI_OUTPUT_FORMATS.has(output)) return;
  throw new UsageError(
    `--output ${output}: --output names the file to write (export always writes JSON Lines; ` +
      `no --format needed); for a file named ${output}, give --output ./${output}`,
  );
}

async function runExport(options: ExportCommandOptions): Promise<void> {
  const { output } = options;
  // Before anything is looked up or scanned: a path that can never be written is a usage error now.
  if (output !== undefined) {
    refuseFormatName(output);
    await checkOutputFile(output, '--output');
  }
  const target = await resolveTarget(options, { usesConfig: false });
  await withDocumentClient(target, async (client) => {
    if (output !== undefined) return exportToFile(client, target, options, output);
    // `export | head`: the reader has what it wanted (`exportItems` then stops quietly).
    await withTableErrors(target, () => exportItems(client, target.table, process.stdout, options));
  });
}

/** `export` and its flags. */
function defineExportCommand(program: Command) {
  return defineCommand(program, 'export', DESCRIPTION, 'table', (command) =>
    command
      .option(
        '--output <file>',
        'write to this file instead of stdout (its folder must exist; replaced only when the export succeeds; ' +
          'not a format: always JSON Lines, and a bare json, text, table or yaml is refused, ./json is a file)',
      )
      .option(
        '--segments <n>',
        `parallel scan segments, 1-${MAX_SEGMENTS} (1 keeps a stable order)`,
        parseSegments,
        1,
      )
      .option(
        '--include-reserved',
        "include the worker's own __hygiene__# items (e.g. the sweep checkpoint)",
      ),
  );
}

type ExportCommandOptions = OptionsOf<ReturnType<typeof defineExportCommand>>;

/** Registers `export` on the program. */
export function registerExportCommand(program: Command): void {
  defineExportCommand(program).action(async (options) => runExport(options));
}
