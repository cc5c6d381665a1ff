/**
 * Invisible Unicode format characters (`\p{Cf}`: zero-width space, joiners,
 * word joiner, BOM, soft hyphen, …) in stored text reach a terminal as
 * visible escapes, as the controls and bidi controls do
 * (lambdas/hygiene/untrusted-text.ts): two ids that differ by one never print
 * alike. Checked where a user meets them: the `plan` table and `import`'s
 * rejected-line messages (its dry run in process, against a stand-in
 * DynamoDB answering the one `DescribeTable` it makes: the table's kind).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerImportCommand } from '../../cli/commands/import';
import { runInProcess } from '../support/in-process-cli';
import { runCli } from '../support/run-cli';
import { credentialsTableDescription } from '../support/table-descriptions';

/** Format characters, none of them control, bidi or line-separator characters. */
const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad'] as const;

/** How a terminal shows `char`: `\xNN` up to U+00FF, else `\uNNNN` (`terminalText`, lambdas/render/sanitize.ts). */
function escapeOf(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'format-characters-'));
  file = join(dir, 'credentials.jsonl');
  const lines = INVISIBLE.map((char, i) =>
    // Valid records on even lines, one without its userId (rejected by import) on odd ones.
    JSON.stringify({
      id: `cred${char}${i}`,
      ...(i % 2 === 0 && { userId: `owner${char}${i}` }),
      displayName: `name${char}${i}`,
      // Never used since January: stale at the plan's instant, so the table lists it.
      createdAt: '2026-01-01T00:00:00Z',
    }),
  );
  await writeFile(file, `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('invisible format characters in stored text', () => {
  it('print escaped in the plan table', async () => {
    const run = await runCli(['plan', '--input', file, '--now', '2026-11-26T00:00:00Z']);

    expect(run.code).toBe(0);
    for (const [i, char] of INVISIBLE.entries()) {
      expect(run.stdout).toContain(`cred${escapeOf(char)}${i}`);
      if (i % 2 === 0) expect(run.stdout).toContain(`owner${escapeOf(char)}${i}`);
      expect(run.stdout, escapeOf(char)).not.toContain(char);
    }
  });

  it("print escaped in import's rejected-line messages", async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb.on(DescribeTableCommand).resolves(credentialsTableDescription('Credentials'));
    const run = await runInProcess(registerImportCommand, [
      'import',
      file,
      '--dry-run',
      '--table',
      'Credentials',
      '--endpoint',
      'http://127.0.0.1:1',
    ]);
    ddb.restore();

    expect(run.exitCode).toBe(1);
    for (const [i, char] of INVISIBLE.entries()) {
      if (i % 2 === 1) {
        expect(run.stderr).toContain(
          `pc-hygiene import: rejected line ${i + 1} (id cred${escapeOf(char)}${i}): userId`,
        );
      }
      expect(run.stderr, escapeOf(char)).not.toContain(char);
    }
  });
});
