/**
 * What a new user gets: `npx cdk synth` offline, with no AWS credentials or
 * profile, produces the stack; a bad context value fails it with one line
 * naming the key; and the bundled Lambda code in the synthesized assembly
 * really runs. Every function of the stack as synthesized by default, and of
 * the relay route's (`-c ownerDelivery=relay -c senderIdentity=…`: the relay,
 * the SES events function, and its subscription reconciler, with its own
 * role), is invoked with the environment from its
 * template and an event shaped like its trigger (Scheduler; the relay queue's
 * SQS batch of the digests the notifier published; SES's bounce and complaint
 * events on SNS), against DynamoDB Local (behind a recording proxy), a local
 * SNS stub that models subscriptions, and a local SES stub (which refuses a
 * send, so the relay releases its ledger claim: its only `DeleteItem`).
 *
 * The runs form one scenario (a fresh deployment, then an imported owner
 * directory, then the relay route), run once, in order, before the tests of
 * the bundled code; each test checks the runs it is about, so any one runs
 * alone (`-t`). Each route's scenario ends with runs that drive the paths its
 * main runs do not take (support/rare-paths.ts: a resumed, an overridden and
 * an out-of-time sweep, batched writes refused as a whole, an owner departing
 * mid-reconcile, a relay claim gone or already sent, a relay part read for an
 * owner its bounce made unreachable, late SES events), each test naming the
 * requests only that path sends and checking them allowed.
 *
 * None of the stand-ins enforces IAM: the last test checks the identity
 * policies of the role each function has in its template
 * (test/infra/support/role-coverage.ts), after asserting which permissions
 * the runs and the templates call for, so a lost path fails it too. What it
 * checks:
 * - every request each run sent to DynamoDB, SNS and SES, as the action(s)
 *   and resource IAM authorizes it as (support/required-permissions.ts);
 * - the conditions of an Allow on the keys it derives from a request:
 *   `sns:Protocol` (a `Subscribe`'s `Protocol`), `ses:FromAddress` (a
 *   `SendEmail`'s `FromEmailAddress`) and `kms:ViaService` (below), with
 *   `StringEquals`, `StringLike` and `ForAllValues:StringEquals`: a condition
 *   that does not hold fails it, naming the condition;
 * - the structural requirements (support/structural-requirements.ts), what
 *   AWS services do with a function's role on its behalf: `kms:GenerateDataKey`
 *   and `kms:Decrypt` on an encrypted topic's key for each recorded publish
 *   to it (through SNS: `kms:ViaService`); and, for every function of both
 *   templates, the SQS poller's `sqs:ReceiveMessage`, `sqs:DeleteMessage` and
 *   `sqs:GetQueueAttributes` on an event source queue (`kms:Decrypt` too, were
 *   the queue KMS-encrypted: the relay queue is SQS-managed SSE), and
 *   `sqs:SendMessage` on an on-failure destination or dead-letter queue.
 * What it does not check: a condition on any other key is taken as met (the
 *   test asserts the shipped roles have no such key, so a new one must be
 *   added to the evaluator or listed here); CloudWatch Logs
 *   (`logs:CreateLogStream`, `logs:PutLogEvents` on each function's log group:
 *   test/infra/stack.test.ts, "least privilege", and
 *   test/infra/owner-email-relay.test.ts pin them) and X-Ray
 *   (`xray:PutTraceSegments`, `xray:PutTelemetryRecords`: test/infra/stack.test.ts,
 *   `expectXRayPolicies`, on both routes); resource policies (the topics',
 *   queues' and keys' own), permission boundaries and SCPs; and a managed
 *   policy the template does not hold (an AWS managed policy's ARN: its
 *   statements cannot be read, so the test asserts the shipped roles name
 *   none). The role's statements are those of every kind of policy the
 *   template attaches (support/role-policy.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOwnerDirectoryTable } from '../../cli/aws/create-owner-directory-table';
import { createRelayLedgerTable } from '../../cli/aws/create-relay-ledger-table';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../cli/local/local-dynamodb';
import { importOwnerFile } from '../../cli/use-cases/import-owners';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { collate } from '../../lambdas/hygiene/collate';
import {
  CHECKPOINT_ATTR,
  CHECKPOINT_ID,
  GUARD_APPROVAL_ID,
  OUTBOX_INDEX,
} from '../../lambdas/hygiene/data-contract';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';
import { ownerTags } from '../../lambdas/relay/email-tags';
import type { FakeSubscription } from '../integration/fake-sns-server';
import { deliveredDocument } from '../support/sns-delivery';
import { createLocalTable, createTestTable, type TestTable } from '../support/test-table';
import { type SnsStub, type StubRequest, startSnsStub } from './sns-stub';
import {
  bundleOf,
  cdkSynth,
  functionsOf,
  invoke,
  logicalIdsOf,
  readTemplate,
  resolveEnv,
  type SynthOutcome,
  type SynthTemplate,
} from './support/bundled-functions';
import { emfOf, emfProblems, runAlarmsOf } from './support/emf-alarms';
import {
  DEPARTING_OWNER,
  driveNotifierPaths,
  driveReconcilerPaths,
  driveReleaseOfGoneClaim,
  driveSesEventsPaths,
  driveSweepPaths,
  EMPTIED_OUTBOX,
  GUARD_CREDENTIAL,
  MOVED_ADDRESS,
  type NotifierPaths,
  type ReconcilerPaths,
  type SesEventsPaths,
  type SweepPaths,
  WHOLE_CALL_REFUSED,
} from './support/rare-paths';
import { type DynamoDbRequest, type RecordingProxy, startRecordingProxy } from './support/recording-proxy';
import {
  type DeployedFunction,
  neededBy,
  type RecordedRun,
  RunRecorder,
  requestProblems,
  roleProblems,
  structurallyNeededBy,
  structuralProblems,
} from './support/role-coverage';
import {
  functionRoleStatements,
  unevaluatedConditionKeys,
  unreadableManagedPolicyArns,
} from './support/role-policy';
import { SENDING_PAUSED, type SesStub, startSesStub } from './support/ses-stub';
import { sesEventOf, snsEventOf, sqsBatchOf } from './support/trigger-events';

let workDir: string;
let outdir: string;
let synth: SynthOutcome;
let template: SynthTemplate;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'pch-synth-'));
  outdir = join(workDir, 'cdk.out');
  synth = await cdkSynth(outdir, workDir);
  if (synth.code === 0) template = await readTemplate(outdir);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('npx cdk synth with no AWS credentials', () => {
  it('succeeds offline, cdk-nag clean, and the template has the stack in audit mode', () => {
    expect(synth.stderr).not.toMatch(/AwsSolutions-/);
    expect(synth.code).toBe(0);
    // Sweep, notifier and (issue 11) the subscription reconciler.
    expect(functionsOf(template).map(([, p]) => p.Environment.Variables.HYGIENE_mode)).toEqual([
      'audit',
      'audit',
      'audit',
    ]);
  });

  it('fails on a bad context value with one line naming the key', async () => {
    const bad = await cdkSynth(join(workDir, 'bad.out'), workDir, ['staleAfterDays=abc']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(
      'Invalid CDK context: staleAfterDays = "abc": must be an integer from 1 to 3650',
    );
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

// ---------------------------------------------------------------------------
// The artifact: the bundled code from cdk.out, run as Lambda would run it.

const SCHEDULED_TIME = '2026-11-26T03:00:00Z';
const NOW_ISO = '2026-11-26T03:00:00.000Z';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:hygiene';
/** The alarm topic, whose subscriptions each sweep lists (`ALARM_TOPIC_ARN`): one confirmed in the SNS stub. */
const ALARM_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:hygiene-alarms';
/** The relay route's deployment: its own topic, queue, sender and configuration set. */
const RELAY_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:hygiene-relay';
const RELAY_QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:PersonalClientHygiene-relay-queue';
const SES_EVENTS_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:hygiene-ses-events';
const SENDER = 'hygiene@example.com';
const CONFIGURATION_SET = 'pc-hygiene-relay-local';
const RELAY_CONTEXT = ['ownerDelivery=relay', `senderIdentity=${SENDER}`];

