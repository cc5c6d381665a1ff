/**
 * The bench's SNS server (bench/sns-server.ts) answers a real SNS client over
 * HTTP in SNS's wire format (publishes, and for `--deployed-reach` the
 * topic listing the deployed adapter pages through), counts what each
 * measurement sent (every attempt of a retried call), and runs as a process
 * of its own.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ListSubscriptionsByTopicCommand, PublishBatchCommand, PublishCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleScript, PROJECT_ROOT } from '../../bench/child-bundle';
import type { RequestShape } from '../../bench/latency-model';
import { createBenchSnsClient } from '../../bench/sns-bench-client';
import {
  BenchSnsServer,
  messageBytes,
  putTopicSubscriptions,
  SNS_SERVER_READY,
  takeSnsTotals,
} from '../../bench/sns-server';
import { startSnsServerProcess } from '../../bench/sns-server-process';
import type { BenchSubscription } from '../../bench/sns-subscription-listing';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:bench';

const entry = (Id: string) => ({
  Id,
  Message: 'héllo',
  Subject: 'S',
  MessageAttributes: { userId: { DataType: 'String', StringValue: 'u1' } },
});

describe('BenchSnsServer', () => {
  let server: BenchSnsServer;
  beforeAll(async () => {
    server = await BenchSnsServer.start();
  });
  afterAll(() => server.stop());

  it('answers PublishBatch and Publish from the deployed client as SNS does, and counts calls, messages and bytes', async () => {
    const client = createSnsClient({ endpoint: server.endpointFor('wire') });

    const batch = await client.send(
      new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: [entry('a'), entry('b')] }),
    );
    const single = await client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'hi' }));

    expect(batch.Successful?.map((s) => s.Id)).toEqual(['a', 'b']);
    expect(batch.Successful?.every((s) => typeof s.MessageId === 'string' && s.MessageId.length > 0)).toBe(
      true,
    );
    expect(batch.Failed).toEqual([]);
    expect(single.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(single.$metadata.requestId).toBeDefined();
    expect(messageBytes(entry('a'))).toBe(6 + 1 + 'userId'.length + 'String'.length + 2);
    expect(await takeSnsTotals(server.endpoint, 'wire')).toEqual({
      calls: 2,
      messages: 3,
      bytes: 2 * messageBytes(entry('a')) + 2,
      byAction: { PublishBatch: 1, Publish: 1 },
    });
    // Read once: the server forgets a measurement's totals once they are taken.
    expect(server.totals('wire').calls).toBe(0);
    client.destroy();
  });

  it('keeps each measurement key apart', async () => {
    const a = createSnsClient({ endpoint: server.endpointFor('key-a') });
    const b = createSnsClient({ endpoint: server.endpointFor('key-b') });
    await a.send(new PublishCommand({ TopicArn: TOPIC, Message: 'a' }));
    await b.send(new PublishCommand({ TopicArn: TOPIC, Message: 'bb' }));
    await b.send(new PublishCommand({ TopicArn: TOPIC, Message: 'bb' }));

    expect(server.totals('key-a')).toMatchObject({ calls: 1, bytes: 1 });
    expect(server.totals('key-b')).toMatchObject({ calls: 2, bytes: 4 });
    a.destroy();
    b.destroy();
  });

  it('counts every attempt of a call the SDK retried', async () => {
    const client = createSnsClient({ endpoint: server.endpointFor('retried') });
    server.failNext(1);

    const out = await client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'hi' }));

    expect(out.$metadata.attempts).toBe(2);
    expect(server.totals('retried')).toMatchObject({ calls: 2, messages: 1, byAction: { Publish: 2 } });
    client.destroy();
  });

  it("refuses what SNS refuses, with SNS's error codes (the SDK's exceptions for them)", async () => {
    const client = createSnsClient({ endpoint: server.endpointFor('limits') });
    const entries = Array.from({ length: 11 }, (_, i) => entry(`e${i}`));

    await expect(
      client.send(new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: entries })),
    ).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequestException' });
    await expect(
      client.send(
        new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: [entry('x'), entry('x')] }),
      ),
    ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinctException' });
    await expect(
      client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'x'.repeat(262_145) })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(server.totals('limits')).toMatchObject({ calls: 3, messages: 0 });
    client.destroy();
  });
});

describe('BenchSnsServer: ListSubscriptionsByTopic (--deployed-reach)', () => {
  let server: BenchSnsServer;
  beforeAll(async () => {
    server = await BenchSnsServer.start();
  });
  afterAll(() => server.stop());

  /** `count` confirmed owner subscriptions and one pending, as the driver gives them. */
  const subscriptions = (count: number): BenchSubscription[] => [
    ...Array.from({ length: count }, (_, i) => ({
      arn: `${TOPIC}:sub-${i}`,
      protocol: 'email',
      endpoint: `u${i}@example.com`,
      filterPolicy: `{"userId":["u${i}"]}`,
    })),
    { arn: `${TOPIC}:pending`, protocol: 'email', endpoint: 'late@example.com', pending: true },
  ];

  it('lists the subscriptions the driver gave it as SNS does: 100 a page, a pending one without its ARN; each page counted', async () => {
    await putTopicSubscriptions(server.endpoint, TOPIC, subscriptions(250));
    const client = createSnsClient({ endpoint: server.endpointFor('listing') });

    const listed = await new SnsTopicSubscriptions(client, TOPIC).listUnread();

    expect(listed).toHaveLength(251);
    expect(listed[0]).toEqual({
      arn: `${TOPIC}:sub-0`,
      protocol: 'email',
      endpoint: 'u0@example.com',
      pending: false,
    });
    expect(listed[250]).toEqual({
      arn: 'PendingConfirmation',
      protocol: 'email',
      endpoint: 'late@example.com',
      pending: true,
    });
    expect(server.totals('listing')).toEqual({
      calls: 3,
      messages: 0,
      bytes: 0,
      byAction: { ListSubscriptionsByTopic: 3 },
    });
    const first = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }));
    expect(first.Subscriptions).toHaveLength(100);
    expect(first.Subscriptions?.[0]).toMatchObject({ TopicArn: TOPIC, Owner: '123456789012' });
    expect(first.NextToken).toBe('100');
    client.destroy();
  });

  it('refuses a topic it was given nothing for (NotFound) and a token it did not give', async () => {
    const client = createSnsClient({ endpoint: server.endpointFor('refused') });
    server.setSubscriptions(TOPIC, subscriptions(3));

    await expect(
      client.send(new ListSubscriptionsByTopicCommand({ TopicArn: `${TOPIC}-other` })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(
      client.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC, NextToken: 'x' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const one = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }));
    expect(one.Subscriptions).toHaveLength(4);
    expect(one.NextToken).toBeUndefined();
    client.destroy();
  });
});

