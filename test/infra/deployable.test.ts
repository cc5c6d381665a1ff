/**
 * What a new user gets: `npx cdk synth` offline, with no AWS credentials or
 * profile, produces the stack; a bad context value fails it with one line
 * naming the key; and the bundled Lambda code in the synthesized assembly
 * really runs: each handler is invoked with a Scheduler-shaped event and the
 * environment from the template, against DynamoDB Local (behind a recording
 * proxy) and a local SNS stub. Neither enforces IAM, so every request each run
 * sends is recorded and, last, checked against the identity policies of the
 * role its function has in the template (test/infra/support/role-policy.ts).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOwnerDirectoryTable } from '../../cli/aws/create-owner-directory-table';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../cli/local/local-dynamodb';
import { importOwnerFile } from '../../cli/use-cases/import-owners';
import { HANDLER_ENV } from '../../lambdas/handlers/environment';
import { OUTBOX_INDEX } from '../../lambdas/hygiene/data-contract';
import { PROJECT_ROOT } from '../../lib/hygiene-function';
import { deliveredDocument } from '../support/sns-delivery';
import { createLocalTable, createTestTable, type TestTable } from '../support/test-table';
import { type SnsStub, type StubRequest, startSnsStub } from './sns-stub';
import { type DynamoDbRequest, type RecordingProxy, startRecordingProxy } from './support/recording-proxy';
import {
  dynamoDbPermissions,
  type LogicalIdOf,
  type RequiredPermission,
  snsPermission,
} from './support/required-permissions';
import { decide, type PolicyTemplate, roleStatements } from './support/role-policy';

const execFileAsync = promisify(execFile);

/** A clean environment: no AWS credentials, no profile, no config files, a throwaway HOME. */
function scrubbedEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

