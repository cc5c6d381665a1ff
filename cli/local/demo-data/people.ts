/**
 * The demo people: the owners of the demo credentials (a user id and a short handle), and back from a handle to
 * the person's full name for the demo owner directory (`cli/local/demo-directory.ts`).
 */
import type { Draw } from './draw';
import { FIRST_NAMES, LAST_NAMES } from './name-lists';

/** A demo owner: the user id its credentials carry and the handle their display names start with. */
export interface Owner {
  readonly userId: string;
  /** Short user name used in display names, e.g. `alovelace`. */
  readonly handle: string;
}

/** The `i`-th demo person's first and last name. */
function demoPerson(i: number): { readonly first: string; readonly last: string } {
  return {
    first: FIRST_NAMES[i % FIRST_NAMES.length] as string,
    last: LAST_NAMES[(i * 7) % LAST_NAMES.length] as string,
  };
}

/** A demo person's short user name: first initial and last name, lower case (`alovelace`). */
function handleOf(person: { readonly first: string; readonly last: string }): string {
  return `${person.first[0]}${person.last}`.toLowerCase().replace(/[^a-z]/g, '');
}

/** `count` demo owners, the `i`-th being the `i`-th demo person, with user ids drawn from `draw`. */
export function createOwners(draw: Draw, count: number): Owner[] {
  const owners: Owner[] = [];
  for (let i = 0; i < count; i++) owners.push({ userId: draw.ksuid(), handle: handleOf(demoPerson(i)) });
  return owners;
}

/**
 * The full name of the demo person whose handle is `handle` (`alovelace` → `Ada Lovelace`), for the demo owner
 * directory's `name` (cli/local/demo-directory.ts); `undefined` for a handle no demo person has.
 */
export function demoPersonName(handle: string): string | undefined {
  const people = FIRST_NAMES.length * LAST_NAMES.length;
  for (let i = 0; i < people; i++) {
    const person = demoPerson(i);
    if (handleOf(person) === handle) return `${person.first} ${person.last}`;
  }
  return undefined;
}
