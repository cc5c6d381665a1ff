/**
 * The one rule for numeric flags, run by commander as each option's
 * `argParser` so a bad value stops the command before it touches anything.
 * Integers are decimal digits only (no sign, fraction or exponent: `1e2`,
 * `2.5`, `-1`, `0x10` are refused) within an inclusive range; durations are
 * positive numbers of seconds in decimal text (`90`, `1.5`; not `1e3` or
 * `0x10`): the decimal-text rule of config values (`numberFromText`). A bad
 * value is a {@link UsageError} naming the flag, the value and the allowed
 * range (exit 2, one line; `cli/main.ts`).
 */
import { numberFromText } from '../../lambdas/hygiene/config';
import { UsageError } from '../usage-error';

/**
 * A parser for an integer flag from `min` to `max` inclusive.
 * @returns a function that throws {@link UsageError} on anything else
 */
export function integerIn(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = numberFromText(value, 'integer');
    if (typeof n !== 'number' || n < min || n > max) {
      throw new UsageError(`${flag} ${JSON.stringify(value)} must be an integer from ${min} to ${max}`);
    }
    return n;
  };
}

/**
 * A parser for a duration flag in seconds: more than 0, at most `maxSeconds`.
 * @returns a function giving milliseconds, throwing {@link UsageError} otherwise
 */
export function secondsUpTo(flag: string, maxSeconds: number): (value: string) => number {
  return (value) => {
    const seconds = numberFromText(value, 'decimal');
    if (typeof seconds !== 'number' || seconds <= 0 || seconds > maxSeconds) {
      throw new UsageError(
        `${flag} ${JSON.stringify(value)} must be a number of seconds, more than 0 and at most ${maxSeconds}`,
      );
    }
    return seconds * 1000;
  };
}

/** Lifts a flag parser to an optional value: `undefined` (flag not given) stays `undefined`. */
export function optional<T>(parse: (value: string) => T): (value: string | undefined) => T | undefined {
  return (value) => (value === undefined ? undefined : parse(value));
}
