/**
 * What `pc-hygiene notify` and `notify --dry-run` write into the owner-unreachable report and the digests about the
 * table they drained, against DynamoDB Local: the report's restore command for a deleted credential aims at that
 * table (`--endpoint URL --table NAME`: a command the admins can paste, docs/notifications.md, "The report message"),
 * never at a deployment the CLI did not use, and its `pc-hygiene owners …` commands at the owner directory the drain
 * read (`--endpoint URL --directory-table NAME`: they take no `--table`), which the command shown then works on; and
 * the dry run renders the digests with the config's `ownerContact`, as the drain it previews does. A command naming
 * a credential or an owner whose id starts with `-` names it last, after `--`, and works pasted into a shell as
 * printed; a drain that named its topic (`--topic-arn`, `--sns-endpoint`) puts it in the report's
 * `owners sync-subscriptions` command, which then works as printed on that topic (the SNS-compatible local server).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import type { PublishEntry } from '../../lambdas/aws/sns-wire';
import { useOwnedTables } from '../support/reach-fixtures';
import { runCli, runPasted } from '../support/run-cli';
import { deliveredTo } from '../support/sns-delivery';
import { credential, days, staleDue } from '../unit/support/credentials';
import { useSnsPublisher } from './support/sns-wire';
import { sweepWithManifest } from './support/sweep-deps';

const expired = { expiresTime: days(-1) };
const CONTACT = 'the Platform team, #platform-help';

/** The email texts of the published entries (what an email subscription receives). */
function emailTexts(entries: readonly PublishEntry[]): string[] {
  return entries.map((e) => deliveredTo(e.Message, 'email'));
}

describe('notify: the report aims its restore commands at the table drained; the dry run says ownerContact', () => {
  const { table, owners } = useOwnedTables('notify-report-target', []);
  let dir: string;
  let flags: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'notify-report-target-'));
    // Both credentials deleted as expired (the guard lets every deletion through), one notice each; bob is not
    // in the directory (unreachable).
    await sweepWithManifest(table, 'run-1', [
      credential('pc-alice', { ...expired, userId: 'alice' }),
      credential('pc-bob', { ...expired, userId: 'bob' }),
    ]);
    await writeFile(
      join(dir, 'owners.csv'),
      'userId,email,name,status\nalice,alice@example.com,Alice,active\n',
    );
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ ownerDelivery: 'relay', ownerContact: CONTACT }),
    );
    flags = ['--endpoint', table.endpoint, '--directory-table', owners.tableName];
    const imported = await runCli([
      'owners',
      'import',
      join(dir, 'owners.csv'),
      '--as-of',
      days(-1),
      ...flags,
    ]);
    expect(imported.code, imported.stderr).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('previews and sends the same texts: the contact in the digest, the table in the restore command', async () => {
    const notify = ['notify', '--table', table.tableName, '--config', join(dir, 'config.json'), ...flags];
    const restore = `pc-hygiene restore pc-bob --reason "<why>" --endpoint ${table.endpoint} --table ${table.tableName}`;
    const ownersImport = `pc-hygiene owners import FILE --endpoint ${table.endpoint} --directory-table ${owners.tableName}`;

    const preview = await runCli([...notify, '--dry-run', '--now', days(0), '--format', 'json']);
    expect(preview.code, preview.stderr).toBe(0);
    const previewed = emailTexts(JSON.parse(preview.stdout).entries);

    const sink = join(dir, 'out.jsonl');
    const drain = await runCli([...notify, '--sink', `jsonl:${sink}`, '--now', days(0), '--format', 'json']);
    expect(drain.code, drain.stderr).toBe(0);
    const lines = (await readFile(sink, 'utf8')).trimEnd().split('\n');
    const sent = emailTexts(lines.map((line) => JSON.parse(line) as PublishEntry));

    for (const texts of [previewed, sent]) {
      // Each owner's digest (bob's too: the relay's own check stops it) and the admins' report.
      expect(texts).toHaveLength(3);
      const report = texts.find((t) => t.includes('To restore it'));
      const digest = texts.find((t) => t.includes('pc-alice'));
      expect(report).toContain(`To restore it if the owner still needs it: ${restore}`);
      expect(report).toContain(`What to do: add the owner to the directory (${ownersImport}) or reassign`);
      expect(report).not.toContain('--stack');
      expect(digest).toContain(`ask ${CONTACT} to restore it`);
    }
    // The same texts but for each drain's own id.
    const withoutDrainId = (texts: string[]) =>
      texts.map((t) => t.replace(/drain [0-9a-f-]{36}/g, 'drain ID'));
    expect(withoutDrainId(previewed)).toEqual(withoutDrainId(sent));
  });

  it('prints an owner directory command that works on the directory the drain read, as shown', async () => {
    // A new notice for carol, who is not in the directory either (the test above drained bob's).
    await sweepWithManifest(table, 'run-2', [credential('pc-carol', { ...expired, userId: 'carol' })]);
    const notify = ['notify', '--table', table.tableName, '--config', join(dir, 'config.json'), ...flags];
    const preview = await runCli([...notify, '--dry-run', '--now', days(0), '--format', 'json']);
    expect(preview.code, preview.stderr).toBe(0);
    const report = emailTexts(JSON.parse(preview.stdout).entries).find((t) => t.includes('* carol: '));
    const shown = /\(pc-hygiene (owners import FILE [^)]*)\)/.exec(report ?? '')?.[1];
    expect(shown).toBe(
      `owners import FILE --endpoint ${table.endpoint} --directory-table ${owners.tableName}`,
    );
    const carol = join(dir, 'carol.csv');
    await writeFile(carol, 'userId,email,name,status\ncarol,carol@example.com,Carol,active\n');

    // The command as shown, its FILE given (and the snapshot instant of this fixture's clock).
    const words = (shown ?? '').split(' ').map((word) => (word === 'FILE' ? carol : word));
    const imported = await runCli([...words, '--as-of', days(0), '--format', 'json']);

    expect(imported.code, imported.stderr).toBe(0);
    // carol is added to the very directory the drain judged her absent from.
    expect(JSON.parse(imported.stdout)).toMatchObject({ table: owners.tableName, created: 1 });
  });
});

