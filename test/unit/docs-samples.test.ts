/**
 * The sample digest in docs/notifications.md ("The message") is what the
 * notifier renders for those events, so the docs cannot drift from the
 * layout (issue 14 §7). The sample's events are the shared samples with the
 * names and client ids the docs show.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SNS_LIMITS, snsEntryFields } from '../../lambdas/aws/sns-wire';
import { renderDigest } from '../../lambdas/hygiene/digest';
import { SAMPLE_DRAIN_ID, SAMPLE_NOW, sampleEvent } from '../support/sample-digest';

/** The fenced block that starts with the greeting. */
function docsSample(): string {
  const text = readFileSync(new URL('../../docs/notifications.md', import.meta.url), 'utf8');
  const start = text.indexOf('```\nHello user-42,');
  expect(start).toBeGreaterThan(0);
  const body = text.slice(start + 4);
  return body.slice(0, body.indexOf('```\n'));
}

describe('docs/notifications.md sample digest', () => {
  it('is the rendering of its events, line for line', () => {
    const events = [
      sampleEvent('deleted-expired', 'pc-0c21', { displayName: 'old terraform', clientId: 'c1-tf-0c21' }),
      sampleEvent('stale-warning', 'pc-19bd', {
        displayName: 'laptop scripts',
        clientId: 'c1-laptop-19bd',
        staleAfterDays: 30,
        tier: 'unscoped-unrestricted',
      }),
      sampleEvent('expiry-warning', 'pc-7f3a', {
        displayName: 'CI deploy (GitHub Actions)',
        clientId: 'c1-deploy-7f3a',
      }),
    ];
    const [part] = renderDigest({
      userId: 'user-42',
      events,
      now: SAMPLE_NOW,
      drainId: SAMPLE_DRAIN_ID,
      budget: SNS_LIMITS,
    });
    const email = (JSON.parse(part ? snsEntryFields(part.message).Message : '{}') as { email: string }).email;
    expect(docsSample()).toBe(`${email.trimEnd()}\n`);
  });
});
