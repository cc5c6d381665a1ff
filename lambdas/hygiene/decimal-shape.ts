/**
 * The value of a decimal number's text, whatever its notation (`7`, `7.0`,
 * `0.7e1`, `7E+0` are one value). One reading for every place that judges a
 * number by its decimal text: the table reader, which keeps a number a double
 * cannot hold exactly (lambdas/aws/dynamodb-client.ts, `readStoredNumber`),
 * the item limits `import` checks (cli/aws/item-limits.ts: digits and
 * magnitude), and the guard's exact percentage (guard.ts, `exceedsPercent`). Pure.
 */

/** A number's significant digits and decimal exponent: its value is `0.<digits> × 10^exponent`. */
export interface DecimalShape {
  readonly negative: boolean;
  /** Without leading or trailing zeros; empty for zero. */
  readonly digits: string;
  readonly exponent: number;
}

/** A decimal number's text: sign, whole digits, fraction digits, exponent. */
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/** The shape of a decimal number's text (`1.5`, `-2e-7`, `1e+21`), or `undefined` when it is not one. */
export function decimalShape(text: string): DecimalShape | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) return undefined;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const all = whole + fraction;
  if (all === '') return undefined;
  let first = 0;
  while (all[first] === '0') first++;
  let end = all.length;
  while (end > first && all[end - 1] === '0') end--;
  return {
    negative: sign === '-',
    digits: all.slice(first, end),
    exponent: Number(exponent) + whole.length - first,
  };
}

/** True when both texts are decimal numbers of the same value (`-0` and `0` are one value, as DynamoDB stores them). */
export function sameDecimal(a: string, b: string): boolean {
  const x = decimalShape(a);
  const y = decimalShape(b);
  if (x === undefined || y === undefined) return false;
  if (x.digits === '' || y.digits === '') return x.digits === y.digits;
  return x.negative === y.negative && x.digits === y.digits && x.exponent === y.exponent;
}
