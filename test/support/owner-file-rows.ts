/**
 * The rows the owner file reader yields for given bytes: the owner file tests
 * (`test/unit/owner-file-*.test.ts`) write a file and read it back whole.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type OwnerFileFormat, type OwnerFileRow, readOwnerFile } from '../../cli/use-cases/owner-file';

/**
 * Writes `bytes` to `name` in `dir` and reads it with `readOwnerFile` as `format`.
 * @returns every row or refused line, in order
 */
export async function ownerFileRows(
  dir: string,
  name: string,
  bytes: string | Buffer,
  format: OwnerFileFormat,
): Promise<OwnerFileRow[]> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  const rows: OwnerFileRow[] = [];
  for await (const row of readOwnerFile(file, format)) rows.push(row);
  return rows;
}
