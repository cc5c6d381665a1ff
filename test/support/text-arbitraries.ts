/**
 * fast-check generators of text shared by the property tests of names and
 * subjects (the plain-ASCII fast paths must equal the full folding).
 */
import fc from 'fast-check';

/** One word of printable ASCII (`!` to `~`, no space), 1 to 12 characters. */
export const printableWord = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 12,
});
