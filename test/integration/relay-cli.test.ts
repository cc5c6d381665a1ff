/**
 * `pc-hygiene relay` as a user runs it (child process) against DynamoDB
 * Local: a notify JSONL with owner digests and an admin report in, one `.eml`
 * per reachable owner digest part out (parsed back: addressed to the
 * directory's email, multipart/alternative with text and HTML), skipped
 * owners listed with their reason, the sender from --from / --config / the
 * placeholder, and bad input refused before anything is written.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDigestEntries, relayToFiles, writeEmailHtml } from '../../cli/use-cases/relay-to-files';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import type { OwnerReachVerdict } from '../../lambdas/hygiene/message';
import { directoryFlags, runCli } from '../support/run-cli';
import { sampleEntries, sampleEvent } from '../support/sample-digest';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { upsertNewOwners } from './support/sns-wire';

const tempDir = useTempDir('relay-cli');
let dir: string;
const table = useTestDirectoryTable('relay-cli');
const flags = () => directoryFlags(table);
let input: string;

const ADMIN_ENTRY = {
  Id: '9',
  Subject: 'Hygiene sweep: nothing to do',
  Message: JSON.stringify({ default: 'summary', email: 'summary', sqs: '{}' }),
  MessageStructure: 'json',
  MessageAttributes: {
    audience: { DataType: 'String', StringValue: 'admin' },
    eventTypes: { DataType: 'String.Array', StringValue: '["run-summary"]' },
    severity: { DataType: 'String', StringValue: 'info' },
  },
};

/** `userId`'s digest entries, as a drain that judged the owner `ownerReach` published them. */
function ownerEntries(
  userId: string,
  events = 1,
  maxMessageBytes?: number,
  ownerReach: OwnerReachVerdict = 'reachable',
) {
  const list = Array.from({ length: events }, (_, i) =>
    sampleEvent(i % 2 ? 'stale-warning' : 'expiry-warning', `pc-${userId}-${i}`, {}, userId),
  );
  return sampleEntries(list, maxMessageBytes, ownerReach).map((entry, i) => ({ Id: String(i), ...entry }));
}

