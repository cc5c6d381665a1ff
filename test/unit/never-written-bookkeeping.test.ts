/**
 * Bookkeeping values the worker never writes make a record invalid
 * (docs/rules.md, "Invalid records"), since they would change decisions: a
 * notice stage 0 silenced every notice for its expiry, a deletion date before
 * its flag deleted with no grace. What the worker does write stays valid: every
 * stage `expiryNoticeDays` accepts (one range, shared with the config), and a
 * flag whose grace is 0 days.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, MAX_GRACE_DAYS, parseConfig } from '../../lambdas/hygiene/config';
import { EXPIRY_NOTICE_STAGE_DAYS, parseCredential } from '../../lambdas/hygiene/credential';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { planRecord } from '../../lambdas/hygiene/policy';
import { at, rawCredential, T0 } from './support/raw-credential';

const { min, max } = EXPIRY_NOTICE_STAGE_DAYS;

describe('the notice stages a record may hold', () => {
  it('are the stages expiryNoticeDays accepts, no more and no fewer', () => {
    expect(parseConfig({ expiryNoticeDays: [max, min] }).expiryNoticeDays).toEqual([max, min]);
    expect(() => parseConfig({ expiryNoticeDays: [min - 1] })).toThrow(/expiryNoticeDays/);
    expect(() => parseConfig({ expiryNoticeDays: [max + 1] })).toThrow(/expiryNoticeDays/);
  });

  it.each([min, max])('stage %i is valid', (stage) => {
    const item = rawCredential({
      [HYGIENE_ATTR.expiryNoticeStage]: stage,
      [HYGIENE_ATTR.expiryNoticeFor]: at(5),
    });
    expect(parseCredential(item).ok).toBe(true);
  });

  it('a stage 0, which would silence the 7-day and 1-day notices, is reported and never acted on', () => {
    const item = rawCredential({
      expiresTime: at(5),
      [HYGIENE_ATTR.expiryNoticeStage]: 0,
      [HYGIENE_ATTR.expiryNoticeFor]: at(5),
    });

    expect(planRecord(item, DEFAULT_CONFIG, T0)).toMatchObject({
      actions: [],
      problems: [`hygieneExpiryNoticeStage: must be an integer from ${min} to ${max}, got the number 0`],
    });
  });
});

describe('a flag’s deletion date', () => {
  it.each([0, 1, MAX_GRACE_DAYS])('is valid %i days after the flag (any grace a config may set)', (grace) => {
    const item = rawCredential({
      [HYGIENE_ATTR.staleFlaggedAt]: at(-1),
      [HYGIENE_ATTR.staleDeleteAfter]: at(-1 + grace),
      [HYGIENE_ATTR.orphanedAt]: at(-1),
      [HYGIENE_ATTR.orphanDeleteAfter]: at(-1 + grace),
    });
    expect(parseCredential(item).ok).toBe(true);
  });

  it('before the flag, which would delete with no grace, is reported and never acted on', () => {
    const item = rawCredential({
      lastUsedAt: at(-120),
      [HYGIENE_ATTR.staleFlaggedAt]: at(-1),
      [HYGIENE_ATTR.staleDeleteAfter]: at(-30),
    });

    expect(planRecord(item, DEFAULT_CONFIG, T0)).toMatchObject({
      actions: [],
      problems: [`hygieneStaleDeleteAfter: "${at(-30)}" is before hygieneStaleFlaggedAt "${at(-1)}"`],
    });
  });
});