function schedulerEvent(job: 'sweep' | 'notify') {
  return {
    source: 'personal-client-hygiene',
    job,
    scheduledTime: SCHEDULED_TIME,
    executionId: 'exec-1',
  };
}

const recent = '2026-11-20T10:00:00Z';
const scoped = { scopedRoles: ['role-read'], allowSourceCidr: ['10.0.0.0/8'] };
const SEED = [
  {
    id: 'expired-1',
    userId: 'u1',
    createdAt: '2026-01-01T00:00:00Z',
    lastUsedAt: recent,
    expiresTime: '2026-11-25T00:00:00Z',
    ...scoped,
  },
  {
    id: 'expiring-1',
    userId: 'u1',
    createdAt: '2026-01-01T00:00:00Z',
    lastUsedAt: recent,
    expiresTime: '2026-12-01T00:00:00Z',
    ...scoped,
  },
  {
    id: 'stale-1',
    userId: 'u2',
    createdAt: '2026-01-01T00:00:00Z',
    lastUsedAt: '2026-06-01T00:00:00Z',
    ...scoped,
  },
  { id: 'invalid-1', createdAt: 'yesterday' },
  ...Array.from({ length: 12 }, (_, i) => ({
    id: `fresh-${i}`,
    userId: 'u3',
    createdAt: '2026-01-01T00:00:00Z',
    lastUsedAt: recent,
    ...scoped,
  })),
];

/**
 * The owner directory imported half-way (`owners import`), a snapshot fresh for the sweep at SCHEDULED_TIME:
 * u1 and u4 active, u5 departed (the reconciler removes the subscription u5 still has).
 */
const OWNERS_CSV =
  'userId,email,name,status\nu1,u1@example.com,Una,active\nu4,u4@example.com,Ugo,active\n' +
  'u5,u5@example.com,Uma,departed\n';
const DIRECTORY_AS_OF = '2026-11-25T00:00:00.000Z';
/** A credential of u4 (in the directory) put after the import: the sweep queues its expiry notice. */
const REACH_CREDENTIAL = {
  id: 'reach-expiring-1',
  userId: 'u4',
  createdAt: '2026-01-01T00:00:00Z',
  lastUsedAt: recent,
  expiresTime: '2026-11-28T00:00:00Z',
  ...scoped,
};
/** The topic's owner subscriptions when the reconciler runs on sns-email, made earlier (confirmed). */
const TOPIC_SUBSCRIPTIONS = {
  /** u4's, with a filter policy to repair: it lets u4's digests through, and every admin notice too. */
  u4: { endpoint: 'u4@example.com', filterPolicy: { userId: ['u4'], audience: ['owner', 'admin'] } },
  /** The departed u5's. */
  u5: { endpoint: 'u5@example.com', filterPolicy: { userId: ['u5'], audience: ['owner'] } },
} as const;

/** The relay route's credentials: r1's expires soon, r2's is unused (each a notice to its owner). */
const RELAY_SEED = [
  { ...SEED[1]!, id: 'relay-expiring-1', userId: 'r1' },
  { ...SEED[2]!, id: 'relay-stale-1', userId: 'r2' },
];
/** The relay route's owner directory: both owners reachable by email. */
const RELAY_OWNERS_CSV =
  'userId,email,name,status\nr1,r1@example.com,Rae,active\nr2,r2@example.com,Rob,active\n';

type Item = Record<string, unknown> | undefined;

/** The runs on the stack as synthesized by default (route `sns-email`), with what each test checks of them. */
interface DefaultRoute {
  readonly sweep: DeployedFunction;
  readonly notifier: DeployedFunction;
  readonly reconciler: DeployedFunction;
  /** A sweep in audit mode (the deployed default), and the table before and after it. */
  readonly audit: { readonly run: RecordedRun; readonly before: unknown; readonly after: unknown };
  /** A sweep in enforce mode, and the credentials it acted on (and one it left alone) after it. */
  readonly enforce: { readonly run: RecordedRun; readonly items: Readonly<Record<string, Item>> };
  /** The notifier, and the credentials whose events it drained, after it. */
  readonly notify: { readonly run: RecordedRun; readonly items: Readonly<Record<string, Item>> };
  /** A sweep refused for a scheduled time years away, and the table before and after it. */
  readonly farFuture: { readonly run: RecordedRun; readonly before: unknown; readonly after: unknown };
  /** The reconciler on the relay route, before any import. */
  readonly reconcileOnRelay: RecordedRun;
  /** With the directory imported: a sweep, the notifier, and the reconciler on sns-email. */
  readonly sweepWithDirectory: RecordedRun;
  readonly notifyWithDirectory: RecordedRun;
  readonly reconcile: {
    readonly run: RecordedRun;
    /** The subscriptions the topic had before the run (by owner). */
    readonly before: { readonly u4: FakeSubscription; readonly u5: FakeSubscription };
    /** The topic's subscriptions after it. */
    readonly after: readonly FakeSubscription[];
    /** The owners' directory entries after it. */
    readonly owners: Readonly<Record<string, Item>>;
  };
  /** Then the paths the runs above do not take (support/rare-paths.ts), for the role check. */
  readonly sweepPaths: SweepPaths;
  readonly notifierPaths: NotifierPaths;
  readonly reconcilerPaths: ReconcilerPaths;
}

/** The runs on the relay route's stack: the sweep and notifier feed the relay, whose emails SES reports on. */
interface RelayRoute {
  readonly sweep: DeployedFunction;
  readonly notifier: DeployedFunction;
  readonly relay: DeployedFunction;
  readonly sesEvents: DeployedFunction;
  readonly template: SynthTemplate;
  readonly sweepRun: RecordedRun;
  readonly notifyRun: RecordedRun;
  /** The relay on r1's digest alone, SES refusing its send (sending paused); and the ledger after it. */
  readonly refused: { readonly run: RecordedRun; readonly ledger: unknown };
  /** The relay on r2's digest alone, SES refusing it while the claim went (support/rare-paths.ts). */
  readonly claimGone: RecordedRun;
  /** The relay on both digests (r1's again: SQS's redelivery of the failed record). */
  readonly relayRun: RecordedRun;
  /** The relay on r1's digest once more (SQS redelivered it after it was sent): already sent. */
  readonly alreadySent: RecordedRun;
  /** The SES events run: r1's email bounced (permanently), r2 complained; the owners' entries after it. */
  readonly sesEventsRun: RecordedRun;
  readonly owners: Readonly<Record<string, Item>>;
  /** The relay on r1's digest again after its bounce marked r1 bouncing: the part's state read, a duplicate. */
  readonly afterBounce: RecordedRun;
  /** Then the SES events function's paths that run does not take (support/rare-paths.ts). */
  readonly sesEventsPaths: SesEventsPaths;
  /** The relay route's own reconciler (its role: no Subscribe, no SetSubscriptionAttributes). */
  readonly reconciler: DeployedFunction;
  /** Its run on a topic holding r1's owner subscription left from sns-email, and the topic's subscriptions after it. */
  readonly reconcile: {
    readonly run: RecordedRun;
    readonly leftOver: FakeSubscription;
    readonly after: readonly FakeSubscription[];
  };
}

