/**
 * SES bounce and complaint events → the directory: which events mark an
 * owner bouncing (permanent bounces, complaints), which change nothing, and
 * the owner tag that ties an event back to its owner.
 */
import { describe, expect, it } from 'vitest';
import type { OwnerBounceRecorder } from '../../lambdas/hygiene/owner-directory';
import { OWNER_TAG, ownerTags, userIdFromTag } from '../../lambdas/relay/email-tags';
import { addressProblemOf, recordAddressProblems } from '../../lambdas/relay/ses-events';

const NOW = Date.parse('2026-11-26T04:00:00.000Z');

function bounce(type: string, userId?: string) {
  return JSON.stringify({
    eventType: 'Bounce',
    bounce: {
      bounceType: type,
      bouncedRecipients: [{ emailAddress: 'ada@example.com' }],
      timestamp: '2026-11-26T03:00:00.000Z',
    },
    mail: { tags: userId === undefined ? {} : { [OWNER_TAG]: [ownerTags(userId)[OWNER_TAG]] } },
  });
}

/** A directory that records marks and holds `ada@example.com` for `ada`. */
function recorder(): OwnerBounceRecorder & { marks: string[][] } {
  const marks: string[][] = [];
  return {
    marks,
    async markBouncing(userId, email, since) {
      marks.push([userId, email, since]);
      return userId === 'ada' && email === 'ada@example.com';
    },
  };
}

describe('owner tag', () => {
  it('round-trips any user id within SES’s tag alphabet, and refuses what it did not make', () => {
    for (const id of ['ada', 'user@example.com', 'Zoë/🚀 #1', 'x'.repeat(192)]) {
      const value = ownerTags(id)[OWNER_TAG];
      expect(value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
      expect(userIdFromTag(value)).toBe(id);
    }
    expect(ownerTags('x'.repeat(193))).toEqual({});
    expect(userIdFromTag('not base64!')).toBeUndefined();
    expect(userIdFromTag(undefined)).toBeUndefined();
  });
});

describe('addressProblemOf', () => {
  it('reads permanent bounces and complaints (event publishing and feedback notifications)', () => {
    const complaint = JSON.stringify({
      notificationType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: 'ada@example.com' }] },
      mail: {},
    });

    expect(addressProblemOf(bounce('Permanent', 'ada'), NOW)).toEqual({
      kind: 'bounce',
      recipients: ['ada@example.com'],
      userId: 'ada',
      at: '2026-11-26T03:00:00.000Z',
    });
    expect(addressProblemOf(complaint, NOW)).toEqual({
      kind: 'complaint',
      recipients: ['ada@example.com'],
      at: '2026-11-26T04:00:00.000Z',
    });
  });

  it('ignores transient bounces and other events', () => {
    expect(addressProblemOf(bounce('Transient', 'ada'), NOW)).toBeUndefined();
    expect(addressProblemOf(bounce('Undetermined', 'ada'), NOW)).toBeUndefined();
    expect(addressProblemOf(JSON.stringify({ eventType: 'Delivery', mail: {} }), NOW)).toBeUndefined();
  });
});

describe('recordAddressProblems', () => {
  it('marks the tagged owner at the bounced address, and counts what it could not attribute', async () => {
    const directory = recorder();

    const summary = await recordAddressProblems(
      directory,
      [
        bounce('Permanent', 'ada'),
        bounce('Permanent'),
        bounce('Permanent', 'bob'),
        bounce('Transient', 'ada'),
        '{oops',
      ],
      NOW,
    );

    expect(directory.marks).toEqual([
      ['ada', 'ada@example.com', '2026-11-26T03:00:00.000Z'],
      ['bob', 'ada@example.com', '2026-11-26T03:00:00.000Z'],
    ]);
    expect(summary).toEqual({ bounces: 3, complaints: 0, marked: 1, unattributed: 2, unreadable: 1 });
  });
});
