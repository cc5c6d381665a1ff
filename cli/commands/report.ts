/**
 * `pc-hygiene report`: the hygiene posture of a table at one instant (totals,
 * expiring, expired-not-deleted, stale by tier, never used, no expiry,
 * unscoped, unrestricted, invalid, riskiest owners). Read-only: one parallel
 * scan, items counted as they stream, nothing written.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from '@commander-js/extra-typings';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import {
  PostureAccumulator,
  type PostureReport,
  renderPostureJson,
  renderPostureText,
} from '../../lambdas/hygiene/posture';
import { formatOption, REPORT_FORMATS } from '../options/formats';
import { loadConfigFile } from '../options/load-config';
import { resolveNow } from '../options/now-option';
import { integerIn } from '../options/numbers';
import type { OptionsOf } from '../options/options-of';
import { addTableOptions, documentClientFor, withTableErrors } from '../options/table-options';
import { createTableProgress } from '../progress';
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

/** `report` and its flags. */
function defineReportCommand(program: Command) {
  const command = program
    .command('report')
    .description(
      'Print the hygiene posture of a table (read-only): expiring, expired, stale, risky, per owner.',
    )
    .option('--now <iso>', 'the instant to report at, RFC 3339 with a zone (default: the wall clock)')
    .option('--config <file>', 'hygiene configuration as JSON (stale limits and tiers, exempt ids)')
    .option(
      '--segments <n>',
      'parallel scan segments, 1-64 (default: the config scanSegments)',
      parseSegments,
    )
    .option('--top <n>', 'owners to list, riskiest first', integerIn('--top', 0, 10_000), 10)
    .addOption(formatOption(REPORT_FORMATS, 'output format'));
  return addTableOptions(command);
}

type ReportOptions = OptionsOf<ReturnType<typeof defineReportCommand>>;

async function runReportCommand(options: ReportOptions): Promise<void> {
  const now = resolveNow(options.now);
  const loaded = await loadConfigFile(options.config);
  const { segments, top: topOwners } = options;
  const config = segments === undefined ? loaded : { ...loaded, scanSegments: segments };
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
  defineReportCommand(program).action(async (options) => runReportCommand(options));
}