describe('the bundled Lambda code from the assembly', () => {
  let local: DynamoDbLocal;
  /** DynamoDB Local as the handlers reach it: every request recorded. */
  let proxy: RecordingProxy;
  let sns: SnsStub;
  let ses: SesStub;
  const tables: TestTable[] = [];
  let recorder: RunRecorder;
  let defaultRoute: DefaultRoute;
  let relayRoute: RelayRoute;

  const localEnv = () => ({
    [HANDLER_ENV.dynamoDbEndpoint]: proxy.endpoint,
    [HANDLER_ENV.snsEndpoint]: sns.endpoint,
    [HANDLER_ENV.sesEndpoint]: ses.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // These runs decide at a fixed past instant (SCHEDULED_TIME): widen the sweep's allowed schedule
    // skew (deployed: MAX_SCHEDULE_SKEW_SECONDS=3600) so the wall clock of the test run does not matter.
    [HANDLER_ENV.maxScheduleSkewSeconds]: String(100 * 365 * 86_400),
    // What the Lambda runtime sets: Powertools then runs as deployed (tracing on; the segments
    // go to a local UDP port where no X-Ray daemon listens, which the X-Ray SDK tolerates).
    AWS_LAMBDA_FUNCTION_NAME: 'local',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  });

  /**
   * The function of `synthesized` (its assembly at `assembly`) whose description starts with `description`, its
   * environment's tokens resolved with `tokens` (variable → local value) and pointed at the stand-ins.
   */
  const deployed = (
    synthesized: SynthTemplate,
    assembly: string,
    description: string,
    tokens: Readonly<Record<string, string>>,
  ): DeployedFunction => {
    const bundle = bundleOf(synthesized, assembly, description);
    const resolved = resolveEnv(bundle.env, tokens);
    return {
      id: bundle.id,
      entry: bundle.entry,
      env: { ...resolved, ...localEnv() },
      logicalIdOf: logicalIdsOf(bundle.env, resolved),
      template: synthesized,
    };
  };

  const newTable = async (made: Promise<TestTable>) => {
    const table = await made;
    tables.push(table);
    return table;
  };
  const scan = async (table: TestTable) =>
    (await table.client.send(new ScanCommand({ TableName: table.tableName }))).Items;
  const itemsOf = async (table: TestTable, key: string, ids: readonly string[]) => {
    const items: Record<string, Item> = {};
    for (const id of ids) {
      const got = await table.client.send(new GetCommand({ TableName: table.tableName, Key: { [key]: id } }));
      items[id] = got.Item;
    }
    return items;
  };
  const importOwners = async (directory: TestTable, name: string, csv: string, asOf = DIRECTORY_AS_OF) => {
    const file = join(workDir, name);
    await writeFile(file, csv);
    const imported = await importOwnerFile(directory.client, {
      table: directory.tableName,
      file,
      asOf,
      now: asOf,
      maxDeletePercent: 10,
    });
    if (imported.outcome !== 'imported') throw new Error(`owners import: ${JSON.stringify(imported)}`);
  };

  /** The scenario on the stack as synthesized by default: a fresh deployment, then an imported directory. */
  const runDefaultRoute = async (): Promise<DefaultRoute> => {
    const table = await newTable(createTestTable(local.endpoint, 'artifact'));
    const directory = await newTable(
      createLocalTable(createOwnerDirectoryTable, 'artifact-owners', local.endpoint),
    );
    for (const record of SEED)
      await table.client.send(new PutCommand({ TableName: table.tableName, Item: record }));
    // The owner directory (issue 11) as a fresh deployment has it: created, never imported (until below).
    const tokens = {
      [HANDLER_ENV.tableName]: table.tableName,
      [HANDLER_ENV.topicArn]: TOPIC_ARN,
      [HANDLER_ENV.directoryTableName]: directory.tableName,
      [HANDLER_ENV.alarmTopicArn]: ALARM_TOPIC_ARN,
    };
    const sweep = deployed(template, outdir, 'Credential hygiene sweep', tokens);
    const notifier = deployed(template, outdir, 'Credential hygiene notifier', tokens);
    const reconciler = deployed(template, outdir, 'Credential hygiene subscription reconciler', tokens);
    const enforce = { HYGIENE_mode: 'enforce' };
    const credentials = ['expired-1', 'expiring-1', 'stale-1', 'fresh-0'];

    const auditBefore = await scan(table);
    const auditRun = await recorder.invoke(sweep, schedulerEvent('sweep'));
    const audit = { run: auditRun, before: auditBefore, after: await scan(table) };
    const enforceRun = await recorder.invoke(sweep, schedulerEvent('sweep'), enforce);
    const enforced = { run: enforceRun, items: await itemsOf(table, 'id', credentials) };
    const notifyRun = await recorder.invoke(notifier, schedulerEvent('notify'));
    const notify = { run: notifyRun, items: await itemsOf(table, 'id', credentials) };
    const farBefore = await scan(table);
    const farFutureRun = await recorder.invoke(
      sweep,
      { ...schedulerEvent('sweep'), scheduledTime: '2099-01-01T03:00:00Z' },
      { ...enforce, [HANDLER_ENV.maxScheduleSkewSeconds]: '3600' }, // as deployed
    );
    const farFuture = { run: farFutureRun, before: farBefore, after: await scan(table) };
    // On the relay route (on sns-email an empty directory is refused while the topic holds owner subscriptions).
    const reconcileOnRelay = await recorder.invoke(reconciler, {}, { HYGIENE_ownerDelivery: 'relay' });

    // From here on the owner directory holds an import: the reach checks run (and the role check sees them).
    await importOwners(directory, 'owners.csv', OWNERS_CSV);
    await table.client.send(new PutCommand({ TableName: table.tableName, Item: REACH_CREDENTIAL }));
    const sweepWithDirectory = await recorder.invoke(sweep, schedulerEvent('sweep'), enforce);
    const notifyWithDirectory = await recorder.invoke(notifier, schedulerEvent('notify'));
    const subscribed = (owner: keyof typeof TOPIC_SUBSCRIPTIONS) =>
      sns.subscriptions.addSubscription({
        topicArn: TOPIC_ARN,
        protocol: 'email',
        ...TOPIC_SUBSCRIPTIONS[owner],
      });
    const before = { u4: { ...subscribed('u4') }, u5: { ...subscribed('u5') } };
    const reconcileRun = await recorder.invoke(reconciler, {});
    const reconcile = {
      run: reconcileRun,
      before,
      after: sns.subscriptions.subscriptionsOf(TOPIC_ARN).map((s) => ({ ...s })),
      owners: await itemsOf(directory, 'userId', ['u1', 'u4', 'u5']),
    };
    const standIns = { recorder, proxy, sns, ses };
    const sweepPaths = await driveSweepPaths(standIns, table, sweep, schedulerEvent('sweep'));
    const notifierPaths = await driveNotifierPaths(standIns, table, notifier, schedulerEvent('notify'));
    const reconcilerPaths = await driveReconcilerPaths(
      standIns,
      directory,
      reconciler,
      (name, csv, asOf) => importOwners(directory, name, csv, asOf),
      TOPIC_ARN,
    );
    return {
      sweep,
      notifier,
      reconciler,
      audit,
      enforce: enforced,
      notify,
      farFuture,
      reconcileOnRelay,
      sweepWithDirectory,
      notifyWithDirectory,
      reconcile,
      sweepPaths,
      notifierPaths,
      reconcilerPaths,
    };
  };

  /**
   * The scenario on the relay route's stack: a sweep and the notifier publish r1's and r2's digests, which reach
   * the relay as its queue delivers them; SES refuses r1's first send (the relay releases its claim and fails the
   * record), then the relay emails each through SES; then SES reports r1's email bounced and r2's complained about,
   * and the SES events function records both and reports the bounced digest to the admins.
   */
  const runRelayRoute = async (assembly: string): Promise<RelayRoute> => {
    const relayTemplate = await readTemplate(assembly);
    const table = await newTable(createTestTable(local.endpoint, 'artifact-relay'));
    const directory = await newTable(
      createLocalTable(createOwnerDirectoryTable, 'artifact-relay-owners', local.endpoint),
    );
    const ledger = await newTable(
      createLocalTable(createRelayLedgerTable, 'artifact-relay-ledger', local.endpoint),
    );
    for (const record of RELAY_SEED)
      await table.client.send(new PutCommand({ TableName: table.tableName, Item: record }));
    await importOwners(directory, 'relay-owners.csv', RELAY_OWNERS_CSV);
    const tokens = {
      [HANDLER_ENV.tableName]: table.tableName,
      [HANDLER_ENV.topicArn]: RELAY_TOPIC_ARN,
      [HANDLER_ENV.alarmTopicArn]: ALARM_TOPIC_ARN,
      [HANDLER_ENV.directoryTableName]: directory.tableName,
      [HANDLER_ENV.relayLedgerTableName]: ledger.tableName,
      HYGIENE_sesConfigurationSet: CONFIGURATION_SET,
    };
    const fn = (description: string) => deployed(relayTemplate, assembly, description, tokens);
    const sweep = fn('Credential hygiene sweep');
    const notifier = fn('Credential hygiene notifier');
    const relay = fn('Emails owner digests through SES');
    const sesEvents = fn('Marks owner addresses bouncing');

    const sweepRun = await recorder.invoke(sweep, schedulerEvent('sweep'), { HYGIENE_mode: 'enforce' });
    const notifyRun = await recorder.invoke(notifier, schedulerEvent('notify'));
    // The relay queue's subscription: raw message delivery off, filtered on `audience` = `owner`.
    const digests = notifyRun.messages.filter((m) => m.attributes.audience === 'owner');
    // r1's digest alone first (one send to refuse), SES's sending paused: the relay releases its ledger claim.
    ses.refuseNext(SENDING_PAUSED);
    const r1 = digests.filter((m) => m.attributes.userId === 'r1');
    const refusedRun = await recorder.invoke(relay, sqsBatchOf(r1, RELAY_QUEUE_ARN, NOW_ISO));
    const refused = { run: refusedRun, ledger: await scan(ledger) };
    const standIns = { recorder, proxy, sns, ses };
    const r2 = digests.filter((m) => m.attributes.userId === 'r2');
    const claimGone = await driveReleaseOfGoneClaim(
      standIns,
      ledger,
      relay,
      sqsBatchOf(r2, RELAY_QUEUE_ARN, NOW_ISO),
    );
    const relayRun = await recorder.invoke(relay, sqsBatchOf(digests, RELAY_QUEUE_ARN, NOW_ISO));
    const alreadySent = await recorder.invoke(relay, sqsBatchOf(r1, RELAY_QUEUE_ARN, NOW_ISO));
    const emailTo = (address: string) => {
      const email = ses.sent.find((e) => e.to.includes(address));
      if (email === undefined) {
        const { code, result, stderr } = relayRun;
        throw new Error(`the relay sent nothing to ${address}: ${JSON.stringify({ code, result, stderr })}`);
      }
      return email;
    };
    const reported = new Date().toISOString();
    const sesEventsRun = await recorder.invoke(
      sesEvents,
      snsEventOf(
        [
          sesEventOf(emailTo('r1@example.com'), { eventType: 'Bounce' }, reported),
          sesEventOf(emailTo('r2@example.com'), { eventType: 'Complaint' }, reported),
        ],
        SES_EVENTS_TOPIC_ARN,
        reported,
      ),
    );
    const owners = await itemsOf(directory, 'userId', ['r1', 'r2']);
    // SQS delivers r1's digest once more: r1 cannot be emailed now, and the drain judged them reachable.
    const afterBounce = await recorder.invoke(relay, sqsBatchOf(r1, RELAY_QUEUE_ARN, NOW_ISO));
    const sesEventsPaths = await driveSesEventsPaths(standIns, {
      ledger,
      directory,
      sesEvents,
      bounced: emailTo('r1@example.com'),
      complained: emailTo('r2@example.com'),
      importOwners: (name, csv, asOf) => importOwners(directory, name, csv, asOf),
      topicArn: SES_EVENTS_TOPIC_ARN,
    });
    const reconciler = fn('Credential hygiene subscription reconciler');
    const reconcile = await reconcileLeftOverSubscription(reconciler);
    return {
      sweep,
      notifier,
      relay,
      sesEvents,
      reconciler,
      reconcile,
      template: relayTemplate,
      sweepRun,
      notifyRun,
      refused,
      claimGone,
      relayRun,
      alreadySent,
      sesEventsRun,
      owners,
      afterBounce,
      sesEventsPaths,
    };
  };

  /**
   * The relay route's reconciler on its topic as a switch from sns-email leaves it: the relay queue's subscription
   * (the stack's), and r1's owner email subscription, confirmed, which the route wants no more.
   */
  const reconcileLeftOverSubscription = async (
    reconciler: DeployedFunction,
  ): Promise<RelayRoute['reconcile']> => {
    sns.subscriptions.addSubscription({
      topicArn: RELAY_TOPIC_ARN,
      protocol: 'sqs',
      endpoint: RELAY_QUEUE_ARN,
      filterPolicy: { audience: ['owner'] },
    });
    const leftOver = sns.subscriptions.addSubscription({
      topicArn: RELAY_TOPIC_ARN,
      protocol: 'email',
      endpoint: 'r1@example.com',
      filterPolicy: { userId: ['r1'], audience: ['owner'], ownerReach: ['reachable', 'unverified'] },
    });
    const run = await recorder.invoke(reconciler, {});
    const after = sns.subscriptions.subscriptionsOf(RELAY_TOPIC_ARN).map((s) => ({ ...s }));
    return { run, leftOver: { ...leftOver }, after };
  };

  beforeAll(async () => {
    const relayAssembly = join(workDir, 'relay.out');
    const [started, relaySynth] = await Promise.all([
      startDynamoDbLocal(),
      cdkSynth(relayAssembly, workDir, RELAY_CONTEXT),
    ]);
    local = started;
    if (relaySynth.code !== 0) throw new Error(`cdk synth ${RELAY_CONTEXT.join(' ')}: ${relaySynth.stderr}`);
    proxy = await startRecordingProxy(local.endpoint);
    sns = await startSnsStub();
    // A deployment whose admin confirmed the alarm topic's subscription: the sweeps' alarm topic check finds it.
    sns.subscriptions.addSubscription({
      topicArn: ALARM_TOPIC_ARN,
      protocol: 'email',
      endpoint: 'sec@example.com',
    });
    ses = await startSesStub();
    recorder = new RunRecorder({ dynamoDb: proxy, sns, ses });
    defaultRoute = await runDefaultRoute();
    relayRoute = await runRelayRoute(relayAssembly);
  });

  afterAll(async () => {
    for (const table of tables) await table.drop();
    await ses?.stop();
    await sns?.stop();
    await proxy?.stop();
    await local?.stop();
  });

  it('audit (the deployed default): the sweep plans and reports to the admin audience, writes nothing', () => {
    const { run, before, after } = defaultRoute.audit;
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/"level":"ERROR"/);
    expect(run.result).toMatchObject({
      mode: 'audit',
      now: NOW_ISO,
      status: 'complete',
      scanned: SEED.length,
      invalid: { count: 1 },
      planned: { 'delete-expired': 1, 'notify-expiry': 1, 'flag-stale': 1 },
      guard: { tripped: false },
    });
    expect(after).toEqual(before);
    expect(run.messages).toHaveLength(1);
    const admin = run.messages[0]!;
    expect(admin).toMatchObject({
      topicArn: TOPIC_ARN,
      messageStructure: 'json',
      attributes: { audience: 'admin' },
    });
    expect(deliveredDocument(admin.message)).toMatchObject({
      schema: 'personal-client-hygiene/run-summary',
      summary: { mode: 'audit', now: NOW_ISO, planned: { 'delete-expired': 1 } },
    });
    // EMF metrics on stdout (a test below compares them with what the alarms watch).
    const emf = emfOf(run.stdout);
    expect(emf).toContainEqual(
      expect.objectContaining({ service: 'personal-client-hygiene', InvalidRecords: 1, GuardTripped: 0 }),
    );
    expect(JSON.stringify(emf)).toContain('"Namespace":"PersonalClientHygiene"');
  });

  it('enforce: the sweep decides at the scheduled time and writes transitions with owner events', () => {
    const { run, items } = defaultRoute.enforce;
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ mode: 'enforce', now: NOW_ISO, applied: { 'delete-expired': 1 } });
    expect(items['expired-1']).toMatchObject({
      deletedAt: NOW_ISO,
      updatedAt: NOW_ISO,
      hygieneDeletedReason: 'expired',
      hygieneOutboxOwner: 'u1',
    });
    expect(items['expiring-1']).toMatchObject({ hygieneExpiryNoticeStage: 7, hygieneOutboxOwner: 'u1' });
    expect(items['stale-1']).toMatchObject({ hygieneStaleFlaggedAt: NOW_ISO, hygieneOutboxOwner: 'u2' });
    expect(items['fresh-0']).toEqual(SEED.find((r) => r.id === 'fresh-0'));
  });

  it('the notifier drains the outbox into one digest per owner on SNS and clears it', () => {
    const { run, items } = defaultRoute.notify;
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ owners: 2, digests: 2, eventsPublished: 3, eventsFailed: 0 });
    const owners = run.messages.map((m) => [m.attributes.userId, m.attributes.audience]).sort();
    expect(owners).toEqual([
      ['u1', 'owner'],
      ['u2', 'owner'],
    ]);
    for (const id of ['expired-1', 'expiring-1', 'stale-1']) {
      expect(items[id]?.hygieneOutbox).toBeUndefined();
      expect(items[id]?.hygieneOutboxOwner).toBeUndefined();
    }
  });

  it('refuses, as deployed, a scheduled time years from the wall clock: nothing written, nothing published', () => {
    const { run, before, after } = defaultRoute.farFuture;
    expect(run.code).not.toBe(0);
    expect(run.stderr + run.stdout).toContain('ScheduledTimeSkewError');
    expect(run.stdout).toContain('"ScheduledTimeRejected":1');
    expect(after).toEqual(before);
    expect(run.messages).toHaveLength(0);
  });

  it('the subscription reconciler runs and reports its figures', () => {
    // On the relay route: it lists the topic and removes nothing, emitting the metrics its alarms watch.
    const run = defaultRoute.reconcileOnRelay;
    expect(run.stderr).not.toMatch(/"level":"ERROR"/);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ created: 0, removed: 0, failed: [] });
  });

  it('with an imported directory, the sweep looks up the reach of the owners with events', () => {
    const run = defaultRoute.sweepWithDirectory;
    expect(run.code).toBe(0);
    // The reach phase read u4 by key (BatchGetItem): in the directory, never subscribed on sns-email.
    expect(run.result).toMatchObject({
      applied: { 'notify-expiry': 1 },
      directory: { status: 'used', owners: 3 },
      reach: { status: 'verified', ownersChecked: 1, byReason: { 'no-subscription': 1 } },
    });
  });

  it('with an imported directory, the notifier on sns-email lists the topic to judge reach', () => {
    const run = defaultRoute.notifyWithDirectory;
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({
      ownerDelivery: 'sns-email',
      reach: 'verified',
      subscriptionCheck: 'listed',
      digests: 1,
      unreachableReasons: { 'no-subscription': 1 },
    });
  });

  it('with an imported directory, the reconciler on sns-email subscribes, repairs, unsubscribes and records', () => {
    const { run, before, after, owners } = defaultRoute.reconcile;
    expect(run.stderr).not.toMatch(/"level":"ERROR"/);
    expect(run.code).toBe(0);
    // u1 subscribed (pending), u4's filter policy repaired, the departed u5's subscription removed.
    expect(run.result).toMatchObject({ route: 'sns-email', created: 1, repaired: 1, removed: 1, failed: [] });
    expect(after.map((s) => [s.endpoint, s.pending, s.filterPolicy])).toEqual([
      [
        'u4@example.com',
        false,
        { userId: ['u4'], audience: ['owner'], ownerReach: ['reachable', 'unverified'] },
      ],
      [
        'u1@example.com',
        true,
        { userId: ['u1'], audience: ['owner'], ownerReach: ['reachable', 'unverified'] },
      ],
    ]);
    // What the directory records of each: the state, and the ARN of a confirmed subscription.
    expect(owners.u1).toMatchObject({ subscription: 'pending' });
    expect(owners.u1?.subscriptionArn).toBeUndefined();
    expect(owners.u4).toMatchObject({ subscription: 'confirmed', subscriptionArn: before.u4.arn });
    // The departed u5: no subscription left, and none recorded (as before the run).
    expect(owners.u5).toMatchObject({ status: 'departed' });
    expect(owners.u5?.subscription).toBeUndefined();
    expect(after.map((s) => s.arn)).not.toContain(before.u5.arn);
  });

  it('on the relay route, the notifier’s digests reach the relay through its queue, and it emails each through SES', () => {
    const { sweepRun, notifyRun, relayRun } = relayRoute;
    expect(sweepRun.code).toBe(0);
    expect(sweepRun.result).toMatchObject({
      applied: { 'notify-expiry': 1, 'flag-stale': 1 },
      reach: { status: 'verified', route: 'relay', ownersChecked: 2, unreachableOwners: 0 },
    });
    expect(notifyRun.code).toBe(0);
    expect(notifyRun.result).toMatchObject({ ownerDelivery: 'relay', digests: 2, eventsFailed: 0 });
    expect(relayRun.stderr).not.toMatch(/"level":"ERROR"/);
    expect(relayRun.code).toBe(0);
    expect(relayRun.result).toEqual({ batchItemFailures: [] });
    const sent = [...ses.sent].sort((a, b) => collate(a.to.join(), b.to.join()));
    expect(sent).toEqual(
      ['r1', 'r2'].map((userId) => ({
        messageId: expect.any(String),
        from: SENDER,
        to: [`${userId}@example.com`],
        configurationSetName: CONFIGURATION_SET,
        tags: expect.objectContaining(ownerTags(userId)),
      })),
    );
  });

  it('on the relay route, a send SES refuses releases the relay’s ledger claim and fails the record; its redelivery is sent', () => {
    const { run, ledger } = relayRoute.refused;
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/"level":"ERROR"/);
    // One record, failed for SQS to retry: SES refused its one SendEmail (not retried: sending paused is permanent).
    expect(run.result).toEqual({ batchItemFailures: [{ itemIdentifier: expect.any(String) }] });
    expect(run.ses.map((r) => r.action)).toEqual(['SendEmail']);
    // The claim (PutItem) released (DeleteItem): nothing left in the ledger, so the redelivery claims and sends.
    expect(run.dynamoDb.map((r) => r.operation)).toEqual(['BatchGetItem', 'PutItem', 'DeleteItem']);
    expect(ledger).toEqual([]);
    expect(relayRoute.relayRun.result).toEqual({ batchItemFailures: [] });
    expect(relayRoute.relayRun.ses.map((r) => r.action)).toEqual(['SendEmail', 'SendEmail']);
  });

  it('on the relay route, SES’s bounce and complaint reach the SES events function, which records both and reports the bounced digest', () => {
    const { sesEventsRun: run, owners } = relayRoute;
    expect(run.stderr).not.toMatch(/"level":"ERROR"/);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({
      bounces: 2,
      complaints: 1,
      marked: 1,
      optedOut: 1,
      unattributed: 0,
      digestsReported: 1,
      digestsUnreadable: 0,
    });
    expect(owners.r1).toMatchObject({ bouncingSince: expect.any(String) });
    expect(owners.r2).toMatchObject({ subscription: 'unsubscribed' });
    expect(run.messages.map((m) => [m.topicArn, m.attributes.audience, m.attributes.eventTypes])).toEqual([
      [RELAY_TOPIC_ARN, 'admin', '["owner-unreachable"]'],
    ]);
  });

  it('on the relay route, the reconciler (its own role) removes an owner subscription left from sns-email, and only lists, reads and unsubscribes', () => {
    const { run, leftOver, after } = relayRoute.reconcile;
    expect(run.stderr).not.toMatch(/"level":"ERROR"/);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ route: 'relay', created: 0, repaired: 0, removed: 1, failed: [] });
    // The relay queue's subscription stays; r1's is gone.
    expect(after.map((s) => [s.protocol, s.endpoint])).toEqual([['sqs', RELAY_QUEUE_ARN]]);
    expect(after.map((s) => s.arn)).not.toContain(leftOver.arn);
    // All it asks of SNS: no Subscribe, no SetSubscriptionAttributes (its role has neither: the last test checks).
    expect([...new Set(run.sns.map((r) => r.action))].sort()).toEqual([
      'GetSubscriptionAttributes',
      'ListSubscriptionsByTopic',
      'Unsubscribe',
    ]);
    expect(run.sns.filter((r) => r.action === 'Unsubscribe')).toEqual([
      { action: 'Unsubscribe', subscriptionArn: leftOver.arn },
    ]);
  });

  // The rarer paths (support/rare-paths.ts): each the same action on the same resource as a request above, driven
  // so that a change to one is checked too. Each test names the requests only that path sends, and checks them allowed.

  it('the sweep’s rarer paths: a stored checkpoint resumed and cleared, a tripped guard overridden by the recorded approval, a refused batch written item by item, a checkpoint saved when out of time; each request allowed', () => {
    const { resumed, outOfTime, deleted, checkpoint } = defaultRoute.sweepPaths;
    expect(resumed.code).toBe(0);
    expect(resumed.result).toMatchObject({
      status: 'complete',
      applied: { 'delete-expired': 1 },
      transitionsWrittenAlone: 1,
      guard: { tripped: true, overridden: true, approval: { id: 'approval-1', status: 'used' } },
      checkpoint: { resumed: true, cleared: true },
    });
    expect(deleted).toMatchObject({ deletedAt: NOW_ISO, hygieneDeletedReason: 'expired' });
    expect(checkpoint.afterResumed).toEqual({ id: CHECKPOINT_ID });
    expect(outOfTime.code).toBe(0);
    expect(outOfTime.result).toMatchObject({
      status: 'incomplete',
      checkpoint: { resumed: false, saved: true, segments: 4, segmentsDone: 1 },
    });
    expect(checkpoint.afterOutOfTime?.[CHECKPOINT_ATTR.checkpoint]).toEqual(expect.any(String));
    const paths = [
      // The checkpoint's load (found) and its clear.
      ...requestsOf(resumed, 'UpdateItem', CHECKPOINT_ID, 'ok', 2),
      // The approval's use.
      ...requestsOf(resumed, 'UpdateItem', GUARD_APPROVAL_ID, 'ok', 1),
      // The deletion written on its own after its batch was refused.
      ...requestsOf(resumed, 'BatchExecuteStatement', undefined, WHOLE_CALL_REFUSED.errorType, 1),
      ...requestsOf(resumed, 'UpdateItem', GUARD_CREDENTIAL.id, 'ok', 1),
    ];
    // Out of time: its load finds none (the condition fails), its save writes.
    const save = requestsOf(outOfTime, 'UpdateItem', CHECKPOINT_ID, 'ok', 1);
    expect([...disallowed(resumed, paths), ...disallowed(outOfTime, save)]).toEqual([]);
  });

  it('the notifier’s rarer paths: marks written item by item after a refused batch, an emptied outbox still indexed cleaned up; each request allowed', () => {
    const { run, items } = defaultRoute.notifierPaths;
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ digests: 1, eventsPublished: 1, eventsFailed: 0, storeErrors: 0 });
    expect(run.messages.map((m) => m.attributes.userId)).toEqual(['u4']);
    // Both out of the index: the notice marked sent, the emptied outbox cleaned up.
    for (const item of Object.values(items)) expect(item?.hygieneOutboxOwner).toBeUndefined();
    expect(items[GUARD_CREDENTIAL.id]?.hygieneOutbox).toBeUndefined();
    const paths = [
      ...requestsOf(run, 'UpdateItem', EMPTIED_OUTBOX.id, 'ok', 1),
      ...requestsOf(run, 'BatchExecuteStatement', undefined, WHOLE_CALL_REFUSED.errorType, 1),
      // The per-item path re-reads the items (BatchGetItem), then marks each on its own.
      ...requestsOf(run, 'UpdateItem', GUARD_CREDENTIAL.id, 'ok', 1),
    ];
    expect(disallowed(run, paths)).toEqual([]);
  });

  it('the reconciler’s rarer path: the subscription it created for an owner who departed meanwhile, withdrawn in the same run (left pending: SNS cannot delete it), no failure; allowed', () => {
    const { run, before, after } = defaultRoute.reconcilerPaths;
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({
      created: 1,
      failed: [],
      withdrawnAfterCreate: [
        { userId: DEPARTING_OWNER.userId, email: DEPARTING_OWNER.email, pendingLeft: true },
      ],
    });
    expect(after.filter((s) => s.endpoint === DEPARTING_OWNER.email).map((s) => s.pending)).toEqual([true]);
    // The one Unsubscribe names the subscription this run's Subscribe created (not one the topic had before);
    // refused, it is read once to tell a pending subscription.
    const [withdrawal] = (run.result as { withdrawnAfterCreate: { subscriptionArn: string }[] })
      .withdrawnAfterCreate;
    const unsubscribe = run.sns.filter((r) => r.action === 'Unsubscribe');
    expect(unsubscribe).toEqual([{ action: 'Unsubscribe', subscriptionArn: withdrawal?.subscriptionArn }]);
    const readBack = run.sns.filter(
      (r) => r.action === 'GetSubscriptionAttributes' && r.subscriptionArn === withdrawal?.subscriptionArn,
    );
    expect(readBack).toHaveLength(1);
    expect(before).not.toContain(withdrawal?.subscriptionArn);
    expect(disallowed(run, [...unsubscribe, ...readBack])).toEqual([]);
  });

  it('the relay’s rarer paths: a release that finds its claim gone, a redelivered digest already sent, one whose owner its bounce made unreachable; each request allowed', () => {
    const { claimGone, alreadySent, afterBounce } = relayRoute;
    expect(claimGone.code).toBe(0);
    // SES refused the send: the record fails for SQS to retry (relayRun then sends it).
    expect(claimGone.result).toEqual({ batchItemFailures: [{ itemIdentifier: expect.any(String) }] });
    // Its release (of r2's part entry) finds no claim of its own.
    const release = requestsOf(
      claimGone,
      'DeleteItem',
      /^relay#.*#r2#/,
      'ConditionalCheckFailedException',
      1,
    );
    expect(alreadySent.code).toBe(0);
    expect(alreadySent.result).toEqual({ batchItemFailures: [] });
    expect(alreadySent.ses).toEqual([]);
    // The claim refused: the entry is sent.
    const claim = requestsOf(alreadySent, 'PutItem', undefined, 'ConditionalCheckFailedException', 1);
    // r1 bouncing, not reported by the drain: the part's state read (sent), nothing written, acknowledged.
    expect(afterBounce.code).toBe(0);
    expect(afterBounce.result).toEqual({ batchItemFailures: [] });
    expect(afterBounce.ses).toEqual([]);
    expect(afterBounce.dynamoDb.map((r) => r.operation)).toEqual(['BatchGetItem', 'GetItem']);
    const read = requestsOf(afterBounce, 'GetItem', /^relay#.*#r1#/, 'ok', 1);
    expect([
      ...disallowed(claimGone, release),
      ...disallowed(alreadySent, claim),
      ...disallowed(afterBounce, read),
    ]).toEqual([]);
  });

  it('the SES events function’s rarer paths: a complaint after a move remembered, a bounce without its ledger entry claimed on its own and released when the topic refuses the report; each request allowed', () => {
    const { run, moved, ledger, reportKey } = relayRoute.sesEventsPaths;
    // The report not published: the invocation fails, for Lambda to retry.
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('BounceReportPublishError');
    // r2 at the new address, the opt-out at the old one remembered (its one write to r2: the address is not theirs now).
    expect(moved).toMatchObject({ email: MOVED_ADDRESS });
    expect(moved?.optedOutAddresses).toContain(optedOutAddressDigest('r2@example.com'));
    // The report's claim released: the bounce's own entry keeps no report.
    expect(ledger.find((e) => e.id === reportKey)).toEqual({ id: reportKey, expiresAt: expect.any(Number) });
    const paths = [
      ...requestsOf(run, 'UpdateItem', 'r2', 'ok', 1),
      // The claim on the bounce's own entry, then its release.
      ...requestsOf(run, 'UpdateItem', reportKey, 'ok', 2),
    ];
    expect(disallowed(run, paths)).toEqual([]);
  });

  it('every alarm on a run metric watches a metric the bundled runs emit, with exactly its dimensions', () => {
    const emitted = (synthesized: SynthTemplate) =>
      recorder.runs.filter((r) => r.fn.template === synthesized).flatMap((r) => emfOf(r.stdout));
    const watched = runAlarmsOf(template);
    // The stack's run alarms: every one is checked.
    expect(watched.length).toBeGreaterThanOrEqual(12);
    expect(watched.flatMap((w) => emfProblems(w, emitted(template)))).toEqual([]);
    // The relay route's own (the relay's and the SES events function's), against the relay route's runs.
    const shared = new Set(watched.map((w) => w.alarm));
    const relayOnly = runAlarmsOf(relayRoute.template).filter((w) => !shared.has(w.alarm));
    expect(relayOnly.length).toBeGreaterThanOrEqual(2);
    expect(relayOnly.flatMap((w) => emfProblems(w, emitted(relayRoute.template)))).toEqual([]);
  });

  it('fails at cold start on a bad config variable, naming it', async () => {
    const { sweep } = defaultRoute;
    const run = await invoke(
      sweep.entry,
      { ...sweep.env, HYGIENE_staleAfterDays: 'abc' },
      schedulerEvent('sweep'),
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('staleAfterDays = "abc": must be an integer from 1 to 3650');
  });

  it('the bundled runs exercised every path the role check covers (a lost one fails here)', () => {
    const runs = recorder.runs;
    expectDefaultRoutePathsExercised(runs, template, defaultRoute);
    expectRelayRoutePathsExercised(runs, relayRoute);
    expectStructuralRequirements(template, defaultRoute, relayRoute);
    expectEveryRolePolicyRead([template, relayRoute.template]);
  });

  it('every AWS request a bundled run sent, and what AWS does for each function, is allowed by its role', () => {
    const templates = [template, relayRoute.template];
    const problems = [
      ...recorder.runs.flatMap(roleProblems),
      ...templates.flatMap((t) => functionIds(t).flatMap((id) => structuralProblems(t, id))),
    ];
    expect([...new Set(problems)]).toEqual([]);
  });
});

