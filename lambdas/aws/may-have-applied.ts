/**
 * Whether a DynamoDB write this process sent may have taken effect although
 * its answer says otherwise: the one rule the transition writers and the
 * outbox's mark judge their own earlier attempts by (docs/data-model.md, "The
 * transition write"; docs/notifications.md, "The outbox protocol"). A write
 * whose answer was lost may have applied: then a failed condition or an event
 * found gone is the write's own doing, not another writer's.
 *
 * It may have applied when the SDK attempted it more than once (an earlier
 * attempt's response may have been lost), or when it ended in a transient
 * error, one the request may have reached the service before (a timeout, a
 * reset connection, a server error): the SDK's retry quota can end such a
 * failure after one attempt. A first attempt refused outright
 * (`AccessDeniedException`, `ValidationException`, a failed condition) or
 * throttled (refused before it is processed) applied nothing.
 */
import { describeError } from '../hygiene/errors';

/** Error names the SDK's standard retry mode retries as transient (`@smithy/service-error-classification`). */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Node.js socket errors the SDK retries as transient (the same source). */
const TRANSIENT_SYSTEM_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

/** What an SDK command's output or error says about its attempts and its failure. */
interface SdkOutcome {
  readonly $metadata?: { readonly attempts?: number; readonly httpStatusCode?: number };
  readonly $fault?: unknown;
}

/** Whether a failed AWS call failed transiently: timed out, cut off, or a server error (not throttled). */
function isTransientAwsError(error: unknown): boolean {
  const { code, systemCode } = describeError(error);
  if (TRANSIENT_NAMES.has(code)) return true;
  if (systemCode !== undefined && TRANSIENT_SYSTEM_CODES.has(systemCode)) return true;
  const outcome = error as SdkOutcome;
  return outcome.$fault === 'server' || (outcome.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * Whether the write that produced `outputOrError` (an SDK command's output, or what it threw) may have taken
 * effect in an earlier attempt, or in this one despite its error: more than one attempt, or a transient error.
 */
export function mayHaveApplied(outputOrError: unknown): boolean {
  const attempts = (outputOrError as SdkOutcome | undefined)?.$metadata?.attempts ?? 1;
  if (attempts > 1) return true;
  return outputOrError instanceof Error && isTransientAwsError(outputOrError);
}
