/**
 * Moving an owner directory keeps the opt-outs (docs/deploy.md, "Owner
 * directory"): `pc-hygiene owners export` from one table, `owners import` of
 * that file into another, as an operator runs them (the CLI, child
 * processes, DynamoDB Local). An owner new to the target keeps an
 * `unsubscribed` state and the opt-out digests of their line; one a first HR
 * import already put there gets the digests merged and the opt-out recorded
 * at their address, unless a subscription is there (reported, exit 0); over
 * the state `none` or `pending` (a relay reconcile's, a confirmation awaited,
 * or what `owners resubscribe` and the reconcile after it record) it is
 * recorded and named in a notice with the command that undoes it. So the
 * target's first reconcile (the real reconciler on the SNS-compatible local
 * server) subscribes nobody who said stop; the rest of the line's route state
 * (another state, the ARN of the other topic, a bounce of the other SES
 * account) is dropped.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importOwnerFile } from '../../cli/use-cases/import-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { createSnsClient } from '../../lambdas/aws/sns-client';
import { SnsTopicSubscriptions } from '../../lambdas/aws/subscription-reconciler-sns';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';
import { reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { reconcileSubscriptions } from '../../lambdas/hygiene/subscription-reconciler';
import { directoryFlags, runCli } from '../support/run-cli';
import { hookSends } from '../support/send-hooks';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';
import { FakeSnsServer } from './fake-sns-server';

const SOURCE_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-source';
const TARGET_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene-target';
const A = 'ada@example.com';
/** `importInto` without `--as-of`: the file's own instant. */
const ITS_OWN = Symbol("the export file's own instant");
/**
 * The target's first HR import: an export taken before the source's snapshot (2 November), which the move then
 * replaces (a later one refuses the move, exit 3: owners-export-as-of.test.ts).
 */
const TARGET_HR_AS_OF = '2026-11-01T12:00:00Z';
const B = 'ada@new.example';
/** The CLI as an operator's shell runs it (`pc-hygiene`). */
const CLI = [process.execPath, fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url))];

/** Runs `script` in bash, as an operator pastes an advised command; never rejects on a non-zero exit. */
function runShell(script: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', script], (error, _stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? Number(error.code) : 0, stderr });
    });
  });
}

