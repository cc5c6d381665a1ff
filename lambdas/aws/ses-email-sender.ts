/**
 * The relay's {@link EmailSender} on Amazon SES: one SESv2 `SendEmail` with
 * the MIME as raw content, from the configured identity, through the
 * configured configuration set (whose event destination reports bounces and
 * complaints), tagged with the owner. Throttling and transient errors are
 * retried here with exponential backoff and full jitter; a permanent error
 * (message rejected, identity not verified, sending paused) is thrown at
 * once, and so are a refusal for the spent 24-hour quota (the relay handler
 * holds that record back for hours) and the last transient one: the relay then fails the SQS record,
 * which SQS retries and finally moves to the DLQ (docs/notifications.md, "Email relay").
 * Given the caller's time budget, it starts no attempt (at most
 * `SES_REQUEST_TIMEOUT_MS`, `sesv2-client.ts`) and no backoff sleep that
 * could not finish within it, and throws `NoTimeLeftError` instead: the
 * record fails alone rather than the invocation timing out with its batch.
 *
 * SES takes 7-bit ASCII addresses only ("Amazon SES does not support the
 * SMTPUTF8 extension … the email address string must be 7-bit ASCII": SES API
 * reference, `Destination`): `FromEmailAddress` is the sender's bare address
 * (the MIME `From` header carries the display name, encoded), and both it and
 * `Destination` have a Unicode domain in Punycode, an ASCII one as written
 * (`sesAddress`, `ses-address.ts`: the stack's `ses:FromAddress` grant is
 * built from the same function). An address SES could not take (a non-ASCII
 * local part, a domain that is not a plain domain name) is refused here,
 * before any request, as a permanent error; owner reach on `relay` applies
 * the same rule, so the relay never asks this sender for one.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { BACKOFF_CAP_MS, fullJitterDelayMs } from '../hygiene/backoff';
import { describeError, errorText } from '../hygiene/errors';
import {
  type EmailSender,
  hasTimeFor,
  NoTimeLeftError,
  type OutgoingEmail,
  type SendBudget,
} from '../relay/ports';
import { sesAddress } from '../relay/ses-address';
import { SES_REQUEST_TIMEOUT_MS } from './sesv2-client';
import { timerSleep } from './timer-sleep';

/** Error names SES (or the SDK) uses for throttling and transient trouble. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'InternalServiceErrorException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'TimeoutError',
]);

/** Whether a failed `SendEmail` is worth another attempt. */
export function isTransientSesError(error: unknown): boolean {
  const { code, systemCode } = describeError(error);
  if (TRANSIENT_CODES.has(code) || systemCode !== undefined) return true;
  const e = error as { $fault?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  return e.$retryable !== undefined || e.$fault === 'server' || (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * Error names SES gives a send refused for the account's sending limits: SES's guide names a throttling error
 * (`Throttling`, `ThrottlingException`), SESv2's `SendEmail` declares `TooManyRequestsException` and
 * `LimitExceededException`. Which limit is in the message, not the name.
 */
const SENDING_LIMIT_CODES: ReadonlySet<string> = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
]);

/**
 * SES's text for a spent 24-hour quota: "Daily message quota exceeded" (SES Developer Guide, "Errors related to the
 * sending quotas for your Amazon SES account"; AWS's knowledge centre also quotes "Daily sending quota exceeded").
 * The per-second rate's is "Maximum sending rate exceeded".
 */
const DAILY_QUOTA_TEXT = /daily (?:message|sending) quota exceeded/i;

/**
 * Whether a send failed because the account's **24-hour** sending quota is spent, which frees only over a rolling
 * day, not the per-second rate, which clears in seconds: a sending-limit error whose message says so, or a
 * {@link NoTimeLeftError} whose last attempt (`cause`) failed so. The relay handler holds such a record back for
 * hours instead of letting SQS's deliveries run out in minutes (docs/deploy.md, "Email relay (SES)", step 2).
 */
export function isDailyQuotaSesError(error: unknown): boolean {
  if (error instanceof NoTimeLeftError) return isDailyQuotaSesError(error.cause);
  const { code, message } = describeError(error);
  return error instanceof Error && SENDING_LIMIT_CODES.has(code) && DAILY_QUOTA_TEXT.test(message);
}

/** Options of {@link SesEmailSender}. */
export interface SesEmailSenderOptions {
  /** The configuration set every email goes through (bounce and complaint events). */
  readonly configurationSetName?: string;
  /** Attempts per email, the first included (default 5). */
  readonly maxAttempts?: number;
  /** First backoff cap in ms, doubled per retry, full jitter (default 200; at most 5 s). */
  readonly baseDelayMs?: number;
  /**
   * The longest one attempt may take: the client's request timeout (`createSesClient`'s `requestTimeoutMs`).
   * @default SES_REQUEST_TIMEOUT_MS
   */
  readonly attemptMs?: number;
  /** Waits `ms` (injectable so tests do not wait). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Random number in [0, 1) for jitter (injectable for tests). */
  readonly random?: () => number;
}

/** Sends raw MIME with SESv2. */
export class SesEmailSender implements EmailSender {
  /** The longest one attempt may take (ms): none starts with less of the budget left. */
  readonly attemptMs: number;

  constructor(
    private readonly client: SESv2Client,
    private readonly options: SesEmailSenderOptions = {},
  ) {
    this.attemptMs = options.attemptMs ?? SES_REQUEST_TIMEOUT_MS;
  }

  /**
   * Sends one email, retrying throttling and transient errors while `budget` has time for another attempt; not
   * a refusal for the spent 24-hour quota ({@link isDailyQuotaSesError}), which seconds of backoff cannot clear.
   * @returns SES's message id
   * @throws {UnsendableAddressError} when the sender or recipient cannot be given to SES (nothing sent)
   * @throws {NoTimeLeftError} when an attempt (after its backoff) could not finish within `budget`
   * @throws the permanent error, or the last transient one after every attempt
   */
  async send(email: OutgoingEmail, budget?: SendBudget): Promise<{ readonly messageId: string }> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    const command = new SendEmailCommand({
      FromEmailAddress: sesAddress(email.from),
      Destination: { ToAddresses: [sesAddress(email.to)] },
      Content: { Raw: { Data: email.raw } },
      ...(this.options.configurationSetName !== undefined && {
        ConfigurationSetName: this.options.configurationSetName,
      }),
      ...(Object.keys(email.tags).length > 0 && {
        EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })),
      }),
    });
    let lastError: unknown;
    for (let attempt = 1; ; attempt++) {
      if (!hasTimeFor(budget, this.attemptMs)) throw this.noTimeLeft(budget, 0, lastError);
      try {
        const out = await this.client.send(command);
        return { messageId: out.MessageId ?? '' };
      } catch (error: unknown) {
        // A spent daily quota frees over hours, not within this call's backoffs: the handler holds the record back.
        if (attempt >= maxAttempts || !isTransientSesError(error) || isDailyQuotaSesError(error)) throw error;
        lastError = error;
        const delayMs = fullJitterDelayMs(attempt, {
          baseMs: this.options.baseDelayMs ?? 200,
          capMs: BACKOFF_CAP_MS,
          random: this.options.random ?? Math.random,
        });
        if (!hasTimeFor(budget, delayMs + this.attemptMs)) throw this.noTimeLeft(budget, delayMs, error);
        await (this.options.sleep ?? timerSleep)(delayMs);
      }
    }
  }

  /** The error for an attempt (after a backoff of `delayMs`) that could not finish in time; `cause` the last error. */
  private noTimeLeft(budget: SendBudget | undefined, delayMs: number, cause: unknown): NoTimeLeftError {
    const left = budget?.remainingMs() ?? 0;
    const wait = delayMs > 0 ? ` after a ${delayMs} ms backoff` : '';
    const after = cause === undefined ? '' : ` (the last attempt failed: ${errorText(cause)})`;
    return new NoTimeLeftError(
      `no time left to send: ${left} ms of the invocation's time budget remain, an SES attempt${wait} ` +
        `needs up to ${delayMs + this.attemptMs} ms; the record is retried by SQS${after}`,
      cause === undefined ? undefined : { cause },
    );
  }
}
