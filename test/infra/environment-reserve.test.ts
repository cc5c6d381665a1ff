/**
 * The sweep function's environment reserve (lib/environment-budget.ts,
 * `CONSTRUCT_ENVIRONMENT_RESERVE_BYTES`) against the worst the shipped stack
 * can put there besides the hygiene config: the budget check lets the config
 * take the 4 KB limit less the reserve, so the reserve must hold every other
 * variable at its largest, or a deployment near the budget fails at
 * CloudFormation time (Lambda refuses an environment over 4 KB) instead of at
 * synth.
 *
 * The stack is synthesized with a 128-character name (STACK_NAME) and the
 * largest schedule skew (one day), and every `Ref`/`Fn::GetAtt` of the sweep's
 * non-config variables is replaced by the longest value it can take
 * ({@link LONGEST}), each with its AWS source. Names CloudFormation generates
 * (the tables', the topic's) are counted at their service's limit: how long
 * CloudFormation makes them is not documented, and a brought table's name may
 * be that long anyway.
 *
 * The worst case is pinned exactly ({@link WORST_CASE_BYTES}), and
 * lib/environment-budget.ts's header and docs/configuration.md quote it: a new
 * variable changes the three together. With a construct's own
 * `metricsNamespace` and `serviceName` at their longest, the sweep's whole
 * environment at its worst stays within Lambda's 4 KB whenever the budget
 * check lets the config through.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { configToEnvironment, HANDLER_ENV } from '../../lambdas/handlers/environment';
import { DEFAULT_CONFIG, type HygieneConfigInput, parseConfig } from '../../lambdas/hygiene/config';
import { CredentialHygiene } from '../../lib/credential-hygiene';
import {
  CONSTRUCT_ENVIRONMENT_RESERVE_BYTES,
  type EnvironmentMetricNames,
  environmentBudgetProblems,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
} from '../../lib/environment-budget';
import { type HygieneFunction, PROJECT_ROOT } from '../../lib/hygiene-function';
import { PersonalClientHygieneStack } from '../../lib/personal-client-hygiene-stack';
import { environmentOf, SKIP_BUNDLING } from './synth';

/**
 * The sweep's non-config variables at their longest, in bytes: what lib/environment-budget.ts's header and
 * docs/configuration.md ("`exemptIds` and the Lambda environment") quote. A variable added or grown changes it:
 * change the three together (and keep it within the reserve).
 */
const WORST_CASE_BYTES = 1172;

/**
 * The longest value of each token the sweep's environment can hold, in characters (all ASCII, so bytes):
 * - a stack name: 128 (AWS CloudFormation API Reference, CreateStack, `StackName`: "can't be longer than 128
 *   characters");
 * - a DynamoDB table name: 255 (Amazon DynamoDB Developer Guide, "Supported data types and naming rules in Amazon
 *   DynamoDB": "Table names and index names must be between 3 and 255 characters long");
 * - an SNS topic name: 256 (Amazon SNS API Reference, CreateTopic, `Name`: "must be between 1 and 256 characters
 *   long"), in its ARN `arn:PARTITION:sns:REGION:ACCOUNT:NAME` (Service Authorization Reference, "Resource types
 *   defined by Amazon SNS", `topic`);
 * - an account id: 12 (AWS Account Management Reference Guide, "AWS account identifiers": a 12-digit number);
 * - a partition and a region: no documented limit; the longest the AWS SDK for JavaScript v3's partition table
 *   knows (`@aws-sdk/core`, `util-endpoints/lib/aws/partitions`, 3.981): `aws-us-gov` (10) and
 *   `us-isof-south-1` (15), taken together (an upper bound: that region is in `aws-iso-f`, 9).
 */
const LONGEST = {
  stackName: 128,
  tableName: 255,
  topicName: 256,
  accountId: 12,
  partition: 'aws-us-gov'.length,
  region: 'us-isof-south-1'.length,
} as const;

/** The longest topic ARN: `arn:` PARTITION `:sns:` REGION `:` ACCOUNT `:` NAME. */
const LONGEST_TOPIC_ARN =
  'arn:'.length +
  LONGEST.partition +
  ':sns:'.length +
  LONGEST.region +
  1 +
  LONGEST.accountId +
  1 +
  LONGEST.topicName;

/** A 128-character CloudFormation stack name (a letter, then letters, digits and hyphens). */
const STACK_NAME = `H${'y'.repeat(LONGEST.stackName - 1)}`;

type Resources = Record<string, { Type: string }>;

/** The longest value of a template expression in `resources`, in bytes. @throws on a token not in {@link LONGEST} */
function longest(value: unknown, resources: Resources): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  const v = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  if (v.Ref !== undefined) {
    const type = resources[v.Ref]?.Type;
    if (type === 'AWS::DynamoDB::Table') return LONGEST.tableName;
    if (type === 'AWS::SNS::Topic') return LONGEST_TOPIC_ARN;
    throw new Error(`no longest value known for Ref ${v.Ref} (${type}): add it to LONGEST with its source`);
  }
  const join = v['Fn::Join'];
  if (join !== undefined) {
    const [separator, parts] = join;
    return (
      parts.reduce<number>((sum, part) => sum + longest(part, resources), 0) +
      separator.length * (parts.length - 1)
    );
  }
  throw new Error(`no longest value known for ${JSON.stringify(value)}: add it to LONGEST with its source`);
}

