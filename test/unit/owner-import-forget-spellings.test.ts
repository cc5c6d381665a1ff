/**
 * Forgetting an opt-out follows the rule that finds one (docs/data-model.md,
 * `optedOutAddresses`): with the relay's mailbox rule (`RELAY_MAILBOXES`, the
 * one `pc-hygiene owners import` passes), an opt-out at
 * `bob@xn--bcher-kva.example` is found at `bob@bücher.example`, so when Bob,
 * resubscribed on purpose there, moves away, the digests of both spellings
 * go; otherwise a move back spelled the other way would record him
 * `unsubscribed` again. Digests of other addresses stay.
 */
import { describe, expect, it } from 'vitest';
import { RELAY_MAILBOXES } from '../../cli/use-cases/import-owners';
import {
  forgetOptOutAt,
  optedOutAddressDigest,
  remembersOptOutAt,
} from '../../lambdas/hygiene/opted-out-address';
import { planAddressMove } from '../../lambdas/hygiene/owner-import-opt-outs';
import { bobAt, ELSEWHERE, PUNYCODE, UNICODE } from './support/bob-mailbox';

/** An address Bob opted out at that has nothing to do with the mailbox he leaves. */
const UNRELATED = 'bob@old.example';

const bob = bobAt;

describe.each([
  ['at the Unicode spelling, remembered in Punycode', UNICODE, PUNYCODE],
  ['at the Punycode spelling, remembered in Unicode', PUNYCODE, UNICODE],
])('Bob resubscribed %s, then moving away', (_name, at, other) => {
  /** Bob back at `at` after an opt-out remembered for `other` (found there), then resubscribed: state `none`. */
  const resubscribed = bob(at, {
    subscription: 'none',
    optedOutAddresses: [optedOutAddressDigest(other), optedOutAddressDigest(UNRELATED)].sort(),
  });

  it('is found at his address under the other spelling (why it must be forgotten under it too)', () => {
    expect(remembersOptOutAt(new Set(resubscribed.optedOutAddresses), at, RELAY_MAILBOXES.spellings)).toBe(
      true,
    );
  });

  it('forgets the digests of both spellings and keeps the unrelated one', () => {
    const move = planAddressMove(resubscribed, ELSEWHERE, RELAY_MAILBOXES);

    expect(move).toEqual({ optedOutAddresses: [optedOutAddressDigest(UNRELATED)] });
  });

  it('is not unsubscribed when a move brings him back spelled the other way, nor the same way', () => {
    const away = bob(ELSEWHERE, {
      optedOutAddresses: [...planAddressMove(resubscribed, ELSEWHERE, RELAY_MAILBOXES).optedOutAddresses],
    });

    expect(planAddressMove(away, other, RELAY_MAILBOXES).state).toBeUndefined();
    expect(planAddressMove(away, at, RELAY_MAILBOXES).state).toBeUndefined();
    expect(planAddressMove(away, UNRELATED, RELAY_MAILBOXES).state).toBe('unsubscribed');
  });

  it('still remembers, in the spelling read, an opt-out recorded at his address when he moves away', () => {
    const move = planAddressMove(
      { ...resubscribed, subscription: 'unsubscribed' },
      ELSEWHERE,
      RELAY_MAILBOXES,
    );

    expect(move.optedOutAddresses).toContain(optedOutAddressDigest(at));
    expect(move.optedOutAddresses).toContain(optedOutAddressDigest(other));
  });
});

describe('forgetOptOutAt', () => {
  const stored = () =>
    new Set([
      optedOutAddressDigest(UNICODE),
      optedOutAddressDigest(PUNYCODE),
      optedOutAddressDigest(UNRELATED),
    ]);

  it('with spellings takes out every spelling of the mailbox and nothing else', () => {
    const remembered = stored();
    forgetOptOutAt(remembered, 'Bob@Bücher.example', RELAY_MAILBOXES.spellings);

    expect([...remembered]).toEqual([optedOutAddressDigest(UNRELATED)]);
  });

  it('by default knows the address as given only, as remembersOptOutAt does by default', () => {
    const remembered = stored();
    forgetOptOutAt(remembered, UNICODE);

    expect([...remembered]).toEqual([optedOutAddressDigest(PUNYCODE), optedOutAddressDigest(UNRELATED)]);
    expect(remembersOptOutAt(remembered, UNICODE)).toBe(false);
  });
});
