/**
 * The sweep function's environment against the construct's two measures of
 * itself (lib/environment-budget.ts): its reserve
 * (`CONSTRUCT_ENVIRONMENT_RESERVE_BYTES`), the worst the shipped stack can put
 * there besides the hygiene config, and its least
 * (`CONSTRUCT_ENVIRONMENT_MINIMUM_BYTES`), the least any deployment puts there.
 * `exemptIds` may take the 4 KB limit less the reserve, so the reserve must
 * hold every other variable at its largest, or a deployment near the budget
 * fails at CloudFormation time (Lambda refuses an environment over 4 KB)
 * instead of at synth. The rest of the config is refused only past the limit
 * less the least, so the least must be no more than any deployment adds, or
 * a config that deploys would be refused.
 *
 * The worst case: the stack is synthesized with a 128-character name
 * (STACK_NAME) and the largest schedule skew (one day), and every
 * `Ref`/`Fn::GetAtt` of the sweep's non-config variables is replaced by the
 * longest value it can take ({@link LONGEST}), each with its AWS source. Names
 * CloudFormation generates (the tables', the topics') are counted at their
 * service's limit: how long CloudFormation makes them is not documented, and a
 * brought table's name may be that long anyway. The least: the construct in a
 * stack of its own (no STACK_NAME) without alarms (no ALARM_TOPIC_ARN), the
 * shortest schedule skew, every name at its shortest ({@link SHORTEST}).
 *
 * The relay function (`ownerDelivery: relay`) carries the whole hygiene config too, `exemptIds` among it: its own
 * non-config variables at their longest (its tables, its configuration set's generated name, its queue's
 * `maxReceiveCount`) must fit in the same reserve.
 *
 * Both are pinned exactly ({@link WORST_CASE_BYTES}, quoted by
 * lib/environment-budget.ts's header and docs/configuration.md; the least is
 * the constant the check uses, quoted by docs/configuration.md): a new
 * variable changes them together. With a construct's own `metricsNamespace`
 * and `serviceName` at their longest, the sweep's whole environment at its
 * worst stays within Lambda's 4 KB whenever the check lets `exemptIds`
 * through; at its least, a config the check refuses for the rest of its
 * variables takes more than 4 KB.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { configToEnvironment, HANDLER_ENV } from '../../lambdas/handlers/environment';
import { DEFAULT_CONFIG, type HygieneConfigInput, parseConfig } from '../../lambdas/hygiene/config';
import { CredentialHygiene, CredentialHygienePropsError } from '../../lib/credential-hygiene';
import {
  CONSTRUCT_ENVIRONMENT_MINIMUM_BYTES,
  CONSTRUCT_ENVIRONMENT_RESERVE_BYTES,
  environmentBudgetProblems,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
} from '../../lib/environment-budget';
import { type HygieneFunction, PROJECT_ROOT } from '../../lib/hygiene-function';
import { DEFAULT_METRIC_NAMES, type MetricNames } from '../../lib/metric-identity';
import { PersonalClientHygieneStack } from '../../lib/personal-client-hygiene-stack';
import { MIN_SCHEDULE_SKEW_SECONDS } from '../../lib/sweep-delivery';
import { thrownBy } from '../support/thrown';
import { configOfBytes, DAILY_SWEEP_LOOKAHEAD } from './support/config-of-size';
import { environmentOf, SKIP_BUNDLING } from './synth';

/**
 * The sweep's non-config variables at their longest, in bytes: what lib/environment-budget.ts's header and
 * docs/configuration.md ("`exemptIds` and the Lambda environment") quote. A variable added or grown changes it:
 * change the three together (and keep it within the reserve).
 */
