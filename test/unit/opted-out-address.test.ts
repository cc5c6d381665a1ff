/**
 * The digest an owner's remembered opt-out is stored as (lambdas/hygiene/opted-out-address.ts; docs/data-model.md,
 * "Owner directory", `optedOutAddresses`): the SHA-256, lowercase hex, of the address trimmed and lower-cased,
 * checked against a digest computed outside the code; another address differs; `isAddressDigest` accepts only such a
 * digest.
 */
import { describe, expect, it } from 'vitest';
import { isAddressDigest, optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';

/** `printf 'ada@example.com' | sha256sum`, computed outside the code under test. */
const ADA = 'b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72';

describe('optedOutAddressDigest', () => {
  it('is the SHA-256 (lowercase hex) of the address as the worker compares it', () => {
    expect(optedOutAddressDigest('ada@example.com')).toBe(ADA);
    expect(optedOutAddressDigest('  Ada@Example.COM ')).toBe(ADA);
  });

  it('differs for another address', () => {
    expect(optedOutAddressDigest('ada@example.org')).not.toBe(ADA);
  });
});

describe('isAddressDigest', () => {
  it('accepts a digest and nothing else', () => {
    expect(isAddressDigest(ADA)).toBe(true);
    expect(isAddressDigest(optedOutAddressDigest('x@y'))).toBe(true);
    expect(isAddressDigest(ADA.toUpperCase())).toBe(false);
    expect(isAddressDigest(ADA.slice(1))).toBe(false);
    expect(isAddressDigest('ada@example.com')).toBe(false);
    expect(isAddressDigest(7)).toBe(false);
  });
});
