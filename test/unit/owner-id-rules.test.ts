/**
 * What `owners import` accepts as a `userId` (lambdas/hygiene/owner-import-rows.ts):
 * only an id that prints as it is. A control or format character, or a line
 * separator (the characters every display of stored ids escapes,
 * lambdas/hygiene/untrusted-text.ts), is refused, named by its code point
 * with the rule and the way out, as the email rules do: `u20\u200B` is
 * another owner than `u20` that prints alike, and with `--sync` the real one
 * would be marked departed. A joiner between two non-ASCII letters (how some
 * names are written) and lookalike letters are accepted, as the display
 * shows them as they are; a lone surrogate is refused as in every field.
 */
import { describe, expect, it } from 'vitest';
import { checkOwnerRow } from '../../lambdas/hygiene/owner-import-rows';

const problemsOf = (userId: string): readonly string[] => {
  const checked = checkOwnerRow(
    { line: 2, fields: { userId, email: 'ann@example.com', status: 'active' } },
    new Map(),
  );
  return 'rejected' in checked ? checked.rejected.problems : [];
};

/** What the refusal of an id holding `code` says. */
const refusal = (code: string) =>
  `userId: holds the invisible character ${code} (control and format characters, line separators, blank letters ` +
  'such as U+3164 and variation selectors that select nothing print alike or not at all, so the id could pass for ' +
  "another owner's, who would be marked departed with --sync) " +
  '(owner id rule "no invisible characters", docs/deploy.md "Owner directory"): fix the id in the source, ' +
  'or leave the row out of the export (one rejected row refuses the whole file)';

describe('owners import: the userId column', () => {
  it.each([
    ['U+0000', 'u1\u0000'],
    ['U+001B', 'u2\u001b[31m'],
    ['U+0007', 'u\u0007'],
    ['U+000A', 'u\n2'],
    ['U+0009', 'u\t2'],
    ['U+200B', 'u20\u200B'],
    ['U+202E', '\u202Eu20'],
    ['U+00AD', 'u\u00AD20'],
    ['U+2028', 'u20\u2028'],
    ['U+2060', 'u20\u2060'],
    ['U+FEFF', 'u20\uFEFF'],
    ['U+E0041', 'u20\u{E0041}'],
    // A joiner after an ASCII letter, or at an end, is only there to make two ids differ.
    ['U+200C', 'u20\u200C'],
    ['U+200D', 'ann\u200Dsmith'],
    // A blank letter: a Hangul filler prints as nothing.
    ['U+3164', 'u20\u3164'],
    ['U+2800', '\u2800u20'],
    // A variation selector after an ASCII letter selects nothing: `bob` and `bob` U+FE00 print alike.
    ['U+FE00', 'bob\uFE00'],
    ['U+034F', 'b\u034Fob'],
  ])('refuses an id holding %s, named by its code point', (code, userId) => {
    expect(problemsOf(userId)).toEqual([refusal(code)]);
  });

  it.each([
    'u20',
    'ann.smith@example.com',
    'CN=Ann Smith,OU=People',
    // A Cyrillic а: a lookalike letter, shown as it is.
    'p\u0430ypal',
    // ZWNJ between two Persian letters: part of how the name is written.
    '\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645',
    '\u{1F469}\u200D\u{1F4BB}',
    // A variation selector that selects: an emoji's presentation, a CJK variant form.
    'ops-\u2764\uFE0F',
    '\u845B\u{E0100}',
  ])('accepts %j', (userId) => {
    expect(problemsOf(userId)).toEqual([]);
  });

  it('refuses a lone surrogate, which DynamoDB would store as U+FFFD, as in any field', () => {
    expect(problemsOf('u20\uD800')).toEqual([
      expect.stringMatching(/^userId: the text has a lone UTF-16 surrogate \(\\ud800 at character 3\)/),
    ]);
  });

  it('still names a repeat of a refused id as a duplicate of its first line', () => {
    const firstLineOf = new Map<string, number>();
    const row = (line: number) => ({ line, fields: { userId: 'u20\u200B', status: 'active' } });
    checkOwnerRow(row(2), firstLineOf);

    const repeat = checkOwnerRow(row(3), firstLineOf);

    expect(repeat).toEqual({
      rejected: {
        line: 3,
        userId: 'u20\u200B',
        problems: [refusal('U+200B'), 'userId: duplicate of line 2'],
      },
    });
  });
});
