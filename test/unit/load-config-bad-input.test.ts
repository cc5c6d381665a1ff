/**
 * `--config FILE.json` (cli/options/load-config.ts) refuses what it would
 * otherwise read as something the file does not say, each as a one-line
 * usage error naming the file: a repeated key (JSON.parse keeps the last), a
 * file that is not one JSON object (`null` ran with the defaults), and
 * numbers written as text that is not decimal (`"0x3c"` ran as 60), a JSON
 * number JSON reads as another (`90.0000000000000001` ran as 90); a
 * leading UTF-8 byte order mark is ignored, not refused as an invisible token.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../cli/options/load-config';
import { UsageError } from '../../cli/usage-error';
import { runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';

describe('loadConfigFile and bad input', () => {
  const dir = useTempDir('pc-config-bad-input');
  let n = 0;
  const fileWith = async (text: string) => {
    const path = join(dir(), `config-${n++}.json`);
    await writeFile(path, text);
    return path;
  };
  const refusal = async (text: string) => {
    const path = await fileWith(text);
    const error = await loadConfigFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    return { path, message: (error as Error).message };
  };

  it.each([
    ['{"staleAfterDays":30,"staleAfterDays":60}', 'staleAfterDays', 'at the top level'],
    ['{"riskTiers":[{"name":"a","staleAfterDays":5,"name":"b"}]}', 'name', 'in riskTiers[0]'],
    ['{"mode":"audit","\\u006dode":"enforce"}', 'mode', 'at the top level'],
  ])('refuses %s: a repeated key, named with its object', async (text, key, where) => {
    const { path, message } = await refusal(text);
    expect(message).toBe(
      `config file ${path} is ambiguous JSON: the key "${key}" appears more than once in one object (${where}); which value counts would be a guess`,
    );
  });

  it.each([
    ['null', 'null'],
    ['[]', '[]'],
    ['60', '60'],
    ['"staleAfterDays=60"', '"staleAfterDays=60"'],
  ])('refuses %s: not a JSON object, saying what it is', async (text, shown) => {
    const { path, message } = await refusal(text);
    expect(message).toBe(`Invalid config file ${path}: (root) = ${shown}: must be a JSON object of settings`);
  });

  it.each(['0x3c', '6e1', ' 60 '])('refuses "staleAfterDays": %j: decimal text only', async (text) => {
    const { path, message } = await refusal(JSON.stringify({ staleAfterDays: text }));
    expect(message).toBe(
      `Invalid config file ${path}: staleAfterDays = ${JSON.stringify(text)}: must be an integer from 1 to 3650`,
    );
  });

  it.each([
    ['{"staleAfterDays": 90.0000000000000001}', 'staleAfterDays = 90.0000000000000001 is read by JSON as 90'],
    ['{"maxDeletePercent": 1e-400}', 'maxDeletePercent = 1e-400 is read by JSON as 0'],
    [
      '{"riskTiers":[{"name":"a","staleAfterDays":30.00000000000000001}]}',
      'riskTiers[0].staleAfterDays = 30.00000000000000001 is read by JSON as 30',
    ],
    ['9007199254740993', '(root) = 9007199254740993 is read by JSON as 9007199254740992'],
  ])('refuses %s: a number JSON reads as another, named with its path', async (text, said) => {
    const { path, message } = await refusal(text);
    expect(message).toBe(`config file ${path}: ${said}; write the number you mean`);
  });

  it('reads decimal text and JSON numbers, and a file that starts with a UTF-8 byte order mark', async () => {
    expect((await loadConfigFile(await fileWith('{"staleAfterDays":"60"}'))).staleAfterDays).toBe(60);
    expect((await loadConfigFile(await fileWith('{"staleAfterDays":60}'))).staleAfterDays).toBe(60);
    // Exact forms of one number are not "read as another".
    expect((await loadConfigFile(await fileWith('{"staleAfterDays":6.0e1}'))).staleAfterDays).toBe(60);
    expect((await loadConfigFile(await fileWith('{"maxDeletePercent":0.1}'))).maxDeletePercent).toBe(0.1);
    const bom = await loadConfigFile(
      await fileWith('\uFEFF{"staleAfterDays": 45, "maxDeletePercent": "2.5"}'),
    );
    expect(bom).toMatchObject({ staleAfterDays: 45, maxDeletePercent: 2.5 });
  });

  it('pc-hygiene plan --config: each is a one-line usage error (exit 2), nothing planned', async () => {
    const input = join(import.meta.dirname, '../fixtures/plan-input.jsonl');
    for (const text of ['null', '{"staleAfterDays":30,"staleAfterDays":60}']) {
      const config = await fileWith(text);
      const run = await runCli(['plan', '--input', input, '--config', config]);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toMatch(new RegExp(`^pc-hygiene: [^\n]*config file ${config}[^\n]*\n$`));
    }
  });
});
