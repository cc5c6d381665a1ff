/**
 * The admins' `owner-unreachable` report puts what is urgent first (lambdas/hygiene/unreachable-report.ts;
 * docs/notifications.md, "The report message"): owners ranked by their most urgent notice (a deletion or an expiry
 * within a day before routine notices, by the digest's own order), one line counting what is urgent, the soonest
 * expiry in the subject, and, for a deleted credential, the restore command the owner's own advice would have
 * pointed to (that advice is for the owner, not the admins, so it is not in the report), aimed at the deployment
 * with the admin report's target flags.
 */
import { describe, expect, it } from 'vitest';
import { snsLimits } from '../../lambdas/aws/sns-wire';
import { requireInstant } from '../../lambdas/hygiene/time';
import {
  ownersByUrgency,
  renderUnreachableReport,
  type UnreachableOwner,
  type UnreachableReportInput,
} from '../../lambdas/hygiene/unreachable-report';
import { deploymentTargetFlags } from '../../lambdas/render/admin-report';
import { outboxEvent } from './outbox-fakes';

const NOW = requireInstant('2026-11-26T02:00:00.000Z', 'now');

function owner(userId: string, ...events: UnreachableOwner['events']): UnreachableOwner {
  return { userId, reason: 'not-in-directory', events };
}

/** An expiry warning of `stageDays`, expiring at `expiresTime`. */
function expiring(credentialId: string, userId: string, stageDays: number, expiresTime: string) {
  return outboxEvent({ credentialId, userId, type: 'expiry-warning', stageDays, expiresTime });
}

function input(owners: readonly UnreachableOwner[]): UnreachableReportInput {
  return { budget: snsLimits(), drainId: 'drain-1', now: NOW, route: 'sns-email', owners, invalidEvents: [] };
}

/** Owners as a drain meets them: routine notices first, the 4-hour expiry and the deletion last. */
const FIRST_SEEN = [
  owner('routine-30d', expiring('r1', 'routine-30d', 30, '2026-12-26T00:00:00.000Z')),
  owner('stale', outboxEvent({ credentialId: 's1', userId: 'stale', type: 'stale-warning' })),
  owner('soon-4h', expiring('e1', 'soon-4h', 1, '2026-11-26T06:00:00.000Z')),
  owner('soon-20h', expiring('e2', 'soon-20h', 1, '2026-11-26T22:00:00.000Z')),
  owner('deleted', outboxEvent({ credentialId: 'd1', userId: 'deleted', type: 'deleted-stale' })),
];

describe('the owner-unreachable report, most urgent first', () => {
  it('lists owners by their most urgent notice: deletions, then the soonest expiry within a day, then the rest', () => {
    const [part] = renderUnreachableReport(input(FIRST_SEEN));

    expect(part?.owners.map((o) => o.userId)).toEqual([
      'deleted',
      'soon-4h',
      'soon-20h',
      'stale',
      'routine-30d',
    ]);
    const text = part?.message.text ?? '';
    const at = (userId: string) => text.indexOf(`  * ${userId}:`);
    expect(at('deleted')).toBeLessThan(at('soon-4h'));
    expect(at('soon-4h')).toBeLessThan(at('stale'));
  });

  it('ranks an owner by their most urgent notice, not their first', () => {
    const mixed = owner(
      'mixed',
      outboxEvent({ credentialId: 'm1', userId: 'mixed', type: 'stale-warning' }),
      expiring('m2', 'mixed', 1, '2026-11-26T05:00:00.000Z'),
    );

    expect(ownersByUrgency([FIRST_SEEN[2] as UnreachableOwner, mixed]).map((o) => o.userId)).toEqual([
      'mixed',
      'soon-4h',
    ]);
  });

  it('keeps owners as urgent as each other in the order the drain met them', () => {
    const twins = [
      owner('b', expiring('x', 'b', 7, '2026-12-03T00:00:00.000Z')),
      owner('a', expiring('y', 'a', 7, '2026-12-03T00:00:00.000Z')),
    ];

    expect(ownersByUrgency(twins).map((o) => o.userId)).toEqual(['b', 'a']);
  });

  it('counts what is urgent in one line under the heading, and names the soonest expiry in the subject', () => {
    const expired = owner('late', expiring('l1', 'late', 1, '2026-11-25T20:00:00.000Z'));
    const [part] = renderUnreachableReport(input([...FIRST_SEEN, expired]));

    expect(part?.message.text.split('\n')).toContain(
      'Most urgent first: 2 credentials expire within 24 h (the first in 4 hours), 1 already expired, 1 deleted.',
    );
    expect(part?.message.subject).toBe(
      'Hygiene: 6 owners unreachable, 6 notices for the admins, first expiry in 4 hours',
    );
  });

  it('says so when nothing expires within a day, and leaves the subject without an expiry', () => {
    const [part] = renderUnreachableReport(input([FIRST_SEEN[0] as UnreachableOwner]));

    expect(part?.message.text.split('\n')).toContain(
      'Most urgent first: no credential expires within 24 h, 0 deleted.',
    );
    expect(part?.message.subject).toBe('Hygiene: 1 owner unreachable, 1 notice for the admins');
  });

  it('leaves the expiry out of the subject when it would not fit beside the counts', () => {
    const invalid = {
      credentialId: 'z1',
      itemUserId: 'zed',
      problem: 'owner-mismatch' as const,
      event: outboxEvent({ credentialId: 'z1', userId: 'mallory' }),
    };
    const [part] = renderUnreachableReport({ ...input(FIRST_SEEN), invalidEvents: [invalid] });

    expect(part?.message.subject).toBe(
      'Hygiene: 5 owners unreachable, 5 notices for the admins; 1 notice with a mismatched owner',
    );
  });
});

