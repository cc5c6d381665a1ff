/**
 * A deployed stack keeps its data across upgrades only while every stateful resource keeps its logical id: a
 * construct renamed or moved gives a new id, and CloudFormation then creates a new resource and removes the old
 * one — a new, empty credentials or owner directory table beside the retained old one (the functions then read the
 * empty one), a new notification topic (every owner's confirmed subscription gone), new queues (what they held
 * deleted). So the ids are pinned here, with their types and deletion policies, for the shipped stack on both owner
 * routes (docs/deploy.md, "Upgrading a deployment"). A change here must be a deliberate one, with its upgrade note.
 */
import { describe, expect, it } from 'vitest';
import { synthApp } from './synth';

/** The resource types that hold data or state a person relies on. */
const STATEFUL =
  /^AWS::(DynamoDB::Table|SNS::Topic|SQS::Queue|KMS::Key|Logs::LogGroup|SES::ConfigurationSet)$/;

/** The template's resources. */
function resourcesOf(context: Record<string, unknown>) {
  return synthApp(context).template.toJSON().Resources as Record<
    string,
    { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> }
  >;
}

/** Each stateful resource of a template: logical id → `type deletionPolicy`. */
function statefulResources(context: Record<string, unknown>): Record<string, string> {
  const resources = resourcesOf(context);
  return Object.fromEntries(
    Object.entries(resources)
      .filter(([, r]) => STATEFUL.test(r.Type))
      .map(([id, r]) => [id, `${r.Type} ${r.DeletionPolicy ?? 'Delete'}`]),
  );
}

const SNS_EMAIL = {
  HygieneCredentialsTableB7A06FDD: 'AWS::DynamoDB::Table Retain',
  HygieneOwnerDirectoryTableDF13DF02: 'AWS::DynamoDB::Table Retain',
  HygieneNotificationKey1D310A11: 'AWS::KMS::Key Retain',
  HygieneTopicA1F3E6CD: 'AWS::SNS::Topic Delete',
  HygieneAlarmTopicC0F4FBA3: 'AWS::SNS::Topic Delete',
  HygieneScheduleDeadLetterQueueE40B0598: 'AWS::SQS::Queue Delete',
  HygieneSweepLogGroup438600A1: 'AWS::Logs::LogGroup Retain',
  HygieneNotifierLogGroup8FA6746D: 'AWS::Logs::LogGroup Retain',
  HygieneReconcilerLogGroup1E93125A: 'AWS::Logs::LogGroup Retain',
};

const RELAY_ONLY = {
  HygieneRelayQueueC2AC625A: 'AWS::SQS::Queue Delete',
  HygieneRelayDeadLetterQueueBB6E5680: 'AWS::SQS::Queue Delete',
  HygieneRelayLedgerTableC595CC65: 'AWS::DynamoDB::Table Delete',
  HygieneRelayConfigurationSet43944023: 'AWS::SES::ConfigurationSet Delete',
  HygieneRelaySesEventsKey89D185A7: 'AWS::KMS::Key Retain',
  HygieneRelaySesEventsTopicCABE4678: 'AWS::SNS::Topic Delete',
  HygieneRelaySesEventsDeadLetterKey5C3C6499: 'AWS::KMS::Key Retain',
  HygieneRelaySesEventsDeadLetterQueue022D3B78: 'AWS::SQS::Queue Delete',
  HygieneRelayRelaySubscriptionDeadLetterKeyB473B562: 'AWS::KMS::Key Retain',
  HygieneRelayRelaySubscriptionDeadLetterQueueB3CE1BD4: 'AWS::SQS::Queue Delete',
  HygieneRelayRelayFunctionLogGroupC47535B5: 'AWS::Logs::LogGroup Retain',
  HygieneRelaySesEventsFunctionLogGroup45EBDDF2: 'AWS::Logs::LogGroup Retain',
};

describe('stateful resources keep their logical ids across upgrades', () => {
  it('route sns-email (the default stack)', () => {
    expect(statefulResources({})).toEqual(SNS_EMAIL);
  });

  const relay = { ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' };

  it('route relay', () => {
    expect(statefulResources(relay)).toEqual({ ...SNS_EMAIL, ...RELAY_ONLY });
  });

  it('the relay queue keeps its fixed name (a changed name replaces the queue and deletes what it holds)', () => {
    expect(resourcesOf(relay).HygieneRelayQueueC2AC625A?.Properties?.QueueName).toBe(
      'PersonalClientHygiene-Relay-E52AC469-queue',
    );
  });
});
