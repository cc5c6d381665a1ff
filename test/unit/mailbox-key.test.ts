/**
 * `mailboxKey`, the one rule that tells mailboxes apart wherever a directory address meets an SNS endpoint or an
 * SES-reported address: one key for the spellings of one mailbox (letter case, an internationalized domain in
 * Punycode or Unicode), never one key for two mailboxes — the URL host rules behind `domainToASCII` would read
 * `exa%41mple.com` as `exaample.com` and numeric hosts as one IP address, so only a domain SES could be given is
 * converted.
 */
import { describe, expect, it } from 'vitest';
import { mailboxKey } from '../../lambdas/relay/ses-address';

describe('mailboxKey', () => {
  it('gives the spellings of one mailbox one key', () => {
    expect(mailboxKey('Bob@Bücher.example')).toBe(mailboxKey('bob@xn--bcher-kva.example'));
    expect(mailboxKey(' Ada@Example.COM ')).toBe(mailboxKey('ada@example.com'));
  });

  it('never gives two different addresses one key through the URL host rules', () => {
    expect(mailboxKey('bob@exa%41mple.com')).not.toBe(mailboxKey('bob@exaample.com'));
    const numericHosts = ['bob@0x7f.1', 'bob@2130706433', 'bob@127.0.0.1'].map(mailboxKey);
    expect(new Set(numericHosts).size).toBe(3);
  });

  it('keeps an address SES could not be given as normalised (trimmed, lower case)', () => {
    expect(mailboxKey(' Bob@Exa%41mple.com')).toBe('bob@exa%41mple.com');
    expect(mailboxKey('Bob@xn--zz')).toBe('bob@xn--zz');
    expect(mailboxKey('no-at-sign')).toBe('no-at-sign');
  });
});
