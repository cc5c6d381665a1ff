/**
 * One wording of the owner directory line (`directoryLine`,
 * lambdas/render/run-summary-text.ts) for the run summary, `plan` and
 * `report`: a plan's line is the run's in the plan's voice ("would be",
 * "the plan's now", the table named), for every state `directorySummary`
 * gives; and a snapshot instant read from the directory table is shown
 * through the sanitiser in each (it is stored text).
 */
import { describe, expect, it } from 'vitest';
import { planDirectory, planDirectoryLine } from '../../cli/format/plan-directory';
import type { DirectoryState } from '../../lambdas/hygiene/owner-directory';
import { directorySummary } from '../../lambdas/hygiene/sweep/summary';
import { directoryLine } from '../../lambdas/render/run-summary-text';
import { days } from './support/credentials';

const STATES: Record<string, DirectoryState> = {
  used: { freshness: { asOf: days(0), owners: 3 }, departed: new Set(['user-a']) },
  'no-directory': { unusable: 'no-directory', departed: new Set() },
  empty: { unusable: 'empty', freshness: { asOf: days(0), owners: 0 }, departed: new Set() },
  stale: { unusable: 'stale', freshness: { asOf: days(-8), owners: 3 }, departed: new Set() },
  ahead: { unusable: 'ahead', freshness: { asOf: days(3), owners: 3 }, departed: new Set() },
  unreadable: {
    unusable: 'unreadable',
    readError: 'ThrottlingException: Rate exceeded',
    departed: new Set(),
  },
};

describe('the owner directory line', () => {
  it.each(Object.entries(STATES))("%s: a plan's line is the run's in the plan's voice", (_, state) => {
    const run = directoryLine(directorySummary(state, 7));
    const plan = planDirectoryLine(planDirectory('Owners', state, 7));

    expect(plan).toBe(
      run
        .replace('Owner directory:', 'Owner directory Owners:')
        .replace('nothing was orphaned', 'nothing would be orphaned')
        .replace("this run's now", "the plan's now"),
    );
  });

  it('shows a stored snapshot instant through the sanitiser, in the run summary too', () => {
    const state: DirectoryState = {
      unusable: 'stale',
      freshness: { asOf: '\x1b[2Jsoon', owners: 3 },
      departed: new Set(),
    };

    expect(directoryLine(directorySummary(state, 7))).toBe(
      'Owner directory: STALE (as of \\x1b[2Jsoon, older than directoryMaxAgeDays 7); nothing was orphaned - re-import it (owners import --as-of)',
    );
  });
});
