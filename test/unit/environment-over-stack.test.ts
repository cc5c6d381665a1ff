/**
 * A session's environment never redirects a deployed stack's run
 * (docs/deploy.md, "Operating a deployment from the CLI"): with a stack
 * looked up, a table, owner directory, topic or endpoint set only by its
 * environment variable (`PC_HYGIENE_TABLE`, …) is refused before anything
 * reaches AWS, while the same flag given on the command line still wins over
 * the stack's output, and the variables keep working without a stack.
 * CloudFormation and Lambda are mocked at the client boundary
 * (aws-sdk-client-mock); the commands are parsed by commander as the CLI
 * parses them.
 */

import { fileURLToPath } from 'node:url';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Command, Option } from '@commander-js/extra-typings';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerNotifyCommand } from '../../cli/commands/notify';
import { registerPlanCommand } from '../../cli/commands/plan';
import { registerSweepCommand } from '../../cli/commands/sweep';
import { AuditDeploymentError, resolveTarget, type Target } from '../../cli/options/deployment-target';
import {
  addDirectoryOptions,
  directoryConfigOf,
  directoryTableOf,
  directoryTableOption,
} from '../../cli/options/directory-options';
import { addTableOptions } from '../../cli/options/table-options';
import { topicArnOption } from '../../cli/options/topic-options';
import { UsageError } from '../../cli/usage-error';
import { DEFAULT_CONFIG, parseConfig } from '../../lambdas/hygiene/config';
import { mockProdStack } from '../support/deployed-stack';
import { runInProcess } from '../support/in-process-cli';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:prod-topic';
const DEPLOYED = parseConfig({ mode: 'audit', ownerDelivery: 'relay', staleAfterDays: 60 });

/** A deployed stack `Prod` (any stack name answers the same). */
function deployProd(): void {
  mockProdStack(cfn, lambda, {
    outputs: { topicArn: TOPIC, directoryTableName: 'Prod-Owners-1' },
    config: DEPLOYED,
    anyName: true,
  });
}

beforeEach(() => {
  deployProd();
  // Nothing the machine running the tests exported may decide a case.
  for (const name of [
    'PC_HYGIENE_STACK',
    'PC_HYGIENE_TABLE',
    'PC_HYGIENE_DIRECTORY_TABLE',
    'PC_HYGIENE_TOPIC_ARN',
    'PC_HYGIENE_ENDPOINT',
    'PC_HYGIENE_SINK',
  ]) {
    vi.stubEnv(name, undefined);
  }
});
afterEach(() => {
  cfn.reset();
  lambda.reset();
  vi.unstubAllEnvs();
});

/** What a table command resolved: its target and owner directory. */
interface Resolved {
  readonly target: Target;
  readonly directoryTable: string | undefined;
}

/**
 * Parses `args` for a table command with `--directory-table` and
 * `--topic-arn` (as `notify` has them) and resolves its target as the
 * commands do; returns what it resolved, or throws what the parse threw.
 */
async function resolveTableCommand(args: string[]): Promise<Resolved> {
  let resolved: Resolved | undefined;
  const command = addTableOptions(
    new Command('act')
      .exitOverride()
      .addOption(directoryTableOption())
      .addOption(topicArnOption('table', 'the topic'))
      .option('--config <file>'),
  );
  command.action(async (options, self) => {
    const target = await resolveTarget(options, { usesConfig: true, say: () => {} });
    resolved = { target, directoryTable: directoryTableOf(options, self, target) };
  });
  await command.parseAsync(['node', 'act', ...args]);
  if (resolved === undefined) throw new Error('the action did not run');
  return resolved;
}