/**
 * The requests the runs on the default route (`sns-email`) sent, as IAM authorizes them: the sweep's, the notifier's
 * and the reconciler's (a path lost fails here, before the role check could pass for want of a request).
 */
function expectDefaultRoutePathsExercised(
  runs: readonly RecordedRun[],
  defaultTemplate: SynthTemplate,
  route: DefaultRoute,
): void {
  const { sweep, notifier, reconciler } = route;
  const credentials = tableArn(sweep, HANDLER_ENV.tableName);
  const owners = tableArn(sweep, HANDLER_ENV.directoryTableName);
  const topic = topicArn(sweep);
  // SNS encrypts each publish with the topic's key, with the publisher's role (structural).
  const topicKey = `{${topicKeyOf(defaultTemplate, topic)}}`;
  const publish = [`sns:Publish ${topic}`, `kms:GenerateDataKey ${topicKey}`, `kms:Decrypt ${topicKey}`];
  const alarmTopic = topicArn(sweep, HANDLER_ENV.alarmTopicArn);
  expect(neededBy(runs, sweep)).toEqual(
    expect.arrayContaining([
      // The alarm topic check after each run (its subscriptions listed: does an alarm reach anyone?).
      `sns:ListSubscriptionsByTopic ${alarmTopic}`,
      `dynamodb:Scan ${credentials}`,
      // The checkpoint's claim and the run manifest's pages (the transitions go as PartiQL below).
      `dynamodb:UpdateItem ${credentials}`,
      `dynamodb:PartiQLUpdate ${credentials}`,
      `dynamodb:GetItem ${owners}`,
      `dynamodb:Scan ${owners}`,
      `dynamodb:BatchGetItem ${owners}`,
      ...publish,
    ]),
  );
  expect(neededBy(runs, notifier)).toEqual(
    expect.arrayContaining([
      `dynamodb:Scan ${credentials}/index/${OUTBOX_INDEX}`,
      `dynamodb:BatchGetItem ${credentials}`,
      `dynamodb:UpdateItem ${credentials}`,
      `dynamodb:PartiQLUpdate ${credentials}`,
      `dynamodb:GetItem ${owners}`,
      `dynamodb:BatchGetItem ${owners}`,
      `sns:ListSubscriptionsByTopic ${topic}`,
      ...publish,
    ]),
  );
  expect(neededBy(runs, reconciler)).toEqual(
    expect.arrayContaining([
      `dynamodb:Scan ${owners}`,
      `dynamodb:BatchGetItem ${owners}`,
      `dynamodb:UpdateItem ${owners}`,
      `sns:ListSubscriptionsByTopic ${topic}`,
      `sns:Subscribe ${topic}`,
      // A subscription has no IAM resource type: these are authorized against "*".
      'sns:GetSubscriptionAttributes *',
      'sns:SetSubscriptionAttributes *',
      'sns:Unsubscribe *',
    ]),
  );
}