describe('the owner-unreachable report, a deleted credential', () => {
  it.each(['deleted-expired', 'deleted-stale', 'deleted-orphaned'] as const)(
    'gives the admins the restore command for a %s notice',
    (type) => {
      const [part] = renderUnreachableReport({
        ...input([owner('carol', outboxEvent({ credentialId: 'pc-0c21', userId: 'carol', type }))]),
        targetFlags: deploymentTargetFlags({ stackName: 'HygieneProd', region: 'eu-west-1' }),
      });
      const lines = part?.message.text.split('\n') ?? [];
      const labelAt = lines.indexOf('    - "Key pc-0c21" (id pc-0c21, client id client-pc-0c21)');

      expect(labelAt).toBeGreaterThan(0);
      expect(lines[labelAt + 2]).toBe(
        '      To restore it if the owner still needs it: pc-hygiene restore pc-0c21 --reason "<why>" ' +
          '--stack HygieneProd --region eu-west-1',
      );
      // The owner's own advice ("ask your platform/security team") is still not the admins'.
      expect(lines.join('\n')).not.toContain('ask your platform/security team');
    },
  );

  it('quotes an id a shell would split or expand, so the command names the one credential', () => {
    const [part] = renderUnreachableReport(
      input([
        owner('carol', outboxEvent({ credentialId: "pc $(x)'y", userId: 'carol', type: 'deleted-stale' })),
      ]),
    );

    expect(part?.message.text).toContain(`pc-hygiene restore 'pc $(x)'\\''y' --reason "<why>"`);
  });

  it('aims the restore command as the caller aims its commands: a local target as given, an unknown stack said', () => {
    const deleted = [
      owner('carol', outboxEvent({ credentialId: 'pc-0c21', userId: 'carol', type: 'deleted-stale' })),
    ];
    const restore = (targetFlags?: string) => {
      const [part] = renderUnreachableReport({
        ...input(deleted),
        ...(targetFlags !== undefined && { targetFlags }),
      });
      return /To restore it if the owner still needs it: (.*)$/m.exec(part?.message.text ?? '')?.[1];
    };

    expect(restore('--endpoint http://127.0.0.1:8000 --table T1')).toBe(
      'pc-hygiene restore pc-0c21 --reason "<why>" --endpoint http://127.0.0.1:8000 --table T1',
    );
    // The CLI's default stack: the command as it is, as the CLI's own advice gives it.
    expect(restore('')).toBe('pc-hygiene restore pc-0c21 --reason "<why>"');
    // A deployment that does not know its stack: never a command that reads as aimed at the default stack.
    expect(restore()).toBe(`pc-hygiene restore pc-0c21 --reason "<why>" (add the deployment's --stack NAME)`);
  });

  it('gives no restore command for a notice that is not a deletion', () => {
    const [part] = renderUnreachableReport(input([FIRST_SEEN[2] as UnreachableOwner]));

    expect(part?.message.text).not.toContain('pc-hygiene restore');
  });
});
