/**
 * An SNS client that never leaves the process: a middleware at the client
 * boundary answers `Publish` and `PublishBatch` as SNS would (every entry
 * successful) and counts calls, entries and payload bytes. Bytes are what
 * SNS bills and limits: subject + message + message attribute names, types
 * and values, in UTF-8. It waits the simulated latency (`--rtt-ms`, the
 * `--latency aws` model) before answering, like the DynamoDB meter.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import type { LatencySampler } from './latency-model';

/** Totals of one stubbed client. */
export interface SnsStubTotals {
  readonly calls: number;
  /** Messages published (1 per `Publish`, 1 per `PublishBatch` entry). */
  readonly messages: number;
  readonly bytes: number;
}

interface Attribute {
  readonly DataType?: string;
  readonly StringValue?: string;
}
interface MessageInput {
  readonly Subject?: string;
  readonly Message?: string;
  readonly MessageAttributes?: Readonly<Record<string, Attribute>>;
}

/** Payload bytes of one message as SNS counts them. */
export function messageBytes(message: MessageInput): number {
  let bytes = Buffer.byteLength(message.Message ?? '') + Buffer.byteLength(message.Subject ?? '');
  for (const [name, attribute] of Object.entries(message.MessageAttributes ?? {})) {
    bytes +=
      Buffer.byteLength(name) +
      Buffer.byteLength(attribute.DataType ?? '') +
      Buffer.byteLength(attribute.StringValue ?? '');
  }
  return bytes;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates the stubbed client and a live view of its totals.
 * @param options.rttMs a simulated network round trip waited before answering (0: none)
 * @param options.latency draws the modelled latency of each call (absent: none)
 */
export function createStubSnsClient(
  options: { readonly rttMs?: number; readonly latency?: LatencySampler } = {},
): {
  client: SNSClient;
  totals(): SnsStubTotals;
} {
  const { latency } = options;
  const rttMs = options.rttMs ?? 0;
  const client = new SNSClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    // As the deployed client (lambdas/aws/sns-client.ts): the middleware stack resolved once per command.
    cacheMiddleware: true,
  });
  let calls = 0;
  let messages = 0;
  let bytes = 0;
  let sequence = 0;
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      calls++;
      const input = args.input as MessageInput & {
        PublishBatchRequestEntries?: readonly (MessageInput & { Id?: string })[];
      };
      const command = context.commandName ?? 'unknown';
      const wait =
        rttMs + (latency?.({ command, items: input.PublishBatchRequestEntries?.length ?? 0 }) ?? 0);
      if (wait > 0) await sleep(wait);
      if (context.commandName === 'PublishBatchCommand') {
        const entries = input.PublishBatchRequestEntries ?? [];
        messages += entries.length;
        for (const entry of entries) bytes += messageBytes(entry);
        const output = {
          Successful: entries.map((e) => ({ Id: e.Id, MessageId: `m-${++sequence}` })),
          Failed: [],
          $metadata: {},
        };
        return { output, response: {} } as never;
      }
      if (context.commandName === 'PublishCommand') {
        messages++;
        bytes += messageBytes(input);
        return { output: { MessageId: `m-${++sequence}`, $metadata: {} }, response: {} } as never;
      }
      throw new Error(`the SNS stub does not answer ${context.commandName}`);
    },
    { step: 'initialize', name: 'benchSnsStub', priority: 'high' },
  );
  return { client, totals: () => ({ calls, messages, bytes }) };
}
