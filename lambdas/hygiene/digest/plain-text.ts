/**
 * Untrusted names and values (a display name, a directory name, an id, a stored date that is not an instant) as
 * plain text, flattened so they stay on their line and cannot reorder the text around them (docs/notifications.md,
 * "The message"): the one flattening rule of the digest's text and subject, the HTML email's plain runs and the
 * reports built from them. Terminals show escapes instead (`lambdas/render/sanitize.ts`).
 */
import { isPlainAscii } from '../message';
import { flattenedText } from '../untrusted-text';

/**
 * An untrusted name (a display name, a directory name) as plain text: its
 * unsafe characters ({@link UNSAFE_CHARACTERS}: controls such as CR, LF and
 * tab, Unicode format characters such as the bidi controls and the
 * zero-width space, line and paragraph separators) become spaces,
 * whitespace runs one space, so it cannot add lines to the text or reorder
 * the text around it; blank, or combining marks only (nothing for them to sit
 * on), means "unknown" (`undefined`). The flattening
 * rendering of that one class (terminals show escapes instead:
 * `terminalText`, `lambdas/render/sanitize.ts`).
 */
export function plainName(name: string | undefined): string | undefined {
  // Most names are plain ASCII words already: nothing to flatten (one test instead of two replacements).
  if (name !== undefined && isPlainAscii(name)) return name;
  const plain = flattenName(name);
  // Marks with no letter to sit on (`\u0300`) write nothing: a subject would show empty quotes, and hide the id.
  return plain === undefined || MARKS_ONLY.test(plain) ? undefined : plain;
}

/** Text of combining marks and spaces only: no character for a mark to sit on. */
const MARKS_ONLY = /^[\p{M}\s]+$/u;

/** {@link plainName} without its fast path: every name goes through the replacements. */
export function flattenName(name: string | undefined): string | undefined {
  const plain = name === undefined ? '' : flattenedText(name);
  return plain === '' ? undefined : plain;
}

/**
 * An untrusted value that must show (a credential, client, owner or event id,
 * a stored date that is not an instant) as plain text: flattened as
 * {@link plainName} flattens a name, so it stays on its line and cannot
 * reorder the text around it; `(blank)` when nothing is left.
 */
export function plainValue(value: string): string {
  // Flattened as a name, but never taken for none when it is marks only: an id must show, whatever it holds.
  return (isPlainAscii(value) ? value : flattenName(value)) ?? '(blank)';
}
