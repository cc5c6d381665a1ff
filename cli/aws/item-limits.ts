/**
 * DynamoDB's limits on one item, checked before it is sent, so `pc-hygiene
 * import` can reject a line by its number instead of DynamoDB rejecting the
 * whole 25-item `BatchWriteItem` it travels in (docs/data-model.md, "Import
 * and export"):
 *
 * - numbers: a non-zero magnitude from 1E-130 to
 *   9.9999999999999999999999999999999999999E+125, at most 38 significant digits;
 * - nesting: lists and maps at most 32 levels deep, the item itself counted
 *   (so an attribute's value holds at most 31 nested lists or maps);
 * - attribute names (map keys included): 1 to 65,535 bytes.
 *
 * - size: an item that leaves no room under the 400 KB item limit for the
 *   worker's own writes (`lambdas/hygiene/item-size.ts`, a stricter rule than
 *   DynamoDB's, for what enters the table; the sweep does not judge stored
 *   items by it, docs/data-model.md, "Item size"; its count is re-exported
 *   here for the bench and the tests).
 *
 * Pure: no AWS call. Numbers are judged by the text the SDK sends for them
 * (`String(value)`).
 */
import { type DecimalShape, decimalShape } from '../../lambdas/hygiene/decimal-shape';
import { itemSizeProblem } from '../../lambdas/hygiene/item-size';

export {
  itemSizeBytes,
  MAX_ITEM_BYTES,
  numberSize,
  valueSize,
} from '../../lambdas/hygiene/item-size';

/** Most nested list/map levels, the item itself counted. */
export const MAX_NESTING_LEVELS = 32;
/** Longest attribute name (a map key included), in UTF-8 bytes. */
export const MAX_NAME_BYTES = 65_535;
/** Most significant digits of a number. */
export const MAX_NUMBER_DIGITS = 38;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** The shape of a number's text as sent, or `undefined` when it is not a decimal number. */
const numberShape = (text: string): DecimalShape | undefined => decimalShape(text.trim());

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

/**
 * Every reason DynamoDB would refuse to store `item`, or would refuse the
 * worker's writes to it later (see the module comment), each starting with
 * the attribute's path (`(record)` for its size); empty when it fits.
 */
export function itemLimitProblems(item: Readonly<Record<string, unknown>>): string[] {
  const size = itemSizeProblem(item);
  return [...valueProblems(item, '', 0), ...(size === undefined ? [] : [`(record): ${size}`])];
}
