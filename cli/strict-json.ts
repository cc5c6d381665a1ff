/**
 * The one strict JSON parse every JSON line and `--config` file the CLI reads
 * goes through ({@link parseJsonText}). Why strict: `JSON.parse` keeps the
 * last of a repeated key (`{"deletedAt":"…","deletedAt":null}` reads as
 * active) and rounds a number to the nearest double (`1e-400` reads as 0):
 * both would act on data other than what the file says. A repeated key is
 * refused; a number no JavaScript number carries exactly is reported where a
 * caller asks for it (`exactNumbers`: `import`, which stores numbers), unless
 * the caller carries it another way (`carryNumber`: `import` sends its text,
 * which DynamoDB stores exactly: docs/data-model.md, "Import and export").
 */
import { sameDecimal } from '../lambdas/hygiene/decimal-shape';

/** A number as written in the text that the JavaScript number read from it does not carry exactly. */
export interface InexactNumber {
  /** Where it is: `a.b[0]`, `(record)` for the whole value. */
  readonly path: string;
  /** The number as written (`3.14159265358979323846`, `1e-400`). */
  readonly source: string;
  /** The number `JSON.parse` made of it (`3.141592653589793`, `0`). */
  readonly value: number;
}

/** Options of {@link parseJsonText} (and of `readJsonLines`, which uses it). */
export interface JsonReadOptions {
  /** Report numbers whose text the JavaScript number read from it does not carry exactly. */
  readonly exactNumbers?: boolean;
  /**
   * With `exactNumbers`: what to put in the value, given the number's text as written, for a number a JavaScript
   * number cannot carry (inexact, or beyond ±(2^53 − 1)); `undefined` leaves the JavaScript number there (an inexact
   * one is then reported). `import` gives the SDK's exact forms (`bigint`, `NumberValue`) of a number DynamoDB stores.
   */
  readonly carryNumber?: (source: string) => unknown;
}

/** The text is valid JSON but an object in it repeats a key: which value counts would be a guess. */
export class RepeatedKeyError extends Error {
  override readonly name = 'RepeatedKeyError';
  constructor(
    readonly key: string,
    /** The object's path (`a.b[0]`), empty for the top level. */
    readonly path: string,
  ) {
    super(
      `the key ${JSON.stringify(key)} appears more than once in one object (${path === '' ? 'at the top level' : `in ${path}`}); ` +
        'which value counts would be a guess',
    );
  }
}

/**
 * Parses JSON text strictly: as `JSON.parse`, refusing a repeated key in any
 * object, and, with `exactNumbers`, listing the numbers it read inexactly
 * (the value still holds `JSON.parse`'s number for them) except those
 * `carryNumber` carries (the value holds what it returned for them).
 * @throws {SyntaxError} when the text is not JSON
 * @throws {RepeatedKeyError} when an object repeats a key (`"a"` and `"\u0061"` are one key)
 */
export function parseJsonText(
  text: string,
  options: JsonReadOptions = {},
): { readonly value: unknown; readonly inexactNumbers: readonly InexactNumber[] } {
  const value: unknown = JSON.parse(text);
  // Only text JSON.parse accepted is scanned: every token is well formed.
  const carry = options.carryNumber;
  const scan = scanJsonText(text, options.exactNumbers ?? false, carry);
  if (!scan.carried || carry === undefined) return { value, inexactNumbers: scan.inexact };
  // Rare (a line with such a number): parsed again, each carried number replaced from its source text.
  return { value: JSON.parse(text, carryingReviver(carry)), inexactNumbers: scan.inexact };
}

/** `JSON.parse`'s reviver with the source text of a primitive (Node 21+, not yet in the ES2023 lib typings). */
type SourceReviver = (key: string, value: unknown, context?: { readonly source?: string }) => unknown;

/** A reviver putting `carry`'s value in place of each number {@link beyondNumber} that it carries. */
function carryingReviver(carry: (source: string) => unknown): (key: string, value: unknown) => unknown {
  const reviver: SourceReviver = (_key, value, context) => {
    const source = context?.source;
    if (typeof value !== 'number' || source === undefined || !beyondNumber(source)) return value;
    return carry(source) ?? value;
  };
  return reviver as (key: string, value: unknown) => unknown;
}

/**
 * Whether a JavaScript number cannot stand for the number written `source`:
 * not {@link carriesExactly}, or beyond ±(2^53 − 1), where the AWS SDK refuses
 * to send a `number` (its neighbours round to it).
 */
function beyondNumber(source: string): boolean {
  return !carriesExactly(source) || Math.abs(Number(source)) > Number.MAX_SAFE_INTEGER;
}

/**
 * The exactness rule: a number read from `source` is carried exactly when the
 * shortest text that round-trips it (`String(n)`, what the SDK sends to
 * DynamoDB) denotes the same decimal value as `source`, compared exactly:
 * `100`, `1e2`, `1.0` and `-0` are exact; `0.1000000000000000055511`,
 * `9007199254740993`, `1e-400` (read as 0) and `1e400` (Infinity) are not.
 */
