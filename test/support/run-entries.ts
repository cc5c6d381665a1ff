/**
 * A run's deletions as one list, for tests that check what a manifest holds:
 * the pages of `runPages` in order, where a missing page or a malformed entry
 * is an error naming it (a test must not pass over a damaged manifest; the
 * commands report such pages and go on, docs/data-model.md, "Run manifests").
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runPages } from '../../cli/aws/run-manifests';
import type { ManifestEntry, RunManifestHeader } from '../../lambdas/hygiene/run-manifest';

/** A run's deletions, page by page in order; a missing page or a malformed entry is an error naming it. */
export async function* runEntries(
  client: DynamoDBDocumentClient,
  tableName: string,
  header: RunManifestHeader,
): AsyncGenerator<ManifestEntry> {
  for await (const { entries, malformed, missing } of runPages(client, tableName, header)) {
    if (missing !== undefined) throw new Error(missing.error);
    if (malformed[0] !== undefined) throw new Error(malformed[0].error);
    yield* entries;
  }
}