describe('createBenchSnsClient', () => {
  let server: BenchSnsServer;
  beforeAll(async () => {
    server = await BenchSnsServer.start();
  });
  afterAll(() => server.stop());

  it('sends through the server and reads its own totals; the latency model draws once per attempt, with the entry count', async () => {
    const seen: RequestShape[] = [];
    const { client, takeTotals } = createBenchSnsClient(
      { endpoint: server.endpoint },
      {
        latency: (request) => {
          seen.push(request);
          return 0;
        },
      },
    );
    const entries = ['a', 'b', 'c'].map(entry);

    await client.send(new PublishBatchCommand({ TopicArn: TOPIC, PublishBatchRequestEntries: entries }));
    server.failNext(1);
    await client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'hi' }));

    expect(seen).toEqual([
      { command: 'PublishBatchCommand', items: 3 },
      { command: 'PublishCommand', items: 0 },
      { command: 'PublishCommand', items: 0 },
    ]);
    expect(await takeTotals()).toMatchObject({ calls: 3, messages: 4 });
    client.destroy();
  });

  it('a listing page waits its modelled latency too', async () => {
    const seen: string[] = [];
    const { client } = createBenchSnsClient(
      { endpoint: server.endpoint },
      {
        latency: (request) => {
          seen.push(request.command);
          return 0;
        },
      },
    );
    server.setSubscriptions(TOPIC, []);

    await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }));

    expect(seen).toEqual(['ListSubscriptionsByTopicCommand']);
    client.destroy();
  });
});

describe('startSnsServerProcess', () => {
  it('runs the server in a process of its own, which stops when asked', async () => {
    const server = await startSnsServerProcess();
    try {
      expect(server.pid).not.toBe(process.pid);
      const { client, takeTotals } = createBenchSnsClient(server);
      await client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'hi' }));
      expect(await takeTotals()).toMatchObject({ calls: 1, messages: 1, bytes: 2 });
      client.destroy();
    } finally {
      await server.stop();
    }
    // Nothing listens there any more: the connection is refused.
    await expect(fetch(`${server.endpoint}/__bench/totals/x`)).rejects.toThrow(
      expect.objectContaining({ cause: expect.objectContaining({ code: 'ECONNREFUSED' }) }),
    );
  }, 30_000);

  it('exits when its stdin closes: a bench killed without running its handlers leaves no server behind', async () => {
    const bundle = await bundleScript(PROJECT_ROOT, 'sns-server-main');
    const child = spawn(process.execPath, [bundle.path], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      let stdout = '';
      child.stdout.setEncoding('utf8');
      while (!stdout.includes(SNS_SERVER_READY)) stdout += (await once(child.stdout, 'data'))[0];
      const exited = once(child, 'exit').then(([code]) => code);
      child.stdin.end();
      // Bounded: a server that ignores its stdin fails here (and is killed below) instead of hanging the run.
      const gaveUp = new Promise((resolve) =>
        setTimeout(() => resolve('still running 10 s later'), 10_000).unref(),
      );
      expect(await Promise.race([exited, gaveUp])).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await bundle.dispose();
    }
  }, 30_000);
});
