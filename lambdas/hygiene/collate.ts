/**
 * One string order for everything the worker sorts by name or id (digests,
 * the sweep's per-owner counts): exactly `localeCompare`'s, without starting
 * ICU's collator when the strings decide it alone. The first collator use in
 * a process costs ~6 ms of CPU, more than a drain's or a sweep summary's
 * sorting (BENCHMARKS.md). Pure.
 */

/** A printable ASCII letter or digit, case folded (`A` → `a`); -1 for any other character. */
function foldedAlphanumeric(code: number): number {
  if ((code >= 48 && code <= 57) || (code >= 97 && code <= 122)) return code;
  return code >= 65 && code <= 90 ? code + 32 : -1;
}

/** Printable ASCII (space to `~`): one collation element each, none ignorable, no contractions. */
function isPrintableAscii(code: number): boolean {
  return code >= 32 && code <= 126;
}

/**
 * Exactly the sign of `a.localeCompare(b)`, without the collator where the
 * strings decide it alone: the first ICU use of a process costs ~6 ms of CPU,
 * more than a drain's sorting. For printable ASCII, the default collation
 * compares letters and digits by their case-folded order first (digits before
 * letters), then, all else equal, puts lowercase first; a shorter string that
 * is a prefix of the other comes first. Whenever punctuation, a space or
 * anything outside printable ASCII would decide, the collator does.
 * (Property-tested against `localeCompare` in test/unit/collate.test.ts.)
 */
export function collate(a: string, b: string): number {
  if (a === b) return 0;
  const shorter = Math.min(a.length, b.length);
  let caseOrder = 0;
  for (let i = 0; i < shorter; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) {
      if (!isPrintableAscii(x)) return a.localeCompare(b);
      continue;
    }
    const fx = foldedAlphanumeric(x);
    const fy = foldedAlphanumeric(y);
    if (fx < 0 || fy < 0) return a.localeCompare(b);
    if (fx !== fy) return fx < fy ? -1 : 1;
    // The same letter in two cases: decides only if nothing later does (lowercase first).
    if (caseOrder === 0) caseOrder = x > y ? -1 : 1;
  }
  const longer = a.length > b.length ? a : b;
  for (let i = shorter; i < longer.length; i++) {
    if (!isPrintableAscii(longer.charCodeAt(i))) return a.localeCompare(b);
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return caseOrder;
}
