/**
 * A value the document client read, made ready to be sent back "exactly as
 * read" (a compare-and-swap condition on a stored value of any type).
 *
 * Why: the reader turns each stored number into a `number`, a `bigint` or a
 * `NumberValue` (lambdas/aws/dynamodb-client.ts, `readStoredNumber`), one
 * element at a time, so a number set can come back mixed
 * (`NS ["1","12345678901234567890"]` reads as `Set{1, 12345678901234567890n}`).
 * The SDK's marshaller picks a set's conversion by its first element: a first
 * `number` sends every element through the plain-number check, which throws on
 * the `bigint` or `NumberValue` (`Number … is greater than
 * Number.MAX_SAFE_INTEGER`), so the write could never be sent. The SDK's
 * `allowImpreciseNumbers` marshall option would pass such a set too, but it is
 * client-wide and would also let an inexact plain number be written silently.
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';

/** A set element the reader made from a stored number. */
function isNumberElement(value: unknown): value is number | bigint | NumberValue {
  return typeof value === 'number' || typeof value === 'bigint' || value instanceof NumberValue;
}

/** A plain object (a stored map), not a `NumberValue`, binary or another class instance. */
function isPlainMap(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * `value` (as the document client read it) such that the document client
 * marshals it to exactly the stored attribute value: every element of a number
 * set, also one nested in a list or a map, becomes a `NumberValue` of its text
 * (a `number` only when a double holds it exactly, so `String` gives its value:
 * DynamoDB compares numbers by value, `1e-7` equal to a stored `0.0000001`).
 * Any other value is returned as it is. Pure; the input is not changed.
 */
export function asStored(value: unknown): unknown {
  if (value instanceof Set) {
    const elements = [...value];
    if (!elements.some(isNumberElement)) return value;
    return new Set(elements.map((e) => (e instanceof NumberValue ? e : NumberValue.from(String(e)))));
  }
  if (Array.isArray(value)) return value.map(asStored);
  if (isPlainMap(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, asStored(v)]));
  }
  return value;
}
