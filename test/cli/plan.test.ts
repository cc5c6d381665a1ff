/**
 * `pc-hygiene plan` as a user runs it: a child process on fixture files,
 * checking stdout, stderr and the exit code.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string) => `test/fixtures/${name}`;
const NOW = '2026-11-26T00:00:00.000Z';

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/pc-hygiene.js ...args` from the repository root. */
function cli(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/pc-hygiene.js', ...args],
      { cwd: root, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `plan` over the fixture at NOW in `format`, plus `extra` flags. */
const planFixture = (format: string, ...extra: string[]) =>
  cli('plan', '--input', fixture('plan-input.jsonl'), '--now', NOW, '--format', format, ...extra);

const jsonLines = (stdout: string): Record<string, unknown>[] =>
  stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('pc-hygiene plan --format jsonl', () => {
  it('prints one line per non-blank input line, in order, and exits 0 despite invalid records', async () => {
    const { code, stdout, stderr } = await planFixture('jsonl');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = jsonLines(stdout);
    expect(lines.map((l) => l.id)).toEqual([
      'healthy',
      'expiring-7',
      'expires-at-now',
      null,
      'stale-never-used',
      'risky-stale',
      'flagged-due',
      'flagged-used',
      'exempt',
      'deleted',
      'bad-dates',
      null,
      null,
    ]);
    for (const line of lines) expect(Object.keys(line)).toEqual(['id', 'userId', 'actions', 'problems']);
    const byId = new Map(lines.filter((l) => l.id !== null).map((l) => [l.id, l]));
    expect(byId.get('healthy')).toEqual({ id: 'healthy', userId: 'u-ada', actions: [], problems: [] });
    expect(byId.get('expiring-7')?.actions).toEqual([
      { type: 'notify-expiry', stageDays: 7, expiresTime: '2026-12-03T00:00:00.000Z' },
    ]);
    expect(byId.get('expires-at-now')?.actions).toEqual([
      { type: 'delete-expired', expiresTime: '2026-11-26T00:00:00.000Z' },
    ]);
    expect(byId.get('stale-never-used')?.actions).toEqual([
      {
        type: 'flag-stale',
        deleteAfter: '2026-12-10T00:00:00.000Z',
        lastActivity: '2026-08-28T00:00:00.000Z',
        staleAfterDays: 90,
        tier: 'default',
      },
    ]);
    expect(byId.get('risky-stale')?.actions).toEqual([
      expect.objectContaining({ type: 'flag-stale', staleAfterDays: 30, tier: 'unscoped-unrestricted' }),
    ]);
    expect(byId.get('flagged-due')?.actions).toEqual([
      {
        type: 'delete-stale',
        flaggedAt: '2026-11-12T00:00:00.000Z',
        deleteAfter: '2026-11-26T00:00:00.000Z',
      },
    ]);
    expect(byId.get('flagged-used')?.actions).toEqual([
      { type: 'unflag-stale', reason: 'used-since-flagged' },
    ]);
    expect(byId.get('exempt')?.actions).toEqual([]);
    expect(byId.get('deleted')?.actions).toEqual([]);
    expect(byId.get('bad-dates')).toMatchObject({
      actions: [],
      problems: [
        'createdAt: "2026-11-01" is a date without a time',
        expect.stringContaining('expiresTime: "2026-12-01T00:00:00" is a date-time without a time zone'),
      ],
    });
    // The non-JSON input line (physical line 5, after a blank line) is named by its number.
    expect(lines[3]).toEqual({
      id: null,
      userId: null,
      actions: [],
      problems: [expect.stringMatching(/^\(record\): line 5 is not valid JSON/)],
    });
    expect(lines[11]).toMatchObject({
      id: null,
      userId: 'u-ada',
      actions: [],
      problems: ['id: is missing', expect.stringContaining('/33')],
    });
    expect(lines[12]).toMatchObject({
      id: null,
      problems: ['(record): must be an object, got a list ["not","an","object"]'],
    });
  });

  it('applies --config', async () => {
    const { code, stdout } = await planFixture('jsonl', '--config', fixture('plan-config.json'));
    expect(code).toBe(0);
    const byId = new Map(jsonLines(stdout).map((l) => [l.id, l]));
    // Stages [14, 3]: 7 days left is the 14-day stage. No risk tiers: the 60-day limit applies to all.
    expect(byId.get('expiring-7')?.actions).toEqual([expect.objectContaining({ stageDays: 14 })]);
    expect(byId.get('risky-stale')?.actions).toEqual([]);
    expect(byId.get('stale-never-used')?.actions).toEqual([
      expect.objectContaining({ type: 'flag-stale', staleAfterDays: 60, tier: 'default' }),
    ]);
  });

  it('defaults --now to the wall clock', async () => {
    const { code, stdout } = await cli('plan', '--input', fixture('plan-input.jsonl'), '--format', 'jsonl');
    expect(code).toBe(0);
    // Whatever today is (after 2026-11-26), the credential that expired then is still expired.
    const byId = new Map(jsonLines(stdout).map((l) => [l.id, l]));
    expect(byId.get('expires-at-now')?.actions).toEqual([
      expect.objectContaining({ type: 'delete-expired' }),
    ]);
  });
});

describe('pc-hygiene plan: other formats', () => {
  it('json is one document with the records and a summary that matches them', async () => {
    const { code, stdout } = await planFixture('json');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as {
      now: string;
      records: { line: number; status: string }[];
      summary: {
        records: number;
        invalid: number;
        alreadyDeleted: number;
        deletions: number;
        actions: Record<string, number>;
      };
    };
    expect(doc.now).toBe(NOW);
    expect(doc.records.map((r) => r.line)).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(doc.summary).toMatchObject({ records: 13, invalid: 4, alreadyDeleted: 1, deletions: 2 });
    expect(doc.summary.actions).toEqual({
      'notify-expiry': 1,
      'delete-expired': 1,
      'flag-stale': 2,
      'delete-stale': 1,
      'unflag-stale': 1,
      // The orphan rule's actions need an owner directory, which `plan` does not read.
      'flag-orphan': 0,
      'delete-orphaned': 0,
      'unflag-orphan': 0,
      'clear-deletion-leftovers': 0,
    });
  });

  it('csv has a header and one row per record', async () => {
    const { code, stdout } = await planFixture('csv');
    expect(code).toBe(0);
    const rows = stdout.split('\r\n').filter((r) => r !== '');
    expect(rows[0]).toBe('line,id,userId,status,actions,problems');
    expect(rows).toHaveLength(14);
    expect(rows[2]).toBe(
      '2,expiring-7,u-ada,action,notify-expiry stageDays=7 expiresTime=2026-12-03T00:00:00.000Z,',
    );
  });

  it('table (the default) lists what needs attention and a summary of counts', async () => {
    const { code, stdout } = await cli('plan', '--input', fixture('plan-input.jsonl'), '--now', NOW);
    expect(code).toBe(0);
    expect(stdout).toContain(`Plan for ${fixture('plan-input.jsonl')} at ${NOW} (config: defaults)`);
    expect(stdout).toMatch(
      /expiring-7\s+u-ada\s+notify-expiry\s+7-day notice, expires 2026-12-03T00:00:00.000Z \(in 7 days\)/,
    );
    expect(stdout).not.toMatch(/^\s+1\s+healthy/m);
    expect(stdout).toMatch(/invalid \(never acted on\)\s+4/);
    expect(stdout).toMatch(/planned soft-deletions\s+2/);
  });
});

describe('pc-hygiene plan: usage errors exit 2 with one line on stderr', () => {
  it.each([
    ['an unknown flag', ['--input', fixture('plan-input.jsonl'), '--bogus'], /unknown option '--bogus'/],
    [
      'a missing input file',
      ['--input', fixture('no-such-file.jsonl')],
      /cannot read input file .*no-such-file\.jsonl: no such file/,
    ],
    [
      'a directory as input',
      ['--input', 'test/fixtures'],
      /cannot read input file test\/fixtures: is a directory/,
    ],
    [
      'an invalid config',
      ['--input', fixture('plan-input.jsonl'), '--config', fixture('plan-config-invalid.json')],
      /staleAfterDays = 0: must be an integer from 1 to 3650/,
    ],
    [
      'a config that is not JSON',
      ['--input', fixture('plan-input.jsonl'), '--config', fixture('plan-input.jsonl')],
      /is not valid JSON/,
    ],
    [
      'a missing config file',
      ['--input', fixture('plan-input.jsonl'), '--config', fixture('nope.json')],
      /cannot read config file .*nope\.json: no such file/,
    ],
    [
      'a date-only --now',
      ['--input', fixture('plan-input.jsonl'), '--now', '2026-11-26'],
      /--now "2026-11-26" is a date without a time/,
    ],
    [
      'a zone-less --now',
      ['--input', fixture('plan-input.jsonl'), '--now', '2026-11-26T00:00:00'],
      /without a time zone/,
    ],
    [
      'an impossible --now',
      ['--input', fixture('plan-input.jsonl'), '--now', '2027-02-29T00:00:00Z'],
      /impossible date/,
    ],
    [
      'an unknown --format',
      ['--input', fixture('plan-input.jsonl'), '--format', 'xml'],
      /'xml' is invalid\. Allowed choices are table, json, jsonl, csv/,
    ],
    ['neither --input nor --table', [], /give --input FILE\.jsonl \(a JSON Lines file\) or --table NAME/],
    [
      'both --input and --table',
      ['--input', fixture('plan-input.jsonl'), '--table', 'PersonalClients'],
      /give either --input FILE\.jsonl or --table NAME, not both/,
    ],
  ])('%s', async (_name, args, message) => {
    const { code, stdout, stderr } = await cli('plan', ...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^pc-hygiene: /);
    expect(stderr).toMatch(message);
  });
});
