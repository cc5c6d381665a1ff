/**
 * `withoutEmailAddresses` masks what SES and SNS error texts may say of an
 * owner's address before a handler logs it, and nothing else: ARNs, ids and
 * the rest of the text stay readable for the operator.
 */
import { describe, expect, it } from 'vitest';
import { withoutEmailAddresses } from '../../lambdas/hygiene/errors';

describe('withoutEmailAddresses', () => {
  it('masks every address, wherever it stands in the text', () => {
    expect(
      withoutEmailAddresses('identities failed the check: ada@corp.example, bob.b+x@mail.example.org'),
    ).toBe('identities failed the check: <email address>, <email address>');
    expect(
      withoutEmailAddresses('Invalid parameter: Endpoint "ada@bücher.example" (<cy@corp.example>)'),
    ).toBe('Invalid parameter: Endpoint "<email address>" (<<email address>>)');
  });

  it('leaves ARNs, owner ids and a bare @ alone', () => {
    const text =
      'AuthorizationError: arn:aws:sns:us-east-1:123456789012:topic:0f1e owner ada failed @ 03:00 (user@localhost)';
    expect(withoutEmailAddresses(text)).toBe(text);
  });
});
