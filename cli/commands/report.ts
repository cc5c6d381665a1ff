/**
 * `pc-hygiene report`: the hygiene posture of a table at one instant (totals,
 * expiring, expired-not-deleted, stale by tier, never used, no expiry,
 * unscoped, unrestricted, invalid, riskiest owners). Read-only: one parallel
 * scan, items counted as they stream, nothing written.
 */
import type { Command } from '@commander-js/extra-typings';
import { renderPostureJson, renderPostureText } from '../../lambdas/render/posture-text';
import { resolveTarget } from '../options/deployment-target';
import { formatOption, REPORT_FORMATS } from '../options/formats';
import { resolveNow } from '../options/now-option';
import { integerIn } from '../options/numbers';
import type { OptionsOf } from '../options/options-of';
import { segmentsOption } from '../options/scan-segments';
import { addTableOptions, documentClientFor, withTableErrors } from '../options/table-options';
import { createTableProgress } from '../progress';
import { reportTable } from '../use-cases/report-table';

/** `report` and its flags. */
function defineReportCommand(program: Command) {
  const command = program
    .command('report')
    .description(
      'Print the hygiene posture of a table (read-only): expiring, expired, stale, risky, per owner.',
    )
    .option('--now <iso>', 'the instant to report at, RFC 3339 with a zone (default: the wall clock)')
    .option(
      '--config <file>',
      "hygiene configuration as JSON (stale limits and tiers, exempt ids; default: the deployed stack's)",
    )
    .addOption(segmentsOption())
    .option('--top <n>', 'owners to list, riskiest first', integerIn('--top', 0, 10_000), 10)
    .addOption(formatOption(REPORT_FORMATS, 'output format'));
  return addTableOptions(command);
}

type ReportOptions = OptionsOf<ReturnType<typeof defineReportCommand>>;

async function runReportCommand(options: ReportOptions): Promise<void> {
  const now = resolveNow(options.now);
  const target = await resolveTarget(options, { usesConfig: true });
  const { segments, top: topOwners } = options;
  const config = segments === undefined ? target.config : { ...target.config, scanSegments: segments };
  const client = documentClientFor(target);
  const progress = createTableProgress(client, target.table, 'report');
  try {
    const report = await withTableErrors(target, () =>
      reportTable({
        client,
        tableName: target.table,
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
