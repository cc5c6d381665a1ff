/**
 * An output's write error is never a table's (`isOutputError`,
 * cli/stream-writer.ts; `describeTableError`, cli/options/table-options.ts):
 * stdout a socket its reader resets fails with `ECONNRESET`, the code an
 * unreachable DynamoDB gives too. Thrown by a listing's `StreamWriter` inside
 * the table wrapper, it comes out as the very error the output guard
 * reported (so the CLI says it once), not as "cannot reach DynamoDB"; the
 * same code from the SDK is still the table's.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { withDirectoryErrors } from '../../../cli/options/directory-options';
import { describeTableError, TableAccessError, withTableErrors } from '../../../cli/options/table-options';
import { guardOutputs, isOutputError, StreamWriter } from '../../../cli/stream-writer';
import { writeStreamedListing } from '../../../cli/streamed-listing';

const TABLE = { table: 'T1', endpoint: 'http://127.0.0.1:8000' };

/** A socket's write error as Node reports it when the reader reset the connection. */
const reset = () =>
  Object.assign(new Error('write ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'write' });

/** A guarded output (as `cli/main.ts` guards stdout) whose every write fails with `error`. */
function resetOutput(error: Error) {
  const stream = new Writable({ write: (_chunk, _encoding, done) => done(error) });
  const reported: Error[] = [];
  guardOutputs([stream], (failure) => reported.push(failure));
  return { stream, reported };
}

async function* pages(): AsyncGenerator<string> {
  yield 'a';
  yield 'b';
}

describe('a write error of the output inside the table wrapper', () => {
  it('is not reworded as an unreachable DynamoDB: the guard’s own error comes out', async () => {
    const error = reset();
    const { stream, reported } = resetOutput(error);

    const thrown = await withTableErrors(TABLE, () => new StreamWriter(stream).write('listing')).catch(
      (caught: unknown) => caught,
    );

    expect(thrown).toBe(error);
    expect(reported).toEqual([error]);
    expect(isOutputError(thrown)).toBe(true);
  });

  it('passes the owner directory’s wrapper and a streamed listing unchanged too', async () => {
    const error = reset();
    const { stream } = resetOutput(error);
    const listing = () => writeStreamedListing(stream, pages(), { item: (page) => `${page}\n` });
    const directory = { directoryTable: 'Owners', endpoint: TABLE.endpoint };

    await expect(withDirectoryErrors(directory, listing)).rejects.toBe(error);
  });

  it('the same code from the SDK, no output’s, is still the table’s', () => {
    const described = describeTableError(reset(), TABLE);

    expect(described).toBeInstanceOf(TableAccessError);
    expect((described as Error).message).toBe(
      'cannot reach DynamoDB at http://127.0.0.1:8000 (ECONNRESET): is it running?; the connection was cut after a ' +
        'request was sent: if this command writes, a write may have applied, so check before running it again',
    );
  });
});