/** Runs `run`, which must reject with a {@link UsageError}; returns its message. */
async function usageErrorOf(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

describe('a table command with a stack', () => {
  it('refuses PC_HYGIENE_TABLE left from a local session, naming both, before asking AWS', async () => {
    vi.stubEnv('PC_HYGIENE_TABLE', 'PersonalClients');

    const message = await usageErrorOf(resolveTableCommand(['--stack', 'Prod', '--region', 'eu-west-1']));

    expect(message).toBe(
      'stack Prod (--stack) would be mixed with settings from the environment (PC_HYGIENE_TABLE=PersonalClients): ' +
        "give --table PersonalClients on the command line to override the stack's, or unset PC_HYGIENE_TABLE to use the stack's",
    );
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('shows a value that needs quoting as one shell word, and names one with control characters without it', async () => {
    vi.stubEnv('PC_HYGIENE_TABLE', 'my $table');
    vi.stubEnv('PC_HYGIENE_DIRECTORY_TABLE', 'owners\u001b[2J');

    const message = await usageErrorOf(resolveTableCommand(['--stack', 'Prod', '--region', 'eu-west-1']));

    expect(message).toBe(
      "stack Prod (--stack) would be mixed with settings from the environment (PC_HYGIENE_TABLE='my $table', " +
        'PC_HYGIENE_DIRECTORY_TABLE (a value with control characters)): ' +
        "give --table 'my $table' --directory-table <value> on the command line to override the stack's, " +
        "or unset PC_HYGIENE_TABLE PC_HYGIENE_DIRECTORY_TABLE to use the stack's",
    );
  });

  it('takes a --table given on the command line over the output, with the deployed config', async () => {
    const { target } = await resolveTableCommand([
      '--stack',
      'Prod',
      '--region',
      'eu-west-1',
      '--table',
      'Mine',
    ]);

    expect(target).toMatchObject({ table: 'Mine', config: DEPLOYED });
    expect(target.deployment?.stackName).toBe('Prod');
  });

  it('refuses the table, directory, topic and endpoint variables next to the default stack or PC_HYGIENE_STACK', async () => {
    vi.stubEnv('PC_HYGIENE_DIRECTORY_TABLE', 'PersonalClientOwners');
    vi.stubEnv('PC_HYGIENE_TOPIC_ARN', 'arn:aws:sns:eu-west-1:123456789012:local');

    // No --stack, --table or --endpoint: the default stack is looked up.
    expect(await usageErrorOf(resolveTableCommand(['--region', 'eu-west-1']))).toBe(
      'stack PersonalClientHygiene (the default stack) would be mixed with settings from the environment ' +
        '(PC_HYGIENE_DIRECTORY_TABLE=PersonalClientOwners, PC_HYGIENE_TOPIC_ARN=arn:aws:sns:eu-west-1:123456789012:local): ' +
        'give --directory-table PersonalClientOwners --topic-arn arn:aws:sns:eu-west-1:123456789012:local on the command line ' +
        "to override the stack's, or unset PC_HYGIENE_DIRECTORY_TABLE PC_HYGIENE_TOPIC_ARN to use the stack's",
    );

    vi.stubEnv('PC_HYGIENE_DIRECTORY_TABLE', undefined);
    vi.stubEnv('PC_HYGIENE_TOPIC_ARN', undefined);
    vi.stubEnv('PC_HYGIENE_STACK', 'Prod');
    vi.stubEnv('PC_HYGIENE_TABLE', 'PersonalClients');
    vi.stubEnv('PC_HYGIENE_ENDPOINT', 'http://127.0.0.1:8000');
    // An endpoint never meets a stack, from any source: that refusal comes first (test/unit/cli/stack-with-endpoint.test.ts).
    expect(await usageErrorOf(resolveTableCommand(['--region', 'eu-west-1']))).toMatch(
      /^PC_HYGIENE_STACK=Prod with PC_HYGIENE_ENDPOINT=http:\/\/127\.0\.0\.1:8000: /,
    );
    vi.stubEnv('PC_HYGIENE_ENDPOINT', undefined);
    const message = await usageErrorOf(resolveTableCommand(['--region', 'eu-west-1']));
    expect(message).toMatch(
      /^stack Prod \(PC_HYGIENE_STACK\) would be mixed with settings from the environment \(PC_HYGIENE_TABLE=PersonalClients\)/,
    );
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it("uses the stack's directory unless --directory-table is on the command line", async () => {
    const fromStack = await resolveTableCommand(['--stack', 'Prod', '--region', 'eu-west-1']);
    const given = await resolveTableCommand([
      '--stack',
      'Prod',
      '--region',
      'eu-west-1',
      '--directory-table',
      'Owners-Mine',
    ]);

    expect(fromStack.directoryTable).toBe('Prod-Owners-1');
    expect(given.directoryTable).toBe('Owners-Mine');
  });

  it("resolves the directory by one rule: given, else the stack's, else PersonalClientOwners", async () => {
    const stack = ['--stack', 'Prod', '--region', 'eu-west-1'];
    const local = ['--table', 'PersonalClients', '--endpoint', 'http://127.0.0.1:8000'];

    expect((await resolveTableCommand(stack)).directoryTable).toBe('Prod-Owners-1');
    expect((await resolveTableCommand([...stack, '--directory-table', 'Owners-Mine'])).directoryTable).toBe(
      'Owners-Mine',
    );
    expect((await resolveTableCommand(local)).directoryTable).toBe('PersonalClientOwners');
    vi.stubEnv('PC_HYGIENE_DIRECTORY_TABLE', 'LocalOwners');
    expect((await resolveTableCommand(local)).directoryTable).toBe('LocalOwners');
    expect(await usageErrorOf(resolveTableCommand(stack))).toContain(
      '(PC_HYGIENE_DIRECTORY_TABLE=LocalOwners)',
    );
    vi.stubEnv('PC_HYGIENE_DIRECTORY_TABLE', 'bad name!');
    expect(await usageErrorOf(resolveTableCommand(local))).toMatch(/--directory-table/);
  });

  it('keeps the variables working without a stack (a table named directly looks nothing up)', async () => {
    vi.stubEnv('PC_HYGIENE_TABLE', 'PersonalClients');
    vi.stubEnv('PC_HYGIENE_ENDPOINT', 'http://127.0.0.1:8000');
    vi.stubEnv('PC_HYGIENE_DIRECTORY_TABLE', 'LocalOwners');

    const { target, directoryTable } = await resolveTableCommand([]);

    expect(target).toMatchObject({
      table: 'PersonalClients',
      endpoint: 'http://127.0.0.1:8000',
      config: DEFAULT_CONFIG,
    });
    expect(target.deployment).toBeUndefined();
    expect(directoryTable).toBe('LocalOwners');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('is wired into the real commands: `sweep --stack Prod` with PC_HYGIENE_TABLE set does nothing', async () => {
    vi.stubEnv('PC_HYGIENE_TABLE', 'PersonalClients');
    const program = new Command('pc-hygiene').exitOverride();
    registerSweepCommand(program);

    const message = await usageErrorOf(
      program.parseAsync(['node', 'pc-hygiene', 'sweep', '--stack', 'Prod', '--region', 'eu-west-1']),
    );

    expect(message).toContain('(PC_HYGIENE_TABLE=PersonalClients)');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('refuses a session’s PC_HYGIENE_SINK file next to a stack: `notify --stack Prod` would drain Prod into it', async () => {
    vi.stubEnv('PC_HYGIENE_SINK', 'jsonl:local-digests.jsonl');
    const program = new Command('pc-hygiene').exitOverride();
    registerNotifyCommand(program);

    const message = await usageErrorOf(
      program.parseAsync(['node', 'pc-hygiene', 'notify', '--stack', 'Prod', '--region', 'eu-west-1']),
    );

    expect(message).toContain('(PC_HYGIENE_SINK=jsonl:local-digests.jsonl)');
    expect(message).toContain('give --sink jsonl:local-digests.jsonl on the command line');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('refuses PC_HYGIENE_TOPIC_ARN next to `notify --stack` when it publishes to SNS: the default sink or --sink sns', async () => {
    vi.stubEnv('PC_HYGIENE_TOPIC_ARN', 'arn:aws:sns:eu-west-1:123456789012:local');
    const expected =
      'stack Prod (--stack) would be mixed with settings from the environment ' +
      '(PC_HYGIENE_TOPIC_ARN=arn:aws:sns:eu-west-1:123456789012:local): ' +
      "give --topic-arn arn:aws:sns:eu-west-1:123456789012:local on the command line to override the stack's, " +
      "or unset PC_HYGIENE_TOPIC_ARN to use the stack's";

    for (const sink of [[], ['--sink', 'sns'], ['--sink', 'sns', '--dry-run']]) {
      const run = await runInProcess(registerNotifyCommand, [
        'notify',
        '--stack',
        'Prod',
        '--region',
        'eu-west-1',
        ...sink,
      ]);
      expect(run.error).toBeInstanceOf(UsageError);
      expect((run.error as Error).message).toBe(expected);
    }
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('does not refuse PC_HYGIENE_TOPIC_ARN next to `notify --stack --sink jsonl:PATH` (no topic is used), and still refuses the others', async () => {
    vi.stubEnv('PC_HYGIENE_TOPIC_ARN', 'arn:aws:sns:eu-west-1:123456789012:local');
    const jsonl = ['--sink', 'jsonl:digests.jsonl', '--stack', 'Prod', '--region', 'eu-west-1'];
    // Stopped by the audit-mode refusal, after the stack was looked up: the environment was not refused.
    const run = await runInProcess(registerNotifyCommand, ['notify', ...jsonl]);
    expect(run.error).toBeInstanceOf(AuditDeploymentError);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(1);

    vi.stubEnv('PC_HYGIENE_TABLE', 'PersonalClients');
    const table = await runInProcess(registerNotifyCommand, ['notify', ...jsonl]);
    expect((table.error as Error).message).toContain('(PC_HYGIENE_TABLE=PersonalClients)');
    vi.stubEnv('PC_HYGIENE_TABLE', undefined);

    // A jsonl sink from the environment is refused, and the topic with it (unset, the sink would be sns).
    vi.stubEnv('PC_HYGIENE_SINK', 'jsonl:digests.jsonl');
    const fromEnv = await runInProcess(registerNotifyCommand, [
      'notify',
      '--stack',
      'Prod',
      '--region',
      'eu-west-1',
    ]);
    expect((fromEnv.error as Error).message).toContain(
      '(PC_HYGIENE_TOPIC_ARN=arn:aws:sns:eu-west-1:123456789012:local, PC_HYGIENE_SINK=jsonl:digests.jsonl)',
    );
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  it('keeps a variable that only repeats the default (PC_HYGIENE_SINK=sns) and plan --input (it needs no stack)', async () => {
    vi.stubEnv('PC_HYGIENE_SINK', 'sns');
    const sns = await resolveTableCommandWithSink(['--stack', 'Prod', '--region', 'eu-west-1']);
    expect(sns.table).toBe('Prod-Table-1');
    cfn.resetHistory();

    vi.stubEnv('PC_HYGIENE_STACK', 'Prod');
    vi.stubEnv('PC_HYGIENE_TABLE', 'PersonalClients');
    const input = fileURLToPath(new URL('../fixtures/plan-input.jsonl', import.meta.url));
    const plan = await runInProcess(registerPlanCommand, [
      'plan',
      '--input',
      input,
      '--now',
      '2026-11-26T00:00:00Z',
    ]);
    expect(plan.error).toBeUndefined();
    expect(plan.stdout).toContain('Plan for');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });
});

/** Parses `args` for a table command with `notify`'s `--sink` (default `sns`, env `PC_HYGIENE_SINK`) and resolves its target. */
async function resolveTableCommandWithSink(args: string[]): Promise<Target> {
  let target: Target | undefined;
  const command = addTableOptions(
    new Command('act')
      .exitOverride()
      .addOption(new Option('--sink <sink>').default('sns').env('PC_HYGIENE_SINK')),
  );
  command.action(async (options) => {
    target = await resolveTarget(options, { usesConfig: false, say: () => {} });
  });
  await command.parseAsync(['node', 'act', ...args]);
  if (target === undefined) throw new Error('the action did not run');
  return target;
}

describe('an owner directory command with --stack', () => {
  /** Parses `args` for an `owners`-like command with `--topic-arn` and `--config`; returns its options and config. */
  async function parseDirectoryCommand(args: string[]) {
    const said: string[] = [];
    let received:
      | { options: Record<string, unknown>; config: ReturnType<typeof directoryConfigOf> }
      | undefined;
    const command = addDirectoryOptions(
      new Command('sync')
        .exitOverride()
        .addOption(topicArnOption('directory', 'the topic'))
        .option('--config <file>'),
    ).action((options, self) => {
      received = { options, config: directoryConfigOf(self, (line) => said.push(line)) };
    });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await command.parseAsync(['node', 'sync', ...args]);
    } finally {
      stderr.mockRestore();
    }
    if (received === undefined) throw new Error('the action did not run');
    return { ...received, said };
  }

  it('refuses PC_HYGIENE_DIRECTORY_TABLE and PC_HYGIENE_TOPIC_ARN from the environment, before asking AWS', async () => {
    vi.stubEnv('PC_HYGIENE_DIRECTORY_TABLE', 'PersonalClientOwners');
    vi.stubEnv('PC_HYGIENE_TOPIC_ARN', 'arn:aws:sns:eu-west-1:123456789012:local');

    const message = await usageErrorOf(parseDirectoryCommand(['--stack', 'Prod', '--region', 'eu-west-1']));

    expect(message).toMatch(
      /^stack Prod \(--stack\) would be mixed with settings from the environment \(PC_HYGIENE_DIRECTORY_TABLE=PersonalClientOwners, PC_HYGIENE_TOPIC_ARN=arn:aws:sns:eu-west-1:123456789012:local\)/,
    );
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it("decides with the deployed config and says so, the stack's directory and topic filled in", async () => {
    const run = await parseDirectoryCommand(['--stack', 'Prod', '--region', 'eu-west-1']);

    expect(run.config.config).toEqual(DEPLOYED);
    expect(run.config.config.ownerDelivery).toBe('relay');
    expect(run.said).toEqual(['using the deployed config of stack Prod (mode audit)']);
    expect(run.options).toMatchObject({ directoryTable: 'Prod-Owners-1', topicArn: TOPIC });
  });

  it('without --stack decides with the built-in defaults, looks nothing up and says nothing', async () => {
    vi.stubEnv('PC_HYGIENE_DIRECTORY_TABLE', 'LocalOwners');

    const run = await parseDirectoryCommand([]);

    expect(run.config.config).toEqual(DEFAULT_CONFIG);
    expect(run.said).toEqual([]);
    expect(run.options).toMatchObject({ directoryTable: 'LocalOwners' });
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('refuses a bad --config before asking AWS', async () => {
    const message = await usageErrorOf(
      parseDirectoryCommand(['--stack', 'Prod', '--region', 'eu-west-1', '--config', '/nonexistent/c.json']),
    );

    expect(message).toMatch(/^cannot read config file \/nonexistent\/c\.json/);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });
});
