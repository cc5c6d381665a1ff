import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlFileSink } from '../../cli/jsonl-sink';
import type { PublishEntry } from '../../lambdas/hygiene/outbox-ports';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jsonl-sink-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (id: string): PublishEntry => ({
  Id: id,
  Subject: `Subject ${id}`,
  Message: '{"default":"hi"}',
  MessageStructure: 'json',
  MessageAttributes: { userId: { DataType: 'String', StringValue: 'u' } },
});

describe('JsonlFileSink', () => {
  it('appends exactly the entries, one JSON object a line, creating the directory', async () => {
    const path = join(dir, 'nested', 'out.jsonl');
    const sink = new JsonlFileSink(path);

    const first = await sink.publishBatch([entry('a'), entry('b')]);
    await sink.publishBatch([entry('c')]);

    expect(first.failed).toEqual([]);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([entry('a'), entry('b'), entry('c')]);
  });

  it('throws when it cannot write, so nothing is marked sent', async () => {
    const sink = new JsonlFileSink(dir); // a directory, not a file
    await expect(sink.publishBatch([entry('a')])).rejects.toThrow();
  });
});