async function jsonl(name: string, lines: readonly unknown[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
  return path;
}

beforeAll(async () => {
  dir = tempDir();
  await upsertNewOwners(
    new DynamoOwnerDirectory(table.client, table.tableName),
    [
      { userId: 'ada', email: 'ada@example.com', name: 'Ada Lovelace', status: 'active' as const },
      { userId: 'cy', email: 'cy@example.com', status: 'departed' as const },
      { userId: 'dee', status: 'active' as const },
    ],
    '2026-11-01T00:00:00.000Z',
  );
  input = await jsonl('entries.jsonl', [
    ...ownerEntries('ada', 40, 20_000),
    ADMIN_ENTRY,
    // Unreachable, and the drain's owner-unreachable report said so.
    ...ownerEntries('zed', 1, undefined, 'unreachable'),
    ...ownerEntries('cy', 1, undefined, 'unreachable'),
    ...ownerEntries('dee', 1, undefined, 'unreachable'),
  ]);
});

describe('pc-hygiene relay', () => {
  it('writes one .eml per reachable digest part and lists the owners it skips, with why', async () => {
    const out = join(dir, 'out-1');

    const result = await runCli(['relay', '--input', input, '--out', out, ...flags()]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Files only: nothing is sent (not a "dry run": it writes the emails).
    expect(result.stdout).toMatch(/^Relay \(files only, nothing sent\): \d+ owner digest part\(s\) in /);
    const files = (await readdir(out)).sort();
    const parts = ownerEntries('ada', 40, 20_000).length;
    expect(parts).toBeGreaterThan(1);
    expect(files).toEqual(Array.from({ length: parts }, (_, i) => `ada.part-${i + 1}.eml`));
    expect(result.stdout).toContain('(1 admin message(s) ignored)');
    expect(result.stdout).toMatch(/zed {2}not-in-directory\n/);
    expect(result.stdout).toMatch(/cy {2}departed\n/);
    expect(result.stdout).toMatch(/dee {2}no-email\n/);
    expect(result.stdout).toContain('(placeholder: set --from or senderIdentity in --config)');
  });

  it('fails (exit 1) on an unreachable owner the drain judged reachable: nobody was told', async () => {
    const unreported = await jsonl('unreported.jsonl', [...ownerEntries('ada'), ...ownerEntries('cy')]);

    const result = await runCli([
      'relay',
      '--input',
      unreported,
      '--out',
      join(dir, 'out-unreported'),
      ...flags(),
    ]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('written 1 email(s)');
    expect(result.stdout).toMatch(
      /failed: cy: UnreportedUnreachableOwnerError: owner "cy" cannot be emailed \(departed\) but the drain judged them reachable/,
    );
    expect(result.stdout).toContain('1 digest part(s) failed: no .eml written for them, exit 1');
  });

  it('writes RFC 5322 multipart/alternative emails to the directory address', async () => {
    const out = join(dir, 'out-2');

    await runCli([
      'relay',
      '--input',
      input,
      '--out',
      out,
      ...flags(),
      '--from',
      'Hygiene <hygiene@corp.example>',
    ]);
    const mail = await simpleParser(await readFile(join(out, 'ada.part-2.eml')));

    expect(mail.from?.value).toEqual([{ address: 'hygiene@corp.example', name: 'Hygiene' }]);
    expect(mail.to).toMatchObject({ value: [{ address: 'ada@example.com', name: 'Ada Lovelace' }] });
    expect(mail.subject).toMatch(/\(part 2\/\d+\)$/);
    expect(mail.messageId).toMatch(/^<digest\.[0-9a-f]{32}@corp\.example>$/);
    expect(mail.date).toBeInstanceOf(Date);
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    // Written at the CLI's clock: a sample digest rendered before it is days late, and its text opens by saying so.
    expect(mail.text).toMatch(
      /^(?:This notice was prepared on 2026-11-26 02:15 UTC and is delivered [^\n]+ late: it lists what was pending then, with relative times as of its sending \([^\n]+ UTC\)\.\n\n)?Hello Ada Lovelace,\n/,
    );
    expect(mail.text).toContain('this is part 2 of');
    expect(mail.html).toContain('<table ');
  });

  it('creates --out with its parents (a directory named for many files), and refuses a file in its way (exit 2)', async () => {
    const nested = join(dir, 'out-nested', 'today');
    const inTheWay = await jsonl('in-the-way', []);

    const created = await runCli(['relay', '--input', input, '--out', nested, ...flags()]);
    const refused = await runCli(['relay', '--input', input, '--out', inTheWay, ...flags()]);

    expect(created.code).toBe(0);
    expect((await readdir(nested)).length).toBeGreaterThan(0);
    expect(refused).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `pc-hygiene: cannot create output directory ${inTheWay}: a file is in the way\n`,
    });
  });

  it('takes the sender from --config when --from is not given, and reports JSON', async () => {
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ ownerDelivery: 'relay', senderIdentity: 'ops@corp.example' }));

    const result = await runCli([
      'relay',
      '--input',
      input,
      '--out',
      join(dir, 'out-3'),
      ...flags(),
      '--config',
      config,
      '--format',
      'json',
    ]);

    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ from: 'ops@corp.example', placeholderSender: false, ignored: 1 });
    expect(summary.skipped).toEqual([
      { userId: 'zed', reason: 'not-in-directory' },
      { userId: 'cy', reason: 'departed' },
      { userId: 'dee', reason: 'no-email' },
    ]);
  });

  it('refuses a bad line or a bad --from with exit 2, writing nothing', async () => {
    const broken = await jsonl('broken.jsonl', [...ownerEntries('ada'), '{not json']);
    const out = join(dir, 'out-4');

    const badLine = await runCli(['relay', '--input', broken, '--out', out, ...flags()]);
    const badFrom = await runCli(['relay', '--input', input, '--out', out, ...flags(), '--from', 'nobody']);

    expect(badLine.code).toBe(2);
    expect(badLine.stderr).toMatch(/^pc-hygiene: .*broken\.jsonl: line 2 is not valid JSON/);
    expect(badFrom.code).toBe(2);
    expect(badFrom.stderr).toContain('--from "nobody": must be an email address');
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a file that is not notify entries (the demo credentials, an owners export), naming line 1', async () => {
    const credentials = fileURLToPath(new URL('../../demo/personal-clients.jsonl', import.meta.url));
    const exported = await runCli(['owners', 'export', ...flags()]);
    const owners = join(dir, 'owners.jsonl');
    await writeFile(owners, exported.stdout);
    const out = join(dir, 'out-not-entries');

    const relay = (file: string) => runCli(['relay', '--input', file, '--out', out, ...flags()]);
    const [fromCredentials, fromExport] = await Promise.all([relay(credentials), relay(owners)]);

    expect(exported.code).toBe(0);
    const reason =
      'line 1 is not a notify --sink jsonl: entry (no Message, no MessageStructure, no MessageAttributes)';
    expect(fromCredentials).toMatchObject({ code: 2, stdout: '' });
    expect(fromCredentials.stderr).toMatch(/^pc-hygiene: .*demo\/personal-clients\.jsonl: /);
    expect(fromCredentials.stderr).toContain(reason);
    expect(fromExport).toMatchObject({ code: 2, stdout: '' });
    expect(fromExport.stderr).toMatch(/^pc-hygiene: .*owners\.jsonl: /);
    expect(fromExport.stderr).toContain(reason);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('refuses an entry whose audience is neither owner nor admin, after admin entries it ignores', async () => {
    const auditor = {
      ...ADMIN_ENTRY,
      MessageAttributes: {
        ...ADMIN_ENTRY.MessageAttributes,
        audience: { DataType: 'String', StringValue: 'auditor' },
      },
    };
    const file = await jsonl('auditor.jsonl', [ADMIN_ENTRY, ...ownerEntries('ada'), auditor]);
    const out = join(dir, 'out-auditor');

    const result = await runCli(['relay', '--input', file, '--out', out, ...flags()]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/auditor\.jsonl: line 3: audience "auditor" is neither owner nor admin/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('writes the HTML part of a written email next to it, for a browser (what npm start shows)', async () => {
    const directory = new DynamoOwnerDirectory(table.client, table.tableName);
    const { items } = await readDigestEntries(input);
    const out = join(dir, 'out-5');
    const summary = await relayToFiles(items, directory, {
      outDir: out,
      now: () => Date.UTC(2026, 10, 26, 3),
    });
    const [first] = summary.written;
    if (first === undefined) throw new Error('nothing written');

    const path = await writeEmailHtml(first, items, directory, {
      from: summary.from,
      now: Date.UTC(2026, 10, 26, 3),
    });

    expect(path).toBe(join(out, 'ada.part-1.html'));
    const mail = await simpleParser(await readFile(first.path));
    expect(await readFile(path ?? '', 'utf8')).toBe(mail.html);
  });

  it('never overwrites a file of the same run: ids with the same file-safe form get distinct names', async () => {
    const entries = [...ownerEntries('a/b'), ...ownerEntries('a_b'), ...ownerEntries('a?b')];
    const path = await jsonl('same-safe-name.jsonl', entries);
    const { items } = await readDigestEntries(path);
    const directory = {
      getMany: async (ids: readonly string[]) =>
        new Map(
          ids.map((id) => [
            id,
            { userId: id, email: `${ids.indexOf(id)}@example.com`, status: 'active' as const },
          ]),
        ),
    };

    const summary = await relayToFiles(items, directory, { outDir: join(dir, 'out-6'), now: () => 0 });

    expect(summary.written.map((w) => w.path.slice(w.path.lastIndexOf('/') + 1))).toEqual([
      'a_b.part-1.eml',
      'a_b.part-1.3f0c9a52-8d7e-4f7e-9a51-2b8d3c1e0f11.eml',
      'a_b.part-1.2.eml',
    ]);
    expect(await readdir(join(dir, 'out-6'))).toHaveLength(3);
  });
});
