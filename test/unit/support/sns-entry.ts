/**
 * The SNS entry a test expects for one message (the format of
 * `lambdas/aws/sns-wire.ts`): a JSON-structured body with the text for
 * `default` and `email` and the document for every machine protocol, so the
 * tests of the publisher and of the file sink spell it out once.
 */
import type { PublishEntry } from '../../../lambdas/aws/sns-wire';

/** What a test expects of one entry besides its body. */
export interface ExpectedEntry {
  readonly id: string;
  readonly subject: string;
  /** The text body (`default` and `email`). */
  readonly text: string;
  /** The document as JSON text (`sqs`, `lambda`, `http`, `https`, `email-json`). */
  readonly document: string;
  readonly attributes: PublishEntry['MessageAttributes'];
}

/** The entry with the message body built from `text` and `document`. */
export function expectedEntry(expected: ExpectedEntry): PublishEntry {
  const { document } = expected;
  return {
    Id: expected.id,
    Subject: expected.subject,
    Message: JSON.stringify({
      default: expected.text,
      email: expected.text,
      sqs: document,
      lambda: document,
      http: document,
      https: document,
      'email-json': document,
    }),
    MessageStructure: 'json',
    MessageAttributes: expected.attributes,
  };
}
