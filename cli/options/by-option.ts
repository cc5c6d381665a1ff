/**
 * `--by <name>`: who acts, recorded with what an operator's command writes
 * (a restore, an exemption, a guard approval). Given, it must name someone:
 * an empty or blank `--by` is a usage error (exit 2, nothing done), never a
 * silent fall back to a default name, whichever command reads it. The default
 * when it is not given is the command's own (`cli/aws/caller-identity.ts`).
 *
 * Also the one reading of an operator's own words, `--by` and `--reason`
 * (`requiredReason`), both capped (`cappedOperatorText`, `cli/operator-text.ts`:
 * both are stored on the credential or a guard approval's item, and an item
 * cannot pass DynamoDB's 400 KB; docs/data-model.md, "Item size").
 */
import { Option } from '@commander-js/extra-typings';
import { cappedOperatorText } from '../operator-text';
import { UsageError } from '../usage-error';

/**
 * Reads a `--by` value: trimmed, not empty, and within the cap ({@link cappedOperatorText}).
 * @throws {UsageError} when it is empty or blank, or longer
 */
export function parseBy(value: string): string {
  const by = value.trim();
  if (by === '') throw new UsageError('--by must not be empty');
  return cappedOperatorText('--by', by);
}

/**
 * Reads a `--reason` value, the one way every command that records one does: trimmed, not empty, and within the cap
 * ({@link cappedOperatorText}).
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
