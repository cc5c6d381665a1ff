/**
 * Powertools logger, metrics and tracer for one handler, and the middy
 * middlewares that wire them (Lambda context in every log line, metrics
 * flushed as EMF after each invocation, the invocation traced).
 *
 * Why the trace keeps no response: a handler's result is its run summary (the
 * reconciler's names every planned subscription's email address on a first
 * run), and X-Ray's access control is not the owner directory's. Errors are
 * still recorded: their name and message are what the log has anyway.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { DEFAULT_METRICS_NAMESPACE } from './metric-names';

/** One handler's observability tools (service name and namespace from the POWERTOOLS_* environment). */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
}

/** Creates the tools once per cold start. */
export function createObservability(): Observability {
  return {
    logger: new Logger(),
    metrics: new Metrics({
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
    }),
    tracer: new Tracer(),
  };
}

/** Wraps a raw handler with the Powertools middlewares. */
export function withObservability<TEvent, TResult>(
  raw: (event: TEvent, context: Context) => Promise<TResult>,
  tools: Observability,
) {
  return middy(raw)
    .use(captureLambdaHandler(tools.tracer, { captureResponse: false }))
    .use(injectLambdaContext(tools.logger))
    .use(logMetrics(tools.metrics, { captureColdStartMetric: true }));
}
