/**
 * `pc-hygiene export`: every item of the table as JSON Lines, all attributes
 * (seed, bookkeeping, outbox), streamed page by page. The worker's own
 * reserved items (`__hygiene__#…`, e.g. the sweep checkpoint) are left out
 * unless `--include-reserved` is given. With `--output`, the path is checked
 * before the scan, and the items go to a new temporary file beside it, renamed
 * onto it only when the export succeeds.
 */

import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import { finished } from 'node:stream/promises';
import { type DynamoDBDocumentClient, NumberValue } from '@aws-sdk/lib-dynamodb';
import type { Command } from '@commander-js/extra-typings';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import type { RawItem } from '../../lambdas/hygiene/ports';
import { describeFileError } from '../file-errors';
import { defineCommand } from '../options/define-command';
import { resolveTarget } from '../options/deployment-target';
import type { OptionsOf } from '../options/options-of';
import { MAX_SEGMENTS, parseSegments } from '../options/scan-segments';
import { withDocumentClient, withTableErrors } from '../options/table-options';
import { createProgress } from '../progress';
import { BrokenPipeError, StreamWriter } from '../stream-writer';
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
 * every value (a set comes back as a list).
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
  return `${json}\n`;
}

/**
 * Writes every item to `out`, one JSON line each.
 * @returns how many items were written
 */
async function exportItems(
  client: DynamoDBDocumentClient,
  table: string,
  out: StreamWriter,
  options: {
    readonly segments?: number;
    readonly includeReserved?: boolean;
    /** Called after each page with the running count. */
    readonly onProgress?: (exported: number) => void;
  } = {},
): Promise<number> {
  const scanner = new DynamoDbCredentialScanner(client, table, { includeReserved: options.includeReserved });
  let count = 0;
  for await (const page of scanner.scan({ segments: options.segments ?? 1 })) {
    for (const item of page.items) {
      await out.write(itemToJsonLine(item));
      count++;
    }
    options.onProgress?.(count);
  }
  return count;
}

/**
 * Checks `--output` before anything is looked up or scanned: a path that can
 * never be written (empty, a directory, in a directory that does not exist)
 * is a usage error naming it, not a raw file error after a full scan.
 * @throws {UsageError} naming `--output` and what is wrong with it
 */
async function checkOutputPath(output: string): Promise<void> {
  if (output === '') throw new UsageError('--output must not be empty: give the file to write');
  const existing = await stat(output).catch(() => undefined);
  if (existing?.isDirectory() || output.endsWith(sep)) {
    throw new UsageError(`--output ${output} is a directory: give the file to write`);
  }
  const parent = dirname(output);
  const folder = await stat(parent).catch(() => undefined);
  if (folder === undefined || !folder.isDirectory()) {
    throw new UsageError(`--output ${output}: the directory ${parent} does not exist`);
  }
}

/**
 * The temporary file an export is written to, beside `output` (so the final
 * rename stays on one file system), under a name nobody else's file has: a
 * random suffix, and created with `wx`, so it never overwrites a file.
 */
const partialPathOf = (output: string) => `${output}.${randomBytes(8).toString('hex')}.partial`;

async function runExport(options: ExportCommandOptions): Promise<void> {
  const { segments } = options;
  if (options.output !== undefined) await checkOutputPath(options.output);
  const target = await resolveTarget(options, { usesConfig: false });
  await withDocumentClient(target, async (client) => {
    if (options.output === undefined) {
      try {
        await withTableErrors(target, () =>
          exportItems(client, target.table, new StreamWriter(process.stdout), { ...options, segments }),
        );
      } catch (error: unknown) {
        if (!(error instanceof BrokenPipeError)) throw error;
      }
      return;
    }
    // Written beside the target and renamed at the end: a failed export never leaves a partial file.
    const partial = partialPathOf(options.output);
    const file = createWriteStream(partial, { encoding: 'utf8', flags: 'wx' });
    try {
      await new Promise<void>((resolve, reject) => {
        file.once('open', () => resolve());
        file.once('error', reject);
      });
    } catch (error: unknown) {
      throw new UsageError(`cannot write output file ${options.output}: ${describeFileError(error)}`);
    }
    // Progress only when writing to a file: on stdout the line would mix with the data on a terminal.
    const progress = createProgress({ label: 'export', unit: 'items' });
    try {
      const count = await withTableErrors(target, () =>
        exportItems(client, target.table, new StreamWriter(file), {
          ...options,
          segments,
          onProgress: (n) => progress.update(n),
        }),
      );
      progress.clear();
      file.end();
      await finished(file);
      await rename(partial, options.output);
      process.stderr.write(`exported ${count} item(s) from ${target.table} to ${options.output}\n`);
    } catch (error: unknown) {
      progress.clear();
      file.destroy();
      await rm(partial, { force: true });
      throw error;
    }
  });
}

/** `export` and its flags. */
function defineExportCommand(program: Command) {
  return defineCommand(program, 'export', DESCRIPTION, 'table', (command) =>
    command
      .option(
        '--output <file>',
        'write to this file instead of stdout (replaced only when the export succeeds)',
      )
      .option(
        '--segments <n>',
        `parallel scan segments, 1-${MAX_SEGMENTS} (1, the default, keeps a stable order)`,
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
