/**
 * The inputs a measurement child needs but must not read from the database
 * itself (that would warm its SDK before the measured call): the driver
 * writes them to a temporary JSON file, names it in the task, and removes it
 * once the child is done (bench/measure.ts reads it).
 */
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes `value` as JSON to a fresh temporary file named after `label`, runs `use` with its path, then removes it. */
export async function withJsonFile<T>(
  label: string,
  value: unknown,
  use: (path: string) => Promise<T>,
): Promise<T> {
  const path = join(tmpdir(), `pch-bench-${label}-${randomUUID().slice(0, 8)}.json`);
  await writeFile(path, JSON.stringify(value));
  try {
    return await use(path);
  } finally {
    await rm(path, { force: true });
  }
}
