/**
 * How a message names a stored value that broke a rule (a damaged or
 * hand-edited item): short, and faithful. One definition for the pieces every
 * such message shares, so two messages never show one value two ways: a
 * sweep's invalid-record report, an import's refusal and `runs show` all name
 * a value through {@link describeStoredValue}.
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
function exactNumberText(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { value: text, toAttributeValue } = value as { value?: unknown; toAttributeValue?: unknown };
  return typeof text === 'string' && typeof toAttributeValue === 'function' ? text : undefined;
}

/** Such a number as a message names it (`text` from {@link exactNumberText}). */
function inexactNumberPhrase(text: string): string {
  return `the number ${text}, which a double cannot hold exactly`;
}

/** Text cut to {@link MAX_SHOWN_JSON} characters, `...` marking a cut. */
function shortText(text: string): string {
  return text.length > MAX_SHOWN_JSON ? `${text.slice(0, MAX_SHOWN_JSON - 3)}...` : text;
}

/** `JSON.rawJSON` (Node.js 21 and later; not in TypeScript's ES2023 library): a number's exact text inside JSON. */
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** Binary as a message names it, also inside a list, set or map. */
function binaryPhrase(bytes: Uint8Array): string {
  return `binary (${bytes.length} bytes)`;
}

/**
 * A value inside a list, set or map as JSON shows it (the replacer of
 * {@link shortJson}; `this` is the holder, so `this[key]` is the value before
 * any `toJSON`):
 *
 * - a big integer or a number a double cannot hold: by its exact text, as a
 *   JSON number (not a string, nor the `{"value": …}` of the SDK's object);
 * - a set: the list of its elements (JSON has no set; `JSON.stringify` would
 *   show `{}`, an empty map);
 * - binary: the JSON string `"binary (N bytes)"` (not its bytes as a map);
 * - any other value as is.
 */
function shownInJson(this: unknown, key: string, x: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array) return binaryPhrase(raw);
  if (x instanceof Set) return [...x];
  const text = typeof x === 'bigint' ? x.toString() : exactNumberText(x);
  if (text === undefined) return x;
  try {
    return rawJson(text);
  } catch {
    return text; // not a JSON number (a hand-made object of the same shape): shown as its text
  }
}

/** A value's JSON text (`String(value)` when JSON has none), inner values as {@link shownInJson} shows them, cut by {@link shortText}. */
function shortJson(value: unknown): string {
  return shortText(JSON.stringify(value, shownInJson) ?? String(value));
}

/**
 * A stored value (of any type, as the document client read it) as a message
 * names it, short (JSON text cut by {@link shortJson}):
 *
 * - a string: its JSON text, `"abc"`;
 * - `null`: `null`; absent (`undefined`): `(absent)`;
 * - a number or big integer: `the number 5`; one a double cannot hold: `the
 *   number 1E+125, which a double cannot hold exactly`;
 * - binary: `binary (3 bytes)`;
 * - a list, set or map: `a list ["a"]`, `a set ["a"]`, `a map {"a":1}`; inside
 *   one, a set as the list of its elements (JSON has no set) and binary as the
 *   string `"binary (3 bytes)"` (`a map {"s":["a"],"b":"binary (3 bytes)"}`);
 * - anything else: its type and text, `boolean true`.
 *
 * Stored text: the caller sanitises the message.
 */
export function describeStoredValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  if (value === null) return 'null';
  if (typeof value === 'string') return shortJson(value);
  if (typeof value === 'number' || typeof value === 'bigint') return `the number ${value}`;
  if (value instanceof Uint8Array) return binaryPhrase(value);
  if (value instanceof Set) return `a set ${shortJson([...value])}`;
  if (Array.isArray(value)) return `a list ${shortJson(value)}`;
  if (typeof value === 'object') {
    const exact = exactNumberText(value);
    return exact === undefined ? `a map ${shortJson(value)}` : inexactNumberPhrase(shortText(exact));
  }
  return `${typeof value} ${shortText(String(value))}`;
}
