/**
 * The relay Lambda module for handler tests: it builds its deployed
 * dependencies at import (and reads its queue's `maxReceiveCount`), so the
 * environment they read is set first, as `importSweepHandler` does for the
 * sweep (`sweep-handler-module.ts`).
 */
import { HANDLER_ENV } from '../../lambdas/handlers/environment';

/** Sets a valid (unused) deployed environment with `maxReceiveCount`, then imports `lambdas/handlers/relay`. */
export async function importRelayHandler(
  maxReceiveCount: number,
): Promise<typeof import('../../lambdas/handlers/relay')> {
  Object.assign(process.env, {
    [HANDLER_ENV.directoryTableName]: 'unused',
    [HANDLER_ENV.relayLedgerTableName]: 'unused',
    [HANDLER_ENV.relayMaxReceiveCount]: String(maxReceiveCount),
    HYGIENE_senderIdentity: 'Hygiene <hygiene@corp.example>',
    AWS_REGION: 'us-east-1',
  });
  return import('../../lambdas/handlers/relay');
}
