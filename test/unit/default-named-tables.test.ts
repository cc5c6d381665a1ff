/**
 * The integration run's end check (test/support/global-setup.ts): a table left on the shared DynamoDB Local under a
 * default name is named as a problem, so the tests of a command without its default table cannot pass or fail by
 * file order; tables of their own names are fine.
 */
import { describe, expect, it } from 'vitest';
import { defaultNamedTablesProblem } from '../support/global-setup';

describe('defaultNamedTablesProblem', () => {
  it('says nothing of tables with names of their own', () => {
    expect(defaultNamedTablesProblem(['notify-1b2c', 'PersonalClients-copy', 'owners-9f'])).toBeUndefined();
  });

  it('names each default-named table found', () => {
    expect(defaultNamedTablesProblem(['x', 'PersonalClientOwners', 'PersonalClients'])).toBe(
      'a test made "PersonalClientOwners" and "PersonalClients" on the shared DynamoDB Local: the files that check a ' +
        'command without the default table then pass or fail by file order; give every table a name of its own',
    );
  });
});