/** The report's text among the email texts of a dry run's `--format json` output. */
function reportOf(stdout: string): string {
  const report = emailTexts(JSON.parse(stdout).entries).find((t) =>
    t.startsWith('Owner notices that reached'),
  );
  if (report === undefined) throw new Error('no owner-unreachable report in the dry run');
  return report;
}

/** The command `pattern` captures in `text` (its first group), or fails naming the pattern. */
function commandIn(text: string, pattern: RegExp): string {
  const command = pattern.exec(text)?.[1];
  if (command === undefined) throw new Error(`no command matching ${pattern} in the report`);
  return command;
}

describe('notify: a printed command naming an id that starts with - works pasted as printed', () => {
  const { table, owners } = useOwnedTables('notify-report-dash', []);
  let dir: string;
  let flags: string[];
  let directory: DynamoOwnerDirectory;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'notify-report-dash-'));
    directory = new DynamoOwnerDirectory(owners.client, owners.tableName);
    // -dash's credential is deleted as stale (restored without --force); -opt's expires in 5 days (a warning).
    await sweepWithManifest(table, 'run-1', [
      { ...staleDue('-pc-dash'), userId: '-dash' },
      credential('pc-opt', { userId: '-opt', expiresTime: days(5) }),
    ]);
    await writeFile(
      join(dir, 'owners.csv'),
      'userId,email,name,status\n-dash,dash@example.com,Dash,active\n-opt,opt@example.com,Opt,active\n',
    );
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ownerDelivery: 'relay' }));
    flags = ['--endpoint', table.endpoint, '--directory-table', owners.tableName];
    const imported = await runCli([
      'owners',
      'import',
      join(dir, 'owners.csv'),
      '--as-of',
      days(-1),
      ...flags,
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    // -dash's address bounced; -opt opted out.
    expect(await directory.markBouncing('-dash', 'dash@example.com', days(-1))).toBe(true);
    await directory.recordSubscription({
      userId: '-opt',
      email: 'opt@example.com',
      state: 'unsubscribed',
      read: {},
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('restore, clear-bouncing and resubscribe: the id after --, and each command does its work', async () => {
    const notify = ['notify', '--table', table.tableName, '--config', join(dir, 'config.json'), ...flags];
    const preview = await runCli([...notify, '--dry-run', '--now', days(0), '--format', 'json']);
    expect(preview.code, preview.stderr).toBe(0);
    const report = reportOf(preview.stdout);
    const directoryFlags = `--endpoint ${table.endpoint} --directory-table ${owners.tableName}`;

    const restore = commandIn(report, /To restore it if the owner still needs it: (pc-hygiene restore .*)$/m);
    const clear = commandIn(report, /then run (pc-hygiene owners clear-bouncing .*)\.$/m);
    const resubscribe = commandIn(
      report,
      /if they want the emails again, run (pc-hygiene owners resubscribe .*?) \(route/,
    );
    expect(restore).toBe(
      `pc-hygiene restore --reason "<why>" --endpoint ${table.endpoint} --table ${table.tableName} -- -pc-dash`,
    );
    expect(clear).toBe(`pc-hygiene owners clear-bouncing ${directoryFlags} -- -dash`);
    expect(resubscribe).toBe(`pc-hygiene owners resubscribe ${directoryFlags} -- -opt`);
    // The advice shared by the owners names none: its placeholder is one quoted word, never a shell redirection.
    const placeholder = commandIn(report, /also run (pc-hygiene owners clear-bouncing .*)\.$/m);
    expect(placeholder).toBe(`pc-hygiene owners clear-bouncing "<userId>" ${directoryFlags}`);
    const unedited = await runPasted(placeholder);
    expect(unedited.stderr).not.toMatch(/cannot open|No such file/);
    expect(`${unedited.stdout}${unedited.stderr}`).toContain('<userId>');

    // As printed, the placeholder given.
    const restored = await runPasted(restore.replace('"<why>"', '"the owner still needs it"'));
    const cleared = await runPasted(clear);
    const resubscribed = await runPasted(resubscribe);

    for (const run of [restored, cleared, resubscribed]) expect(run.code, run.stderr).toBe(0);
    const credentialItem = await table.client.send(
      new GetCommand({ TableName: table.tableName, Key: { id: '-pc-dash' }, ConsistentRead: true }),
    );
    expect(credentialItem.Item?.deletedAt).toBeUndefined();
    expect(credentialItem.Item?.hygieneRestoreReason).toBe('the owner still needs it');
    const [dash, opt] = await Promise.all([directory.getMany(['-dash']), directory.getMany(['-opt'])]);
    expect(dash.get('-dash')?.bouncingSince).toBeUndefined();
    expect(opt.get('-opt')?.subscription).toBe('none');
  });
});

describe('notify: the report’s sync-subscriptions command names the topic the drain named', () => {
  const TOPIC = 'arn:aws:sns:us-east-1:123456789012:notify-report-topic';
  const { table, owners } = useOwnedTables('notify-report-topic', []);
  const wire = useSnsPublisher(TOPIC);
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'notify-report-topic-'));
    // ann is in the directory, active, and has no subscription on the topic (sns-email: no-subscription).
    await sweepWithManifest(table, 'run-1', [credential('pc-ann', { userId: 'ann', expiresTime: days(5) })]);
    await writeFile(join(dir, 'owners.csv'), 'userId,email,name,status\nann,ann@example.com,Ann,active\n');
    const imported = await runCli([
      'owners',
      'import',
      join(dir, 'owners.csv'),
      '--as-of',
      days(-1),
      '--endpoint',
      owners.endpoint,
      '--directory-table',
      owners.tableName,
    ]);
    expect(imported.code, imported.stderr).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('carries --topic-arn and --sns-endpoint, and works as printed on that topic', async () => {
    const directoryFlags = `--endpoint ${table.endpoint} --directory-table ${owners.tableName}`;
    const topic = ['--topic-arn', TOPIC, '--sns-endpoint', wire.sns.endpoint];
    const notify = ['notify', '--table', table.tableName, ...directoryFlags.split(' '), ...topic];
    const preview = await runCli([...notify, '--dry-run', '--now', days(0), '--format', 'json']);
    expect(preview.code, preview.stderr).toBe(0);
    const report = reportOf(preview.stdout);

    const sync = commandIn(report, /What to do: run (pc-hygiene owners sync-subscriptions .*?) \(or wait/);
    expect(sync).toBe(`pc-hygiene owners sync-subscriptions ${directoryFlags} ${topic.join(' ')}`);
    expect(report).toContain(
      `(pc-hygiene owners sync-subscriptions --dry-run ${directoryFlags} ${topic.join(' ')} lists it as a conflict)`,
    );

    const synced = await runPasted(sync);

    expect(synced.code, synced.stderr).toBe(0);
    // ann is subscribed on the drain's topic: pending her confirmation.
    expect(wire.sns.subscriptionsOf(TOPIC).map((s) => [s.endpoint, s.pending])).toEqual([
      ['ann@example.com', true],
    ]);
  });
});

describe('notify without a topic: the report’s sync-subscriptions command says to add --topic-arn', () => {
  const TOPIC = 'arn:aws:sns:us-east-1:123456789012:notify-report-no-topic';
  const { table, owners } = useOwnedTables('notify-report-no-topic', []);
  const wire = useSnsPublisher(TOPIC);

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notify-report-no-topic-'));
    try {
      // ann is in the directory, active, with no subscription recorded (sns-email, no topic listed: no-subscription).
      await sweepWithManifest(table, 'run-1', [
        credential('pc-ann', { userId: 'ann', expiresTime: days(5) }),
      ]);
      await writeFile(join(dir, 'owners.csv'), 'userId,email,name,status\nann,ann@example.com,Ann,active\n');
      const imported = await runCli([
        ...['owners', 'import', join(dir, 'owners.csv'), '--as-of', days(-1)],
        ...['--endpoint', owners.endpoint, '--directory-table', owners.tableName],
      ]);
      expect(imported.code, imported.stderr).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says after the command what to add; the command with it added works on that topic', async () => {
    const directoryFlags = `--endpoint ${table.endpoint} --directory-table ${owners.tableName}`;
    const notify = ['notify', '--table', table.tableName, ...directoryFlags.split(' ')];
    const preview = await runCli([...notify, '--dry-run', '--now', days(0), '--format', 'json']);
    expect(preview.code, preview.stderr).toBe(0);
    const report = reportOf(preview.stdout);

    expect(report).toContain(
      `What to do: run pc-hygiene owners sync-subscriptions ${directoryFlags} (add the topic's --topic-arn ARN) ` +
        '(or wait for the scheduled reconciler);',
    );
    expect(report).toContain(
      `(pc-hygiene owners sync-subscriptions --dry-run ${directoryFlags} (add the topic's --topic-arn ARN) lists it`,
    );
    const sync = commandIn(
      report,
      /What to do: run (pc-hygiene owners sync-subscriptions .*?) \(add the topic's/,
    );

    // The command alone is refused for want of the topic; with the topic added, it subscribes ann on it.
    const alone = await runPasted(sync);
    const added = await runPasted(`${sync} --topic-arn ${TOPIC} --sns-endpoint ${wire.sns.endpoint}`);

    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--topic-arn is required');
    expect(added.code, added.stderr).toBe(0);
    expect(wire.sns.subscriptionsOf(TOPIC).map((s) => [s.endpoint, s.pending])).toEqual([
      ['ann@example.com', true],
    ]);
  });
});
