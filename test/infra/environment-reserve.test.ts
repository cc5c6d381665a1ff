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
 */
import { App, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { configToEnvironment, HANDLER_ENV } from '../../lambdas/handlers/environment';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { CONSTRUCT_ENVIRONMENT_RESERVE_BYTES } from '../../lib/environment-budget';
import { PersonalClientHygieneStack } from '../../lib/personal-client-hygiene-stack';
import { environmentOf, SKIP_BUNDLING } from './synth';

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

describe("the sweep function's environment reserve", () => {
  it('holds every non-config variable of the shipped stack at its longest: a 128-character stack name, names at their limits', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new PersonalClientHygieneStack(app, 'Hygiene', {
      stackName: STACK_NAME,
      settings: { config: DEFAULT_CONFIG, adminEmails: [], maxScheduleSkew: Duration.days(1) },
    });
    const synthesized = Template.fromStack(stack);
    const template = synthesized.toJSON() as { Resources: Resources };
    const variables = environmentOf(synthesized, stack, stack.hygiene.sweepFunction);
    const config = new Set(Object.keys(configToEnvironment(stack.hygiene.config)));
    const sizes = Object.entries(variables)
      .filter(([name]) => !config.has(name))
      .map(([name, value]) => [name, Buffer.byteLength(name) + longest(value, template.Resources)] as const);

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
    const total = sizes.reduce((sum, [, bytes]) => sum + bytes, 0);
    const breakdown = sizes.map(([name, bytes]) => `${name} ${bytes}`).join(', ');
    expect(total, `non-config variables at their longest: ${total} bytes (${breakdown})`).toBeLessThanOrEqual(
      CONSTRUCT_ENVIRONMENT_RESERVE_BYTES,
    );
  });
});
