/**
 * `pc-hygiene local` (npm start) ends with what the SES relay would send: one
 * `.eml` per reachable owner's digest part, the unreachable owners' digests
 * not emailed, and one email's HTML next to it — and says where.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';

const CLI = fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('pc-hygiene local: relay step', () => {
  it('writes the demo emails as .eml files and one as HTML, and says where', {
    timeout: 180_000,
  }, async () => {
    const { code, stdout, stderr } = await run([
      'local',
      '--now',
      '2026-11-26T00:00:00.000Z',
      '--count',
      '120',
      '--format',
      'json',
    ]);

    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      digestsFile: string;
      emails: {
        outDir: string;
        htmlPath: string;
        written: { path: string; to: string }[];
        skipped: unknown[];
      };
    };
    try {
      const { emails } = result;
      const owners = (await readFile(result.digestsFile, 'utf8'))
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as PublishEntry)
        .filter((e) => e.MessageAttributes.audience?.StringValue === 'owner');
      expect(emails.written.length).toBeGreaterThan(0);
      expect(emails.skipped.length).toBeGreaterThan(0);
      // Every owner digest part is either emailed or skipped as unreachable.
      expect(emails.written.length + emails.skipped.length).toBe(owners.length);
      const files = await readdir(emails.outDir);
      expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(emails.written.length);
      expect(stderr).toContain(`as .eml files in ${emails.outDir}; the HTML of one: ${emails.htmlPath}`);
      const [first] = emails.written;
      const mail = await simpleParser(await readFile(first?.path ?? ''));
      expect(mail.to).toMatchObject({ value: [{ address: first?.to }] });
      expect(await readFile(emails.htmlPath, 'utf8')).toBe(mail.html);
    } finally {
      await rm(dirname(result.digestsFile), { recursive: true, force: true });
    }
  });
});
