/**
 * One way to turn a caught `unknown` into text: every summary, log line and
 * failure list in the code base describes errors through this module, so an
 * error reads the same wherever it is reported.
 */

/** A caught error, described. */
export interface ErrorDescription {
  /** The error's name (`ConditionalCheckFailedException`, `TypeError`), or `Error` for a thrown non-error. */
  readonly code: string;
  readonly message: string;
  /** True when an AWS SDK service error says the request itself is wrong (`$fault: 'client'`): a retry fails again. */
  readonly senderFault: boolean;
  /** A Node.js system error code found on the error or its `cause` chain (`ECONNREFUSED`), if any. */
  readonly systemCode?: string;
}

/** Describes a caught value (narrowing `unknown`, never throwing). */
export function describeError(error: unknown): ErrorDescription {
  if (!(error instanceof Error)) return { code: 'Error', message: String(error), senderFault: false };
  const systemCode = systemCodeOf(error);
  return {
    code: error.name,
    message: error.message,
    senderFault: (error as { $fault?: unknown }).$fault === 'client',
    ...(systemCode !== undefined && { systemCode }),
  };
}

/** `"Name: message"`, the one-line form for logs and run summaries. */
export function errorText(error: unknown): string {
  const { code, message } = describeError(error);
  return error instanceof Error ? `${code}: ${message}` : message;
}

/** The `code` of a Node.js system error, looked up along `cause` (fetch/undici wraps socket errors). */
function systemCodeOf(error: Error, depth = 0): string | undefined {
  if ('code' in error && typeof error.code === 'string') return error.code;
  const cause = error.cause;
  return cause instanceof Error && depth < 8 ? systemCodeOf(cause, depth + 1) : undefined;
}

/**
 * Sets `error[key]` as a property the Lambda runtime's error line leaves out:
 * the runtime logs a handler's thrown error with every enumerable own
 * property, so a run summary carried on the error (its owners, and on the
 * reconciler their email addresses) would be logged whole, again, beside the
 * summary line the handler already logged — and past CloudWatch's 256 KB
 * event limit on a large run. Readable as any property; not enumerable, not
 * writable.
 */
export function attachUnlogged(error: Error, key: string, value: unknown): void {
  Object.defineProperty(error, key, { value, enumerable: false, writable: false, configurable: false });
}

/** Anything shaped like an email address (`local@domain.tld`), as SES and SNS error texts may name one. */
const EMAIL_ADDRESS_LIKE = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]@]+\.[^\s<>"'(),;:[\]@]+/gu;

/**
 * `text` for a log line, every email address in it replaced by
 * `<email address>`. SES's and SNS's refusals may name the address they
 * refused (SES's sandbox `MessageRejected` lists it); a log keeps it for the
 * log group's retention, outside the owner directory's access control, and
 * the line's `userId` already says whose it was (docs/deploy.md, "Security
 * choices").
 */
export function withoutEmailAddresses(text: string): string {
  return text.replace(EMAIL_ADDRESS_LIKE, '<email address>');
}
