/**
 * `--by <name>`: who acts, recorded with what an operator's command writes
 * (a restore, an exemption, a guard approval). Given, it must name someone:
 * an empty or blank `--by` is a usage error (exit 2, nothing done), never a
 * silent fall back to a default name, whichever command reads it. The default
 * when it is not given is the command's own (`cli/aws/caller-identity.ts`).
 */
import { Option } from '@commander-js/extra-typings';
import { UsageError } from '../usage-error';

/**
 * Reads a `--by` value: trimmed, and not empty.
 * @throws {UsageError} when it is empty or blank
 */
export function parseBy(value: string): string {
  const by = value.trim();
  if (by === '') throw new UsageError('--by must not be empty');
  return by;
}

/** `--by <name>`, read by {@link parseBy}; `description` says who it is and its default. */
export function byOption(description: string) {
  return new Option('--by <name>', description).argParser(parseBy);
}
