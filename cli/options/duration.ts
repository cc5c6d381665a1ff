/**
 * A duration flag written the way people say it: a whole number and a unit,
 * `m` (minutes), `h` (hours) or `d` (days) — `30m`, `24h`, `7d` — within a
 * range. A bad value is a {@link UsageError} naming the flag, the value and
 * the range (exit 2; `cli/main.ts`).
 */
import { UsageError } from '../usage-error';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+)([mhd])$/;

/**
 * A parser for a duration flag from `minMs` to `maxMs` inclusive.
 * @param range how the range is said in the error, e.g. `1m to 7d`
 * @returns a function giving milliseconds, throwing {@link UsageError} otherwise
 */
export function durationIn(
  flag: string,
  minMs: number,
  maxMs: number,
  range: string,
): (value: string) => number {
  return (value) => {
    const match = DURATION.exec(value.trim());
    const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : Number.NaN;
    if (!(ms >= minMs && ms <= maxMs)) {
      throw new UsageError(
        `${flag} ${JSON.stringify(value)} must be a duration such as 30m, 24h or 2d, from ${range}`,
      );
    }
    return ms;
  };
}
