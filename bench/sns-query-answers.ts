/**
 * Why: two local servers speak SNS's query protocol back to the SDK's SNS
 * client — the bench's (bench/sns-server.ts, which charges a client what a
 * deployed one pays) and the integration tests' fake
 * (test/integration/fake-sns-server.ts, which models subscriptions). What SNS
 * answers is the same for both: the XML of a result or of a refusal, and the
 * refusals of a `PublishBatch` over SNS's batch limits. It is written once,
 * here (the bench may not import test code; the tests may import the bench's).
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { SNS_BATCH_MAX_ENTRIES, SNS_MESSAGE_LIMIT_BYTES } from '../lambdas/aws/sns-wire';

/** The XML namespace of SNS's query-protocol answers. */
const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** A request SNS refuses: HTTP status, error code, message, and whether the sender is at fault. */
export class SnsRefusal extends Error {
  override readonly name = 'SnsRefusal';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly sender = true,
  ) {
    super(message);
  }
}

/** `text` safe inside an XML element (the five characters XML reserves, as numeric references). */
export function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Answers `action` with its `<…Result>` body (none: an empty response, as `Unsubscribe`'s), status 200. */
export function answerResult(res: ServerResponse, action: string, result: string | undefined): void {
  res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  res.end(
    `<${action}Response xmlns="${SNS_XMLNS}">` +
      (result === undefined ? '' : `<${action}Result>${result}</${action}Result>`) +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  );
}

/** Answers with SNS's `<ErrorResponse>` for `refusal`, under its HTTP status. */
export function answerRefusal(res: ServerResponse, refusal: SnsRefusal): void {
  res.writeHead(refusal.status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  res.end(
    `<ErrorResponse xmlns="${SNS_XMLNS}"><Error><Type>${refusal.sender ? 'Sender' : 'Receiver'}</Type>` +
      `<Code>${refusal.code}</Code><Message>${xmlEscape(refusal.message)}</Message></Error>` +
      `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

/**
 * Refuses a `PublishBatch` as SNS does when it breaks a batch limit: no entries, more than
 * {@link SNS_BATCH_MAX_ENTRIES}, repeated entry ids, or more than {@link SNS_MESSAGE_LIMIT_BYTES} of payload in all.
 * @param ids the entries' ids, in order
 * @param bytes the entries' payload bytes in all, as SNS counts them
 * @throws {SnsRefusal} for the first limit broken
 */
export function checkBatchLimits(ids: readonly string[], bytes: number): void {
  if (ids.length === 0) throw new SnsRefusal(400, 'EmptyBatchRequest', 'The batch request is empty');
  if (ids.length > SNS_BATCH_MAX_ENTRIES) {
    throw new SnsRefusal(400, 'TooManyEntriesInBatchRequest', `more than ${SNS_BATCH_MAX_ENTRIES} entries`);
  }
  if (new Set(ids).size !== ids.length) {
    throw new SnsRefusal(400, 'BatchEntryIdsNotDistinct', 'Two or more batch entries have the same Id');
  }
  if (bytes > SNS_MESSAGE_LIMIT_BYTES) {
    throw new SnsRefusal(400, 'BatchRequestTooLong', 'The batch request is too long');
  }
}
