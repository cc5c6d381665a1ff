/**
 * The command `owners import` prints for owners whose opt-out it did not record, or recorded over none or pending
 * (docs/deploy.md, "Owner directory"): the ids that can be typed after `--`, each its own shell word; when none can
 * be, a placeholder for a list of ids pasted as several words (`"<userId>"...`), never one quoted word holding them
 * all (`"<userId...>"`, which the shell passes as one argument once the ids are filled in).
 */
import { describe, expect, it } from 'vitest';
import { commandAdvice } from '../../cli/commands/owners/import';

describe('owners import: the command it advises', () => {
  it('names each typable id as its own word after --', () => {
    expect(commandAdvice('unsubscribe', 'optOutsNotApplied', ['eve', '-x', 'sp ace'])).toBe(
      "run (with the same --stack or --directory-table, before --): pc-hygiene owners unsubscribe -- eve -x 'sp ace'",
    );
  });

  it('with no id that can be typed: a list placeholder, each id its own quoted word', () => {
    expect(commandAdvice('resubscribe', 'optOutsOverNoneOrPending', ['a\u0007b', 'c\u001bd'])).toBe(
      'for 2 owner(s) whose ids cannot be typed safely, see --format json (optOutsOverNoneOrPending), then run ' +
        'pc-hygiene owners resubscribe -- "<userId>"...',
    );
  });

  it('some typable, some not: the typable ones named, the others counted', () => {
    expect(commandAdvice('unsubscribe', 'optOutsNotApplied', ['a\u0007b', 'dan'])).toBe(
      'for 1 owner(s) whose ids cannot be typed safely, see --format json (optOutsNotApplied); for the others, ' +
        'run (with the same --stack or --directory-table, before --): pc-hygiene owners unsubscribe -- dan',
    );
  });
});
