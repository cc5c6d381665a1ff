/**
 * The bench counts what is sent, not `send` calls: a DynamoDB request the
 * SDK retries counts, and waits its modelled latency, once per attempt
 * (bench/attempts.ts, bench/dynamo-meter.ts). Against a local HTTP server
 * that fails chosen requests, through the real client's retry step.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { attemptsOf, attemptsWaitMs } from '../../bench/attempts';
import { meterDynamo } from '../../bench/dynamo-meter';
import type { RequestShape } from '../../bench/latency-model';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { anUpdate } from './support/bench-fixtures';

/** A DynamoDB stand-in: answers every request with one unit of capacity, after failing the next `failures` with HTTP 500. */
function flakyDynamo() {
  const state = { failures: 0, received: 0, endpoint: '' };
  const server: Server = createServer((req, res) => {
    req.resume().on('end', () => {
      state.received++;
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      if (state.failures > 0) {
        state.failures--;
        res.writeHead(500).end(JSON.stringify({ __type: 'InternalServerError', message: 'injected' }));
        return;
      }
      res.writeHead(200).end(JSON.stringify({ ConsumedCapacity: { TableName: 't', CapacityUnits: 1 } }));
    });
  });
  return { server, state };
}

describe('meterDynamo counts attempts', () => {
  const { server, state } = flakyDynamo();
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    state.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    state.received = 0;
  });

  it('a request the SDK retried counts once per attempt, and waits a latency per attempt', async () => {
    const client = createDocumentClient({ endpoint: state.endpoint });
    const seen: RequestShape[] = [];
    const meter = meterDynamo(client, {
      latency: (request) => {
        seen.push(request);
        return 0;
      },
    });
    state.failures = 1;

    await client.send(anUpdate());
    await client.send(anUpdate());

    expect(state.received).toBe(3);
    expect(meter.totals()).toMatchObject({
      requests: 3,
      retriedAttempts: 1,
      byCommand: { UpdateItemCommand: 3 },
      failedRequests: 0,
      consumedWcu: 2,
    });
    expect(seen.map((s) => s.command)).toEqual([
      'UpdateItemCommand',
      'UpdateItemCommand',
      'UpdateItemCommand',
    ]);
    client.destroy();
  });

  it('a call that fails after its retries counts every attempt it sent', async () => {
    const client = createDocumentClient({ endpoint: state.endpoint });
    const meter = meterDynamo(client);
    state.failures = 10;

    await expect(client.send(anUpdate())).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });

    expect(meter.totals().requests).toBe(state.received);
    expect(meter.totals()).toMatchObject({ failedRequests: 1, retriedAttempts: state.received - 1 });
    expect(state.received).toBeGreaterThan(1);
    state.failures = 0;
    client.destroy();
  });
});

describe('attempts', () => {
  it("reads the SDK's attempt count, 1 when it says nothing", () => {
    expect(attemptsOf({ $metadata: { attempts: 3 } })).toBe(3);
    expect(attemptsOf({ $metadata: {} })).toBe(1);
    expect(attemptsOf(new Error('no metadata'))).toBe(1);
    expect(attemptsOf(undefined)).toBe(1);
  });

  it('waits one draw per attempt and the round trip of each retried one', () => {
    const draws: number[] = [];
    expect(
      attemptsWaitMs(3, 2, (attempt) => {
        draws.push(attempt);
        return 10 * attempt;
      }),
    ).toBe(2 * 2 + 10 + 20 + 30);
    expect(draws).toEqual([1, 2, 3]);
    expect(attemptsWaitMs(1, 5)).toBe(0);
  });
});
