/**
 * The SNS client of the owner commands (`owners sync-subscriptions`, `owners
 * unsubscribe`) is built by one function: in the topic's region, at
 * `--sns-endpoint` when given, and with the `--profile` the directory is read
 * with, so the topic and the directory are one account's.
 */
import { describe, expect, it } from 'vitest';
import { subscriptionsClientFor } from '../../cli/options/topic-options';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:hygiene';

describe('subscriptionsClientFor', () => {
  it('uses the given profile, and none when not given', () => {
    const withProfile = subscriptionsClientFor(TOPIC, undefined, 'ops');
    const without = subscriptionsClientFor(TOPIC, undefined);

    expect((withProfile.config as { profile?: string }).profile).toBe('ops');
    expect((without.config as { profile?: string }).profile).toBeUndefined();
    withProfile.destroy();
    without.destroy();
  });

  it('refuses an ARN that is not a standard SNS topic ARN', () => {
    expect(() => subscriptionsClientFor('arn:aws:sns:eu-west-1:1:x', undefined)).toThrow(
      'is not a standard SNS topic ARN',
    );
  });
});
