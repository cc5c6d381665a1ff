/** Short, user-facing reasons for file system errors (for one-line usage errors). */

/** Why a file could not be read, as a short phrase ("no such file", "permission denied", ...). */
export function describeFileError(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'too many levels of symbolic links (a link loop)';
  return error instanceof Error ? error.message : String(error);
}
