/**
 * `pc-hygiene relay` and addresses SES takes in 7-bit ASCII only, against
 * DynamoDB Local: with a sender whose display name is not ASCII, every `.eml`
 * it writes has a 7-bit header section (the name encoded, an IDN domain in
 * Punycode); an owner whose address is not ASCII before the @ is not emailed
 * (skipped, `unsendable-address`), so no 8-bit address reaches a header; a
 * `--from` with such an address is refused, saying why; so is a sender SES
 * cannot send from (`sesAddress`, as synth checks `senderIdentity`), from
 * `--from` or from the `--config` file's `senderIdentity` (by `local` too), before any file is written.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import type { OwnerReachVerdict } from '../../lambdas/hygiene/message';
import { directoryFlags, runCli } from '../support/run-cli';
import { sampleEntries, sampleEvent } from '../support/sample-digest';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { upsertNewOwners } from './support/sns-wire';

const tempDir = useTempDir('relay-cli-addresses');
const table = useTestDirectoryTable('relay-cli-addresses');
let dir: string;
let input: string;

/** `userId`'s digest entry, as a drain that judged the owner `ownerReach` published it. */
function ownerEntries(userId: string, ownerReach: OwnerReachVerdict) {
  return sampleEntries(
    [sampleEvent('expiry-warning', `pc-${userId}`, {}, userId)],
    undefined,
    ownerReach,
  ).map((entry, i) => ({ Id: String(i), ...entry }));
}

/** The header section of an `.eml` file, as bytes. */
async function headerBytes(path: string): Promise<Buffer> {
  const raw = await readFile(path);
  return raw.subarray(0, raw.indexOf('\r\n\r\n'));
}

beforeAll(async () => {
  dir = tempDir();
  await upsertNewOwners(
    new DynamoOwnerDirectory(table.client, table.tableName),
    [
      { userId: 'ada', email: 'ada@example.com', name: 'Ada Lovelace', status: 'active' as const },
      { userId: 'bob', email: 'bob@bücher.example', name: 'Bob Bücher', status: 'active' as const },
      { userId: 'jose', email: 'josé@corp.example', name: 'José', status: 'active' as const },
    ],
    '2026-11-01T00:00:00.000Z',
  );
  input = join(dir, 'entries.jsonl');
  const lines = [
    ...ownerEntries('ada', 'reachable'),
    ...ownerEntries('bob', 'reachable'),
    // The drain judged jose by the same rule, and its owner-unreachable report gave the admins the events.
    ...ownerEntries('jose', 'unreachable'),
  ];
  await writeFile(input, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
});

/** `pc-hygiene relay` of the input into `out`, sent from `from`. */
const relayFrom = (from: string, out: string) =>
  runCli(['relay', '--input', input, '--out', out, ...directoryFlags(table), '--from', from]);

describe('pc-hygiene relay and non-ASCII addresses', () => {
  it('writes 7-bit headers only, and skips the owner SES cannot send to', async () => {
    const out = join(dir, 'out-1');

    const result = await relayFrom('Hygiène Sécurité <hygiene@corp.example>', out);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['ada.part-1.eml', 'bob.part-1.eml']);
    expect(result.stdout).toMatch(/jose {2}unsendable-address\n/);
    for (const file of ['ada.part-1.eml', 'bob.part-1.eml']) {
      const head = await headerBytes(join(out, file));
      expect(
        [...head].filter((byte) => byte >= 0x80),
        file,
      ).toEqual([]);
    }
    const bob = await simpleParser(await readFile(join(out, 'bob.part-1.eml')));
    expect((await headerBytes(join(out, 'bob.part-1.eml'))).toString('ascii')).toContain(
      '<bob@xn--bcher-kva.example>',
    );
    expect(bob.from?.value).toEqual([{ address: 'hygiene@corp.example', name: 'Hygiène Sécurité' }]);
  });

  it.each([
    ['an IP address for a domain', 'ip', 'ops@0x7f.1', 'not a domain name but an IP address (127.0.0.1)'],
    [
      'a domain with no Punycode form',
      'idna',
      'Ops <ops@example.123>',
      'the domain has no Punycode (IDNA) form',
    ],
    [
      'a Punycode label that does not decode',
      'label',
      'ops@xn--zz.example',
      'a Punycode label that does not decode',
    ],
  ])(
    'refuses a --from with %s (SES cannot send from it), with exit 2, writing nothing',
    async (_name, name, from, why) => {
      const out = join(dir, `out-from-${name}`);

      const result = await relayFrom(from, out);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--from ${JSON.stringify(from)} cannot be the sender:`);
      expect(result.stderr).toContain(why);
      await expect(readdir(out)).rejects.toThrow(/ENOENT/);
    },
  );

  it('refuses a --config senderIdentity SES cannot send from, naming it and the file, with exit 2, writing nothing', async () => {
    const config = join(dir, 'unsendable-sender.json');
    await writeFile(config, JSON.stringify({ ownerDelivery: 'relay', senderIdentity: 'Ops <ops@0x7f.1>' }));
    const out = join(dir, 'out-config');

    const result = await runCli([
      'relay',
      ...['--input', input, '--out', out, ...directoryFlags(table), '--config', config],
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `senderIdentity "Ops <ops@0x7f.1>" (config file ${config}) cannot be the sender: "ops@0x7f.1": ` +
        'Amazon SES cannot be given it: the domain is not a domain name but an IP address (127.0.0.1)',
    );
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('refuses the same senderIdentity in `local`, before DynamoDB Local starts (no .eml from a sender SES refuses)', async () => {
    const config = join(dir, 'unsendable-sender-local.json');
    await writeFile(config, JSON.stringify({ ownerDelivery: 'relay', senderIdentity: 'Ops <ops@0x7f.1>' }));

    const result = await runCli(['local', '--config', config, '--count', '25']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `senderIdentity "Ops <ops@0x7f.1>" (config file ${config}) cannot be the sender: "ops@0x7f.1": ` +
        'Amazon SES cannot be given it: the domain is not a domain name but an IP address (127.0.0.1)',
    );
    expect(result.stderr).not.toContain('Starting DynamoDB Local');
  });

  it('refuses a --from that is not ASCII before the @, with exit 2, writing nothing', async () => {
    const out = join(dir, 'out-2');

    const result = await relayFrom('José <josé@corp.example>', out);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--from "José <josé@corp.example>": the address must be ASCII before the @',
    );
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });
});