/** The requests the relay route's runs sent: its reconciler's (no more), the relay's and the SES events function's. */
function expectRelayRoutePathsExercised(runs: readonly RecordedRun[], relayRoute: RelayRoute): void {
  const { relay, sesEvents } = relayRoute;
  // The relay route's reconciler needs only these: no Subscribe, no SetSubscriptionAttributes (its role has neither).
  expect(new Set(neededBy(runs, relayRoute.reconciler))).toEqual(
    new Set([
      // Every owner (no state to record: none changed, none to re-read: none to subscribe).
      `dynamodb:Scan ${tableArn(relayRoute.reconciler, HANDLER_ENV.directoryTableName)}`,
      `sns:ListSubscriptionsByTopic ${topicArn(relayRoute.reconciler)}`,
      'sns:GetSubscriptionAttributes *',
      'sns:Unsubscribe *',
    ]),
  );
  const ledger = tableArn(relay, HANDLER_ENV.relayLedgerTableName);
  const relayOwners = tableArn(relay, HANDLER_ENV.directoryTableName);
  // A raw send is authorized as both actions (test/infra/support/required-permissions.ts, `sesPermissions`).
  const sendEmail = (resource: string) =>
    ['ses:SendEmail', 'ses:SendRawEmail'].map(
      (action) => `${action} arn:{AWS::Partition}:ses:{AWS::Region}:{AWS::AccountId}:${resource}`,
    );
  const configurationSet = relay.logicalIdOf(CONFIGURATION_SET);
  expect(neededBy(runs, relay)).toEqual(
    expect.arrayContaining([
      `dynamodb:BatchGetItem ${relayOwners}`,
      `dynamodb:PutItem ${ledger}`,
      `dynamodb:UpdateItem ${ledger}`,
      // The claim released after SES refused the send.
      `dynamodb:DeleteItem ${ledger}`,
      // The state of a part for an owner unreachable since the drain.
      `dynamodb:GetItem ${ledger}`,
      ...sendEmail(`identity/${SENDER}`),
      ...sendEmail('identity/example.com'),
      ...sendEmail(`configuration-set/{${configurationSet}}`),
    ]),
  );
  const relayTopicKey = `{${topicKeyOf(relayRoute.template, topicArn(sesEvents))}}`;
  expect(neededBy(runs, sesEvents)).toEqual(
    expect.arrayContaining([
      `dynamodb:BatchGetItem ${relayOwners}`,
      `dynamodb:UpdateItem ${relayOwners}`,
      `dynamodb:GetItem ${ledger}`,
      `dynamodb:UpdateItem ${ledger}`,
      `sns:Publish ${topicArn(sesEvents)}`,
      `kms:GenerateDataKey ${relayTopicKey}`,
      `kms:Decrypt ${relayTopicKey}`,
    ]),
  );
}

