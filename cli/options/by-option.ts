/**
 * `--by <name>`: who acts, recorded with what an operator's command writes
 * (a restore, an exemption, a guard approval). Given, it must name someone:
 * an empty or blank `--by` is a usage error (exit 2, nothing done), never a
 * silent fall back to a default name, whichever command reads it. The default
 * when it is not given is the command's own (`cli/aws/caller-identity.ts`).
 *
 * Also the one reading of an operator's own words, `--by` and `--reason`
 * (`requiredReason`), and their cap: both are stored on the credential (each
 * history entry, up to 20, and a restore's `hygieneRestoreReason`) or on the
 * guard approval's item (and printed in the admin summary of the run that
 * uses it), and an item cannot pass DynamoDB's 400 KB, so a longer text is a
 * usage error naming the option rather than an item grown past what the
 * worker can write (docs/data-model.md, "Item size").
 */
import { Option } from '@commander-js/extra-typings';
import { UsageError } from '../usage-error';

/** Longest `--by` or `--reason`, in characters (code points): at most 4,000 bytes each in UTF-8. */
export const OPERATOR_TEXT_MAX_CHARS = 1_000;

/**
 * `text` (the value of `option`, already trimmed) when it is at most
 * {@link OPERATOR_TEXT_MAX_CHARS} characters long.
 * @param option the flag (`--by`, `--reason`) or the environment variable (`PC_HYGIENE_OPERATOR`) it came from
 * @throws {UsageError} naming the option and its length when it is longer
 */
export function cappedOperatorText(option: string, text: string): string {
  if (text.length <= OPERATOR_TEXT_MAX_CHARS) return text;
  const chars = Array.from(text).length;
  if (chars <= OPERATOR_TEXT_MAX_CHARS) return text;
  throw new UsageError(
    `${option} is ${chars.toLocaleString('en-US')} characters long; at most ${OPERATOR_TEXT_MAX_CHARS.toLocaleString('en-US')} ` +
      '(it is stored on the credential: docs/data-model.md, "Item size")',
  );
}

/**
 * Reads a `--by` value: trimmed, not empty, and at most {@link OPERATOR_TEXT_MAX_CHARS} characters.
 * @throws {UsageError} when it is empty or blank, or longer
 */
export function parseBy(value: string): string {
  const by = value.trim();
  if (by === '') throw new UsageError('--by must not be empty');
  return cappedOperatorText('--by', by);
}

/**
 * Reads a `--reason` value, the one way every command that records one does: trimmed, not empty, and at most
 * {@link OPERATOR_TEXT_MAX_CHARS} characters.
 * @param why what to say after `--reason must not be empty: ` (e.g. `say why the deletions are approved`)
 * @throws {UsageError} when it is longer, or empty or blank
 */
export function requiredReason(value: string, why: string): string {
  const reason = cappedOperatorText('--reason', value.trim());
  if (reason === '') throw new UsageError(`--reason must not be empty: ${why}`);
  return reason;
}

/** `--by <name>`, read by {@link parseBy}; `description` says who it is and its default. */
export function byOption(description: string) {
  return new Option('--by <name>', description).argParser(parseBy);
}
