/**
 * Where `pc-hygiene notify` sends its digests (`--sink`): SNS, or a JSON Lines file of the exact `PublishBatch`
 * entries, its path checked before anything is looked up or written (cli/output-file.ts).
 */
import { checkOutputFile } from '../../output-file';
import { UsageError } from '../../usage-error';

/** Where digests go. */
export type Sink = { readonly kind: 'sns' } | { readonly kind: 'jsonl'; readonly path: string };

/**
 * Parses `--sink`: `sns` or `jsonl:PATH`.
 * @throws {UsageError} on anything else
 */
function parseSink(value: string): Sink {
  if (value === 'sns') return { kind: 'sns' };
  if (value.startsWith('jsonl:')) {
    const path = value.slice('jsonl:'.length);
    if (path.trim() === '')
      throw new UsageError('--sink jsonl:PATH needs a file path, e.g. --sink jsonl:out.jsonl');
    return { kind: 'jsonl', path };
  }
  throw new UsageError(`--sink ${JSON.stringify(value)} is not sns or jsonl:PATH`);
}

/**
 * Parses `--sink` and, for a file, checks its path (cli/output-file.ts): one
 * that can never be written (a directory, in a folder that does not exist)
 * is refused before anything is looked up or written.
 * @throws {UsageError} on a bad sink or path
 */
export async function sinkOf(value: string): Promise<Sink> {
  const sink = parseSink(value);
  if (sink.kind === 'jsonl')
    await checkOutputFile(sink.path, '--sink jsonl:PATH', `--sink jsonl:${sink.path}`);
  return sink;
}