/**
 * What AWS does with each function's role that the templates alone decide: the relay's SQS poller, and the failure
 * destinations of the default route's functions and the SES events function.
 */
function expectStructuralRequirements(
  defaultTemplate: SynthTemplate,
  defaultRoute: DefaultRoute,
  relayRoute: RelayRoute,
): void {
  const { sweep, notifier, reconciler } = defaultRoute;
  const { relay, sesEvents } = relayRoute;
  const relayQueue = `{${queueOf(relayRoute.template, 'AWS::Lambda::EventSourceMapping', relay.id)}.Arn}`;
  expect(structurallyNeededBy(relayRoute.template, relay.id)).toEqual([
    `sqs:ReceiveMessage ${relayQueue}`,
    `sqs:DeleteMessage ${relayQueue}`,
    `sqs:GetQueueAttributes ${relayQueue}`,
  ]);
  for (const [synthesized, fn] of [
    [defaultTemplate, sweep],
    [defaultTemplate, notifier],
    [defaultTemplate, reconciler],
    [relayRoute.template, sesEvents],
  ] as const) {
    const failures = `{${queueOf(synthesized, 'AWS::Lambda::EventInvokeConfig', fn.id)}.Arn}`;
    expect(structurallyNeededBy(synthesized, fn.id), fn.id).toEqual([`sqs:SendMessage ${failures}`]);
  }
}

