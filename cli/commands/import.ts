/**
 * `pc-hygiene import FILE.jsonl`: loads PersonalClient records into a table.
 * Every line is validated with the same parser the sweep uses, and against
 * DynamoDB's item limits (size, numbers, nesting: cli/aws/item-limits.ts), so
 * one line cannot fail the 25-item batch it would travel in; bad lines are
 * reported with their line numbers and NOT written; good lines are written
 * with BatchWriteItem (unprocessed items retried with backoff). Should
 * DynamoDB still refuse an item, its batch is rewritten item by item and only
 * that line is reported, the import going on (exit 1 as for any bad line).
 * The file is streamed, so memory does not grow with its size (apart from the
 * ids seen, kept to refuse duplicates).
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from '@commander-js/extra-typings';
import { formatProblem, parseCredential } from '../../lambdas/hygiene/credential';
import { isReservedId, RESERVED_ID_PREFIX } from '../../lambdas/hygiene/data-contract';
import type { RawItem } from '../../lambdas/hygiene/ports';
import { terminalText } from '../../lambdas/render/sanitize';
import { BatchItemWriter } from '../aws/batch-import';
import { createTable } from '../aws/create-table';
import { itemLimitProblems } from '../aws/item-limits';
import { EXIT_CODE } from '../exit-codes';
import { type JsonlLine, readJsonLines } from '../jsonl';
import { defineCommand } from '../options/define-command';
import { enforceOption, refuseAuditDeployment, resolveTarget } from '../options/deployment-target';
import { formatOption, RESULT_FORMATS } from '../options/formats';
import type { OptionsOf } from '../options/options-of';
import { withTable } from '../options/table-options';
import { withProgress } from '../progress';

/** What `import --help` says the command does. */
const DESCRIPTION =
  'Load PersonalClient records from a JSON Lines file into a table. Every line is validated; bad lines are ' +
  'reported with their line numbers and not written (exit 1). Records replace items with the same id.';

/** A line that was not written, and why. */
export interface RejectedLine {
  readonly line: number;
  /** The record's id when it has a usable one. */
  readonly id: string | null;
  readonly problems: readonly string[];
}

/** What an import did. */
export interface ImportSummary {
  readonly table: string;
  readonly file: string;
  /** Records written (or, in a dry run, that would be). */
  readonly written: number;
  readonly rejected: number;
  readonly rejectedLines: readonly RejectedLine[];
  readonly dryRun: boolean;
  /** Whether `--create-table` created the table (false: it existed or was not asked). */
  readonly tableCreated: boolean;
}

/**
 * Numbers JSON cannot carry exactly (beyond ±2^53: JSON.parse has already
 * rounded them), one problem each: written, they would silently differ from
 * the file, and the SDK refuses them anyway.
 */
