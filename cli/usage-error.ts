/** A usage error (bad flag value, unreadable file, invalid config): exit 2 with a one-line message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