async function cdkSynth(outdir: string, home: string, context: string[] = []) {
  const args = [
    'cdk',
    'synth',
    '--quiet',
    '--no-notices',
    '--output',
    outdir,
    ...context.flatMap((c) => ['-c', c]),
  ];
  try {
    const { stdout, stderr } = await execFileAsync('npx', args, {
      cwd: PROJECT_ROOT,
      env: scrubbedEnv(home),
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error: unknown) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

interface CfnFunction {
  Properties: {
    Description: string;
    Handler: string;
    Environment: { Variables: Record<string, unknown> };
  };
  Metadata: { 'aws:asset:path': string };
}

let workDir: string;
let outdir: string;
let synth: Awaited<ReturnType<typeof cdkSynth>>;
let template: { Resources: Record<string, { Type: string } & CfnFunction> };

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'pch-synth-'));
  outdir = join(workDir, 'cdk.out');
  synth = await cdkSynth(outdir, workDir);
  if (synth.code === 0) {
    template = JSON.parse(await readFile(join(outdir, 'PersonalClientHygiene.template.json'), 'utf8'));
  }
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('npx cdk synth with no AWS credentials', () => {
  it('succeeds offline, cdk-nag clean, and the template has the stack in audit mode', () => {
    expect(synth.stderr).not.toMatch(/AwsSolutions-/);
    expect(synth.code).toBe(0);
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    // Sweep, notifier and (issue 11) the subscription reconciler.
    expect(functions.map((f) => f.Properties.Environment.Variables.HYGIENE_mode)).toEqual([
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

/** A function of the template: its logical id, its bundle's entry file and its environment as the template has it. */
interface Bundle {
  readonly id: string;
  readonly entry: string;
  readonly env: Record<string, unknown>;
}

function bundleOf(descriptionStart: string): Bundle {
  const found = Object.entries(template.Resources).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description.startsWith(descriptionStart),
  );
  if (!found) throw new Error(`no function ${descriptionStart}`);
  const [id, fn] = found;
  expect(fn.Properties.Handler).toBe('index.handler');
  return {
    id,
    entry: join(outdir, fn.Metadata['aws:asset:path'], 'index.mjs'),
    env: fn.Properties.Environment.Variables,
  };
}

/**
 * What the run's names stand for in the template: each variable the template sets to `Ref X` (a table's
 * name, the topic's ARN) maps the value `resolved` gives it to `X`.
 */
function logicalIdsOf(env: Record<string, unknown>, resolved: Record<string, string>): LogicalIdOf {
  const ids = new Map<string, string>();
  for (const [key, value] of Object.entries(env)) {
    const ref = (value as { Ref?: unknown } | null)?.Ref;
    if (typeof ref === 'string' && resolved[key] !== undefined) ids.set(resolved[key], ref);
  }
  return (name) => ids.get(name);
}

/** The template's environment with its tokens resolved to the local stand-ins. */
function resolveEnv(
  env: Record<string, unknown>,
  table: TestTable,
  directory: TestTable,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (typeof value === 'string') out[key] = value;
    else if (key === HANDLER_ENV.tableName) out[key] = table.tableName;
    else if (key === HANDLER_ENV.topicArn) out[key] = TOPIC_ARN;
    // The owner directory (issue 11), as a fresh deployment has it: created, never imported (until the
    // tests "with an imported directory" below import it).
    else if (key === HANDLER_ENV.directoryTableName) out[key] = directory.tableName;
    else throw new Error(`unexpected token in ${key}: ${JSON.stringify(value)}`);
  }
  return out;
}

/** Runs `handler` from the bundle in a fresh Node process (a cold start), as Lambda would call it. */
async function invoke(
  entry: string,
  env: Record<string, string>,
  event: unknown,
): Promise<{ code: number; result: unknown; stdout: string; stderr: string }> {
  const script = `
    const mod = await import(${JSON.stringify(pathToFileURL(entry).href)});
    const context = {
      functionName: 'local', functionVersion: '$LATEST', memoryLimitInMB: '1024',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:local',
      awsRequestId: 'req-1', logGroupName: 'local', logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 600000,
    };
    const result = await mod.handler(${JSON.stringify(event)}, context);
    process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      resolve({ code: code ?? 1, result: line ? JSON.parse(line.slice(7)) : undefined, stdout, stderr });
    });
  });
}

/** One EMF line a handler printed: its `_aws` metadata and its root fields (dimension and metric values). */
interface EmfBlob {
  readonly _aws: {
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string }[];
    }[];
  };
  readonly [field: string]: unknown;
}

/** The EMF lines of a run's stdout. */
function emfOf(stdout: string): EmfBlob[] {
  return stdout
    .split('\n')
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as EmfBlob);
}

/** A custom-metric alarm of the template: what it watches. */
interface WatchedMetric {
  readonly alarm: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Every alarm of the template on a metric of the handlers (a namespace not `AWS/…`). */
function runAlarmsOf(resources: Record<string, { Type: string; Properties?: unknown }>): WatchedMetric[] {
  return Object.entries(resources).flatMap(([alarm, resource]) => {
    if (resource.Type !== 'AWS::CloudWatch::Alarm') return [];
    const p = resource.Properties as {
      Namespace?: string;
      MetricName?: string;
      Dimensions?: { Name: string; Value: unknown }[];
    };
    if (p.Namespace === undefined || p.Namespace.startsWith('AWS/')) return [];
    const dimensions = Object.fromEntries((p.Dimensions ?? []).map((d) => [d.Name, String(d.Value)]));
    return [{ alarm, namespace: p.Namespace, metricName: p.MetricName ?? '', dimensions }];
  });
}

/**
 * What is wrong between an alarm and the EMF the bundled runs printed: no run
 * emits its metric in its namespace, or an emission of it carries no
 * dimension set equal to the alarm's (names and values: CloudWatch files each
 * set as its own metric, so the alarm would watch nothing).
 */
function emfProblems(watched: WatchedMetric, blobs: readonly EmfBlob[]): string[] {
  const same = (a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>) =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
  const emissions = blobs.flatMap((blob) =>
    blob._aws.CloudWatchMetrics.filter(
      (d) => d.Namespace === watched.namespace && d.Metrics.some((m) => m.Name === watched.metricName),
    ).map((d) => d.Dimensions.map((set) => Object.fromEntries(set.map((name) => [name, blob[name]])))),
  );
  const where = `${watched.alarm} (${watched.namespace} ${watched.metricName} ${JSON.stringify(watched.dimensions)})`;
  if (emissions.length === 0) return [`${where}: no bundled run emits it`];
  return emissions
    .filter((sets) => !sets.some((set) => same(set, watched.dimensions)))
    .map((sets) => `${where}: emitted with the dimension sets ${JSON.stringify(sets)}`);
}

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
 * Each of `permissions` (what a run of function `id` sent) that the identity policies of the function's role
 * in `template` do not allow, as a line naming the function, the action and the resource (the run's name, and
 * the template's).
 */
function roleProblems(
  template: PolicyTemplate,
  id: string,
  permissions: readonly RequiredPermission[],
): string[] {
  const statements = roleStatements(template, id);
  return permissions.flatMap((p) => {
    const decision = decide(statements, p.action, p.resource);
    return decision === 'allowed'
      ? []
      : [`${id}: ${p.action} on ${p.name} (${p.resource}) is ${decision} by its role`];
  });
}

/** The owner directory imported half-way (`owners import`), a snapshot fresh for the sweep at SCHEDULED_TIME. */
const OWNERS_CSV = 'userId,email,name,status\nu1,u1@example.com,Una,active\nu4,u4@example.com,Ugo,active\n';
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

describe('the bundled Lambda code from the assembly', () => {
  let local: DynamoDbLocal;
  let table: TestTable;
  let directory: TestTable;
  let sns: SnsStub;
  /** DynamoDB Local as the handlers reach it: every request recorded. */
  let proxy: RecordingProxy;
  let sweep: Bundle;
  let notifier: Bundle;
  let reconciler: Bundle;
  let sweepEnv: Record<string, string>;
  let notifierEnv: Record<string, string>;
  let reconcilerEnv: Record<string, string>;
  /** The EMF lines of every run below, for the alarms test. */
  const emitted: EmfBlob[] = [];
  /** The bundled functions by entry file: their logical id, and what the run's names stand for in the template. */
  const functions = new Map<string, { readonly id: string; readonly logicalIdOf: LogicalIdOf }>();
  /** Every run below: its function's entry file and the requests it sent (for the role check, the last test). */
  const runs: { entry: string; dynamoDb: DynamoDbRequest[]; sns: StubRequest[] }[] = [];

  /** {@link invoke}s the bundle of `env.ENTRY`, recording the requests it sends to DynamoDB and SNS meanwhile. */
  const invokeRecorded = async (env: Record<string, string>, event: unknown) => {
    const from = { dynamoDb: proxy.requests.length, sns: sns.requests.length };
    const result = await invoke(env.ENTRY!, env, event);
    runs.push({
      entry: env.ENTRY!,
      dynamoDb: proxy.requests.slice(from.dynamoDb),
      sns: sns.requests.slice(from.sns),
    });
    return result;
  };

  const localEnv = () => ({
    [HANDLER_ENV.dynamoDbEndpoint]: proxy.endpoint,
    [HANDLER_ENV.snsEndpoint]: sns.endpoint,
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
  const item = async (id: string) =>
    (await table.client.send(new GetCommand({ TableName: table.tableName, Key: { id } }))).Item;

  beforeAll(async () => {
    local = await startDynamoDbLocal();
    table = await createTestTable(local.endpoint, 'artifact');
    directory = await createLocalTable(createOwnerDirectoryTable, 'artifact-owners', local.endpoint);
    sns = await startSnsStub();
    proxy = await startRecordingProxy(local.endpoint);
    for (const record of SEED)
      await table.client.send(new PutCommand({ TableName: table.tableName, Item: record }));
    const envOf = (bundle: Bundle) => {
      const resolved = resolveEnv(bundle.env, table, directory);
      functions.set(bundle.entry, { id: bundle.id, logicalIdOf: logicalIdsOf(bundle.env, resolved) });
      return { ...resolved, ...localEnv(), ENTRY: bundle.entry };
    };
    sweep = bundleOf('Credential hygiene sweep');
    notifier = bundleOf('Credential hygiene notifier');
    reconciler = bundleOf('Credential hygiene subscription reconciler');
    sweepEnv = envOf(sweep);
    notifierEnv = envOf(notifier);
    reconcilerEnv = envOf(reconciler);
  });

  afterAll(async () => {
    await table?.drop();
    await directory?.drop();
    await sns?.stop();
    await proxy?.stop();
    await local?.stop();
  });

  it('audit (the deployed default): the sweep plans and reports to the admin audience, writes nothing', async () => {
    const before = await table.client.send(new ScanCommand({ TableName: table.tableName }));
    const run = await invokeRecorded(sweepEnv, schedulerEvent('sweep'));
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
    const after = await table.client.send(new ScanCommand({ TableName: table.tableName }));
    expect(after.Items).toEqual(before.Items);
    expect(sns.messages).toHaveLength(1);
    const admin = sns.messages[0]!;
    expect(admin).toMatchObject({
      topicArn: TOPIC_ARN,
      messageStructure: 'json',
      attributes: { audience: 'admin' },
    });
    expect(deliveredDocument(admin.message)).toMatchObject({
      schema: 'personal-client-hygiene/run-summary',
      summary: { mode: 'audit', now: NOW_ISO, planned: { 'delete-expired': 1 } },
    });
    // EMF metrics on stdout (the last test compares them with what the alarms watch).
    const emf = emfOf(run.stdout);
    emitted.push(...emf);
    expect(emf).toContainEqual(
      expect.objectContaining({ service: 'personal-client-hygiene', InvalidRecords: 1, GuardTripped: 0 }),
    );
    expect(JSON.stringify(emf)).toContain('"Namespace":"PersonalClientHygiene"');
  });

  it('enforce: the sweep decides at the scheduled time and writes transitions with owner events', async () => {
    const run = await invokeRecorded({ ...sweepEnv, HYGIENE_mode: 'enforce' }, schedulerEvent('sweep'));
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ mode: 'enforce', now: NOW_ISO, applied: { 'delete-expired': 1 } });
    expect(await item('expired-1')).toMatchObject({
      deletedAt: NOW_ISO,
      updatedAt: NOW_ISO,
      hygieneDeletedReason: 'expired',
      hygieneOutboxOwner: 'u1',
    });
    expect(await item('expiring-1')).toMatchObject({ hygieneExpiryNoticeStage: 7, hygieneOutboxOwner: 'u1' });
    expect(await item('stale-1')).toMatchObject({ hygieneStaleFlaggedAt: NOW_ISO, hygieneOutboxOwner: 'u2' });
    expect(await item('fresh-0')).toEqual(SEED.find((r) => r.id === 'fresh-0'));
  });

  it('the notifier drains the outbox into one digest per owner on SNS and clears it', async () => {
    sns.messages.length = 0;
    const run = await invokeRecorded(notifierEnv, schedulerEvent('notify'));
    expect(run.code).toBe(0);
    emitted.push(...emfOf(run.stdout));
    expect(run.result).toMatchObject({ owners: 2, digests: 2, eventsPublished: 3, eventsFailed: 0 });
    const owners = sns.messages.map((m) => [m.attributes.userId, m.attributes.audience]).sort();
    expect(owners).toEqual([
      ['u1', 'owner'],
      ['u2', 'owner'],
    ]);
    for (const id of ['expired-1', 'expiring-1', 'stale-1']) {
      const stored = await item(id);
      expect(stored?.hygieneOutbox).toBeUndefined();
      expect(stored?.hygieneOutboxOwner).toBeUndefined();
    }
  });

  it('refuses, as deployed, a scheduled time years from the wall clock: nothing written, nothing published', async () => {
    const before = await table.client.send(new ScanCommand({ TableName: table.tableName }));
    sns.messages.length = 0;
    const deployedSkew = { ...sweepEnv, [HANDLER_ENV.maxScheduleSkewSeconds]: '3600' };
    const farFuture = { ...schedulerEvent('sweep'), scheduledTime: '2099-01-01T03:00:00Z' };
    const run = await invokeRecorded({ ...deployedSkew, HYGIENE_mode: 'enforce' }, farFuture);
    expect(run.code).not.toBe(0);
    expect(run.stderr + run.stdout).toContain('ScheduledTimeSkewError');
    expect(run.stdout).toContain('"ScheduledTimeRejected":1');
    emitted.push(...emfOf(run.stdout));
    const after = await table.client.send(new ScanCommand({ TableName: table.tableName }));
    expect(after.Items).toEqual(before.Items);
    expect(sns.messages).toHaveLength(0);
  });

  it('the subscription reconciler runs and reports its figures', async () => {
    // On the relay route (an empty directory is refused on sns-email): it lists the topic and removes
    // nothing, emitting the metrics its alarms watch as any run does.
    const run = await invokeRecorded({ ...reconcilerEnv, HYGIENE_ownerDelivery: 'relay' }, {});
    expect(run.stderr).not.toMatch(/"level":"ERROR"/);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ created: 0, removed: 0, failed: [] });
    emitted.push(...emfOf(run.stdout));
  });

  // From here on the owner directory holds an import: the reach checks run (and the role check sees them).

  it('with an imported directory, the sweep looks up the reach of the owners with events', async () => {
    const file = join(workDir, 'owners.csv');
    await writeFile(file, OWNERS_CSV);
    const imported = await importOwnerFile(directory.client, {
      table: directory.tableName,
      file,
      asOf: DIRECTORY_AS_OF,
      now: DIRECTORY_AS_OF,
      maxDeletePercent: 10,
    });
    expect(imported.outcome).toBe('imported');
    await table.client.send(new PutCommand({ TableName: table.tableName, Item: REACH_CREDENTIAL }));
    const run = await invokeRecorded({ ...sweepEnv, HYGIENE_mode: 'enforce' }, schedulerEvent('sweep'));
    expect(run.code).toBe(0);
    // The reach phase read u4 by key (BatchGetItem): in the directory, never subscribed on sns-email.
    expect(run.result).toMatchObject({
      applied: { 'notify-expiry': 1 },
      directory: { status: 'used', owners: 2 },
      reach: { status: 'verified', ownersChecked: 1, byReason: { 'no-subscription': 1 } },
    });
  });

  it('with an imported directory, the notifier on sns-email lists the topic to judge reach', async () => {
    const run = await invokeRecorded(notifierEnv, schedulerEvent('notify'));
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({
      ownerDelivery: 'sns-email',
      reach: 'verified',
      subscriptionCheck: 'listed',
      digests: 1,
      unreachableReasons: { 'no-subscription': 1 },
    });
  });

  it('with an imported directory, the reconciler on sns-email reads the owners again and subscribes them', async () => {
    const run = await invokeRecorded(reconcilerEnv, {});
    expect(run.code).toBe(0);
    // The SNS stub answers no Subscribe: both attempts reach it (and the role check) and fail there.
    expect(run.result).toMatchObject({ route: 'sns-email', owners: 2, created: 0 });
    const failed = (run.result as { failed: { operation: { userId: string }; error: string }[] }).failed;
    expect(failed.map((f) => [f.operation.userId, f.error])).toEqual([
      ['u1', 'InvalidAction: SNS stub: unsupported action Subscribe'],
      ['u4', 'InvalidAction: SNS stub: unsupported action Subscribe'],
    ]);
  });

  it('every alarm on a run metric watches a metric the bundled runs emit, with exactly its dimensions', () => {
    const watched = runAlarmsOf(template.Resources);
    // The stack's run alarms (the relay's are not deployed on the default route): every one is checked.
    expect(watched.length).toBeGreaterThanOrEqual(12);
    expect(watched.flatMap((w) => emfProblems(w, emitted))).toEqual([]);
  });

  it('fails at cold start on a bad config variable, naming it', async () => {
    const run = await invokeRecorded({ ...sweepEnv, HYGIENE_staleAfterDays: 'abc' }, schedulerEvent('sweep'));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('staleAfterDays = "abc": must be an integer from 1 to 3650');
  });

  it('every AWS request a bundled run sent is allowed by the role of the function that sent it', () => {
    const sent = runs.map((r) => {
      const fn = functions.get(r.entry)!;
      const permissions = [
        ...r.dynamoDb.flatMap((request) => dynamoDbPermissions(request, fn.logicalIdOf)),
        ...r.sns.map((request) => snsPermission(request, fn.logicalIdOf)),
      ];
      return { id: fn.id, permissions };
    });
    // What the runs above exercised, so the check below covers every reach path (a lost one fails here).
    const ref = (key: string) => (sweep.env[key] as { Ref: string }).Ref;
    const credentials = `{${ref(HANDLER_ENV.tableName)}.Arn}`;
    const owners = `{${ref(HANDLER_ENV.directoryTableName)}.Arn}`;
    const topic = `{${ref(HANDLER_ENV.topicArn)}}`;
    const sentBy = (id: string) =>
      sent.filter((s) => s.id === id).flatMap((s) => s.permissions.map((p) => `${p.action} ${p.resource}`));
    expect(sentBy(sweep.id)).toEqual(
      expect.arrayContaining([
        `dynamodb:Scan ${credentials}`,
        `dynamodb:PartiQLUpdate ${credentials}`,
        `dynamodb:GetItem ${owners}`,
        `dynamodb:Scan ${owners}`,
        `dynamodb:BatchGetItem ${owners}`,
        `sns:Publish ${topic}`,
      ]),
    );
    expect(sentBy(notifier.id)).toEqual(
      expect.arrayContaining([
        `dynamodb:Scan ${credentials}/index/${OUTBOX_INDEX}`,
        `dynamodb:BatchGetItem ${credentials}`,
        `dynamodb:UpdateItem ${credentials}`,
        `dynamodb:PartiQLUpdate ${credentials}`,
        `dynamodb:GetItem ${owners}`,
        `dynamodb:BatchGetItem ${owners}`,
        `sns:ListSubscriptionsByTopic ${topic}`,
        `sns:Publish ${topic}`,
      ]),
    );
    expect(sentBy(reconciler.id)).toEqual(
      expect.arrayContaining([
        `dynamodb:Scan ${owners}`,
        `dynamodb:BatchGetItem ${owners}`,
        `sns:ListSubscriptionsByTopic ${topic}`,
        `sns:Subscribe ${topic}`,
      ]),
    );
    const problems = sent.flatMap(({ id, permissions }) => roleProblems(template, id, permissions));
    expect([...new Set(problems)]).toEqual([]);
  });
});
