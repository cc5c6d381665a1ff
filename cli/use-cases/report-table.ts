/**
 * The posture of a table: one parallel scan, items counted as they stream,
 * nothing written. What the `report` and `local` commands share, so it lives
 * outside both command files.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import type { HygieneConfig } from '../../lambdas/hygiene/config';
import { PostureAccumulator, type PostureReport } from '../../lambdas/hygiene/posture';

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
