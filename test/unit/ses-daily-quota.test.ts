/**
 * Telling SES's spent 24-hour quota apart from its per-second rate (`isDailyQuotaSesError`): the relay handler holds
 * a record back for hours only for the first, which frees over a rolling day, never for the rate, a rejected message
 * or any other error; a `NoTimeLeftError` counts as what its last attempt failed with. The SESv2 client is mocked at
 * its boundary (aws-sdk-client-mock), so the error the sender throws is the SDK's own.
 */
import {
  LimitExceededException,
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { isDailyQuotaSesError, SesEmailSender } from '../../lambdas/aws/ses-email-sender';
import { NoTimeLeftError } from '../../lambdas/relay/ports';

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const DAILY = 'Daily message quota exceeded.';
const RATE = 'Maximum sending rate exceeded.';
const tooMany = (message: string) => new TooManyRequestsException({ message, $metadata: {} });

/** An SDK-shaped error of another name (SES's guide names a throttling error). */
function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe('isDailyQuotaSesError', () => {
  it('recognizes a sending-limit error whose message says the daily quota is spent, whatever its name', () => {
    expect(isDailyQuotaSesError(tooMany(DAILY))).toBe(true);
    expect(isDailyQuotaSesError(new LimitExceededException({ message: DAILY, $metadata: {} }))).toBe(true);
    expect(
      isDailyQuotaSesError(named('ThrottlingException', 'Throttling: Daily message quota exceeded')),
    ).toBe(true);
    expect(isDailyQuotaSesError(named('Throttling', 'Daily sending quota exceeded'))).toBe(true);
  });

  it('does not take the per-second rate, a rejected message or a plain error for it', () => {
    expect(isDailyQuotaSesError(tooMany(RATE))).toBe(false);
    expect(
      isDailyQuotaSesError(new MessageRejected({ message: 'Email address is not verified.', $metadata: {} })),
    ).toBe(false);
    // The words alone are not enough: the error must be SES's sending-limit refusal.
    expect(isDailyQuotaSesError(new MessageRejected({ message: DAILY, $metadata: {} }))).toBe(false);
    expect(isDailyQuotaSesError(new Error(DAILY))).toBe(false);
    expect(isDailyQuotaSesError(DAILY)).toBe(false);
    expect(isDailyQuotaSesError(undefined)).toBe(false);
  });

  it('reads a NoTimeLeftError by the error of its last attempt', () => {
    expect(isDailyQuotaSesError(new NoTimeLeftError('no time', { cause: tooMany(DAILY) }))).toBe(true);
    expect(isDailyQuotaSesError(new NoTimeLeftError('no time', { cause: tooMany(RATE) }))).toBe(false);
    expect(isDailyQuotaSesError(new NoTimeLeftError('no time to start'))).toBe(false);
  });

  it('recognizes what the sender throws when SES refused for the daily quota, which it does not retry', async () => {
    ses.on(SendEmailCommand).rejects(tooMany(DAILY));
    const sender = new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), {
      maxAttempts: 2,
      sleep: async () => undefined,
    });
    const email = {
      raw: Buffer.from('From: a@b\r\n\r\nhi'),
      from: 'hygiene@corp.example',
      to: 'ada@example.com',
      tags: {},
      digest: { userId: 'ada', drainId: 'd', part: 1 },
    };

    const error = await sender.send(email).catch((e: unknown) => e);

    // One attempt: backoffs of a few seconds cannot clear a quota that frees over a rolling day.
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(isDailyQuotaSesError(error)).toBe(true);
  });
});
