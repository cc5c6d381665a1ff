/**
 * Every command that takes both `--stack` and `--endpoint` refuses them
 * together, whichever way each was given (flag, alias, or `PC_HYGIENE_STACK`
 * / `PC_HYGIENE_ENDPOINT`), with one usage error naming both as given and the
 * two ways on, before anything reaches AWS (docs/deploy.md, "Operating a
 * deployment from the CLI"; `refuseStackWithEndpoint`). So does every command
 * that takes `--sns-endpoint`, next to any stack it would look up (named, by
 * `PC_HYGIENE_STACK`, or the default one). The commands are
 * found by walking the real command tree, so a command added later is
 * checked too. CloudFormation and Lambda are mocked at the client boundary
 * (aws-sdk-client-mock): a stack looked up would show as a `DescribeStacks`.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMAND_REGISTRATIONS } from '../../../cli/commands/registry';
import { TableAccessError } from '../../../cli/options/table-options';
import { UsageError } from '../../../cli/usage-error';
import { mockProdStack } from '../../support/deployed-stack';
import { runInProcess } from '../../support/in-process-cli';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const LOCAL = 'http://127.0.0.1:8000';

/** Every command registration of `cli/main.ts` (cli/commands/registry.ts): a command added later is walked too. */
function registerAll(program: Command): void {
  for (const register of COMMAND_REGISTRATIONS) register(program);
}

/**
 * Each leaf command with both `--stack` and the endpoint option `endpoint`
 * (its attribute name), as the words to type: its path, a placeholder for
 * each required argument and each mandatory option (commander checks those
 * before the target flags).
 */
function commandsWithStackAnd(endpoint: string): { readonly name: string; readonly words: string[] }[] {
  const program = new Command('pc-hygiene');
  registerAll(program);
  const found: { name: string; words: string[] }[] = [];
  const walk = (command: CommandUnknownOpts, path: string[]): void => {
    if (command.commands.length > 0) {
      for (const sub of command.commands) walk(sub, [...path, sub.name()]);
      return;
    }
    const has = (name: string) => command.options.some((o) => o.attributeName() === name);
    if (!has('stack') || !has(endpoint)) return;
    const args = command.registeredArguments.filter((a) => a.required).map(() => '1');
    const mandatory = command.options.filter((o) => o.mandatory).flatMap((o) => [o.long ?? '', '1']);
    found.push({ name: path.join(' '), words: [...path, ...args, ...mandatory] });
  };
  walk(program, []);
  return found;
}

const COMMANDS = commandsWithStackAnd('endpoint');
const SNS_COMMANDS = commandsWithStackAnd('snsEndpoint');
const SNS_LOCAL = 'http://127.0.0.1:9911';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:local-hygiene';

