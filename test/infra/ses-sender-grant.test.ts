/**
 * The relay's SES send grant names exactly the address the relay asks
 * SES to send from: the synthesized `ses:FromAddress` condition (StringEquals,
 * case-sensitive) and both identity ARNs (the address, its domain) against
 * the `FromEmailAddress` the relay's own code path puts in the request — the
 * sender identity read back from the synthesized function's environment, as
 * the handler reads it, then `relayBatch` through `SesEmailSender` at the
 * client boundary (aws-sdk-client-mock). A mismatch denies every email: every
 * digest in the DLQ. A sender SES cannot send from fails the synth, naming
 * `senderIdentity`.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SesEmailSender } from '../../lambdas/aws/ses-email-sender';
import { configFromEnvironment } from '../../lambdas/handlers/environment';
import { parseConfig } from '../../lambdas/hygiene/config';
import { relayBatch } from '../../lambdas/relay/relay';
import { addDeadLetterQueue } from '../../lib/dead-letter-queue';
import { OwnerEmailRelay, OwnerEmailRelayConfigError } from '../../lib/owner-email-relay';
import { SAMPLE_NOW, sampleEntries, sampleEvent, snsEnvelope } from '../support/sample-digest';
import { MemoryRelayLedger, memoryDirectory } from '../unit/support/relay-fakes';
import { SKIP_BUNDLING } from './synth';

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

/** A stack holding only the relay, sending from `senderIdentity`. */
function synthRelay(senderIdentity: string) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'SenderGrant', { env: { account: '123456789012', region: 'eu-west-1' } });
  const relay = new OwnerEmailRelay(stack, 'Relay', {
    topic: new sns.Topic(stack, 'Topic', { enforceSSL: true }),
    directoryTable: new dynamodb.Table(stack, 'Directory', {
      partitionKey: { name: 'userId', type: dynamodb.AttributeType.STRING },
    }),
    failedInvocationQueue: addDeadLetterQueue(stack, 'Failed', 'the test'),
    config: parseConfig({ ownerDelivery: 'relay', senderIdentity }),
    metricsNamespace: 'PersonalClientHygiene',
    serviceName: 'personal-client-hygiene',
    alarms: false,
  });
  return { template: Template.fromStack(stack), stack, relay };
}

/** An ARN as synthesized (`Fn::Join` with the partition as a token) as one string. */
function arnText(arn: unknown): string {
  const join = (arn as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join === undefined) return String(arn);
  return join[1].map((part) => (typeof part === 'string' ? part : '<token>')).join(join[0]);
}

/** The relay role's one SES send statement (`ses:SendEmail`, `ses:SendRawEmail`): its `ses:FromAddress` and identities. */
function sendGrant(template: Template) {
  const [statement, ...more] = Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .filter((s: { Action: unknown }) => [s.Action].flat().includes('ses:SendEmail'));
  expect(more).toEqual([]);
  const resources = (statement.Resource as unknown[]).map(arnText);
  return {
    fromAddress: statement.Condition.StringEquals['ses:FromAddress'] as string,
    identities: resources.flatMap((arn) => /:identity\/(.+)$/.exec(arn)?.[1] ?? []),
  };
}

/** The sender identity the relay function is deployed with, read back as its handler reads it. */
function deployedSender(template: Template, stack: Stack, relay: OwnerEmailRelay): string {
  const logicalId = stack.getLogicalId(relay.relayFunction.function.node.defaultChild as CfnFunction);
  const variables: Record<string, unknown> =
    template.toJSON().Resources[logicalId].Properties.Environment.Variables;
  // Deploy-time values (the configuration set's name is a reference) are not the sender's business.
  const plain = Object.entries(variables).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  const sender = configFromEnvironment(Object.fromEntries(plain)).senderIdentity;
  if (sender === undefined) throw new Error('the relay function has no sender identity');
  return sender;
}

/** The `FromEmailAddress` the relay's code path asks SES for, sending one digest as `from`. */
async function requestedFrom(from: string): Promise<string | undefined> {
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  const [entry] = sampleEntries([sampleEvent('expiry-warning', 'pc-ada', {}, 'ada')]);
  if (entry === undefined) throw new Error('no entry');
  const result = await relayBatch(
    {
      directory: memoryDirectory([{ userId: 'ada', email: 'ada@example.com', status: 'active' }]),
      ledger: new MemoryRelayLedger(),
      sender: new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), { maxAttempts: 1 }),
      clock: () => SAMPLE_NOW + 5_000,
      from,
    },
    [{ messageId: 'msg-ada', body: snsEnvelope(entry) }],
  );
  expect(result.batchItemFailures).toEqual([]);
  return ses.commandCalls(SendEmailCommand)[0]?.args[0].input.FromEmailAddress;
}

describe('the relay’s SendEmail grant and the address it sends from', () => {
  it.each([
    ['a bare address', 'hygiene@corp.example', 'hygiene@corp.example'],
    ['Name <address>', 'Hygiene <hygiene@corp.example>', 'hygiene@corp.example'],
    ['a mixed-case ASCII domain (kept as written)', 'Security <sec@Corp.Example>', 'sec@Corp.Example'],
    ['a Unicode domain (in Punycode)', 'Hygiene <sec@bücher.example>', 'sec@xn--bcher-kva.example'],
  ])(
    '%s: the condition and both identity ARNs name the requested sender',
    async (_what, sender, expected) => {
      const { template, stack, relay } = synthRelay(sender);
      const from = await requestedFrom(deployedSender(template, stack, relay));

      const grant = sendGrant(template);

      expect(from).toBe(expected);
      expect(grant.fromAddress).toBe(from);
      expect(grant.identities).toEqual([from, from?.slice(from.lastIndexOf('@') + 1)]);
    },
  );

  it.each(['hygiene@0x7f.1', 'Hygiene <hygiene@example.123>'])(
    'refuses to synthesize a sender SES cannot send from (%s), naming senderIdentity',
    (sender) => {
      expect(() => synthRelay(sender)).toThrow(OwnerEmailRelayConfigError);
      expect(() => synthRelay(sender)).toThrow(/^senderIdentity "hygiene@.*": Amazon SES cannot be given it/);
    },
  );
});
