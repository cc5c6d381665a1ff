/**
 * How a message names a stored value that broke a rule (a damaged or
 * hand-edited item): short, and faithful. One definition for the pieces every
 * such message shares, so two messages never show one value two ways.
 *
 * A stored number a double cannot hold exactly reaches the domain as the
 * SDK's `NumberValue`, its exact text (lambdas/aws/dynamodb-client.ts,
 * `readStoredNumber`; docs/data-model.md, "Numbers"). It is recognised by its
 * shape (a string `value` and a `toAttributeValue` method), so the domain
 * needs no SDK import; a map read from the table or from JSON never holds a
 * method. Pure. The text is stored text: the caller sanitises the message.
 */

/** Longest JSON text of a value a message shows (longer ones are cut, with `...`). */
const MAX_SHOWN_JSON = 60;

/** The exact text of a stored number a double cannot hold, or `undefined` for any other value. */
export function exactNumberText(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { value: text, toAttributeValue } = value as { value?: unknown; toAttributeValue?: unknown };
  return typeof text === 'string' && typeof toAttributeValue === 'function' ? text : undefined;
}

/** Such a number as a message names it (`text` from {@link exactNumberText}). */
export function inexactNumberPhrase(text: string): string {
  return `the number ${text}, which a double cannot hold exactly`;
}

/** Text cut to {@link MAX_SHOWN_JSON} characters, `...` marking a cut. */
export function shortText(text: string): string {
  return text.length > MAX_SHOWN_JSON ? `${text.slice(0, MAX_SHOWN_JSON - 3)}...` : text;
}

/** A value's JSON text (a big integer as its digits; `String(value)` when JSON has none), cut by {@link shortText}. */
export function shortJson(value: unknown): string {
  return shortText(
    JSON.stringify(value, (_key, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(value),
  );
}
