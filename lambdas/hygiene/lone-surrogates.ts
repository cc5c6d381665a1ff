/**
 * Strings JSON can carry but DynamoDB cannot store as given: a lone UTF-16
 * surrogate (`"a\ud800b"`: `JSON.parse` accepts the escape). DynamoDB keeps
 * strings as UTF-8, which cannot encode a lone surrogate, and stores U+FFFD in
 * its place, so the stored text would silently differ from the file. `import`
 * and `owners import` refuse such a record instead, naming each string or
 * attribute name (map keys included) by its path. Pure.
 */

/**
 * A lone surrogate: in Unicode mode a pair is one code point, so only an
 * unpaired half is of category Cs (what `String.prototype.isWellFormed`
 * checks; the project's ES2023 lib does not declare that method).
 */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The first lone surrogate of `text` as `\udXXX at character N`, or `undefined`
 * when it has none. N counts code points from 0, a surrogate pair (an emoji)
 * as one, not UTF-16 code units.
 */
function firstLoneSurrogate(text: string): string | undefined {
  const match = LONE_SURROGATE.exec(text);
  if (match === null) return undefined;
  const character = [...text.slice(0, match.index)].length;
  return `\\u${match[0].charCodeAt(0).toString(16)} at character ${character}`;
}

/** A map key as a path shows it: as it is, or JSON-escaped when it holds a lone surrogate (so it prints faithfully). */
const shownKey = (key: string) => (LONE_SURROGATE.test(key) ? JSON.stringify(key) : key);

/** One problem for `text` at `path`, or none when it is well formed. */
function problemsOf(text: string, path: string, what: string): string[] {
  const where = firstLoneSurrogate(text);
  if (where === undefined) return [];
  return [
    `${path || '(record)'}: ${what} has a lone UTF-16 surrogate (${where}), which DynamoDB would store as U+FFFD ` +
      '(write the whole character, as a surrogate pair, or remove it)',
  ];
}

/**
 * One problem per string and per attribute name (map keys included) that
 * holds a lone surrogate, named by its path (`vendor.tags[2]`).
 * @param path the path of `value` (empty for the record itself)
 */
export function loneSurrogateProblems(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return problemsOf(value, path, 'the text');
  if (Array.isArray(value)) return value.flatMap((v, i) => loneSurrogateProblems(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const here = path ? `${path}.${shownKey(key)}` : shownKey(key);
    return [...problemsOf(key, here, 'the attribute name'), ...loneSurrogateProblems(v, here)];
  });
}
