/**
 * The one source of randomness of the demo data: every value is drawn from one seeded PRNG
 * (`cli/local/seeded-random.ts`), in the order the generator asks, so the same seed gives the same records.
 */

const KSUID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Draws values from one seeded PRNG. */
export class Draw {
  constructor(readonly random: () => number) {}
  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.random();
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return Math.floor(this.between(min, max + 1));
  }
  /** One of `items`, each as likely. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }
  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.random() < p;
  }
  /** A 27-character base62 identifier in the style of a KSUID. */
  ksuid(): string {
    let id = '2';
    for (let i = 1; i < 27; i++) id += KSUID_ALPHABET[Math.floor(this.random() * 62)];
    return id;
  }
}