function carriesExactly(source: string): boolean {
  const shortest = String(Number(source));
  return shortest === source || sameDecimal(shortest, source);
}

/** An object or array being scanned: its parent, where it sits in it, and (objects) its keys so far. */
interface Frame {
  readonly parent: Frame | undefined;
  /** Its key in the parent object, or its index in the parent array. */
  readonly at: string | number;
  readonly keys: Set<string> | undefined;
  /** The key of the member being read (objects). */
  lastKey: string;
  /** The index of the element being read (arrays). */
  index: number;
}

/** The path of a value in `frame` (its member being read), or of `frame` itself: `a.b[0]`, empty at the top. */
function pathOf(frame: Frame | undefined, member?: string | number): string {
  if (frame === undefined) return '';
  const base = pathOf(frame.parent, frame.parent === undefined ? undefined : frame.at);
  if (member === undefined) return base;
  if (typeof member === 'number') return `${base}[${member}]`;
  return base === '' ? member : `${base}.${member}`;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isBlank = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
/** A number token's characters after its first: digits, `.`, `e`/`E`, `+`/`-`. */
const isNumberPart = (c: number) =>
  isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === MINUS;
/** Integers of at most 15 digits are exact in a double: no need to look closer. */
const SURELY_EXACT_DIGITS = 15;

/** The index of the `"` that closes the string whose text starts at `from`. */
function closingQuote(text: string, from: number): number {
  let end = text.indexOf('"', from);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

/**
 * One pass over valid JSON text: refuses an object that repeats a key, at any
 * depth (a reviver cannot see it: `JSON.parse` hands it only the last value),
 * and with `checkNumbers` lists the numbers whose text {@link carriesExactly}
 * refuses, leaving out those `carry` carries (`carried`: there was one). A scan rather than `JSON.parse`'s reviver source-text access
 * (`context.source`, which works on Node 24): the text has to be walked for
 * the keys anyway, and a reviver, called for every value, costs about six
 * times the parse itself (100,000 import lines: 1.1 s against 0.18 s); this
 * scan adds about 0.3 s, and `import --dry-run` of them takes 2.8 s, 2.4 s before.
 * @throws {RepeatedKeyError} naming the first repeated key and its object
 */
function scanJsonText(
  text: string,
  checkNumbers: boolean,
  carry: ((source: string) => unknown) | undefined,
): { readonly inexact: InexactNumber[]; readonly carried: boolean } {
  const inexact: InexactNumber[] = [];
  let carried = false;
  let top: Frame | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i + 1);
      let next = end + 1;
      while (isBlank(text.charCodeAt(next))) next++;
      if (top?.keys !== undefined && text.charCodeAt(next) === COLON)
        addKey(top, top.keys, text.slice(i + 1, end));
      i = end + 1;
    } else if (c === 0x7b || c === 0x5b) {
      // `{` or `[`: a new frame, placed at the parent's current key or index.
      const at = top === undefined ? '' : top.keys === undefined ? top.index : top.lastKey;
      top = { parent: top, at, keys: c === 0x7b ? new Set() : undefined, lastKey: '', index: 0 };
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      top = top?.parent;
      i++;
    } else if (c === COMMA) {
      if (top !== undefined) top.index++;
      i++;
    } else if (c === MINUS || isDigit(c)) {
      let end = i + 1;
      let integer = true;
      for (; end < text.length && isNumberPart(text.charCodeAt(end)); end++) {
        if (!isDigit(text.charCodeAt(end))) integer = false;
      }
      const digits = end - i - (c === MINUS ? 1 : 0);
      if (checkNumbers && !(integer && digits <= SURELY_EXACT_DIGITS)) {
        const source = text.slice(i, end);
        if (carry !== undefined && beyondNumber(source) && carry(source) !== undefined) carried = true;
        else if (!carriesExactly(source)) inexact.push(inexactAt(top, source));
      }
      i = end;
    } else {
      i++;
    }
  }
  return { inexact, carried };
}

/** Records `raw` (a key's text as written) in its object, refusing one seen there already. */
function addKey(frame: Frame, keys: Set<string>, raw: string): void {
  // An escaped key is compared by what it denotes: "a" and "\u0061" are one key.
  const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  if (keys.has(key)) throw new RepeatedKeyError(key, pathOf(frame));
  keys.add(key);
  frame.lastKey = key;
}

/** An inexact number found in `frame` (at its current member), or as the whole text. */
function inexactAt(frame: Frame | undefined, source: string): InexactNumber {
  const member = frame === undefined ? undefined : frame.keys === undefined ? frame.index : frame.lastKey;
  return { path: pathOf(frame, member) || '(record)', source, value: Number(source) };
}