export function inexactNumbers(value: unknown, path = ''): string[] {
  if (typeof value === 'number') {
    return Math.abs(value) > Number.MAX_SAFE_INTEGER
      ? [
          `${path || '(record)'}: the number ${value} is beyond ±2^53 and cannot be imported exactly (quote it as a string)`,
        ]
      : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => inexactNumbers(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => inexactNumbers(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** Checks one line; returns the item to write, or why it is rejected. */
export function checkImportLine(
  line: JsonlLine,
  firstLineOfId: Map<string, number>,
): { readonly item: RawItem } | { readonly rejected: RejectedLine } {
  if (!line.ok) {
    // The reader's message starts with "line N is"; the line number is reported separately.
    const problem = line.error.replace(/^line \d+ is /, '');
    return { rejected: { line: line.lineNumber, id: null, problems: [problem] } };
  }
  const parsed = parseCredential(line.value);
  if (!parsed.ok) {
    return {
      rejected: { line: line.lineNumber, id: parsed.id, problems: parsed.problems.map(formatProblem) },
    };
  }
  const { id } = parsed.credential;
  if (isReservedId(id)) {
    return {
      rejected: {
        line: line.lineNumber,
        id,
        problems: [`id: ids starting with ${RESERVED_ID_PREFIX} are reserved for the worker's own items`],
      },
    };
  }
  const inexact = inexactNumbers(parsed.credential.raw);
  if (inexact.length > 0) return { rejected: { line: line.lineNumber, id, problems: inexact } };
  // Past DynamoDB's limits the item would fail its whole batch: reject the line instead.
  const unstorable = itemLimitProblems(parsed.credential.raw);
  if (unstorable.length > 0) return { rejected: { line: line.lineNumber, id, problems: unstorable } };
  const first = firstLineOfId.get(id);
  if (first !== undefined) {
    return {
      rejected: {
        line: line.lineNumber,
        id,
        problems: [`id: duplicate of line ${first} (the first one is kept)`],
      },
    };
  }
  firstLineOfId.set(id, line.lineNumber);
  return { item: parsed.credential.raw };
}

/** The line of an item DynamoDB refused at write time (validation let it through), with DynamoDB's reason. */
function refusedLine(
  item: RawItem,
  message: string,
  firstLineOfId: ReadonlyMap<string, number>,
): RejectedLine {
  const id = String(item.id);
  return { line: firstLineOfId.get(id) ?? 0, id, problems: [`DynamoDB refused the item: ${message}`] };
}

/** Options of {@link importJsonLines}. */
export interface ImportOptions {
  readonly table: string;
  readonly file: string;
  readonly dryRun?: boolean;
  readonly createTable?: boolean;
  /** Called for each rejected line as it is found. */
  readonly onRejected?: (rejected: RejectedLine) => void;
  /** Called as records are validated and written. */
  readonly onProgress?: (progress: { readonly read: number; readonly written: number }) => void;
  /** Backoff tuning for unprocessed items (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Validates and writes every line of a JSON Lines file.
 * @throws {UsageError} when the file cannot be read
 * @throws {BatchWriteIncompleteError} when some items stayed unprocessed after every retry
 */
export async function importJsonLines(
  client: DynamoDBDocumentClient,
  options: ImportOptions,
): Promise<ImportSummary> {
  const lines = readJsonLines(options.file);
  // Opens the file before touching the table: an unreadable file is a usage error with nothing created.
  const first = await lines.next();
  let tableCreated = false;
  if (options.createTable && !options.dryRun) {
    tableCreated = (await createTable(client, options.table, { ifNotExists: true })).created;
  } else if (!options.dryRun) {
    // Fail before reading the file, not after reporting its bad lines.
    await client.send(new DescribeTableCommand({ TableName: options.table }));
  }
  let read = 0;
  let valid = 0;
  let written = 0;
  const firstLineOfId = new Map<string, number>();
  const rejectedLines: RejectedLine[] = [];
  const reject = (rejected: RejectedLine) => {
    rejectedLines.push(rejected);
    options.onRejected?.(rejected);
  };
  const writer = new BatchItemWriter(client, options.table, {
    onWritten: (total) => {
      written = total;
      options.onProgress?.({ read, written });
    },
    // Validation should have caught it; if DynamoDB still refuses an item, only its line is lost.
    onRefused: (item, message) => reject(refusedLine(item, message, firstLineOfId)),
    ...(options.sleep && { sleep: options.sleep }),
  });
  const handle = async (line: JsonlLine) => {
    read++;
    const checked = checkImportLine(line, firstLineOfId);
    if ('rejected' in checked) return reject(checked.rejected);
    valid++;
    if (!options.dryRun) await writer.put(checked.item);
  };
  if (!first.done) await handle(first.value);
  for await (const line of lines) await handle(line);
  if (!options.dryRun) written = await writer.finish();
  return {
    table: options.table,
    file: options.file,
    written: options.dryRun ? valid : written,
    rejected: rejectedLines.length,
    // Refusals arrive as their batches are answered: report in file order.
    rejectedLines: rejectedLines.toSorted((a, b) => a.line - b.line),
    dryRun: options.dryRun ?? false,
    tableCreated,
  };
}

function describeRejected(rejected: RejectedLine): string {
  const who = rejected.id === null ? '' : ` (id ${rejected.id})`;
  return terminalText(`line ${rejected.line}${who}: ${rejected.problems.join('; ')}`);
}

async function runImport(file: string, options: ImportCommandOptions): Promise<void> {
  const target = await resolveTarget(options, { usesConfig: false });
  if (!options.dryRun)
    refuseAuditDeployment(target, options.enforce, 'import', ', or --dry-run to validate only');
  const summary = await withProgress({ label: 'import', unit: 'records written' }, (progress) =>
    withTable(target, (client) =>
      importJsonLines(client, {
        table: target.table,
        file,
        dryRun: options.dryRun,
        createTable: options.createTable,
        onProgress: (p) => progress.update(p.written),
        onRejected:
          options.format === 'table'
            ? (rejected) => {
                progress.clear();
                process.stderr.write(`pc-hygiene import: rejected ${describeRejected(rejected)}\n`);
              }
            : undefined,
      }),
    ),
  );
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const verb = summary.dryRun ? 'would import' : 'imported';
    const created = summary.tableCreated ? ' (table created)' : '';
    const rejected = summary.rejected === 0 ? '' : `; ${summary.rejected} line(s) rejected, not written`;
    process.stdout.write(`${verb} ${summary.written} record(s) into ${summary.table}${created}${rejected}\n`);
  }
  // Rejected lines mean the file was not fully loaded: a script must notice.
  if (summary.rejected > 0) process.exitCode = EXIT_CODE.failure;
}

/** `import` and its flags. */
function defineImportCommand(program: Command) {
  return defineCommand(program, 'import', DESCRIPTION, 'table', (command) =>
    command
      .argument('<file>', 'JSON Lines file, one PersonalClient record per line')
      .option('--create-table', 'create the table (key, outbox index, TTL) when it does not exist')
      .option('--dry-run', 'validate only; write nothing')
      .addOption(enforceOption())
      .addOption(formatOption(RESULT_FORMATS, 'summary format')),
  );
}

type ImportCommandOptions = OptionsOf<ReturnType<typeof defineImportCommand>>;

/** Registers `import` on the program. */
export function registerImportCommand(program: Command): void {
  defineImportCommand(program).action(async (file, options) => runImport(file, options));
}
