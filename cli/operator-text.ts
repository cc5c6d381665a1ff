/**
 * The cap on an operator's own words (`--by`, `--reason`, `PC_HYGIENE_OPERATOR`): each is stored on the credential
 * (each history entry, up to 20, and a restore's `hygieneRestoreReason`) or on the guard approval's item (and
 * printed in the admin summary of the run that uses it), and an item cannot pass DynamoDB's 400 KB, so a longer
 * text is a usage error naming where it came from rather than an item grown past what the worker can write
 * (docs/data-model.md, "Item size"). A module of its own, below the options layer, so the AWS-side helper that
 * caps the environment's operator name (`cli/aws/caller-identity.ts`) does not reach into option parsing
 * (`cli/options/by-option.ts` reads the flags through it).
 */
import { UsageError } from './usage-error';

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
