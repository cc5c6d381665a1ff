/**
 * Powertools logger, metrics and tracer for one handler, and the middy
 * middlewares that wire them (Lambda context in every log line, metrics
 * flushed as EMF after each invocation, the invocation traced).
 *
 * Why the trace keeps no response: a handler's result is its run summary (the
 * reconciler's names every planned subscription's email address on a first
 * run), and X-Ray's access control is not the owner directory's. A thrown
 * error is still recorded, with every email address in its message and stack
 * masked (`maskedForTrace`, `lambdas/aws/address-masked-tracing.ts`, as for the
 * SDK calls' errors), and the Lambda runtime gets that masked copy too: it
 * writes the error to the log group, to the function's own X-Ray segment and to
 * an asynchronous invocation's failure record. The logger's and the metrics'
 * middlewares see it whole.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { maskedForTrace } from '../aws/address-masked-tracing';
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

/**
 * `capture` (the handler's trace) with a middleware after it: middy runs `onError` from the last middleware used to
 * the first, so that one hands `capture`, and after it the Lambda runtime, the thrown error with its addresses
 * masked ({@link maskedForTrace}: the same class, name and properties). The middlewares used after these (the
 * logger's, the metrics') see the original.
 */
function withThrownErrorsMasked(capture: MiddlewareObj): MiddlewareObj[] {
  const maskForTraceAndRuntime: MiddlewareObj = {
    onError: (request) => {
      request.error = maskedForTrace(request.error);
    },
  };
  return [capture, maskForTraceAndRuntime];
}

/** Wraps a raw handler with the Powertools middlewares. */
export function withObservability<TEvent, TResult>(
  raw: (event: TEvent, context: Context) => Promise<TResult>,
  tools: Observability,
) {
  return middy(raw)
    .use(withThrownErrorsMasked(captureLambdaHandler(tools.tracer, { captureResponse: false })))
    .use(injectLambdaContext(tools.logger))
    .use(logMetrics(tools.metrics, { captureColdStartMetric: true }));
}