describe('owners export, then owners import into another table', () => {
  const source = useTestDirectoryTable('export-source', 'each');
  const target = useTestDirectoryTable('import-target', 'each');
  const dir = useTempDir('owners-export-import');
  let sns: FakeSnsServer;
  const from = () => new DynamoOwnerDirectory(source.client, source.tableName);
  const to = () => new DynamoOwnerDirectory(target.client, target.tableName);
  const ownerIn = async (directory: DynamoOwnerDirectory, userId: string) =>
    (await directory.getMany([userId])).get(userId);

  beforeAll(async () => {
    sns = await FakeSnsServer.start();
  });
  afterAll(() => sns.stop());
  beforeEach(() => sns.reset());

  /**
   * `owners import` of `text` (a file named `name`) into `table`, as of `asOf` (`extra`: more flags); with
   * {@link ITS_OWN} no `--as-of`: an `owners export` file's own instant (`directoryAsOf`).
   */
  const importInto = async (
    table: typeof source,
    name: string,
    text: string,
    asOf: string | typeof ITS_OWN,
    ...extra: string[]
  ) => {
    const path = join(dir(), name);
    await writeFile(path, text);
    const at = asOf === ITS_OWN ? [] : ['--as-of', asOf];
    return runCli(['owners', 'import', path, ...directoryFlags(table), ...at, ...extra]);
  };
  const csv = (...rows: string[]) => `userId,email,name,status\n${rows.join('\n')}\n`;
  /** The move itself: the source's export imported into the target as of its own instant, the summary as JSON. */
  const moveSourceToTarget = async () =>
    importInto(target, 'export.jsonl', await exportSource(), ITS_OWN, '--format', 'json');

  /** The source's owners, ada at `ada` (an HR export's rows: no route state). */
  const hrRows = (ada: string) =>
    csv(
      `ada,${ada},Ada,active`,
      'bob,bob@example.com,Bob,active',
      'cy,cy@example.com,Cy,active',
      'dan,dan@example.com,Dan,active',
      'eve,eve@example.com,Eve,active',
    );

  /**
   * The source: ada opted out at a, was moved to b (a remembered) and opted out at b too (the vanished ARN kept);
   * cy confirmed on the source's topic and bouncing on its SES account; dan and eve opted out at their addresses;
   * bob nothing.
   */
  async function sourceWithOptOuts(): Promise<void> {
    expect((await importInto(source, 'source-1.csv', hrRows(A), '2026-11-01T00:00:00Z')).code).toBe(0);
    const directory = from();
    expect(
      await directory.recordSubscription({ userId: 'ada', email: A, state: 'unsubscribed', read: {} }),
    ).toBe(true);
    expect((await importInto(source, 'source-2.csv', hrRows(B), '2026-11-02T00:00:00Z')).code).toBe(0);
    const adaArn = `${SOURCE_TOPIC}:ada-sub`;
    const recorded = await directory.recordSubscriptionStates([
      { userId: 'ada', email: B, state: 'unsubscribed', subscriptionArn: adaArn, read: {} },
      {
        userId: 'cy',
        email: 'cy@example.com',
        state: 'confirmed',
        subscriptionArn: `${SOURCE_TOPIC}:cy-sub`,
        read: {},
      },
      { userId: 'dan', email: 'dan@example.com', state: 'unsubscribed', read: {} },
      { userId: 'eve', email: 'eve@example.com', state: 'unsubscribed', read: {} },
    ]);
    expect(recorded).toEqual([]);
    expect(await directory.markBouncing('cy', 'cy@example.com', '2026-11-03T00:00:00.000Z')).toBe(true);
    expect(await ownerIn(directory, 'ada')).toMatchObject({
      email: B,
      subscription: 'unsubscribed',
      subscriptionArn: adaArn,
      optedOutAddresses: [optedOutAddressDigest(A)],
    });
  }

  /** `owners export` of the source, as JSON Lines text. */
  async function exportSource(): Promise<string> {
    const exported = await runCli(['owners', 'export', ...directoryFlags(source)]);
    expect(exported.code).toBe(0);
    return exported.stdout;
  }

  /** The real reconciler on the fake SNS, for the target (on `route`); the addresses this run subscribed. */
  async function reconcileTarget(route: 'sns-email' | 'relay' = 'sns-email'): Promise<string[]> {
    const before = new Set(sns.subscriptionsOf(TARGET_TOPIC).map((s) => s.arn));
    const summary = await reconcileSubscriptions(
      {
        topic: new SnsTopicSubscriptions(createSnsClient({ endpoint: sns.endpoint }), TARGET_TOPIC),
        directory: to(),
      },
      { route },
    );
    const created = sns
      .subscriptionsOf(TARGET_TOPIC)
      .filter((s) => !before.has(s.arn))
      .map((s) => s.endpoint);
    expect(summary.created).toBe(created.length);
    return created.sort();
  }

  /** Runs an advised `pc-hygiene owners <subcommand> -- ...` command through bash, on the target, as pasted. */
  const runAdvised = (command: string, subcommand: 'unsubscribe' | 'resubscribe') => {
    // unsubscribe asks the route (it removes a subscription on sns-email); resubscribe only records none
    const route = subcommand === 'unsubscribe' ? ['--route', 'relay'] : [];
    const cli = [...CLI, 'owners', subcommand, ...route, ...directoryFlags(target)];
    return runShell(command.replace(`pc-hygiene owners ${subcommand}`, cli.join(' ')));
  };

  /**
   * Ids a shell must quote (`-x` an option, `o'k` a quote, `sp ace` a space). An id that cannot be given as
   * printed (a tab) is no longer imported at all: the owner id rule refuses it (last test).
   */
  const awkwardIds = ['-x', "o'k", 'plain', 'sp ace'];
  /** A JSON Lines file of {@link awkwardIds} at `u<i>@example.com` (`extra`: more fields). */
  const awkwardJsonl = (extra: Record<string, unknown>) =>
    awkwardIds
      .map((userId, i) => JSON.stringify({ userId, email: `u${i}@example.com`, status: 'active', ...extra }))
      .join('\n');
  /** Records each of {@link awkwardIds} in the target in `state` (an HR import first). */
  async function awkwardOwnersIn(state: 'confirmed' | 'none'): Promise<void> {
    expect((await importInto(target, 'hr.jsonl', awkwardJsonl({}), '2026-11-03T00:00:00Z')).code).toBe(0);
    const states = awkwardIds.map((userId, i) => ({
      userId,
      email: `u${i}@example.com`,
      state,
      ...(state === 'confirmed' && { subscriptionArn: `${TARGET_TOPIC}:${i}` }),
      read: {},
    }));
    expect(await to().recordSubscriptionStates(states)).toEqual([]);
  }

  const unsubscribedAt = (email: string, ...opted: string[]) => ({
    email,
    subscription: 'unsubscribed',
    optedOutAddresses: opted.map(optedOutAddressDigest).sort(),
  });

  it('keeps the opt-outs of owners new to the target, so its first reconcile subscribes none of them', async () => {
    await sourceWithOptOuts();
    const moved = await moveSourceToTarget();

    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({
      outcome: 'imported',
      created: 5,
      updated: 0,
      unchanged: 0,
      optOutsKept: 3,
      optOutsNotApplied: [],
    });
    const directory = to();
    // the line says unsubscribed at b: b's digest joins the set, so an edited line or a move back keeps it
    expect(await ownerIn(directory, 'ada')).toEqual({
      userId: 'ada',
      name: 'Ada',
      status: 'active',
      ...unsubscribedAt(B, A, B),
      updatedAt: expect.any(String),
    });
    expect(await ownerIn(directory, 'dan')).toMatchObject(
      unsubscribedAt('dan@example.com', 'dan@example.com'),
    );
    // the other topic's subscription and the other SES account's bounce are not this deployment's
    expect(await ownerIn(directory, 'cy')).toEqual({
      userId: 'cy',
      email: 'cy@example.com',
      name: 'Cy',
      status: 'active',
      updatedAt: expect.any(String),
    });

    expect(await reconcileTarget()).toEqual(['bob@example.com', 'cy@example.com']);
    expect(await ownerIn(directory, 'ada')).toMatchObject({ subscription: 'unsubscribed' });
    expect(reachabilityOf(await ownerIn(directory, 'ada'), 'relay')).toEqual({
      reachable: false,
      reason: 'unsubscribed',
    });

    // the digests came along: moved back to a, where she said stop on the source, she is unsubscribed there too
    const back = await importInto(target, 'target-2.csv', hrRows(A), '2026-11-05T00:00:00Z');
    expect(back.code).toBe(0);
    expect(await ownerIn(directory, 'ada')).toMatchObject({ email: A, subscription: 'unsubscribed' });
  });

  it('merges the opt-outs into owners a first HR import put in the target, so its first reconcile subscribes none of them', async () => {
    // the reviewer's order: the new deployment's scheduled HR import runs first, then the source's export
    await sourceWithOptOuts();
    expect((await importInto(target, 'hr.csv', hrRows(B), TARGET_HR_AS_OF)).code).toBe(0);

    const moved = await moveSourceToTarget();

    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({
      outcome: 'imported',
      created: 0,
      updated: 3,
      unchanged: 2,
      optOutsKept: 3,
      optOutsNotApplied: [],
    });
    const directory = to();
    // at the address the target holds: the state recorded (no ARN), the digests merged
    expect(await ownerIn(directory, 'ada')).toEqual({
      userId: 'ada',
      name: 'Ada',
      status: 'active',
      ...unsubscribedAt(B, A),
      updatedAt: expect.any(String),
    });
    expect(await ownerIn(directory, 'dan')).toMatchObject({ subscription: 'unsubscribed' });
    expect(await ownerIn(directory, 'eve')).toMatchObject({ subscription: 'unsubscribed' });
    expect(await ownerIn(directory, 'cy')).not.toHaveProperty('subscription');

    expect(await reconcileTarget()).toEqual(['bob@example.com', 'cy@example.com']);
    expect(await ownerIn(directory, 'ada')).toMatchObject({ subscription: 'unsubscribed' });

    // a re-run of the same export finds nothing left to write
    const again = await importInto(
      target,
      'export-again.jsonl',
      await exportSource(),
      ITS_OWN,
      '--format',
      'json',
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ updated: 0, unchanged: 5, optOutsKept: 0 });
  });

  it('records an opt-out over pending, and reports, leaving alone, one over a confirmed subscription (exit 0)', async () => {
    await sourceWithOptOuts();
    expect((await importInto(target, 'hr.csv', hrRows(B), TARGET_HR_AS_OF)).code).toBe(0);
    const eveArn = `${TARGET_TOPIC}:eve-sub`;
    const recorded = await to().recordSubscriptionStates([
      { userId: 'dan', email: 'dan@example.com', state: 'pending', read: {} },
      { userId: 'eve', email: 'eve@example.com', state: 'confirmed', subscriptionArn: eveArn, read: {} },
    ]);
    expect(recorded).toEqual([]);
    const exported = await exportSource();

    const planned = await importInto(target, 'dry.jsonl', exported, ITS_OWN, '--dry-run', '--format', 'json');
    expect(planned.code).toBe(0);
    expect(JSON.parse(planned.stdout)).toMatchObject({
      outcome: 'dry-run',
      updated: 2,
      unchanged: 3,
      optOutsKept: 2,
      optOutsNotApplied: [{ userId: 'eve', state: 'confirmed' }],
    });
    expect(planned.stderr).toContain('their opt-out would not be recorded');

    const moved = await importInto(target, 'export.jsonl', exported, ITS_OWN);
    expect(moved.code).toBe(0);
    // ada and dan kept (dan over pending, noticed); eve counted apart, not among the kept
    expect(moved.stdout).toContain(
      "0 marked departed, the export's opt-outs kept for 2 (1 over none or pending: see the notice) and not applied for 1 (see the warning);",
    );
    const [warning, notice] = moved.stderr.trim().split('\n');
    expect(notice).toMatch(/^pc-hygiene owners import: notice: 1 owner\(s\) .* had none or pending: dan \(/);
    expect(warning).toMatch(
      /^pc-hygiene owners import: warning: 1 owner\(s\) opted out on the exporting deployment, but have a subscription on this one's topic: eve; their opt-out was not recorded/,
    );
    expect(warning).toMatch(
      /run \(with the same --stack or --directory-table, before --\): pc-hygiene owners unsubscribe -- eve$/,
    );
    const directory = to();
    // the reconciler's pending is an arn-less subscription, which never erases a recorded opt-out
    expect(await ownerIn(directory, 'dan')).toMatchObject({ subscription: 'unsubscribed' });
    expect(await ownerIn(directory, 'dan')).not.toHaveProperty('optedOutAddresses');
    expect(await ownerIn(directory, 'eve')).toMatchObject({
      subscription: 'confirmed',
      subscriptionArn: eveArn,
    });
    expect(await ownerIn(directory, 'ada')).toMatchObject(unsubscribedAt(B, A));
  });

  it('records the opt-outs of owners the target’s first reconcile subscribed (pending): no later reconcile subscribes them', async () => {
    await sourceWithOptOuts();
    expect((await importInto(target, 'hr.csv', hrRows(B), TARGET_HR_AS_OF)).code).toBe(0);
    // the import came after the target's first reconcile: everyone was sent a confirmation email
    expect(await reconcileTarget()).toHaveLength(5);
    expect(await ownerIn(to(), 'dan')).toMatchObject({ subscription: 'pending' });

    const moved = await moveSourceToTarget();

    const summary = JSON.parse(moved.stdout);
    expect(summary).toMatchObject({ updated: 3, optOutsKept: 3, optOutsNotApplied: [] });
    // pending is also what the reconcile after an owners resubscribe records: the notice names them
    const noticed: string[] = summary.optOutsOverNoneOrPending;
    expect([...noticed].sort()).toEqual(['ada', 'dan', 'eve']);
    expect(moved.stderr.trim().split('\n')).toHaveLength(1);
    expect(moved.stderr).toMatch(/^pc-hygiene owners import: notice: 3 owner\(s\) .* had none or pending: /);
    expect(moved.stderr).toContain(`pc-hygiene owners resubscribe -- ${noticed.join(' ')}\n`);
    const directory = to();
    for (const userId of ['ada', 'dan', 'eve']) {
      expect(await ownerIn(directory, userId)).toMatchObject({ subscription: 'unsubscribed' });
    }
    // the next reconcile: the pending confirmations are no one's it can read, and the opt-outs stay
    expect(await reconcileTarget()).toEqual([]);
    expect(await ownerIn(directory, 'dan')).toMatchObject({ subscription: 'unsubscribed' });
    // unconfirmed, they expire: only those who did not say stop are subscribed again
    expect(sns.expirePending()).toBe(5);
    expect(await reconcileTarget()).toEqual(['bob@example.com', 'cy@example.com']);
    expect(await ownerIn(directory, 'dan')).toMatchObject({ subscription: 'unsubscribed' });
  });

  it('records the opt-out over an owners resubscribe when the export is imported again, with a notice naming how to undo it (exit 0)', async () => {
    await sourceWithOptOuts();
    const exported = await exportSource();
    expect((await importInto(target, 'export.jsonl', exported, ITS_OWN)).code).toBe(0);
    expect((await runCli(['owners', 'resubscribe', 'dan', ...directoryFlags(target)])).code).toBe(0);
    expect(await ownerIn(to(), 'dan')).toMatchObject({ subscription: 'none' });

    const planned = await importInto(target, 'dry.jsonl', exported, ITS_OWN, '--dry-run');
    expect(planned.code).toBe(0);
    expect(planned.stderr).toContain(
      '1 owner(s) who opted out on the exporting deployment would be recorded',
    );
    expect(await ownerIn(to(), 'dan')).toMatchObject({ subscription: 'none' });

    const again = await importInto(target, 'export-again.jsonl', exported, ITS_OWN);

    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      "0 marked departed, the export's opt-outs kept for 1 (1 over none or pending: see the notice);",
    );
    const notice = again.stderr.trim();
    expect(notice.split('\n')).toHaveLength(1);
    expect(notice).toMatch(
      /^pc-hygiene owners import: notice: 1 owner\(s\) who opted out on the exporting deployment were recorded unsubscribed though this table had none or pending: dan \(pc-hygiene owners resubscribe records none, and the next reconcile pending until the person confirms; the reconciler also records none on route relay or where it keeps no subscription, and pending for any subscription awaiting confirmation\)\. /,
    );
    expect(notice).toMatch(
      /If any was resubscribed on purpose, run \(with the same --stack or --directory-table, before --\): pc-hygiene owners resubscribe -- dan$/,
    );
    expect(await ownerIn(to(), 'dan')).toMatchObject({ subscription: 'unsubscribed' });
    // the JSON summary names him too; a re-run finds his stop recorded: nothing to write, no notice
    const rerun = await importInto(target, 'rerun.jsonl', exported, ITS_OWN, '--format', 'json');
    expect(rerun.stderr).toBe('');
    expect(JSON.parse(rerun.stdout)).toMatchObject({
      updated: 0,
      optOutsKept: 0,
      optOutsOverNoneOrPending: [],
    });

    // the advised command, run as pasted, resubscribes him again
    const command = /pc-hygiene owners resubscribe -- .*$/.exec(notice)?.[0] ?? '';
    expect(await runAdvised(command, 'resubscribe')).toEqual({ code: 0, stderr: '' });
    expect(await ownerIn(to(), 'dan')).toMatchObject({ subscription: 'none' });
  });

  it('names an owner resubscribed then subscribed again by a reconcile (pending) when the export is imported again', async () => {
    await sourceWithOptOuts();
    const exported = await exportSource();
    expect((await importInto(target, 'export.jsonl', exported, ITS_OWN)).code).toBe(0);
    expect((await runCli(['owners', 'resubscribe', 'dan', ...directoryFlags(target)])).code).toBe(0);
    // the next reconcile subscribes him again (and bob and cy): pending until he confirms
    expect(await reconcileTarget()).toEqual(['bob@example.com', 'cy@example.com', 'dan@example.com']);
    expect(await ownerIn(to(), 'dan')).toMatchObject({ subscription: 'pending' });

    const again = await importInto(target, 'export-again.jsonl', exported, ITS_OWN);

    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      "0 marked departed, the export's opt-outs kept for 1 (1 over none or pending: see the notice);",
    );
    const notice = again.stderr.trim();
    expect(notice.split('\n')).toHaveLength(1);
    expect(notice).toMatch(
      /^pc-hygiene owners import: notice: 1 owner\(s\) who opted out on the exporting deployment were recorded unsubscribed though this table had none or pending: dan \(/,
    );
    expect(notice).toMatch(/pc-hygiene owners resubscribe -- dan$/);
    expect(await ownerIn(to(), 'dan')).toMatchObject({ subscription: 'unsubscribed' });
    // the advised command, run as pasted, resubscribes him again
    const command = /pc-hygiene owners resubscribe -- .*$/.exec(notice)?.[0] ?? '';
    expect(await runAdvised(command, 'resubscribe')).toEqual({ code: 0, stderr: '' });
    expect(await ownerIn(to(), 'dan')).toMatchObject({ subscription: 'none' });
  });

  it('records the opt-outs of owners a relay reconcile recorded none, so the relay emails none of them', async () => {
    await sourceWithOptOuts();
    expect((await importInto(target, 'hr.csv', hrRows(B), TARGET_HR_AS_OF)).code).toBe(0);
    // the target's first reconcile ran on sns-email (everyone pending), then the deployment moved to route relay:
    // its reconcile keeps no subscription and records every owner none
    expect(await reconcileTarget()).toHaveLength(5);
    expect(await reconcileTarget('relay')).toEqual([]);
    const directory = to();
    for (const userId of ['ada', 'bob', 'cy', 'dan', 'eve']) {
      expect(await ownerIn(directory, userId)).toMatchObject({ subscription: 'none' });
    }

    const moved = await moveSourceToTarget();

    expect(moved.code).toBe(0);
    const summary = JSON.parse(moved.stdout);
    expect(summary).toMatchObject({ updated: 3, unchanged: 2, optOutsKept: 3, optOutsNotApplied: [] });
    const noticed: string[] = summary.optOutsOverNoneOrPending;
    expect([...noticed].sort()).toEqual(['ada', 'dan', 'eve']);
    const notice = moved.stderr.trim();
    expect(notice.split('\n')).toHaveLength(1);
    expect(notice).toContain(
      `were recorded unsubscribed though this table had none or pending: ${noticed.join(', ')} (`,
    );
    expect(notice).toMatch(new RegExp(`pc-hygiene owners resubscribe -- ${noticed.join(' ')}$`));
    for (const userId of noticed) {
      expect(await ownerIn(directory, userId)).toMatchObject({ subscription: 'unsubscribed' });
    }
    // the next relay reconcile keeps the stops: the relay reaches only those who did not say stop
    expect(await reconcileTarget('relay')).toEqual([]);
    for (const userId of ['ada', 'dan', 'eve']) {
      expect(reachabilityOf(await ownerIn(directory, userId), 'relay')).toEqual({
        reachable: false,
        reason: 'unsubscribed',
      });
    }
    for (const userId of ['bob', 'cy']) {
      expect(reachabilityOf(await ownerIn(directory, userId), 'relay')).toEqual({ reachable: true });
    }
  });

  it('advises a resubscribe command (after --) that names each id it prints as the id', async () => {
    await awkwardOwnersIn('none');

    const moved = await importInto(
      target,
      'export.jsonl',
      awkwardJsonl({ subscription: 'unsubscribed' }),
      '2026-11-04T00:00:00Z',
    );

    expect(moved.code).toBe(0);
    const notice = moved.stderr.trim();
    expect(notice.split('\n')).toHaveLength(1);
    expect(notice).toContain(`had none or pending: -x, o'k, plain, sp ace (pc-hygiene owners resubscribe`);
    expect(notice).not.toContain('cannot be typed');
    const command = /pc-hygiene owners resubscribe -- .*$/.exec(notice)?.[0] ?? '';
    expect(command).toBe("pc-hygiene owners resubscribe -- -x 'o'\\''k' plain 'sp ace'");
    const states = async () => {
      const read = await to().getMany(awkwardIds);
      return awkwardIds.map((id) => read.get(id)?.subscription);
    };
    expect(await states()).toEqual(['unsubscribed', 'unsubscribed', 'unsubscribed', 'unsubscribed']);
    // run as advised: resubscribe takes the ids after --, `-x` among them, and undoes exactly those
    expect(await runAdvised(command, 'resubscribe')).toEqual({ code: 0, stderr: '' });
    expect(await states()).toEqual(['none', 'none', 'none', 'none']);
  });

  it('advises a command that names each id it prints as the id', async () => {
    await awkwardOwnersIn('confirmed');

    const moved = await importInto(
      target,
      'export.jsonl',
      awkwardJsonl({ subscription: 'unsubscribed' }),
      '2026-11-04T00:00:00Z',
    );

    expect(moved.code).toBe(0);
    const warning = moved.stderr.trim();
    expect(warning.split('\n')).toHaveLength(1);
    expect(warning).toContain(`: -x, o'k, plain, sp ace; their opt-out was not recorded`);
    expect(warning).not.toContain('cannot be typed');
    const command = /pc-hygiene owners unsubscribe .*$/.exec(warning)?.[0] ?? '';
    expect(command).toBe("pc-hygiene owners unsubscribe -- -x 'o'\\''k' plain 'sp ace'");
    // run as advised (the table flags before --): the owners it names are the ones recorded
    expect(await runAdvised(command, 'unsubscribe')).toEqual({ code: 0, stderr: '' });
    const states = await to().getMany(awkwardIds);
    expect(awkwardIds.map((id) => states.get(id)?.subscription)).toEqual([
      'unsubscribed',
      'unsubscribed',
      'unsubscribed',
      'unsubscribed',
    ]);
  });

  it('refuses a moved export with a line whose id cannot be printed as it is (a tab), writing nothing', async () => {
    const line = {
      userId: 'tab\tid',
      email: 'u0@example.com',
      status: 'active',
      subscription: 'unsubscribed',
    };

    const moved = await importInto(target, 'export.jsonl', JSON.stringify(line), '2026-11-04T00:00:00Z');

    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain(
      'rejected line 1 (userId "tab\\tid"): userId: holds the invisible character U+0009',
    );
    expect(await to().getMany(['tab\tid'])).toEqual(new Map());
  });

  it('remembers an opt-out at the line’s address when the target holds another, and the move records it there', async () => {
    await sourceWithOptOuts();
    // the target's HR export still has ada at a, where the target has no opt-out of hers
    expect((await importInto(target, 'hr.csv', hrRows(A), TARGET_HR_AS_OF)).code).toBe(0);

    const moved = await moveSourceToTarget();

    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ updated: 3, optOutsKept: 3, optOutsNotApplied: [] });
    expect(await ownerIn(to(), 'ada')).toMatchObject(unsubscribedAt(B, A, B));
    expect(await reconcileTarget()).toEqual(['bob@example.com', 'cy@example.com']);
  });

  it('re-plans a merge refused because a reconcile subscribed the owner meanwhile, and reports it not applied', async () => {
    await sourceWithOptOuts();
    expect((await importInto(target, 'hr.csv', hrRows(B), TARGET_HR_AS_OF)).code).toBe(0);
    const file = join(dir(), 'export.jsonl');
    await writeFile(file, await exportSource());
    // the reconciler subscribes ada right after the import read the directory
    let ran = false;
    const spy = hookSends(target.client, {
      after: async (command) => {
        if (ran || !(command instanceof ScanCommand)) return;
        ran = true;
        const arn = `${TARGET_TOPIC}:ada-sub`;
        expect(
          await to().recordSubscription({
            userId: 'ada',
            email: B,
            state: 'confirmed',
            subscriptionArn: arn,
            read: {},
          }),
        ).toBe(true);
      },
    });
    const summary = await importOwnerFile(target.client, {
      table: target.tableName,
      file,
      // no asOf: the export's own (directoryAsOf)
      now: '2026-11-04T00:00:00.000Z',
      maxDeletePercent: 100,
    }).finally(() => spy.mockRestore());

    expect(ran).toBe(true);
    // ada counted apart from the kept (dan, eve)
    expect(summary).toMatchObject({ outcome: 'imported', updated: 3, unchanged: 2, optOutsKept: 2 });
    expect(summary.optOutsNotApplied).toEqual([{ userId: 'ada', state: 'confirmed' }]);
    // her digests are merged on the re-plan; the state the reconcile recorded is left alone
    expect(await ownerIn(to(), 'ada')).toMatchObject({
      subscription: 'confirmed',
      optedOutAddresses: [optedOutAddressDigest(A)],
    });
  });

  it('rejects a line whose opt-out fields are not what an export writes, naming the line and field; writes nothing', async () => {
    const lines = [
      { userId: 'ok', email: 'ok@example.com', status: 'active', subscription: 'unsubscribed' },
      { userId: 'eve', email: 'eve@example.com', status: 'active', subscription: 'Unsubscribed' },
      { userId: 'fay', status: 'active', optedOutAddresses: 'fay@old.example' },
    ];
    const result = await importInto(
      target,
      'bad.jsonl',
      lines.map((l) => JSON.stringify(l)).join('\n'),
      '2026-11-04T00:00:00Z',
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'line 2 (userId "eve"): subscription: "Unsubscribed" must be one of confirmed, pending, none, unsubscribed',
    );
    expect(result.stderr).toContain('line 3 (userId "fay"): optedOutAddresses: must be an array');
    expect(await to().listOwners()).toEqual([]);
  });
});
