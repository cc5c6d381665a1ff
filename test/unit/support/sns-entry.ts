/**
 * The SNS entry a test expects for one message (the format of
 * `lambdas/aws/sns-wire.ts`): a JSON-structured body with the document as
 * `default` (what every protocol without a key of its own receives) and the
 * text for `email`, so the tests of the publisher and of the file sink spell
 * it out once.
 */
import type { PublishEntry } from '../../../lambdas/aws/sns-wire';

/** What a test expects of one entry besides its body. */
export interface ExpectedEntry {
  readonly id: string;
  readonly subject: string;
  /** The text body (`email`). */
  readonly text: string;
  /** The document as JSON text (`default`: every other protocol). */
  readonly document: string;
  readonly attributes: PublishEntry['MessageAttributes'];
}

/** The entry with the message body built from `text` and `document`. */
export function expectedEntry(expected: ExpectedEntry): PublishEntry {
  return {
    Id: expected.id,
    Subject: expected.subject,
    Message: JSON.stringify({ default: expected.document, email: expected.text }),
    MessageStructure: 'json',
    MessageAttributes: expected.attributes,
  };
}
