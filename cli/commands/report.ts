/**
 * `pc-hygiene report`: the hygiene posture of a table at one instant (totals,
 * expiring, expired-not-deleted, stale by tier, never used, no expiry,
 * unscoped, unrestricted, invalid, riskiest owners). Read-only: one parallel
 * scan, items counted as they stream, nothing written.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Command, Option } from 'commander';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import {
  PostureAccumulator,
  type PostureReport,
  renderPostureJson,
  renderPostureText,
} from '../../lambdas/hygiene/posture';
import { loadConfigFile } from '../load-config';
import { resolveNow } from '../now-option';
import { createTableProgress } from '../progress';
import { addTableOptions, documentClientFor, type TableOptions, withTableErrors } from '../table-options';
import { UsageError } from '../usage-error';
import { parseSegments } from './sweep';

/** What {@link reportTable} needs. */
export interface TableReport {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly config: HygieneConfig;
  readonly now: number;
  /** Owners listed (default 10). */
  readonly topOwners?: number;
  /** Called after each page with the items read so far. */
  readonly onProgress?: (scanned: number) => void;
}

/** Scans a table into a {@link PostureReport} (the worker's reserved items are skipped). */
export async function reportTable(options: TableReport): Promise<PostureReport> {
  const scanner = new DynamoDbCredentialScanner(options.client, options.tableName);
  const posture = new PostureAccumulator(options.config, options.now);
  let scanned = 0;
  for await (const page of scanner.scan({ segments: options.config.scanSegments })) {
    for (const item of page.items) posture.add(item);
    scanned += page.items.length;
    options.onProgress?.(scanned);
  }
  return posture.report(options.topOwners);
}

const FORMATS = ['table', 'json'] as const;

interface ReportCommandOptions extends TableOptions {
  readonly now?: string;
  readonly config?: string;
  readonly segments?: string;
  readonly top: string;
  readonly format: (typeof FORMATS)[number];
}

function parseTop(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 0 || n > 10_000) {
    throw new UsageError(`--top ${JSON.stringify(value)} must be an integer from 0 to 10000`);
  }
  return n;
}

async function runReportCommand(options: ReportCommandOptions): Promise<void> {
  const now = resolveNow(options.now);
  const loaded = await loadConfigFile(options.config);
  const segments = parseSegments(options.segments);
  const config = segments === undefined ? loaded : { ...loaded, scanSegments: segments };
  const topOwners = parseTop(options.top);
  const client = documentClientFor(options);
  const progress = createTableProgress(client, options.table, 'report');
  try {
    const report = await withTableErrors(options, () =>
      reportTable({
        client,
        tableName: options.table,
        config,
        now,
        topOwners,
        onProgress: (n) => progress.update(n),
      }),
    );
    progress.clear();
    process.stdout.write(options.format === 'json' ? renderPostureJson(report) : renderPostureText(report));
  } finally {
    progress.clear();
    client.destroy();
  }
}

/** Registers `report` on the program. */
export function registerReportCommand(program: Command): void {
  const command = program
    .command('report')
    .description(
      'Print the hygiene posture of a table (read-only): expiring, expired, stale, risky, per owner.',
    )
    .option('--now <iso>', 'the instant to report at, RFC 3339 with a zone (default: the wall clock)')
    .option('--config <file>', 'hygiene configuration as JSON (stale limits and tiers, exempt ids)')
    .option('--segments <n>', 'parallel scan segments, 1-64 (default: the config scanSegments)')
    .option('--top <n>', 'owners to list, riskiest first', '10')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'));
  addTableOptions(command)
    .showHelpAfterError(false)
    .configureOutput({
      outputError: (message, write) => write(`pc-hygiene: ${message.replace(/^error: /, '')}`),
    })
    .action(async (options: ReportCommandOptions) => runReportCommand(options));
}
