/**
 * The sweep Lambda module reads its stack's name from `STACK_NAME` at cold
 * start and its admin report of a tripped guard names it (`--stack NAME`):
 * the deployed dependencies, built at import, against a local stand-in for
 * DynamoDB's Scan and the SNS stub (the stack sets the variable:
 * sweep-stack-name.test.ts; the text with and without it:
 * test/unit/admin-report-stack-name.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { deliveredTo } from '../support/sns-delivery';
import { type SnsStub, startSnsStub } from './sns-stub';
import { type LocalServer, listenLocally } from './support/local-http-server';
import { importSweepHandler } from './sweep-handler-module';

/** Two expired credentials, DynamoDB-typed: over the default guard's 10 % of two. */
const EXPIRED = ['pc-1', 'pc-2'].map((id) => ({
  id: { S: id },
  userId: { S: 'u' },
  expiresTime: { S: '2020-01-01T00:00:00Z' },
}));

/** Answers every Scan: segment 0 holds the two credentials, the other segments nothing. */
function startScanStub(): Promise<LocalServer> {
  return listenLocally((req, body, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    if (!target.endsWith('.Scan')) {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'ValidationException', message: `unexpected ${target}` }));
      return;
    }
    const { Segment = 0 } = JSON.parse(body.toString('utf8') || '{}') as { Segment?: number };
    const items = Segment === 0 ? EXPIRED : [];
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ Items: items, Count: items.length, ScannedCount: items.length }));
  });
}

describe('the sweep Lambda names its stack in the admins’ report', () => {
  let sns: SnsStub;
  let dynamo: LocalServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    sns = await startSnsStub();
    dynamo = await startScanStub();
    Object.assign(process.env, {
      [HANDLER_ENV.stackName]: 'HygieneProd',
      [HANDLER_ENV.dynamoDbEndpoint]: dynamo.url,
      [HANDLER_ENV.snsEndpoint]: sns.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      // The run summary's log lines are not what this test reads.
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
  });

  afterAll(async () => {
    process.env = saved;
    await sns?.stop();
    await dynamo?.close();
  });

  it('a tripped guard’s commands carry --stack and --region: the STACK_NAME and AWS_REGION of its environment', async () => {
    const { sweepHandler } = await importSweepHandler();

    const summary = await sweepHandler({}, { getRemainingTimeInMillis: () => 600_000 });

    expect(summary.guard).toMatchObject({ tripped: true, overridden: false });
    expect(sns.messages).toHaveLength(1);
    const text = deliveredTo(sns.messages[0]!.message, 'email');
    // AWS_REGION as Lambda sets it (importSweepHandler: us-east-1): the Region is named beside the stack.
    expect(text).toContain(
      'Check the plan (pc-hygiene sweep --dry-run --stack HygieneProd --region us-east-1);',
    );
    expect(text).toContain(
      'pc-hygiene guard approve --max-deletes 2 --reason "..." --stack HygieneProd --region us-east-1 --enforce',
    );
    expect(text).not.toContain('--stack NAME');
  });
});