const WORST_CASE_BYTES = 1491;

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
 * - an SES configuration set name: 64 (Amazon SES API Reference, `ConfigurationSet`, `Name`: "Contain 64 characters
 *   or fewer");
 * - a partition and a region: no documented limit; the longest the AWS SDK for JavaScript v3's partition table
 *   knows (`@aws-sdk/core`, `util-endpoints/lib/aws/partitions`, 3.981): `aws-us-gov` (10) and
 *   `us-isof-south-1` (15), taken together (an upper bound: that region is in `aws-iso-f`, 9).
 */
const LONGEST = {
  stackName: 128,
  tableName: 255,
  topicName: 256,
  accountId: 12,
  configurationSetName: 64,
  partition: 'aws-us-gov'.length,
  region: 'us-isof-south-1'.length,
} as const;

/**
 * The shortest value of each token the sweep's environment can hold, in characters, from the same sources as
 * {@link LONGEST}: a DynamoDB table name: 3; an SNS topic name: 1; an account id: 12; an SES configuration set
 * name: 1 (a name, at least one of the characters it may contain); a partition and a region:
 * the shortest the SDK's partition table knows, `aws` (3) and `us-east-1` (9; several regions share that length).
 */
const SHORTEST = {
  tableName: 3,
  topicName: 1,
  accountId: 12,
  configurationSetName: 1,
  partition: 'aws'.length,
  region: 'us-east-1'.length,
} as const;

/** A topic ARN's length: `arn:` PARTITION `:sns:` REGION `:` ACCOUNT `:` NAME. */
const topicArnLength = (parts: typeof LONGEST | typeof SHORTEST) =>
  'arn:'.length + parts.partition + ':sns:'.length + parts.region + 1 + parts.accountId + 1 + parts.topicName;

/**
 * The bytes a table name and a topic ARN (the tokens of the sweep's environment), and a configuration set name (the
 * relay's), take at one end.
 */
interface TokenBytes {
  readonly tableName: number;
  readonly topicArn: number;
  readonly configurationSetName: number;
}
const AT_LONGEST: TokenBytes = {
  tableName: LONGEST.tableName,
  topicArn: topicArnLength(LONGEST),
  configurationSetName: LONGEST.configurationSetName,
};
const AT_SHORTEST: TokenBytes = {
  tableName: SHORTEST.tableName,
  topicArn: topicArnLength(SHORTEST),
  configurationSetName: SHORTEST.configurationSetName,
};

/** A 128-character CloudFormation stack name (a letter, then letters, digits and hyphens). */
const STACK_NAME = `H${'y'.repeat(LONGEST.stackName - 1)}`;

type Resources = Record<string, { Type: string }>;

/** The size of a template expression in `resources`, in bytes, its tokens at `at`. @throws on a token not known */
function sizeOf(value: unknown, resources: Resources, at: TokenBytes): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  const v = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  if (v.Ref !== undefined) {
    const type = resources[v.Ref]?.Type;
    if (type === 'AWS::DynamoDB::Table') return at.tableName;
    if (type === 'AWS::SNS::Topic') return at.topicArn;
    if (type === 'AWS::SES::ConfigurationSet') return at.configurationSetName;
    throw new Error(
      `no size known for Ref ${v.Ref} (${type}): add it to LONGEST and SHORTEST with its source`,
    );
  }
  const join = v['Fn::Join'];
  if (join !== undefined) {
    const [separator, parts] = join;
    return (
      parts.reduce<number>((sum, part) => sum + sizeOf(part, resources, at), 0) +
      separator.length * (parts.length - 1)
    );
  }
  throw new Error(
    `no size known for ${JSON.stringify(value)}: add it to LONGEST and SHORTEST with its source`,
  );
}