beforeEach(() => {
  mockProdStack(cfn, lambda, { outputs: {}, config: { mode: 'enforce' }, anyName: true });
  for (const name of [
    'PC_HYGIENE_STACK',
    'PC_HYGIENE_ENDPOINT',
    'PC_HYGIENE_TABLE',
    'PC_HYGIENE_DIRECTORY_TABLE',
    'PC_HYGIENE_TOPIC_ARN',
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

/** Runs `pc-hygiene ...args` with every command registered; returns the usage error's message. */
async function refusal(args: readonly string[]): Promise<string> {
  const run = await runInProcess(registerAll, args);
  expect(run.error, args.join(' ')).toBeInstanceOf(UsageError);
  expect(cfn.commandCalls(DescribeStacksCommand), args.join(' ')).toHaveLength(0);
  return (run.error as Error).message;
}

describe('a stack with an endpoint', () => {
  it('finds the table and owner directory commands (the walk is not empty)', () => {
    const names = COMMANDS.map((c) => c.name);
    for (const name of [
      'sweep',
      'notify',
      'report',
      'import',
      'restore',
      'owners list',
      'owners import',
      'relay',
    ]) {
      expect(names).toContain(name);
    }
  });

  it.each(COMMANDS.map((c) => [c.name, c.words]))(
    '%s: --stack with --endpoint is refused, naming both',
    async (_name, words) => {
      expect(await refusal([...words, '--stack', 'Prod', '--endpoint', LOCAL, '--region', 'eu-west-1'])).toBe(
        `--stack Prod with --endpoint ${LOCAL}: --endpoint works on a table named directly (e.g. DynamoDB Local), ` +
          'never on a deployed stack. Drop --stack to work on the table at that endpoint, or drop --endpoint to act ' +
          'on stack Prod',
      );
    },
  );

  it.each(COMMANDS.map((c) => [c.name, c.words]))(
    '%s: PC_HYGIENE_STACK or PC_HYGIENE_ENDPOINT count as the flags, each named as given',
    async (_name, words) => {
      vi.stubEnv('PC_HYGIENE_ENDPOINT', LOCAL);
      expect(await refusal([...words, '--stack', 'Prod'])).toBe(
        `--stack Prod with PC_HYGIENE_ENDPOINT=${LOCAL}: --endpoint works on a table named directly ` +
          '(e.g. DynamoDB Local), never on a deployed stack. Drop --stack to work on the table at that endpoint, ' +
          'or unset PC_HYGIENE_ENDPOINT to act on stack Prod',
      );

      vi.stubEnv('PC_HYGIENE_STACK', 'Prod');
      expect(await refusal(words)).toBe(
        `PC_HYGIENE_STACK=Prod with PC_HYGIENE_ENDPOINT=${LOCAL}: --endpoint works on a table named directly ` +
          '(e.g. DynamoDB Local), never on a deployed stack. Unset PC_HYGIENE_STACK to work on the table at that ' +
          'endpoint, or unset PC_HYGIENE_ENDPOINT to act on stack Prod',
      );

      vi.stubEnv('PC_HYGIENE_ENDPOINT', undefined);
      expect(await refusal([...words, '--endpoint', LOCAL])).toBe(
        `PC_HYGIENE_STACK=Prod with --endpoint ${LOCAL}: --endpoint works on a table named directly ` +
          '(e.g. DynamoDB Local), never on a deployed stack. Unset PC_HYGIENE_STACK to work on the table at that ' +
          'endpoint, or drop --endpoint to act on stack Prod',
      );
    },
  );

  it('shows a value that needs quoting as one shell word, and describes one with control characters', async () => {
    vi.stubEnv('PC_HYGIENE_ENDPOINT', 'http://127.0.0.1:8000/\u001b[2J');

    expect(await refusal(['report', '--stack', 'my stack'])).toBe(
      "--stack 'my stack' with PC_HYGIENE_ENDPOINT=(a value with control characters): --endpoint works on a " +
        'table named directly (e.g. DynamoDB Local), never on a deployed stack. Drop --stack to work on the table ' +
        "at that endpoint, or unset PC_HYGIENE_ENDPOINT to act on stack 'my stack'",
    );
  });

  it('never shows an endpoint that may hold a secret (user info, a query): the message reaches CI logs', async () => {
    const message = await refusal([
      'report',
      '--stack',
      'Prod',
      '--endpoint',
      'https://ops:s3cret@dynamo.example.internal/?token=abc',
    ]);

    expect(message).toMatch(
      /^--stack Prod with --endpoint \(an endpoint URL with credentials, a query or a fragment: not shown\): /,
    );
    expect(message).not.toMatch(/s3cret|token=abc/);
  });

  it('leaves an endpoint without a stack alone: the default stack is not looked up', async () => {
    const run = await runInProcess(registerAll, ['guard', 'status', '--endpoint', 'http://127.0.0.1:1']);

    // Past the target check: the local database is simply not there.
    expect(run.error).toBeInstanceOf(TableAccessError);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });
});

describe('a stack with --sns-endpoint', () => {
  /** The refusal after the settings: why, then the way to work without `stack` and the way to act on it. */
  const refusedFor = (withoutStack: string, stack: string) =>
    ': --sns-endpoint works on a topic named directly (e.g. on a local SNS server), never on a deployed stack. ' +
    `${withoutStack} to work on the topic at that endpoint, or drop --sns-endpoint to act on stack ${stack}`;

  it('finds every command with --sns-endpoint (the walk is not empty)', () => {
    expect(SNS_COMMANDS.map((c) => c.name).sort()).toEqual([
      'notify',
      'owners sync-subscriptions',
      'owners unsubscribe',
    ]);
  });

  it.each(SNS_COMMANDS.map((c) => [c.name, c.words]))(
    '%s: --stack, PC_HYGIENE_STACK or the default stack with --sns-endpoint is refused, naming both',
    async (_name, words) => {
      const sns = ['--sns-endpoint', SNS_LOCAL, '--region', 'eu-west-1'];

      expect(await refusal([...words, '--stack', 'Prod', ...sns])).toBe(
        `--stack Prod with --sns-endpoint ${SNS_LOCAL}` +
          refusedFor('Drop --stack and give --endpoint (e.g. DynamoDB Local)', 'Prod'),
      );
      // A topic named on the command line does not make the stack's outbox or directory local.
      expect(await refusal([...words, '--stack', 'Prod', '--topic-arn', TOPIC, ...sns])).toContain(
        `--stack Prod with --sns-endpoint ${SNS_LOCAL}: `,
      );
      expect(await refusal([...words, ...sns])).toBe(
        `the default stack PersonalClientHygiene with --sns-endpoint ${SNS_LOCAL}` +
          refusedFor('Give --endpoint (e.g. DynamoDB Local)', 'PersonalClientHygiene'),
      );

      vi.stubEnv('PC_HYGIENE_STACK', 'Prod');
      expect(await refusal([...words, ...sns])).toBe(
        `PC_HYGIENE_STACK=Prod with --sns-endpoint ${SNS_LOCAL}` +
          refusedFor('Unset PC_HYGIENE_STACK and give --endpoint (e.g. DynamoDB Local)', 'Prod'),
      );
    },
  );

  it.each(SNS_COMMANDS.map((c) => [c.name, c.words]))(
    '%s: tables in AWS named directly with --sns-endpoint (no --endpoint) are refused, nothing looked up',
    async (name, words) => {
      const tables =
        name === 'notify'
          ? ['--table', 'PersonalClients', '--directory-table', 'PersonalClientOwners']
          : ['--directory-table', 'PersonalClientOwners'];
      expect(await refusal([...words, ...tables, '--sns-endpoint', SNS_LOCAL, '--region', 'eu-west-1'])).toBe(
        `--sns-endpoint ${SNS_LOCAL} without --endpoint: a local SNS server goes with local tables, and these are ` +
          'tables in AWS (a drain would mark their digests sent into the local server; a reconcile would record its ' +
          'subscriptions in the real directory). Give --endpoint (e.g. DynamoDB Local), or drop --sns-endpoint ' +
          '(a topic in AWS behind another endpoint: set AWS_ENDPOINT_URL_SNS)',
      );
    },
  );

  it.each(SNS_COMMANDS.map((c) => [c.name, c.words]))(
    '%s: with --endpoint and no stack, --sns-endpoint passes the target check',
    async (_name, words) => {
      const run = await runInProcess(registerAll, [
        ...words,
        '--endpoint',
        'http://127.0.0.1:1',
        '--sns-endpoint',
        SNS_LOCAL,
        '--topic-arn',
        TOPIC,
      ]);

      // Past the target check: the local database is simply not there.
      expect(run.error).toBeInstanceOf(TableAccessError);
      expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    },
  );
});
