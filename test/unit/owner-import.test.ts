/**
 * Planning `owners import` (lambdas/hygiene/owner-import*.ts; docs/deploy.md, "Owner directory"; docs/data-model.md,
 * "Owner directory"), pure: each row checked and refused by name, repeats naming the first line; only new and
 * changed owners written, route state reset only on a real address change, each write planned from what was read; an
 * export line's opt-outs kept, merged or reported, never silently dropped; counts and report re-planned after
 * refused writes; opt-outs surviving address flip-flops in any spelling (NFC, NFD); the `--sync` guard's exact
 * share.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RESERVED_ID_PREFIX } from '../../lambdas/hygiene/data-contract';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { countsAfterReplan, type OwnerUpsert, planOwnerImport } from '../../lambdas/hygiene/owner-import';
import { judgeSyncGuard } from '../../lambdas/hygiene/owner-import-guards';
import { optOutsAfterReplan, planAddressMove } from '../../lambdas/hygiene/owner-import-opt-outs';
import { checkOwnerRow, type ImportedOwner, rejectUnreadRow } from '../../lambdas/hygiene/owner-import-rows';

const row = (fields: Record<string, unknown>, line = 2) => ({ line, fields });

describe('checkOwnerRow', () => {
  it('accepts a full row and drops empty optional fields', () => {
    expect(
      checkOwnerRow(row({ userId: 'u1', email: 'a@example.com', name: 'Ann', status: 'active' }), new Map()),
    ).toEqual({ owner: { userId: 'u1', email: 'a@example.com', name: 'Ann', status: 'active' } });
    expect(
      checkOwnerRow(row({ userId: 'u2', email: '', name: null, status: 'departed' }), new Map()),
    ).toEqual({
      owner: { userId: 'u2', status: 'departed' },
    });
  });

  it.each([
    [{ email: 'a@b', status: 'active' }, 'userId: required, a non-empty string'],
    [{ userId: 5, status: 'active' }, 'userId: required, a non-empty string; got a number (5)'],
    [{ userId: '', status: 'active' }, 'userId: required, a non-empty string; got an empty string'],
    [{ userId: null, status: 'active' }, 'userId: required, a non-empty string; got null'],
    [{ userId: ['u1'], status: 'active' }, 'userId: required, a non-empty string; got an array (["u1"])'],
    [{ userId: ' u', status: 'active' }, 'userId: has leading or trailing whitespace'],
    [
      { userId: `${RESERVED_ID_PREFIX}x`, status: 'active' },
      `userId: ids starting with ${RESERVED_ID_PREFIX}`,
    ],
    [{ userId: 'x'.repeat(2049), status: 'active' }, "userId: longer than DynamoDB's 2048-byte key limit"],
    [{ userId: 'u', status: 'gone' }, 'status: "gone" must be one of active, departed'],
    [{ userId: 'u' }, 'status: required, one of active, departed'],
    [{ userId: 'u', status: null }, 'status: required, one of active, departed'],
    [{ userId: 'u', status: '' }, 'status: required, one of active, departed'],
    [{ userId: 'u', status: 1 }, 'status: 1 must be one of active, departed'],
    [{ userId: 'u', status: 'active', email: 'Ann Smith' }, 'email: "Ann Smith" is not an email address'],
    [{ userId: 'u', status: 'active', email: 7 }, 'email: must be a string, got 7'],
    [
      { userId: 'u', status: 'active', team: 'x' },
      'unknown field(s) team: allowed are userId, email, name, status, and in a JSON Lines line the fields ' +
        'owners export writes (subscription, subscriptionArn, confirmationEmailsSent, bouncingSince, optedOutAddresses, updatedAt, ' +
        'directoryAsOf)',
    ],
  ])('rejects %j naming the field', (fields, problem) => {
    const checked = checkOwnerRow(row(fields, 7), new Map());
    expect('rejected' in checked && checked.rejected.line).toBe(7);
    expect('rejected' in checked && checked.rejected.problems.some((p) => p.startsWith(problem))).toBe(true);
  });

  it('keeps only the opt-outs of the route state an export writes: an unsubscribed state and the digests', () => {
    const [a, b] = [optedOutAddressDigest('old@example.com'), optedOutAddressDigest('older@example.com')];
    const exported = {
      userId: 'u1',
      email: 'a@example.com',
      status: 'active',
      subscription: 'unsubscribed',
      subscriptionArn: 'arn:aws:sns:eu-west-1:111122223333:pc-hygiene:0b1c',
      bouncingSince: '2026-11-01T00:00:00.000Z',
      optedOutAddresses: [b, a, b],
      updatedAt: '2026-11-02T00:00:00.000Z',
    };

    expect(checkOwnerRow(row(exported), new Map())).toEqual({
      owner: {
        userId: 'u1',
        email: 'a@example.com',
        status: 'active',
        optOuts: { unsubscribed: true, optedOutAddresses: [a, b].sort() },
      },
    });
    // another state belongs to the other table's topic: dropped, the digests kept
    expect(checkOwnerRow(row({ ...exported, subscription: 'confirmed' }), new Map())).toEqual({
      owner: {
        userId: 'u1',
        email: 'a@example.com',
        status: 'active',
        optOuts: { unsubscribed: false, optedOutAddresses: [a, b].sort() },
      },
    });
    // nothing to keep: no optOuts at all
    expect(
      checkOwnerRow(row({ ...exported, subscription: 'pending', optedOutAddresses: [] }), new Map()),
    ).toEqual({ owner: { userId: 'u1', email: 'a@example.com', status: 'active' } });
    expect(
      checkOwnerRow(
        row({ userId: 'u2', status: 'active', subscription: null, optedOutAddresses: null }),
        new Map(),
      ),
    ).toEqual({ owner: { userId: 'u2', status: 'active' } });
  });

  const digest = optedOutAddressDigest('a@example.com');
  const tooMany = Array.from({ length: 1001 }, (_, i) => optedOutAddressDigest(`a${i}@example.com`));
  it.each([
    [
      'subscription: "CONFIRMED" must be one of confirmed, pending, none, unsubscribed',
      { subscription: 'CONFIRMED' },
    ],
    ['subscription: 7 must be one of', { subscription: 7 }],
    ['subscription: "" must be one of', { subscription: '' }],
    ['optedOutAddresses: must be an array, each an address digest', { optedOutAddresses: digest }],
    ['optedOutAddresses: must be an array', { optedOutAddresses: { 0: digest } }],
    [
      'optedOutAddresses[1]: "a@example.com" is not an address digest',
      { optedOutAddresses: [digest, 'a@example.com'] },
    ],
    [
      `optedOutAddresses[0]: "${digest.toUpperCase()}" is not an address digest`,
      { optedOutAddresses: [digest.toUpperCase()] },
    ],
    ['optedOutAddresses[0]: null is not an address digest', { optedOutAddresses: [null] }],
    ['optedOutAddresses: 1001 digests, more than 1000', { optedOutAddresses: tooMany }],
  ])(
    'rejects a worker field the export would not write, naming the field and the line: %s',
    (problem, bad) => {
      const checked = checkOwnerRow(row({ userId: 'u', status: 'active', ...bad }, 9), new Map());
      expect('rejected' in checked && checked.rejected.line).toBe(9);
      expect('rejected' in checked && checked.rejected.problems).toEqual([expect.stringContaining(problem)]);
    },
  );

  it('rejects a repeated userId naming the first line', () => {
    const seen = new Map<string, number>();
    checkOwnerRow(row({ userId: 'u', status: 'active' }, 2), seen);
    expect(checkOwnerRow(row({ userId: 'u', status: 'departed' }, 5), seen)).toEqual({
      rejected: { line: 5, userId: 'u', problems: ['userId: duplicate of line 2'] },
    });
  });

  it('names a repeated userId even when its first line is itself bad, so one pass names both', () => {
    const seen = new Map<string, number>();
    expect(checkOwnerRow(row({ userId: 'u1', email: 'a@example.com', status: 'Active' }, 2), seen)).toEqual({
      rejected: { line: 2, userId: 'u1', problems: ['status: "Active" must be one of active, departed'] },
    });
    expect(checkOwnerRow(row({ userId: 'u1', email: 'x@example.com', status: 'active' }, 3), seen)).toEqual({
      rejected: { line: 3, userId: 'u1', problems: ['userId: duplicate of line 2'] },
    });
    // Always the first line with the id, not the last duplicate.
    expect(checkOwnerRow(row({ userId: 'u1', status: 'active' }, 4), seen)).toEqual({
      rejected: { line: 4, userId: 'u1', problems: ['userId: duplicate of line 2'] },
    });
  });
});

describe('rejectUnreadRow: a line the reader could not take is compared with no other', () => {
  // That a later row with the id a shifted line shows is not called its duplicate: import-owners-rejected.test.ts.
  it('names its problem alone and reads no id', () => {
    expect(rejectUnreadRow({ line: 2, problem: 'has 5 field(s), the header has 4' })).toEqual({
      line: 2,
      userId: null,
      problems: ['has 5 field(s), the header has 4'],
    });
  });

  it('keeps a header problem marked as the header', () => {
    expect(rejectUnreadRow({ line: 1, problem: 'header: missing column(s) status', header: true })).toEqual({
      line: 1,
      userId: null,
      problems: ['header: missing column(s) status'],
      header: true,
    });
  });
});

const active = (userId: string, email?: string): OwnerRecord => ({
  userId,
  status: 'active',
  ...(email !== undefined && { email }),
});

describe('planOwnerImport', () => {
  const existing = new Map<string, OwnerRecord>([
    ['same', active('same', 's@example.com')],
    ['renamed', active('renamed', 'r@example.com')],
    ['moved', active('moved', 'old@example.com')],
    ['gone', active('gone', 'g@example.com')],
    ['left', { userId: 'left', status: 'departed' }],
  ]);
  const file: ImportedOwner[] = [
    { userId: 'same', email: 's@example.com', status: 'active' },
    { userId: 'renamed', email: 'r@example.com', name: 'R', status: 'active' },
    { userId: 'moved', email: 'new@example.com', status: 'active' },
    { userId: 'new', status: 'active' },
  ];

  it('writes only new and changed owners, resetting the route state only when the address changed', () => {
    const plan = planOwnerImport(existing, file, false);
    expect(plan.upserts.map((u) => [u.owner.userId, u.existed, u.resetRoute])).toEqual([
      ['renamed', true, false],
      ['moved', true, true],
      ['new', false, false],
    ]);
    expect(plan).toMatchObject({
      created: 1,
      updated: 2,
      unchanged: 1,
      markDeparted: [],
      activeBefore: 4,
      ownersAfter: 6,
    });
  });

  it('keeps the route state when a re-export only changes the case of an address, and writes the new spelling', () => {
    const routed = new Map<string, OwnerRecord>([
      [
        'ada',
        {
          ...active('ada', 'Ada.Lovelace@Example.com'),
          subscription: 'confirmed',
          bouncingSince: '2026-11-01T00:00:00.000Z',
        },
      ],
      ['bob', { ...active('bob', 'bob@example.com'), subscription: 'confirmed' }],
      ['cy', active('cy')],
    ]);

    const plan = planOwnerImport(
      routed,
      [
        { userId: 'ada', email: 'ada.lovelace@example.com', status: 'active' },
        { userId: 'bob', status: 'active' },
        { userId: 'cy', email: 'cy@example.com', status: 'active' },
      ],
      false,
    );

    expect(plan.upserts.map((u) => [u.owner.userId, u.owner.email, u.resetRoute])).toEqual([
      ['ada', 'ada.lovelace@example.com', false],
      ['bob', undefined, true],
      ['cy', 'cy@example.com', true],
    ]);
  });

  it('with sync, marks active owners missing from the file departed (not already departed ones)', () => {
    expect(planOwnerImport(existing, file, true).markDeparted).toEqual(['gone']);
  });

  it('plans every existing owner’s write from the address and state it read, a move only when the address changed', () => {
    const routed = new Map<string, OwnerRecord>([
      ['moved', { ...active('moved', 'Old@Example.com'), subscription: 'unsubscribed' }],
      ['renamed', { ...active('renamed', 'r@example.com'), subscription: 'unsubscribed' }],
    ]);
    const plan = planOwnerImport(
      routed,
      [
        { userId: 'moved', email: 'new@example.com', status: 'active' },
        { userId: 'renamed', email: 'r@example.com', name: 'R', status: 'active' },
      ],
      false,
    );

    expect(plan.upserts).toEqual([
      {
        owner: { userId: 'moved', email: 'new@example.com', status: 'active' },
        existed: true,
        resetRoute: true,
        read: { email: 'Old@Example.com', subscription: 'unsubscribed' },
        move: { optedOutAddresses: [optedOutAddressDigest('old@example.com')] },
      },
      {
        owner: { userId: 'renamed', email: 'r@example.com', name: 'R', status: 'active' },
        existed: true,
        resetRoute: false,
        read: { email: 'r@example.com', subscription: 'unsubscribed' },
      },
    ]);
  });

  it('plans a new owner with nothing read (written only while still absent), an owner read without an address as such', () => {
    const plan = planOwnerImport(
      new Map([['bare', active('bare')]]),
      [
        { userId: 'new', email: 'n@example.com', status: 'active' },
        { userId: 'bare', email: 'b@example.com', status: 'active' },
      ],
      false,
    );
    expect(plan.upserts).toEqual([
      {
        owner: { userId: 'new', email: 'n@example.com', status: 'active' },
        existed: false,
        resetRoute: false,
      },
      {
        owner: { userId: 'bare', email: 'b@example.com', status: 'active' },
        existed: true,
        resetRoute: true,
        read: {},
        move: { optedOutAddresses: [] },
      },
    ]);
  });
});

describe('planOwnerImport: an export line’s opt-outs are kept, merged, or reported, never dropped silently', () => {
  const A = 'ada@example.com';
  const B = 'ada@new.example';
  const [digestA, digestB] = [optedOutAddressDigest(A), optedOutAddressDigest(B)];
  const digestOld = optedOutAddressDigest('ada@old.example');
  const line = (email: string | undefined, unsubscribed: boolean, optedOutAddresses: string[] = []) => ({
    userId: 'ada',
    ...(email !== undefined && { email }),
    status: 'active' as const,
    optOuts: { unsubscribed, optedOutAddresses },
  });
  const planOf = (before: OwnerRecord, owner: ImportedOwner) =>
    planOwnerImport(new Map([['ada', before]]), [owner], false);

  it('writes a new owner with the line’s state and digests, and the digest of the address it says unsubscribed at', () => {
    const plan = planOwnerImport(
      new Map(),
      [
        line(B, true, [digestA]),
        { ...line(undefined, true), userId: 'bob' },
        { ...line(A, false, [digestOld]), userId: 'cy' },
      ],
      false,
    );
    expect(
      plan.upserts.map((u) => [u.owner.userId, u.existed, u.existed ? undefined : u.keptOptOuts]),
    ).toEqual([
      ['ada', false, { state: 'unsubscribed', optedOutAddresses: [digestA, digestB].sort() }],
      ['bob', false, { state: 'unsubscribed', optedOutAddresses: [] }],
      ['cy', false, { optedOutAddresses: [digestOld] }],
    ]);
    expect(plan).toMatchObject({
      created: 3,
      optOutsKept: ['ada', 'bob', 'cy'],
      optOutsNotApplied: [],
      optOutsOverNoneOrPending: [],
    });
  });

  it.each([
    ['no state', {}, []],
    // an arn-less pending subscription never erases a recorded opt-out (test/unit/owner-import-opt-outs.test.ts);
    // also what the reconcile after an owners resubscribe records: the stop wins, named apart
    ['pending', { subscription: 'pending' as const }, ['ada']],
    // what a relay reconcile records for everyone (or owners resubscribe): the stop wins, named apart
    ['none', { subscription: 'none' as const }, ['ada']],
  ])(
    'records unsubscribed at the owner’s address (any spelling) when the table has %s there, merging the digests',
    (_, state, noticed) => {
      const before: OwnerRecord = {
        ...active('ada', A),
        ...state,
        optedOutAddresses: [digestOld],
        updatedAt: 'T1',
      };
      const plan = planOf(before, line(' ADA@example.com', true, [digestB]));
      expect(plan.upserts).toEqual([
        {
          owner: line(' ADA@example.com', true, [digestB]),
          existed: true,
          resetRoute: false,
          read: { email: A, ...state, updatedAt: 'T1' },
          keptOptOuts: { state: 'unsubscribed', optedOutAddresses: [digestB, digestOld].sort() },
        },
      ]);
      expect(plan).toMatchObject({
        updated: 1,
        unchanged: 0,
        optOutsKept: ['ada'],
        optOutsNotApplied: [],
        optOutsOverNoneOrPending: noticed,
      });
    },
  );

  it('names over none or pending only an owner whose unsubscribed it records there, not one whose line adds digests only', () => {
    const before: OwnerRecord = { ...active('ada', A), subscription: 'none' };
    const digestsOnly = planOf(before, line(A, false, [digestOld]));
    expect(digestsOnly.upserts).toEqual([
      expect.objectContaining({ keptOptOuts: { optedOutAddresses: [digestOld] } }),
    ]);
    expect(digestsOnly).toMatchObject({ optOutsKept: ['ada'], optOutsOverNoneOrPending: [] });
    // a move away from none: the new address's state, not a state recorded over none or pending
    const moved = planOf(before, line(B, true));
    expect(moved).toMatchObject({ optOutsKept: ['ada'], optOutsOverNoneOrPending: [] });
  });

  it('writes an owner whose stated fields are unchanged when the line has digests the table lacks, and only those', () => {
    const before: OwnerRecord = {
      ...active('ada', A),
      subscription: 'unsubscribed',
      optedOutAddresses: [digestOld],
    };
    const merged = planOf(before, line(A, true, [digestB]));
    expect(merged.upserts).toEqual([
      expect.objectContaining({ keptOptOuts: { optedOutAddresses: [digestB, digestOld].sort() } }),
    ]);
    expect(merged).toMatchObject({ updated: 1, unchanged: 0, optOutsKept: ['ada'] });
    // nothing the table does not hold already: unchanged, not written (a re-run of the same export)
    const again = planOf(before, line(A, true, [digestOld]));
    expect(again).toMatchObject({
      upserts: [],
      updated: 0,
      unchanged: 1,
      optOutsKept: [],
      optOutsNotApplied: [],
    });
  });

  it('does not record the opt-out over a confirmed subscription: reports it not applied, not kept, still merging the digests', () => {
    const before: OwnerRecord = { ...active('ada', A), subscription: 'confirmed', subscriptionArn: 'arn:x' };
    const only = planOf(before, line(A, true));
    expect(only).toMatchObject({ upserts: [], unchanged: 1, optOutsKept: [], optOutsOverNoneOrPending: [] });
    expect(only.optOutsNotApplied).toEqual([{ userId: 'ada', state: 'confirmed' }]);

    const withDigests = planOf(before, line(A, true, [digestOld]));
    expect(withDigests.upserts).toEqual([
      expect.objectContaining({
        read: { email: A, subscription: 'confirmed' },
        keptOptOuts: { optedOutAddresses: [digestOld] },
      }),
    ]);
    // counted apart: not among the owners whose line's opt-outs are all kept
    expect(withDigests).toMatchObject({
      updated: 1,
      optOutsKept: [],
      optOutsNotApplied: [{ userId: 'ada', state: 'confirmed' }],
    });
  });

  it('remembers an opt-out at the line’s address when the table has another: the move records it there', () => {
    const before: OwnerRecord = {
      ...active('ada', A),
      subscription: 'confirmed',
      optedOutAddresses: [digestOld],
    };
    const plan = planOf(before, line(B, true));
    expect(plan.upserts).toEqual([
      expect.objectContaining({
        resetRoute: true,
        read: { email: A, subscription: 'confirmed' },
        move: { state: 'unsubscribed', optedOutAddresses: [digestB, digestOld].sort() },
      }),
    ]);
    expect(plan).toMatchObject({ optOutsKept: ['ada'], optOutsNotApplied: [] });
  });

  it('keeps a digest of the line in a move even where the table would forget it, and its no-address opt-out', () => {
    // at A with no opt-out here, the line knows of one at A: the union keeps it
    const plan = planOf({ ...active('ada', A), subscription: 'none' }, line(B, false, [digestA]));
    expect(plan.upserts).toEqual([expect.objectContaining({ move: { optedOutAddresses: [digestA] } })]);
    expect(plan.optOutsKept).toEqual(['ada']);
    // a line that says unsubscribed with no address: recorded so (the first address given later carries it)
    const none = planOf({ ...active('ada', A), subscription: 'confirmed' }, line(undefined, true));
    expect(none.upserts).toEqual([
      expect.objectContaining({ move: { state: 'unsubscribed', optedOutAddresses: [] } }),
    ]);
    expect(none.optOutsKept).toEqual(['ada']);
    // a move the table's memory decides alone: the line adds nothing
    const remembered = planOf(
      { ...active('ada', A), optedOutAddresses: [digestB] },
      line(B, true, [digestB]),
    );
    expect(remembered.upserts).toEqual([
      expect.objectContaining({ move: { state: 'unsubscribed', optedOutAddresses: [digestB] } }),
    ]);
    expect(remembered.optOutsKept).toEqual([]);
  });

  it('keeps the stated-fields-only write of an owner whose line has no opt-outs (no route state written)', () => {
    const plan = planOf(
      { ...active('ada', A), subscription: 'confirmed' },
      { userId: 'ada', email: A, name: 'Ada', status: 'active' },
    );
    expect(plan.upserts).toEqual([
      {
        owner: { userId: 'ada', email: A, name: 'Ada', status: 'active' },
        existed: true,
        resetRoute: false,
        read: { email: A, subscription: 'confirmed' },
      },
    ]);
  });
});

describe('optOutsAfterReplan: the report says what was written', () => {
  it('takes each refused owner’s entries from the re-plan, everyone else’s from the plan', () => {
    const refused: OwnerUpsert = {
      owner: { userId: 'ada', status: 'active' },
      existed: true,
      resetRoute: false,
      read: {},
    };
    const report = {
      optOutsKept: ['ada', 'bob', 'dan'],
      optOutsNotApplied: [{ userId: 'cy', state: 'confirmed' as const }],
      optOutsOverNoneOrPending: ['ada', 'dan'],
    };
    expect(
      optOutsAfterReplan(report, [refused], {
        optOutsKept: [],
        optOutsNotApplied: [{ userId: 'ada', state: 'confirmed' }],
        optOutsOverNoneOrPending: [],
      }),
    ).toEqual({
      optOutsKept: ['bob', 'dan'],
      optOutsNotApplied: [
        { userId: 'cy', state: 'confirmed' },
        { userId: 'ada', state: 'confirmed' },
      ],
      optOutsOverNoneOrPending: ['dan'],
    });
    // one re-planned over none (a relay reconcile recorded none meanwhile) is named as the re-plan says
    expect(
      optOutsAfterReplan({ ...report, optOutsOverNoneOrPending: [] }, [refused], {
        optOutsKept: ['ada'],
        optOutsNotApplied: [],
        optOutsOverNoneOrPending: ['ada'],
      }),
    ).toMatchObject({ optOutsKept: ['bob', 'dan', 'ada'], optOutsOverNoneOrPending: ['ada'] });
  });
});

describe('countsAfterReplan: an import counts what it wrote', () => {
  const planned = { created: 2, updated: 3, unchanged: 4 };
  const upsert = (userId: string, existed: boolean): OwnerUpsert => {
    const owner = { userId, status: 'active' as const };
    return existed ? { owner, existed, resetRoute: false, read: {} } : { owner, existed, resetRoute: false };
  };

  it('moves a refused new owner that another import created meanwhile to updated or unchanged', () => {
    expect(
      countsAfterReplan(planned, [upsert('n1', false)], { created: 0, updated: 1, unchanged: 0 }),
    ).toEqual({
      created: 1,
      updated: 4,
      unchanged: 4,
    });
    expect(
      countsAfterReplan(planned, [upsert('n1', false), upsert('n2', false)], {
        created: 0,
        updated: 0,
        unchanged: 2,
      }),
    ).toEqual({ created: 0, updated: 3, unchanged: 6 });
  });

  it('keeps a refused update that is still one, and counts one left with nothing to write unchanged', () => {
    const refused = [upsert('u1', true), upsert('u2', true)];
    expect(countsAfterReplan(planned, refused, { created: 0, updated: 1, unchanged: 1 })).toEqual({
      created: 2,
      updated: 2,
      unchanged: 5,
    });
  });

  it('matches a plan of the file against the directory as written (fast-check)', () => {
    // Owner i of the file is in the directory when read (`before`) or created there meanwhile (`after`), with
    // another name when `differs`; the refused writes are the new owners created meanwhile, re-planned from now.
    type Flags = [before: boolean, after: boolean, differs: boolean];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()), { maxLength: 12 }),
        (flags) => {
          const file = flags.map((_, i) => active(`u${i}`, `u${i}@example.com`));
          const dir = (keep: (f: Flags) => boolean) =>
            new Map(
              file.flatMap((o, i) => {
                const f = flags[i] as Flags;
                return keep(f) ? [[o.userId, { ...o, ...(f[2] && { name: 'Other' }) }] as const] : [];
              }),
            );
          const atRead = dir(([before]) => before);
          const now = dir(([before, after]) => before || after);
          const plan = planOwnerImport(atRead, file, false);
          const refused = plan.upserts.filter((u) => !u.existed && now.has(u.owner.userId));
          const replan = planOwnerImport(
            now,
            refused.map((u) => u.owner),
            false,
          );
          const counts = countsAfterReplan(plan, refused, replan);
          const direct = planOwnerImport(now, file, false);
          expect(counts).toEqual({
            created: direct.created,
            updated: direct.updated,
            unchanged: direct.unchanged,
          });
        },
      ),
    );
  });
});

describe('planAddressMove: an opt-out survives an address flip-flop', () => {
  const A = 'ada@example.com';
  const B = 'ada@wrong.example';
  const digestA = optedOutAddressDigest(A);

  it('remembers the old address when the owner was unsubscribed there, and clears the state for the new one', () => {
    expect(
      planAddressMove({ ...active('ada', A), subscription: 'unsubscribed', subscriptionArn: 'arn:x' }, B),
    ).toEqual({
      optedOutAddresses: [digestA],
    });
  });

  it('records unsubscribed when the owner moves back to an address they opted out at (any spelling)', () => {
    const atB: OwnerRecord = { ...active('ada', B), subscription: 'pending', optedOutAddresses: [digestA] };
    expect(planAddressMove(atB, ' ADA@example.com')).toEqual({
      state: 'unsubscribed',
      optedOutAddresses: [digestA],
    });
  });

  it('finds an opt-out remembered before NFC was applied, for an address written in NFD (written in the new form only)', () => {
    const nfd = 'Jose\u0301@Example.com';
    // `printf 'jose\xcc\x81@example.com' | sha256sum`: trimmed and lower-cased, not NFC, as digests were stored then.
    const legacy = '70d72e4a4d0b058a595bd869112d4662c14264676acff2c866e0a29888d9d62d';
    // `printf 'jos\xc3\xa9@example.com' | sha256sum`: the NFC form, as digests are written now.
    const current = 'b0a53cf19e34d05b57bced7365c6b00ddbe38d62957e863de2a66a56c3b42cea';
    expect(optedOutAddressDigest(nfd)).toBe(current);
    const atB: OwnerRecord = { ...active('jose', B), subscription: 'pending', optedOutAddresses: [legacy] };

    expect(planAddressMove(atB, nfd).state).toBe('unsubscribed');
    // An ASCII address has one form: another address's legacy digest is no opt-out of it.
    expect(planAddressMove(atB, A).state).toBeUndefined();
    // Leaving it opted out there again remembers it in the current form, and keeps what was stored.
    const back: OwnerRecord = {
      ...active('jose', nfd),
      subscription: 'unsubscribed',
      optedOutAddresses: [legacy],
    };
    expect(planAddressMove(back, B)).toEqual({ optedOutAddresses: [legacy, current].sort() });
  });

  it('finds a legacy digest of the NFD spelling when the export now gives the address in NFC', () => {
    // `printf 'jose\xcc\x81@example.com' | sha256sum`: stored before NFC was applied, of the NFD spelling.
    const legacy = '70d72e4a4d0b058a595bd869112d4662c14264676acff2c866e0a29888d9d62d';
    const atB: OwnerRecord = { ...active('jose', B), subscription: 'pending', optedOutAddresses: [legacy] };
    expect(planAddressMove(atB, 'Jos\u00e9@Example.com').state).toBe('unsubscribed');
  });

  it('forgets every form an opt-out at the old address is stored under (legacy too) when no longer opted out there', () => {
    const legacy = '70d72e4a4d0b058a595bd869112d4662c14264676acff2c866e0a29888d9d62d';
    const nfc = 'jos\u00e9@example.com';
    const other = optedOutAddressDigest('jose@third.example');
    for (const spelled of [nfc, 'jose\u0301@example.com']) {
      const resubscribed: OwnerRecord = {
        ...active('jose', spelled),
        subscription: 'none',
        optedOutAddresses: [legacy, optedOutAddressDigest(nfc), other],
      };
      const moved = planAddressMove(resubscribed, B);
      expect(moved).toEqual({ optedOutAddresses: [other] });
      // moved back, with the set as the write left it: not an opt-out any more
      expect(
        planAddressMove({ ...active('jose', B), optedOutAddresses: [other] }, nfc).state,
      ).toBeUndefined();
    }
  });

  it('forgets the old address when the owner is no longer opted out there (resubscribed), so coming back is not an opt-out', () => {
    const resubscribed: OwnerRecord = {
      ...active('ada', A),
      subscription: 'none',
      optedOutAddresses: [digestA],
    };
    const moved = planAddressMove(resubscribed, B);
    expect(moved).toEqual({
      optedOutAddresses: [],
    });
    // back to A from B, with the set as the write left it
    expect(planAddressMove({ ...active('ada', B) }, A)).toEqual({
      optedOutAddresses: [],
    });
  });

  it('changes nothing remembered for an old address that was neither opted out nor remembered', () => {
    expect(planAddressMove({ ...active('ada', A), subscription: 'confirmed' }, B)).toEqual({
      optedOutAddresses: [],
    });
    const digestC = optedOutAddressDigest('ada@third.example');
    expect(
      planAddressMove({ ...active('ada', A), subscription: 'confirmed', optedOutAddresses: [digestC] }, B),
    ).toEqual({ optedOutAddresses: [digestC] });
  });

  it('keeps an opt-out recorded while the owner had no address when an import gives them one', () => {
    const without: OwnerRecord = { ...active('ada'), subscription: 'unsubscribed' };
    expect(planAddressMove(without, A)).toEqual({ state: 'unsubscribed', optedOutAddresses: [] });
    // the new address is then one they opted out at: moving away remembers it
    expect(planAddressMove({ ...active('ada', A), subscription: 'unsubscribed' }, B)).toEqual({
      optedOutAddresses: [digestA],
    });
    // with no opt-out recorded, a first address starts with no state
    expect(planAddressMove({ ...active('ada'), subscription: 'none' }, A)).toEqual({ optedOutAddresses: [] });
    expect(planAddressMove(active('ada'), A)).toEqual({ optedOutAddresses: [] });
    // planned from what was read: the write holds only while she is still unsubscribed with no address
    const plan = planOwnerImport(
      new Map([['ada', without]]),
      [{ userId: 'ada', email: A, status: 'active' }],
      false,
    );
    expect(plan.upserts).toEqual([
      {
        owner: { userId: 'ada', email: A, status: 'active' },
        existed: true,
        resetRoute: true,
        read: { subscription: 'unsubscribed' },
        move: { state: 'unsubscribed', optedOutAddresses: [] },
      },
    ]);
  });

  it('remembers the opt-out at an address the owner leaves for none, and restores it when one comes back', () => {
    const left = planAddressMove({ ...active('ada', A), subscription: 'unsubscribed' }, undefined);
    expect(left).toEqual({
      optedOutAddresses: [digestA],
    });
    expect(planAddressMove({ ...active('ada'), optedOutAddresses: [digestA] }, A)).toEqual({
      state: 'unsubscribed',
      optedOutAddresses: [digestA],
    });
  });
});

describe('judgeSyncGuard', () => {
  it('allows exactly maxDeletePercent of the active owners, trips above it', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
    expect(judgeSyncGuard({ markDeparted: ids(5), activeBefore: 50 }, 10).tripped).toBe(false);
    expect(judgeSyncGuard({ markDeparted: ids(6), activeBefore: 50 }, 10)).toEqual({
      tripped: true,
      reason: '--sync would mark 6 of 50 active owners departed (12%), above maxDeletePercent 10%',
    });
    expect(judgeSyncGuard({ markDeparted: [], activeBefore: 0 }, 0).tripped).toBe(false);
  });

  it('compares a fractional share exactly, as the sweep’s guard does: 57 of 10,000 is not above 0.57%', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
    expect(judgeSyncGuard({ markDeparted: ids(57), activeBefore: 10_000 }, 0.57).tripped).toBe(false);
    expect(judgeSyncGuard({ markDeparted: ids(58), activeBefore: 10_000 }, 0.57).tripped).toBe(true);
  });

  it('never trips at 100%, always trips above the share (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 500 }), (active, changes) => {
        const markDeparted = Array.from({ length: Math.min(changes, active) }, (_, i) => `u${i}`);
        expect(judgeSyncGuard({ markDeparted, activeBefore: active }, 100).tripped).toBe(false);
        const tripped = judgeSyncGuard({ markDeparted, activeBefore: active }, 10).tripped;
        expect(tripped).toBe(markDeparted.length * 10 > active);
      }),
    );
  });
});
