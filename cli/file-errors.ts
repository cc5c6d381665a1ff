/**
 * Short, user-facing reasons for file system errors (for one-line usage errors). The error is read through
 * `describeError` (lambdas/hygiene/errors.ts), the one way a caught value is turned into text.
 */
import { describeError } from '../lambdas/hygiene/errors';

/** The short phrase for a Node.js system error code a file operation fails with. */
const FILE_ERROR_PHRASES: ReadonlyMap<string, string> = new Map([
  ['ENOENT', 'no such file'],
  ['EACCES', 'permission denied'],
  ['EPERM', 'permission denied'],
  ['EISDIR', 'is a directory'],
  ['ELOOP', 'too many levels of symbolic links (a link loop)'],
]);

/** Why a file could not be read, as a short phrase ("no such file", "permission denied", ...), else its message. */
export function describeFileError(error: unknown): string {
  const { message, systemCode } = describeError(error);
  return (systemCode !== undefined ? FILE_ERROR_PHRASES.get(systemCode) : undefined) ?? message;
}
