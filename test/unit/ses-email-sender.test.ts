/**
 * The SESv2 sender at the client boundary (aws-sdk-client-mock): the exact
 * `SendEmail` request, retries with capped exponential backoff on throttling
 * and transient errors, no retry on a permanent error.
 */
import {
  InternalServiceErrorException,
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { isTransientSesError, SesEmailSender } from '../../lambdas/aws/ses-email-sender';

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const EMAIL = {
  raw: Buffer.from('From: a@b\r\n\r\nhi'),
  from: 'Hygiene <hygiene@corp.example>',
  to: 'ada@example.com',
  tags: { 'pc-hygiene-user': 'YWRh' },
  digest: { userId: 'ada', drainId: 'd', part: 1 },
};

function sender(delays: number[], maxAttempts = 4) {
  return new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), {
    configurationSetName: 'relay-set',
    maxAttempts,
    baseDelayMs: 100,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
}

const throttled = () =>
  new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: {} });

describe('SesEmailSender', () => {
  it('sends the raw MIME with identity, destination, configuration set and tags', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });

    const out = await sender([]).send(EMAIL);

    expect(out).toEqual({ messageId: 'm-1' });
    expect(ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input)).toEqual([
      {
        // the bare address: the MIME From header carries the name
        FromEmailAddress: 'hygiene@corp.example',
        Destination: { ToAddresses: ['ada@example.com'] },
        Content: { Raw: { Data: EMAIL.raw } },
        ConfigurationSetName: 'relay-set',
        EmailTags: [{ Name: 'pc-hygiene-user', Value: 'YWRh' }],
      },
    ]);
  });

  it('retries throttling and transient errors with doubling, jittered delays, then succeeds', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(new InternalServiceErrorException({ message: 'oops', $metadata: {} }))
      .rejectsOnce(throttled())
      .resolves({ MessageId: 'm-2' });
    const delays: number[] = [];

    const out = await sender(delays).send(EMAIL);

    expect(out).toEqual({ messageId: 'm-2' });
    expect(delays).toEqual([50, 100, 200]);
  });

  it('gives up after the last attempt with the last error', async () => {
    ses.on(SendEmailCommand).rejects(throttled());
    const delays: number[] = [];

    await expect(sender(delays, 3).send(EMAIL)).rejects.toThrow(TooManyRequestsException);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
  });

  it('does not retry a permanent error', async () => {
    ses.on(SendEmailCommand).rejects(new MessageRejected({ message: 'Illegal address', $metadata: {} }));
    const delays: number[] = [];

    await expect(sender(delays).send(EMAIL)).rejects.toThrow('Illegal address');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('treats network errors as transient', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

    expect(isTransientSesError(reset)).toBe(true);
    expect(isTransientSesError(new MessageRejected({ message: 'x', $metadata: {} }))).toBe(false);
  });
});
