/**
 * The sweep Lambda module for handler tests: it builds its deployed
 * dependencies at import, so the environment they read is set first; and a
 * Powertools logger stub for tests that do not read the logs.
 */
import type { Logger } from '@aws-lambda-powertools/logger';

/** Sets a valid (unused) deployed environment, then imports `lambdas/handlers/sweep`. */
export async function importSweepHandler(): Promise<typeof import('../../lambdas/handlers/sweep')> {
  process.env.TABLE_NAME = 'unused';
  process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:unused';
  process.env.AWS_REGION = 'us-east-1';
  return import('../../lambdas/handlers/sweep');
}

/** A logger that drops every line. */
export function silentLogger(): Logger {
  return {
    appendKeys: () => undefined,
    info: () => 0,
    warn: () => 0,
    error: () => 0,
  } as unknown as Logger;
}
