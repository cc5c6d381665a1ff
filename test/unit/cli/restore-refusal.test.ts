/**
 * The refusals of a restore's own checks (`cli/aws/restore.ts`) share one
 * base, `RestoreRefusal`: `restore --run` tells them from any other error by
 * it alone (their message without a class name, and their `check` id for
 * scripts), so a check added there needs no list kept elsewhere. Every error
 * class the module exports must be one, each with its own kebab-case id.
 */
import { describe, expect, it } from 'vitest';
import * as restore from '../../../cli/aws/restore';
import { RestoreRefusal } from '../../../cli/aws/restore';

/** Every error class `cli/aws/restore.ts` exports, by its export name (the base itself left out). */
const errorClasses = Object.entries(restore as Record<string, unknown>).filter(
  (entry): entry is [string, new (message: string) => Error] =>
    typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
);

describe('RestoreRefusal', () => {
  it('is the base of every error class cli/aws/restore.ts exports, each with its own kebab-case check id', () => {
    const refusals = errorClasses.filter(([name]) => name !== 'RestoreRefusal');
    expect(refusals.length).toBeGreaterThanOrEqual(7);
    const checks = refusals.map(([name, type]) => {
      const refusal = new type('why');
      expect(refusal, name).toBeInstanceOf(RestoreRefusal);
      expect(refusal.name).toBe(name);
      return (refusal as RestoreRefusal).check;
    });
    for (const check of checks) expect(check).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(new Set(checks).size).toBe(checks.length);
  });
});
