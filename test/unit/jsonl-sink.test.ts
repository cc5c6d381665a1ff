/**
 * The JSON Lines file sink (cli/jsonl-sink.ts; docs/notifications.md, "CLI", `--sink jsonl:PATH`): it appends
 * exactly the `PublishBatch` entries SNS would receive, one JSON object a line, creating a missing file but never a
 * missing folder (the write fails, naming the path) and a missing file readable by the user only (`0600`: owners'
 * names and credentials); a write it cannot make throws, so the notifier marks nothing sent. Against real temporary
 * files.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlFileSink } from '../../cli/jsonl-sink';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';
import type { OutgoingMessage } from '../../lambdas/hygiene/message';
import { expectedEntry } from './support/sns-entry';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jsonl-sink-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A neutral message the notifier hands over ... */
const message = (id: string): OutgoingMessage => ({
  id,
  subject: `Subject ${id}`,
  text: 'hi',
  document: { n: 1 },
  routing: { audience: 'owner', severity: 'info', eventTypes: ['expiry-warning'], userId: 'u' },
});
/** ... and the SNS entry the sink must write for it. */
const entry = (id: string): PublishEntry =>
  expectedEntry({
    id,
    subject: `Subject ${id}`,
    text: 'hi',
    document: '{"n":1}',
    attributes: {
      userId: { DataType: 'String', StringValue: 'u' },
      eventTypes: { DataType: 'String.Array', StringValue: '["expiry-warning"]' },
      severity: { DataType: 'String', StringValue: 'info' },
      audience: { DataType: 'String', StringValue: 'owner' },
    },
  });

describe('JsonlFileSink', () => {
  it('appends exactly the entries, one JSON object a line, creating the file', async () => {
    const path = join(dir, 'out.jsonl');
    const sink = new JsonlFileSink(path);

    const first = await sink.publishBatch([message('a'), message('b')]);
    await sink.publishBatch([message('c')]);

    expect(first.failed).toEqual([]);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([entry('a'), entry('b'), entry('c')]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('never creates a missing folder: the write fails, naming the path, and nothing is written', async () => {
    const path = join(dir, 'no-such-folder', 'out.jsonl');
    const sink = new JsonlFileSink(path);

    await expect(sink.publishBatch([message('a')])).rejects.toThrow(path);
    expect(await readdir(dir)).toEqual([]);
  });

  it('throws when it cannot write, so nothing is marked sent', async () => {
    const sink = new JsonlFileSink(dir); // a directory, not a file
    await expect(sink.publishBatch([message('a')])).rejects.toThrow(
      expect.objectContaining({ code: 'EISDIR' }),
    );
  });
});
