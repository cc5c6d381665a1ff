/**
 * One way to turn a caught `unknown` into text: every summary, log line and
 * failure list in the code base describes errors through this module, so an
 * error reads the same wherever it is reported. Also the one way a logged
 * text is kept free of email addresses ({@link withoutEmailAddresses}, and
 * {@link withTextsMasked} for a summary's error texts).
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

/** The keys of `T` that hold a text or a list of texts (optional ones included): what {@link withTextsMasked} masks. */
export type TextKey<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends string | readonly string[] ? K : never;
}[keyof T];

/**
 * `record` with the texts under `keys` (a text, or each text of a list) passed through
 * {@link withoutEmailAddresses}, every other field as it is: how a handler masks the error texts of the summary it
 * logs, while the summary it returns (and its metrics) keep them whole. A key absent from `record` stays absent.
 */
export function withTextsMasked<T extends object>(record: T, keys: readonly TextKey<T>[]): T {
  const masked = { ...record } as Record<PropertyKey, unknown>;
  for (const key of keys) {
    const value: unknown = record[key];
    if (typeof value === 'string') masked[key] = withoutEmailAddresses(value);
    else if (Array.isArray(value))
      masked[key] = value.map((text: unknown) =>
        typeof text === 'string' ? withoutEmailAddresses(text) : text,
      );
  }
  return masked as T;
}

/** A list of records under `records`, as a summary's capped lists hold them (`CappedList`, run-summary.ts). */
interface RecordList<T> {
  readonly records: readonly T[];
}

/**
 * `list` (a summary's capped list) with the texts under `keys` of every record masked ({@link withTextsMasked}).
 * Typed by its `records` alone, so that this module, which run-summary.ts imports, imports nothing back.
 */
export function withRecordTextsMasked<T extends object, L extends RecordList<T>>(
  list: L & RecordList<T>,
  keys: readonly TextKey<T>[],
): L {
  return { ...list, records: list.records.map((record) => withTextsMasked(record, keys)) };
}
