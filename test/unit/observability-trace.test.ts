/**
 * What a traced invocation keeps in X-Ray: never the handler's response. The
 * reconciler returns its whole summary (every planned subscription's email
 * address on a first run), the sweep and the notifier theirs; X-Ray's access
 * control is not the directory table's, so the handlers' results stay out of
 * traces (docs/deploy.md, "Security choices"). A thrown error is still
 * recorded, as its name and message are in the log anyway.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withObservability } from '../../lambdas/handlers/observability';

/** A tracer that says tracing is on and records what the middleware hands it. */
function recordingTracer() {
  const responses: unknown[] = [];
  const errors: unknown[] = [];
  const tracer = {
    isTracingEnabled: () => true,
    getSegment: () => undefined,
    annotateColdStart: () => undefined,
    addServiceNameAnnotation: () => undefined,
    addResponseAsMetadata: (response: unknown) => responses.push(response),
    addErrorAsMetadata: (error: unknown) => errors.push(error),
  };
  return { tracer: tracer as unknown as Tracer, responses, errors };
}

const context = { functionName: 'reconciler', awsRequestId: 'r-1' } as unknown as Context;

describe('withObservability and the trace', () => {
  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const toolsWith = (tracer: Tracer) => ({
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'test' }),
    tracer,
  });

  it('keeps no response in the trace (a summary naming an owner address stays out)', async () => {
    const { tracer, responses } = recordingTracer();
    const summary = { operations: [{ kind: 'create', userId: 'ada', email: 'ada@corp.example' }] };
    const handler = withObservability(async () => summary, toolsWith(tracer));
    await expect(handler({}, context)).resolves.toEqual(summary);
    expect(responses).toEqual([]);
  });

  it('still records a thrown error', async () => {
    const { tracer, errors } = recordingTracer();
    const failure = new Error('DynamoDB refused');
    const handler = withObservability(async () => Promise.reject(failure), toolsWith(tracer));
    await expect(handler({}, context)).rejects.toBe(failure);
    expect(errors).toEqual([failure]);
  });
});