/** Every condition key and managed policy of the shipped roles (in `templates`) is one the role check reads. */
function expectEveryRolePolicyRead(templates: readonly SynthTemplate[]): void {
  // Every condition key on the shipped roles' Allows is one the check evaluates (header): none is taken as met.
  const unevaluated = templates.flatMap((t) =>
    functionIds(t).flatMap((id) =>
      unevaluatedConditionKeys(functionRoleStatements(t, id)).map((k) => `${id}: ${k}`),
    ),
  );
  expect(unevaluated).toEqual([]);
  // Every managed policy the shipped roles name is one of the template's, read with the rest (header).
  const unreadable = templates.flatMap((t) =>
    functionIds(t).flatMap((id) => unreadableManagedPolicyArns(t, id).map((arn) => `${id}: ${arn}`)),
  );
  expect(unreadable).toEqual([]);
}

/** The logical ids of a synthesized template's functions. */
function functionIds(synthesized: SynthTemplate): string[] {
  return functionsOf(synthesized).map(([id]) => id);
}

/** The ARN of the table `fn`'s variable `variable` names, as its role's policies write it (`{X.Arn}`). */
function tableArn(fn: DeployedFunction, variable: string): string {
  return `{${fn.logicalIdOf(fn.env[variable] ?? '')}.Arn}`;
}

