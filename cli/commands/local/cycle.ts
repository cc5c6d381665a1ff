/**
 * The steps of `pc-hygiene local`'s cycle, against a DynamoDB Local already started (`database-lifecycle.ts`): the
 * table from the CDK's definition, demo data relative to `now` (`cli/local/demo-data.ts`) and the demo owner
 * directory (`cli/local/demo-directory.ts`), a sweep in `enforce` mode, the drain into a JSON Lines file sink, the
 * emails the SES relay would send for those digests, and the posture report. The whole cycle runs as of one
 * instant, `now` (docs/sweep.md); owner reach is judged by the `relay` rule throughout, as there is no SNS locally
 * (docs/notifications.md, "Owner reach"). A sweep aborted after it wrote ends the cycle there, as `sweep` ends
 * (docs/sweep.md, "Write failures"). What the command prints of it: `output.ts`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_TABLE_NAME } from '../../../lambdas/aws/credential-table-definition';
import { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import { DEFAULT_DIRECTORY_TABLE_NAME } from '../../../lambdas/aws/owner-directory-table-definition';
import type { HygieneConfig } from '../../../lambdas/hygiene/config';
import type { NotifierSummary } from '../../../lambdas/hygiene/notifier';
import type { PostureReport } from '../../../lambdas/hygiene/posture';
import type { RunSummary } from '../../../lambdas/hygiene/run-summary';
import { formatInstant } from '../../../lambdas/hygiene/time';
import { batchWriteItems } from '../../aws/batch-import';
import { createTable } from '../../aws/create-table';
import { JsonlFileSink } from '../../jsonl-sink';
import { generateDemoData } from '../../local/demo-data';
import { loadDemoDirectory } from '../../local/demo-directory';
import { drainTable } from '../../use-cases/drain-table';
import type { OwnerImportSummary } from '../../use-cases/import-owners';
import { type RelayEntriesResult, relayEntriesFile } from '../../use-cases/relay-to-files';
import { reportTable } from '../../use-cases/report-table';
import { type SweepOutcome, sweepOrAbort, sweepTable } from '../../use-cases/sweep-table';

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
export interface LocalCycleOptions {
  readonly now: number;
  readonly config: HygieneConfig;
  /** Demo records to load. */
  readonly count: number;
  /** Demo data seed (same seed, same data). */
  readonly seed: number;
  /** Owners the posture report lists (`--top`, as `report`'s). */
  readonly topOwners: number;
  /** The run's own folder for the demo's files (the directory file, the digests, the emails): `demo-folder.ts`. */
  readonly dir: string;
  /** Narration of the steps (stderr in the CLI). */
  readonly log: (line: string) => void;
  /** Sweep progress (items scanned). */
  readonly onScanned?: (scanned: number) => void;
}

/** The cycle's options with its configuration as every step judges: owner reach by the relay rule. */
type CycleStepOptions = LocalCycleOptions & { readonly config: HygieneConfig & { ownerDelivery: 'relay' } };

/**
 * Runs the local cycle against an already started DynamoDB Local: table,
 * demo data, sweep (enforce), notify (file sink in the run's folder),
 * posture report; a sweep aborted after it wrote ends it there ({@link AbortedLocalCycle}).
 */
export async function runLocalCycle(
  client: DynamoDBDocumentClient,
  endpoint: string,
  options: LocalCycleOptions,
): Promise<LocalCycleResult | AbortedLocalCycle> {
  // Owner reach is judged by the relay rule throughout (there is no SNS locally): the sweep's reach section,
  // the drain and the posture report's "Owner reach" section judge alike.
  const steps: CycleStepOptions = { ...options, config: { ...options.config, ownerDelivery: 'relay' } };
  const table = DEFAULT_TABLE_NAME;
  const { imported, owners } = await loadDemo(client, table, endpoint, steps);
  const { summary, aborted } = await sweepDemo(client, table, steps);
  if (aborted !== undefined) return { summary, aborted };
  const directory = new DynamoOwnerDirectory(client, DEFAULT_DIRECTORY_TABLE_NAME);
  const { notify, digestsPath, emails } = await notifyAndRelay(client, table, directory, steps);
  // With the demo directory: the report gains its "Owner reach" section, judged as the sweep and the drain judged.
  const posture = await reportTable({
    client,
    tableName: table,
    config: steps.config,
    now: steps.now,
    directory,
    topOwners: steps.topOwners,
  });
  return { table, endpoint, imported, owners, summary, posture, notify, digestsPath, emails };
}

/** The table (from the CDK's definition), the demo credentials and the demo owner directory, each said on `log`. */
async function loadDemo(
  client: DynamoDBDocumentClient,
  table: string,
  endpoint: string,
  { now, count, seed, dir, log }: CycleStepOptions,
): Promise<{ readonly imported: number; readonly owners: OwnerImportSummary }> {
  await createTable(client, table);
  log(`Created table ${table} (key, outbox index, TTL) at ${endpoint}`);
  const records = generateDemoData({ now, count, seed });
  const imported = await batchWriteItems(client, table, records);
  log(`Loaded ${imported} demo credentials relative to now = ${formatInstant(now)}`);
  const owners = await loadDemoDirectory(client, records, { now, dir, log });
  return { imported, owners };
}

/** The sweep, in `enforce` mode with the demo directory; aborted after it wrote, its outcome says why. */
async function sweepDemo(
  client: DynamoDBDocumentClient,
  table: string,
  { now, config, log, onScanned }: CycleStepOptions,
): Promise<SweepOutcome> {
  log(
    'Sweeping (enforce): notices, stale and orphan flags, guarded soft-deletes, owner events into the outbox...',
  );
  return sweepOrAbort(() =>
    sweepTable({
      client,
      tableName: table,
      config,
      now,
      mode: 'enforce',
      directoryTable: DEFAULT_DIRECTORY_TABLE_NAME,
      ...(onScanned && { onProgress: (p) => onScanned?.(p.scanned) }),
    }),
  );
}

/**
 * The drain into `digests.jsonl` in the run's folder, then what the SES relay would send for those digests (the
 * same code as the relay Lambda): `.eml` files in its `emails` folder; each step said on `log`.
 */
async function notifyAndRelay(
  client: DynamoDBDocumentClient,
  table: string,
  directory: DynamoOwnerDirectory,
  { now, config, dir, log }: CycleStepOptions,
): Promise<Pick<LocalCycleResult, 'notify' | 'digestsPath' | 'emails'>> {
  const digestsPath = join(dir, 'digests.jsonl');
  // There from the start, empty until a digest is appended: a file that cannot be read back is then an error,
  // never "nothing was queued".
  await writeFile(digestsPath, '', { flag: 'wx' });
  log(`Notifying (file sink): one digest per owner into ${digestsPath}...`);
  log(
    'Owner reach is judged by the relay rule (ownerDelivery: relay: active, with an email, not unsubscribed, not bouncing): ' +
      "locally there is no SNS to confirm subscriptions. Unreachable owners' events go to the owner-unreachable report.",
  );
  // The drain's clock starts at the cycle's `now`, as the sweep decided: its summary's startedAt is `now`
  // (the digests' "as of"), not the wall clock the sweep summary's startedAt reads (docs/sweep.md).
  const notify = await drainTable(client, table, new JsonlFileSink(digestsPath), now, {
    directory,
    ownerDelivery: config.ownerDelivery,
    ...(config.ownerContact !== undefined && { ownerContact: config.ownerContact }),
    // The demo's table is gone when it ends: the report's restore commands aim nowhere in particular.
    reportTargets: { targetFlags: '' },
  });
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
  return { notify, digestsPath, emails };
}