/** Each variable of `fn`'s environment in the synthesized `stack`, with its size (name and value, tokens at `at`) in bytes. */
function sizesAt(stack: Stack, fn: HygieneFunction, at: TokenBytes): (readonly [string, number])[] {
  const synthesized = Template.fromStack(stack);
  const template = synthesized.toJSON() as { Resources: Resources };
  const variables = environmentOf(synthesized, stack, fn);
  return Object.entries(variables).map(
    ([name, value]) => [name, Buffer.byteLength(name) + sizeOf(value, template.Resources, at)] as const,
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
    const sizes = sizesAt(stack, stack.hygiene.sweepFunction, AT_LONGEST).filter(
      ([name]) => !config.has(name),
    );

    // What the reserve is for (lib/environment-budget.ts), the stack's name at its longest among them.
    expect(variables[HANDLER_ENV.stackName]).toBe(STACK_NAME);
    expect(sizes.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'TABLE_NAME',
        'TOPIC_ARN',
        'DIRECTORY_TABLE_NAME',
        'MAX_SCHEDULE_SKEW_SECONDS',
        'ALARM_TOPIC_ARN',
        'STACK_NAME',
      ]),
    );
    const total = sum(sizes);
    const said = `non-config variables at their longest: ${total} bytes (${breakdownOf(sizes)})`;
    expect(total, said).toBeLessThanOrEqual(CONSTRUCT_ENVIRONMENT_RESERVE_BYTES);
    expect(total, `${said}: update WORST_CASE_BYTES and the numbers that quote it`).toBe(WORST_CASE_BYTES);
  });

  it('is quoted as it is by lib/environment-budget.ts and docs/configuration.md, as is the least', () => {
    /** The number of bytes `path` quotes right after `before` (line breaks and comment stars read as spaces). */
    const quotedIn = (path: string, before: string) => {
      const text = readFileSync(join(PROJECT_ROOT, path), 'utf8').replace(/\s*\n\s*(\*\s*)?/g, ' ');
      return new RegExp(`${before} ([\\d,]+) bytes`).exec(text)?.[1];
    };
    const pinned = WORST_CASE_BYTES.toLocaleString('en-US');
    expect(quotedIn('lib/environment-budget.ts', 'the default metric names they take')).toBe(pinned);
    expect(quotedIn('docs/configuration.md', 'the stack.s name: up to')).toBe(pinned);
    expect(quotedIn('docs/configuration.md', 'what every deployment adds at the least:')).toBe(
      CONSTRUCT_ENVIRONMENT_MINIMUM_BYTES.toLocaleString('en-US'),
    );
  });
});

describe("the relay function's environment (ownerDelivery relay)", () => {
  it('holds its non-config variables at their longest within the same reserve: it carries the whole config, exemptIds among it', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new PersonalClientHygieneStack(app, 'Hygiene', {
      stackName: STACK_NAME,
      settings: {
        config: parseConfig({ ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' }),
        adminEmails: [],
        maxScheduleSkew: Duration.days(1),
      },
    });
    const relayFunction = stack.hygiene.relay?.relayFunction;
    if (relayFunction === undefined) throw new Error('no relay');
    const config = new Set(Object.keys(configToEnvironment(stack.hygiene.config)));
    const sizes = sizesAt(stack, relayFunction, AT_LONGEST).filter(([name]) => !config.has(name));

    expect(sizes.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        HANDLER_ENV.directoryTableName,
        HANDLER_ENV.relayLedgerTableName,
        HANDLER_ENV.relayMaxReceiveCount,
        // No sesConfigurationSet in the config: the generated name, the construct's addition.
        'HYGIENE_sesConfigurationSet',
      ]),
    );
    const total = sum(sizes);
    expect(
      total,
      `non-config variables at their longest: ${total} bytes (${breakdownOf(sizes)})`,
    ).toBeLessThanOrEqual(CONSTRUCT_ENVIRONMENT_RESERVE_BYTES);
  });
});

/**
 * The construct in a stack of its own at its least: no alarms (no alarm topic to check), the shortest schedule skew,
 * the given metric names.
 */
function leastConstruct(config: HygieneConfigInput, names: MetricNames = DEFAULT_METRIC_NAMES) {
  const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Hygiene');
  const hygiene = new CredentialHygiene(stack, 'Hygiene', {
    ...names,
    config,
    alarms: false,
    maxScheduleSkew: Duration.seconds(MIN_SCHEDULE_SKEW_SECONDS),
  });
  return { stack, hygiene };
}