/** Each variable of `fn`'s environment in the synthesized `stack`, with its size (name and longest value) in bytes. */
function sizesAtLongest(stack: Stack, fn: HygieneFunction): (readonly [string, number])[] {
  const synthesized = Template.fromStack(stack);
  const template = synthesized.toJSON() as { Resources: Resources };
  const variables = environmentOf(synthesized, stack, fn);
  return Object.entries(variables).map(
    ([name, value]) => [name, Buffer.byteLength(name) + longest(value, template.Resources)] as const,
  );
}

const sum = (sizes: readonly (readonly [string, number])[]) =>
  sizes.reduce((total, [, bytes]) => total + bytes, 0);
const breakdownOf = (sizes: readonly (readonly [string, number])[]) =>
  sizes.map(([name, bytes]) => `${name} ${bytes}`).join(', ');

describe("the sweep function's environment reserve", () => {
  it('holds every non-config variable of the shipped stack at its longest: a 128-character stack name, names at their limits', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new PersonalClientHygieneStack(app, 'Hygiene', {
      stackName: STACK_NAME,
      settings: { config: DEFAULT_CONFIG, adminEmails: [], maxScheduleSkew: Duration.days(1) },
    });
    const variables = environmentOf(Template.fromStack(stack), stack, stack.hygiene.sweepFunction);
    const config = new Set(Object.keys(configToEnvironment(stack.hygiene.config)));
    const sizes = sizesAtLongest(stack, stack.hygiene.sweepFunction).filter(([name]) => !config.has(name));

    // What the reserve is for (lib/environment-budget.ts), the stack's name at its longest among them.
    expect(variables[HANDLER_ENV.stackName]).toBe(STACK_NAME);
    expect(sizes.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'TABLE_NAME',
        'TOPIC_ARN',
        'DIRECTORY_TABLE_NAME',
        'MAX_SCHEDULE_SKEW_SECONDS',
        'STACK_NAME',
      ]),
    );
    const total = sum(sizes);
    const said = `non-config variables at their longest: ${total} bytes (${breakdownOf(sizes)})`;
    expect(total, said).toBeLessThanOrEqual(CONSTRUCT_ENVIRONMENT_RESERVE_BYTES);
    expect(total, `${said}: update WORST_CASE_BYTES and the numbers that quote it`).toBe(WORST_CASE_BYTES);
  });

  it('is quoted as it is by lib/environment-budget.ts and docs/configuration.md', () => {
    /** The number of bytes `path` quotes right after `before` (line breaks and comment stars read as spaces). */
    const quotedIn = (path: string, before: string) => {
      const text = readFileSync(join(PROJECT_ROOT, path), 'utf8').replace(/\s*\n\s*(\*\s*)?/g, ' ');
      return new RegExp(`${before} ([\\d,]+) bytes`).exec(text)?.[1];
    };
    const pinned = WORST_CASE_BYTES.toLocaleString('en-US');
    expect(quotedIn('lib/environment-budget.ts', 'the default metric names they take')).toBe(pinned);
    expect(quotedIn('docs/configuration.md', 'the stack.s name: up to')).toBe(pinned);
  });
});

/** A `metricsNamespace` and a `serviceName` at CloudWatch's longest, 255 characters each. */
const LONG_NAMES: EnvironmentMetricNames = {
  metricsNamespace: `Security/Hygiene/${'n'.repeat(238)}`,
  serviceName: `credential-hygiene-${'s'.repeat(236)}`,
};

/** A 27-character id (a KSUID's length), the `i`th. */
const id = (i: number) => `${String(i).padStart(6, '0')}${'x'.repeat(21)}`;

/** The largest `n`, up to `most` (what the schema allows), for which `configOf(n)` passes the budget check beside `names`. */
function largestAccepted(
  configOf: (n: number) => HygieneConfigInput,
  most: number,
  names: EnvironmentMetricNames,
): number {
  let n = 0;
  while (n < most && environmentBudgetProblems(parseConfig(configOf(n + 1)), names).length === 0) n++;
  return n;
}

describe("the sweep function's whole environment, with the construct's own metric names", () => {
  // The shipped stack sets no metric names: a construct in a stack of one's own, given the shipped stack's
  // STACK_NAME, the largest schedule skew and the longest names.
  it.each([
    [
      'the most 27-character exemptIds',
      (n: number) => ({ exemptIds: Array.from({ length: n }, (_, i) => id(i)) }),
      10_000,
    ],
    [
      'the most risk tiers of 64-character names',
      (n: number) => ({
        riskTiers: Array.from({ length: n }, (_, i) => ({
          name: `${id(i)}${'t'.repeat(37)}`,
          staleAfterDays: 3650,
        })),
      }),
      20,
    ],
  ])('stays within 4 KB at its longest with %s the check lets through', (_, configOf, most) => {
    const n = largestAccepted(configOf, most, LONG_NAMES);
    expect(n).toBeGreaterThan(0);
    const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Hygiene', { stackName: STACK_NAME });
    const hygiene = new CredentialHygiene(stack, 'Hygiene', {
      ...LONG_NAMES,
      config: configOf(n),
      maxScheduleSkew: Duration.days(1),
    });
    hygiene.sweepFunction.function.addEnvironment(HANDLER_ENV.stackName, stack.stackName);
    const sizes = sizesAtLongest(stack, hygiene.sweepFunction);

    expect(sizes).toEqual(
      expect.arrayContaining([
        ['POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_METRICS_NAMESPACE'.length + 255],
        ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_SERVICE_NAME'.length + 255],
        ['STACK_NAME', 'STACK_NAME'.length + STACK_NAME.length],
      ]),
    );
    const total = sum(sizes);
    expect(total, `at their longest: ${total} bytes (${breakdownOf(sizes)})`).toBeLessThanOrEqual(
      LAMBDA_ENVIRONMENT_LIMIT_BYTES,
    );
  });
});
