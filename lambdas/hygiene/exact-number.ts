/**
 * A stored number a double cannot hold exactly reaches the domain as the
 * SDK's `NumberValue`, its exact text (lambdas/aws/dynamodb-client.ts,
 * `readStoredNumber`; docs/data-model.md, "Numbers"). Every message that names
 * a stored value shows such a number by that text. The value is recognised by
 * its shape (a string `value` and a `toAttributeValue` method), so the domain
 * needs no SDK import; a map read from the table or from JSON never holds a
 * method. Pure.
 */

/** The exact text of a stored number a double cannot hold, or `undefined` for any other value. */
export function exactNumberText(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { value: text, toAttributeValue } = value as { value?: unknown; toAttributeValue?: unknown };
  return typeof text === 'string' && typeof toAttributeValue === 'function' ? text : undefined;
}