describe("the least the construct adds to the sweep function's environment", () => {
  it('is every non-config variable at its shortest: no stack name, no alarm topic, the shortest skew, names at their shortest', () => {
    const { stack, hygiene } = leastConstruct({});
    const config = new Set(Object.keys(configToEnvironment(hygiene.config)));
    const sizes = sizesAt(stack, hygiene.sweepFunction, AT_SHORTEST).filter(([name]) => !config.has(name));

    expect(sizes.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'TABLE_NAME',
        'TOPIC_ARN',
        'DIRECTORY_TABLE_NAME',
        'MAX_SCHEDULE_SKEW_SECONDS',
      ]),
    );
    expect(sizes.map(([name]) => name)).not.toContain(HANDLER_ENV.stackName);
    expect(sizes.map(([name]) => name)).not.toContain(HANDLER_ENV.alarmTopicArn);
    expect(sizes).toContainEqual([
      HANDLER_ENV.maxScheduleSkewSeconds,
      HANDLER_ENV.maxScheduleSkewSeconds.length + String(MIN_SCHEDULE_SKEW_SECONDS).length,
    ]);
    const total = sum(sizes);
    expect(total, `non-config variables at their shortest: ${total} bytes (${breakdownOf(sizes)})`).toBe(
      CONSTRUCT_ENVIRONMENT_MINIMUM_BYTES,
    );
  });

  it.each([
    ['the default metric names', DEFAULT_METRIC_NAMES],
    ['the longest metric names', { metricsNamespace: 'N'.repeat(255), serviceName: 's'.repeat(255) }],
    ['one-character metric names', { metricsNamespace: 'N', serviceName: 's' }],
  ])(
    'bounds the rest of the config exactly, with %s: what the check refuses cannot deploy even at the least',
    (_, names) => {
      const { stack, hygiene } = leastConstruct({}, names);
      const configKeys = new Set(Object.keys(configToEnvironment(hygiene.config)));
      const nonConfig = sum(
        sizesAt(stack, hygiene.sweepFunction, AT_SHORTEST).filter(([n]) => !configKeys.has(n)),
      );
      const boundary = LAMBDA_ENVIRONMENT_LIMIT_BYTES - nonConfig;

      // At the boundary the least deployment's whole environment is exactly 4 KB: it could deploy, and passes.
      const fitting = leastConstruct(configOfBytes(boundary), names);
      expect(sum(sizesAt(fitting.stack, fitting.hygiene.sweepFunction, AT_SHORTEST))).toBe(
        LAMBDA_ENVIRONMENT_LIMIT_BYTES,
      );
      // One byte more could deploy nowhere: refused, naming riskTiers (the largest variable).
      const refused = thrownBy(CredentialHygienePropsError, () =>
        leastConstruct(configOfBytes(boundary + 1), names),
      );
      expect(refused.problems).toEqual([
        expect.stringMatching(/^riskTiers: .*, so no deployment can hold it: /),
      ]);
    },
  );
});

/** A `metricsNamespace` and a `serviceName` at CloudWatch's longest, 255 characters each. */
const LONG_NAMES: MetricNames = {
  metricsNamespace: `Security/Hygiene/${'n'.repeat(238)}`,
  serviceName: `credential-hygiene-${'s'.repeat(236)}`,
};

/** A 27-character id (a KSUID's length), the `i`th. */
const id = (i: number) => `${String(i).padStart(6, '0')}${'x'.repeat(21)}`;

/** The exemptIds of `n` 27-character ids, beside the lookahead the construct would derive (measured as deployed). */
const exemptIdsOf = (n: number) => ({
  ...DAILY_SWEEP_LOOKAHEAD,
  exemptIds: Array.from({ length: n }, (_, i) => id(i)),
});

/** The largest count of 27-character exemptIds that passes the budget check beside `names`. */
function largestAccepted(names: MetricNames): number {
  let n = 0;
  while (environmentBudgetProblems(parseConfig(exemptIdsOf(n + 1)), names).length === 0) n++;
  return n;
}

describe("the sweep function's whole environment, with the construct's own metric names", () => {
  // The shipped stack sets no metric names: a construct in a stack of one's own, given the shipped stack's
  // STACK_NAME, the largest schedule skew and the longest names.
  it('stays within 4 KB at its longest with the most 27-character exemptIds the check lets through', () => {
    const n = largestAccepted(LONG_NAMES);
    expect(n).toBeGreaterThan(0);
    const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Hygiene', { stackName: STACK_NAME });
    const hygiene = new CredentialHygiene(stack, 'Hygiene', {
      ...LONG_NAMES,
      config: exemptIdsOf(n),
      maxScheduleSkew: Duration.days(1),
    });
    hygiene.sweepFunction.function.addEnvironment(HANDLER_ENV.stackName, stack.stackName);
    const sizes = sizesAt(stack, hygiene.sweepFunction, AT_LONGEST);

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
