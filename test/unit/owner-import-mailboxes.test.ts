/**
 * An import must not lift an opt-out (or clear a bounce) by spelling the
 * domain the other way (docs/notifications.md, "Subscription reconciler"):
 * the SES events handler and the relay take `bob@bücher.example` and
 * `bob@xn--bcher-kva.example` for one mailbox (`mailboxKey`), so the import's
 * plan, given the relay's rule (`RELAY_MAILBOXES`, the one
 * `pc-hygiene owners import` passes), keeps the route state across such a
 * re-export, finds an opt-out remembered for either form, and still resets a
 * real move. The digests written stay of the address as given.
 */
import { describe, expect, it } from 'vitest';
import { RELAY_MAILBOXES } from '../../cli/use-cases/import-owners';
import { optedOutAddressDigest, remembersOptOutAt } from '../../lambdas/hygiene/opted-out-address';
import { type OwnerRecord, reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { type ExistingOwnerUpsert, planOwnerImport } from '../../lambdas/hygiene/owner-import';
import { addressChanged, planAddressMove } from '../../lambdas/hygiene/owner-import-opt-outs';
import type { ImportedOwner } from '../../lambdas/hygiene/owner-import-rows';
import { bobAt, ELSEWHERE, PUNYCODE, UNICODE } from './support/bob-mailbox';

/** An ASCII lookalike: another domain, so another mailbox. */
const LOOKALIKE = 'bob@bucher.example';

const owner = bobAt;
const line = (email: string, more: Partial<ImportedOwner> = {}): ImportedOwner => ({
  userId: 'bob',
  email,
  name: 'Bob',
  status: 'active',
  ...more,
});

/** The one upsert of a plan of Bob's line over Bob as stored, with the relay's mailbox rule. */
function planned(before: OwnerRecord, imported: ImportedOwner): ExistingOwnerUpsert {
  const plan = planOwnerImport(new Map([['bob', before]]), [imported], false, RELAY_MAILBOXES);
  const [upsert] = plan.upserts;
  if (upsert === undefined || !upsert.existed) throw new Error('expected an update of Bob');
  return upsert;
}

/** Bob as the store leaves him after `upsert` (route state kept without a reset, as `owner-directory-store.ts` writes it). */
function written(before: OwnerRecord, upsert: ExistingOwnerUpsert): OwnerRecord {
  const email = upsert.owner.email;
  if (!upsert.resetRoute) return { ...before, ...(email !== undefined && { email }) };
  const { subscription: _s, subscriptionArn: _a, bouncingSince: _b, ...rest } = before;
  return {
    ...rest,
    ...(email !== undefined && { email }),
    ...(upsert.move?.state !== undefined && { subscription: upsert.move.state }),
  };
}

describe.each([
  ['Unicode stored, Punycode imported', UNICODE, PUNYCODE],
  ['Punycode stored, Unicode imported', PUNYCODE, UNICODE],
])('a domain spelled the other way (%s)', (_name, stored, imported) => {
  it('is the same mailbox: no move', () => {
    expect(addressChanged(stored, imported, RELAY_MAILBOXES.key)).toBe(false);
    expect(addressChanged(stored.toUpperCase(), imported, RELAY_MAILBOXES.key)).toBe(false);
  });

  it('keeps an opt-out: the new spelling is written, unsubscribed stays, the relay does not email him', () => {
    const before = owner(stored, { subscription: 'unsubscribed' });
    const upsert = planned(before, line(imported));

    expect(upsert).toMatchObject({ resetRoute: false, owner: { email: imported } });
    expect(upsert.move).toBeUndefined();
    const after = written(before, upsert);
    expect(after).toMatchObject({ email: imported, subscription: 'unsubscribed' });
    expect(reachabilityOf(after, 'relay')).toEqual({ reachable: false, reason: 'unsubscribed' });
  });

  it('keeps a bounce', () => {
    const before = owner(stored, { subscription: 'none', bouncingSince: '2026-11-30T10:00:00.000Z' });
    const after = written(before, planned(before, line(imported)));

    expect(after.bouncingSince).toBe('2026-11-30T10:00:00.000Z');
    expect(reachabilityOf(after, 'relay')).toEqual({ reachable: false, reason: 'bouncing' });
  });

  it("records a line's unsubscribed in the other spelling as the state, not as a digest of another address", () => {
    const upsert = planned(
      owner(stored, { subscription: 'none' }),
      line(imported, { optOuts: { unsubscribed: true, optedOutAddresses: [] } }),
    );

    expect(upsert.resetRoute).toBe(false);
    expect(upsert.keptOptOuts).toEqual({ state: 'unsubscribed', optedOutAddresses: [] });
  });

  it('finds an opt-out remembered for the other spelling when a move brings him back', () => {
    const away = owner(ELSEWHERE, { optedOutAddresses: [optedOutAddressDigest(stored)] });
    const upsert = planned(away, line(imported));

    expect(upsert.resetRoute).toBe(true);
    expect(upsert.move).toEqual({
      state: 'unsubscribed',
      optedOutAddresses: [optedOutAddressDigest(stored)],
    });
    expect(planAddressMove(away, imported, RELAY_MAILBOXES).state).toBe('unsubscribed');
  });
});

describe('a real move still resets the route state', () => {
  it.each([
    ['another domain', ELSEWHERE],
    ['an ASCII lookalike of the Unicode domain', LOOKALIKE],
  ])('to %s: state and bounce cleared, the opt-out remembered as the stored spelling', (_name, to) => {
    const before = owner(UNICODE, {
      subscription: 'unsubscribed',
      bouncingSince: '2026-11-30T10:00:00.000Z',
    });
    const upsert = planned(before, line(to));

    expect(upsert.resetRoute).toBe(true);
    // The digest written is of the address as stored (its Unicode form), as before this rule.
    expect(upsert.move).toEqual({ optedOutAddresses: [optedOutAddressDigest(UNICODE)] });
    expect(reachabilityOf(written(before, upsert), 'relay')).toEqual({ reachable: true });
  });

  it('an opt-out remembered for a lookalike is not found at the Unicode address', () => {
    const away = owner(ELSEWHERE, { optedOutAddresses: [optedOutAddressDigest(LOOKALIKE)] });
    expect(planned(away, line(UNICODE)).move).toEqual({
      optedOutAddresses: [optedOutAddressDigest(LOOKALIKE)],
    });
  });
});

describe('remembersOptOutAt with spellings', () => {
  const remembered = new Set([optedOutAddressDigest(UNICODE)]);

  it('finds a digest of another spelling only when the spellings name it', () => {
    expect(remembersOptOutAt(remembered, PUNYCODE)).toBe(false);
    expect(remembersOptOutAt(remembered, PUNYCODE, RELAY_MAILBOXES.spellings)).toBe(true);
    expect(
      remembersOptOutAt(new Set([optedOutAddressDigest(PUNYCODE)]), UNICODE, RELAY_MAILBOXES.spellings),
    ).toBe(true);
  });

  it('lists the address as given among its spellings, and both forms of its domain', () => {
    expect(RELAY_MAILBOXES.spellings('Bob@Bücher.example')).toEqual(
      expect.arrayContaining(['Bob@Bücher.example', PUNYCODE, UNICODE]),
    );
    expect(RELAY_MAILBOXES.spellings(ELSEWHERE)).toEqual([ELSEWHERE]);
  });
});