/** The ARN of `fn`'s topic (or the one its `variable` names), as its role's policies write it (`{X}`). */
function topicArn(fn: DeployedFunction, variable: string = HANDLER_ENV.topicArn): string {
  return `{${fn.logicalIdOf(fn.env[variable] ?? '')}}`;
}

/** The key of the topic whose ARN `topic` (`{X}`) stands for, as its role's policies write it (`X.Arn`-style text). */
function topicKeyOf(synthesized: SynthTemplate, topic: string): string {
  const properties = synthesized.Resources[topic.slice(1, -1)]?.Properties as { KmsMasterKeyId?: unknown };
  const key = (properties?.KmsMasterKeyId as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  if (key === undefined) throw new Error(`${topic} has no key of the template`);
  return `${key[0]}.${key[1]}`;
}

/** The SQS queue the only resource of `type` for function `functionId` points at (its event source or failure destination). */
function queueOf(synthesized: SynthTemplate, type: string, functionId: string): string {
  const found = Object.values(synthesized.Resources).filter(
    (r) =>
      r.Type === type &&
      (r.Properties as { FunctionName?: { Ref?: string } }).FunctionName?.Ref === functionId,
  );
  if (found.length !== 1) throw new Error(`${functionId}: ${found.length} ${type}`);
  const p = found[0]!.Properties as {
    EventSourceArn?: { 'Fn::GetAtt': [string, string] };
    DestinationConfig?: { OnFailure: { Destination: { 'Fn::GetAtt': [string, string] } } };
  };
  return (p.EventSourceArn ?? p.DestinationConfig?.OnFailure.Destination)?.['Fn::GetAtt'][0] ?? '';
}

/**
 * The DynamoDB requests of `run` of `operation` on the item `key` (undefined: one naming no single item) answered
 * `outcome`: exactly `count` of them, or the path that sends them was not taken.
 */
function requestsOf(
  run: RecordedRun,
  operation: string,
  key: string | RegExp | undefined,
  outcome: string,
  count: number,
): DynamoDbRequest[] {
  const keyed = (k: string | undefined) =>
    key instanceof RegExp ? k !== undefined && key.test(k) : k === key;
  const found = run.dynamoDb.filter(
    (r) => r.operation === operation && keyed(r.key) && r.outcome === outcome,
  );
  expect(found, `${run.fn.id}: ${operation} of ${String(key)} answered ${outcome}`).toHaveLength(count);
  return found;
}

/** What the role of `run`'s function does not allow of `requests` (none: each allowed). */
function disallowed(run: RecordedRun, requests: readonly (DynamoDbRequest | StubRequest)[]): string[] {
  return requests.flatMap((request) => requestProblems(run, request));
}
