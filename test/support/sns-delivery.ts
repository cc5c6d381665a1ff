/**
 * What an SNS subscriber receives of a published `MessageStructure: 'json'`
 * message, so tests read published entries the way a subscriber would, not by
 * the body's keys: SNS delivers to each protocol the value of its own key, and
 * `default` to a protocol the body does not name (SNS Publish API;
 * docs/notifications.md, "The message"). The local SNS fake delivers with it
 * too (test/integration/fake-sns-server.ts).
 */

/**
 * The text a subscription over `protocol` receives of the `MessageStructure:
 * 'json'` body `message`: its protocol's own value, else `default`.
 * @throws when neither is a string (not a body SNS would accept)
 */
export function deliveredTo(message: string, protocol: string): string {
  const body = JSON.parse(message) as Record<string, unknown>;
  const value = Object.hasOwn(body, protocol) ? body[protocol] : body.default;
  if (typeof value !== 'string') {
    throw new Error(`no string for ${protocol} (nor a default) in the message ${message.slice(0, 120)}`);
  }
  return value;
}

/**
 * The JSON document a machine subscription receives of `message` (`sqs` unless
 * told otherwise), parsed.
 */
export function deliveredDocument<T = unknown>(message: string, protocol = 'sqs'): T {
  return JSON.parse(deliveredTo(message, protocol)) as T;
}
