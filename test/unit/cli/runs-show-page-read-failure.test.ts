/**
 * `runs show` when reading the manifest's first page fails (DynamoDB's error,
 * not a missing or malformed page): the listing starts once that page is in
 * hand (`writeStreamedListing`, cli/streamed-listing.ts), so stdout holds
 * nothing — never a JSON document cut after its header, a CSV header alone or
 * a table's heading — and the read error is the command's (the CLI says it,
 * exit 1). In process,
 * DynamoDB mocked at the document client (aws-sdk-client-mock): the table
 * is described as a credentials table, the header read answers, the page read fails.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { registerRunsCommand } from '../../../cli/commands/runs';
import { RUN_MANIFEST_ATTR, runHeaderId, runPageId } from '../../../lambdas/hygiene/data-contract';
import type { RunManifestHeader } from '../../../lambdas/hygiene/run-manifest';
import { runInProcess } from '../../support/in-process-cli';
import { credentialsTableDescription } from '../../support/table-descriptions';

const RUN_ID = 'run-1';

/** A header as an enforce sweep writes it: one deletion, on one page. */
const HEADER: RunManifestHeader = {
  runId: RUN_ID,
  now: '2025-01-01T00:00:00.000Z',
  startedAt: '2025-01-01T00:00:00.000Z',
  finishedAt: '2025-01-01T00:00:01.000Z',
  status: 'complete',
  deleted: { expired: 1, stale: 0, orphaned: 0, total: 1 },
  pages: 1,
  guard: { tripped: false, overridden: false },
};

describe('runs show when reading the first manifest page fails', () => {
  beforeEach(() => {
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb
      .on(DescribeTableCommand)
      .resolves(credentialsTableDescription())
      .on(GetCommand, { Key: { id: runHeaderId(RUN_ID) } })
      .resolves({ Item: { id: runHeaderId(RUN_ID), [RUN_MANIFEST_ATTR.header]: HEADER } })
      .on(GetCommand, { Key: { id: runPageId(RUN_ID, 1) } })
      .rejects(new Error('page read failed (injected)'));
    return () => ddb.restore();
  });

  it.each(['json', 'csv', 'table'])(
    "--format %s: nothing on stdout; the read error is the command's",
    async (format) => {
      const run = await runInProcess(registerRunsCommand, [
        'runs',
        'show',
        RUN_ID,
        '--endpoint',
        'http://127.0.0.1:8000',
        '--format',
        format,
      ]);

      expect(run.stdout).toBe('');
      expect((run.error as Error).message).toContain('page read failed (injected)');
    },
  );
});
