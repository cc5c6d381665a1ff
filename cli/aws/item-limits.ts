/**
 * DynamoDB's limits on one item, checked before it is sent, so `pc-hygiene
 * import` can reject a line by its number instead of DynamoDB rejecting the
 * whole 25-item `BatchWriteItem` it travels in (docs/data-model.md, "Import
 * and export"):
 *
 * - size: at most 400 KB (409,600 bytes), counted the way DynamoDB counts it:
 *   every attribute name (UTF-8) plus its value; a string is its UTF-8 bytes;
 *   a number 1 byte per pair of base-100 digits (aligned on the decimal point)
 *   plus 1, plus 1 more when negative, and 0 is 1 byte; a boolean or null 1
 *   byte; a list or map 3 bytes plus 1 byte per element (plus, in a map, the
 *   element's name). Measured against DynamoDB Local byte for byte
 *   (test/unit/item-limits.test.ts; test/integration/import-item-limits.test.ts);
 * - numbers: a non-zero magnitude from 1E-130 to
 *   9.9999999999999999999999999999999999999E+125, at most 38 significant digits;
 * - nesting: lists and maps at most 32 levels deep, the item itself counted
 *   (so an attribute's value holds at most 31 nested lists or maps);
 * - attribute names (map keys included): 1 to 65,535 bytes.
 *
 * Pure: no AWS call. Numbers are judged by the text the SDK sends for them
 * (`String(value)`).
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { type DecimalShape, decimalShape } from '../../lambdas/hygiene/decimal-shape';

/** DynamoDB's item size limit, in bytes (400 KB). */
export const MAX_ITEM_BYTES = 409_600;
/** Most nested list/map levels, the item itself counted. */
export const MAX_NESTING_LEVELS = 32;
/** Longest attribute name (a map key included), in UTF-8 bytes. */
export const MAX_NAME_BYTES = 65_535;
/** Most significant digits of a number. */
export const MAX_NUMBER_DIGITS = 38;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** The shape of a number's text as sent, or `undefined` when it is not a decimal number. */
const numberShape = (text: string): DecimalShape | undefined => decimalShape(text.trim());

/** Bytes DynamoDB stores a number in (see the module comment); a text that is not a number counts as its length. */
export function numberSize(text: string): number {
  const shape = numberShape(text);
  if (shape === undefined) return utf8(text);
  if (shape.digits === '') return 1;
  // Base-100 digits: an odd exponent puts a leading 0 in front of the first digit.
  const pairs = Math.ceil((shape.digits.length + (shape.exponent % 2 === 0 ? 0 : 1)) / 2);
  return pairs + 1 + (shape.negative ? 1 : 0);
}

/**
 * Why DynamoDB would refuse a number, or `undefined` when it takes it.
 * @param text the number as sent (`String(value)`)
 */
export function numberProblem(text: string): string | undefined {
  const shape = numberShape(text);
  if (shape === undefined) return `${text} is not a number DynamoDB can store`;
  if (shape.digits === '') return undefined;
  if (shape.digits.length > MAX_NUMBER_DIGITS) {
    return `the number ${text} has ${shape.digits.length} significant digits; DynamoDB keeps at most ${MAX_NUMBER_DIGITS}`;
  }
  // |value| is at least 10^(exponent-1) and below 10^exponent.
  if (shape.exponent <= -130) {
    return `the number ${text} is too small for DynamoDB (a non-zero magnitude must be at least 1E-130)`;
  }
  if (shape.exponent >= 127) {
    return `the number ${text} is too large for DynamoDB (a magnitude must be below 1E+126)`;
  }
  return undefined;
}

/** Size of one attribute value, without its name (see the module comment). */
export function valueSize(value: unknown): number {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(String(value));
  if (value instanceof NumberValue) return numberSize(value.toString());
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce<number>((sum, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + 1 + valueSize(v), 3);
  if (typeof value === 'object') {
    return Object.entries(value).reduce<number>((sum, [name, v]) => sum + utf8(name) + 1 + valueSize(v), 3);
  }
  return 0;
}

/** An item's size by DynamoDB's rules: every attribute name plus its value. */
export function itemSizeBytes(item: Readonly<Record<string, unknown>>): number {
  return Object.entries(item).reduce<number>((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

/** The path of a map's member, as problems name it (an empty name `""`, a very long one cut). */
const childPath = (path: string, name: string) => {
  const shown = name === '' ? '""' : name.length > 40 ? `${name.slice(0, 20)}…` : name;
  return path === '' ? shown : `${path}.${shown}`;
};

/** Problems of one value: its numbers, its map keys, how deep it nests (`level`: the levels above it). */
function valueProblems(value: unknown, path: string, level: number): string[] {
  if (typeof value === 'number') {
    const problem = numberProblem(String(value));
    return problem === undefined ? [] : [`${path}: ${problem} (quote it as a string)`];
  }
  if (value === null || typeof value !== 'object') return [];
  if (level >= MAX_NESTING_LEVELS) {
    return [
      `${path}: lists and maps nest deeper than DynamoDB's ${MAX_NESTING_LEVELS} levels (the item counts as one)`,
    ];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => valueProblems(v, `${path}[${i}]`, level + 1));
  return Object.entries(value).flatMap(([name, v]) => {
    const problem = nameProblem(name);
    const here = childPath(path, name);
    return [...(problem === undefined ? [] : [`${here}: ${problem}`]), ...valueProblems(v, here, level + 1)];
  });
}

/** Why DynamoDB would refuse an attribute name (a map key included), or `undefined`. */
function nameProblem(name: string): string | undefined {
  if (name === '') return 'DynamoDB refuses an empty attribute name';
  const bytes = utf8(name);
  if (bytes > MAX_NAME_BYTES) {
    return `an attribute name of ${bytes.toLocaleString('en-US')} bytes is over DynamoDB's ${MAX_NAME_BYTES.toLocaleString('en-US')}`;
  }
  return undefined;
}

/** The item's size problem, naming its largest attribute, or none. */
function sizeProblems(item: Readonly<Record<string, unknown>>): string[] {
  const size = itemSizeBytes(item);
  if (size <= MAX_ITEM_BYTES) return [];
  const [largest, largestSize] = Object.entries(item)
    .map(([name, value]) => [name, utf8(name) + valueSize(value)] as const)
    .reduce((a, b) => (b[1] > a[1] ? b : a));
  return [
    `(record): ${size.toLocaleString('en-US')} bytes as DynamoDB counts them (attribute names + values), ` +
      `over its 400 KB item limit (${MAX_ITEM_BYTES.toLocaleString('en-US')} bytes); ` +
      `the largest attribute is ${largest} (${largestSize.toLocaleString('en-US')} bytes)`,
  ];
}

/**
 * Every reason DynamoDB would refuse to store `item` (see the module
 * comment), each starting with the attribute's path; empty when it fits.
 */
export function itemLimitProblems(item: Readonly<Record<string, unknown>>): string[] {
  return [...valueProblems(item, '', 0), ...sizeProblems(item)];
}
