/**
 * Wiring shared by the on-the-wire tests: the SNS-compatible local server
 * (test/integration/fake-sns-server.ts) with the real `SnsPublisher` on the
 * real SDK client pointed at it, and new owners written to a directory table
 * the way `owners import` writes them.
 */
import type { DynamoOwnerDirectory } from '../../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../../lambdas/aws/sns-client';
import { SnsPublisher } from '../../../lambdas/aws/sns-publisher';
import type { ImportedOwner } from '../../../lambdas/hygiene/owner-import';
import { FakeSnsServer } from '../fake-sns-server';

/** Starts the server and a publisher to `topicArn` on it (stop the server from `afterAll`). */
export async function startSnsPublisher(
  topicArn: string,
): Promise<{ readonly sns: FakeSnsServer; readonly publisher: SnsPublisher }> {
  const sns = await FakeSnsServer.start();
  return { sns, publisher: new SnsPublisher(createSnsClient({ endpoint: sns.endpoint }), topicArn) };
}

/** Writes `owners` as new directory entries (none existed, no route reset), recorded at `at`. */
export function upsertNewOwners(
  directory: DynamoOwnerDirectory,
  owners: readonly ImportedOwner[],
  at: string,
): Promise<unknown> {
  return directory.upsertOwners(
    owners.map((owner) => ({ owner, existed: false, resetRoute: false })),
    at,
  );
}
