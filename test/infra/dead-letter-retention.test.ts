/**
 * The dead-letter queues' retention is one constant, `DEAD_LETTER_RETENTION_DAYS`
 * (lambdas/aws/relay-ledger-table-definition.ts), the one the relay ledger's
 * TTL is computed from: changed there, every dead-letter queue the stack builds
 * (the schedules', the relay queue's, the SES events subscription's, the relay queue subscription's) follows, so the ledger can never be reasoned from a retention the queues do
 * not have (docs/deploy.md, "Redriving the relay DLQ"). The constant is
 * replaced here by another value and the stack synthesized with it.
 */
import { describe, expect, it, vi } from 'vitest';
import { DEAD_LETTER_RETENTION_DAYS } from '../../lambdas/aws/relay-ledger-table-definition';
import { scheduleDeadLetterQueues } from './queue-access-check';
import { type CfnTemplate, referencedId } from './structural-checks';
import { synthApp } from './synth';

vi.mock('../../lambdas/aws/relay-ledger-table-definition', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../lambdas/aws/relay-ledger-table-definition')>()),
  DEAD_LETTER_RETENTION_DAYS: 10,
}));

const DAY = 86_400;

describe('the dead-letter queues’ retention', () => {
  it('follows DEAD_LETTER_RETENTION_DAYS: the worker’s dead-letter queue, the relay’s, the SES events subscription’s and the relay queue subscription’s', () => {
    expect(DEAD_LETTER_RETENTION_DAYS).toBe(10);
    const json = synthApp({
      ownerDelivery: 'relay',
      senderIdentity: 'hygiene@example.com',
    }).template.toJSON() as CfnTemplate;
    // A queue's redrive target, and an SNS subscription's (the SES events function's, the relay queue's).
    const redrivers = Object.values(json.Resources).filter((r) =>
      ['AWS::SQS::Queue', 'AWS::SNS::Subscription'].includes(r.Type),
    );
    const redriveTargets = redrivers.map((r) =>
      referencedId(
        (r.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn,
      ),
    );
    const deadLetterQueues = [
      ...scheduleDeadLetterQueues(json),
      ...redriveTargets.filter((id) => id !== undefined),
    ];
    expect(deadLetterQueues).toHaveLength(4);
    expect(deadLetterQueues.map((id) => json.Resources[id!]!.Properties?.MessageRetentionPeriod)).toEqual([
      10 * DAY,
      10 * DAY,
      10 * DAY,
      10 * DAY,
    ]);
  });
});
