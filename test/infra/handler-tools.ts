/**
 * Powertools stand-ins for a handler test: a logger that collects every line
 * with its level (and, in `lines`, its fields) and a metrics object that
 * keeps the last value of each metric, so a test reads what the handler
 * reported. One for every handler test (notifier, reconciler, sweep).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The collected metrics (last value per name) and log lines (`logs`: level and message; `lines`: with the fields
 * logged beside them), and the tools to hand the handler.
 */
export function fakeTools() {
  const metrics: Record<string, number> = {};
  const logs: { level: string; message: string }[] = [];
  const lines: { level: string; message: string; fields: unknown }[] = [];
  const log = (level: string) => (message: string, fields?: unknown) => {
    logs.push({ level, message });
    lines.push({ level, message, fields });
  };
  const logger = { appendKeys: () => undefined, info: log('info'), warn: log('warn'), error: log('error') };
  const metricsTool = {
    addMetric: (name: string, _unit: string, value: number) => {
      metrics[name] = value;
    },
  };
  return {
    metrics,
    logs,
    lines,
    tools: {
      logger: logger as unknown as Logger,
      metrics: metricsTool as unknown as Metrics,
      tracer: {} as Tracer,
    },
  };
}

/**
 * The notifier handler's module, imported after giving it a valid
 * environment: it builds its deployed dependencies at import. `env` goes over
 * the defaults (a table, an endpoint, `STACK_NAME`: what a test of the
 * deployed dependencies reads), before the import; a test that imports it
 * again calls `vi.resetModules()` first, for a second cold start.
 */
export async function importNotifierHandler(
  env: Readonly<Record<string, string>> = {},
): Promise<typeof import('../../lambdas/handlers/notifier')> {
  Object.assign(process.env, {
    TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:unused',
    TABLE_NAME: 'unused',
    AWS_REGION: 'us-east-1',
    ...env,
  });
  return import('../../lambdas/handlers/notifier');
}
