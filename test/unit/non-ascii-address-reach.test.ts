/**
 * Addresses SES cannot send to or from: an owner whose address is not ASCII
 * before the @ is unreachable on `relay` (`unsendable-address`), judged by
 * `reachabilityOf` so the drain gives their events to the admins; an IDN
 * domain alone is reachable (sent in Punycode); `sns-email` does not judge the
 * address. The config refuses such a sender, naming the key.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../lambdas/hygiene/config';
import { hasNonAsciiLocalPart } from '../../lambdas/hygiene/email-address-rules';
import { type OwnerRecord, reachabilityOf, UNREACHABLE_REASONS } from '../../lambdas/hygiene/owner-directory';
import { UNREACHABLE_REASON_TEXT } from '../../lambdas/hygiene/unreachable-report';

const owner = (email: string, more: Partial<OwnerRecord> = {}): OwnerRecord => ({
  userId: 'u-1',
  email,
  status: 'active',
  subscription: 'confirmed',
  ...more,
});

describe('hasNonAsciiLocalPart', () => {
  it.each([
    ['josé@corp.example', true],
    ['jose\u0301@corp.example', true],
    ['łukasz@corp.example', true],
    ['ada@example.com', false],
    ['bob@bücher.example', false],
    ['"a@b"@corp.example', false],
  ])('%s → %s', (address, expected) => {
    expect(hasNonAsciiLocalPart(address)).toBe(expected);
  });
});

describe('reachabilityOf and a non-ASCII address', () => {
  it('judges an owner whose address is not ASCII before the @ unreachable on relay', () => {
    expect(reachabilityOf(owner('josé@corp.example'), 'relay')).toEqual({
      reachable: false,
      reason: 'unsendable-address',
    });
  });

  it('judges an IDN domain alone reachable on relay (sent in Punycode)', () => {
    expect(reachabilityOf(owner('bob@bücher.example'), 'relay')).toEqual({ reachable: true });
  });

  it('reports the person’s opt-out and a bounce first, in the order of the reasons', () => {
    expect(reachabilityOf(owner('josé@corp.example', { subscription: 'unsubscribed' }), 'relay')).toEqual({
      reachable: false,
      reason: 'unsubscribed',
    });
    expect(
      reachabilityOf(owner('josé@corp.example', { bouncingSince: '2026-11-20T00:00:00.000Z' }), 'relay'),
    ).toEqual({ reachable: false, reason: 'bouncing' });
    expect(UNREACHABLE_REASONS.indexOf('unsendable-address')).toBeGreaterThan(
      UNREACHABLE_REASONS.indexOf('bouncing'),
    );
  });

  it('leaves the sns-email verdict to the subscription', () => {
    expect(reachabilityOf(owner('josé@corp.example'), 'sns-email')).toEqual({ reachable: true });
    expect(reachabilityOf(owner('josé@corp.example', { subscription: 'pending' }), 'sns-email')).toEqual({
      reachable: false,
      reason: 'subscription-pending',
    });
  });

  it('tells the admins why and what to do', () => {
    expect(UNREACHABLE_REASON_TEXT['unsendable-address'].why).toContain('non-ASCII characters before the @');
  });
});

describe('senderIdentity and a non-ASCII address', () => {
  it('accepts a non-ASCII display name and a non-ASCII domain', () => {
    for (const senderIdentity of [
      'Hygiène Sécurité <hygiene@corp.example>',
      'hygiene@sécurité.example',
      'Hygiène <hygiene@sécurité.example>',
    ])
      expect(parseConfig({ senderIdentity }).senderIdentity).toBe(senderIdentity);
  });

  it.each(['hygiène@corp.example', 'Hygiène <hygiène@corp.example>'])(
    'refuses %s, naming the key and why',
    (senderIdentity) => {
      const parsing = () => parseConfig({ senderIdentity });

      expect(parsing).toThrow(ConfigError);
      expect(parsing).toThrow(
        `senderIdentity = ${JSON.stringify(senderIdentity)}: the address must be ASCII before the @`,
      );
    },
  );

  it('says one thing about a value that is no address at all', () => {
    expect(() => parseConfig({ senderIdentity: 'Hygiène' })).toThrow(
      /senderIdentity = "Hygiène": must be an email address, or "Name <address>", on one line$/,
    );
  });
});
