/**
 * The `<userId...>` arguments of `owners resubscribe`, `owners unsubscribe`
 * and `owners clear-bouncing`, checked before anything is read or written,
 * as `parseCredentialId` (./credential-id.ts) checks a credential id: an id
 * no owner can have — empty, blank (whitespace only: the domain refuses a
 * blank `userId`, lambdas/hygiene/credential.ts), or longer than DynamoDB's
 * partition key limit — would otherwise be looked up and named "not in the
 * owner directory" (exit 1), or come back as DynamoDB's raw validation error,
 * instead of a usage error naming the argument (exit 2).
 *
 * Only those: an id the owner import refuses for another reason (an
 * invisible character; docs/deploy.md, "Owner directory") may be held by a
 * directory imported before that rule, and these commands must be able to
 * name it; one with leading or trailing whitespace is looked up, and named
 * "not in the owner directory" when no owner has it.
 */
import type { MAX_KEY_BYTES } from '../../lambdas/hygiene/credential';
import { UsageError } from '../usage-error';
import { requireKeyArgument } from './credential-id';

/** How a message names the argument at `position` (from 1): the first as "the userId argument", others by number. */
function argumentName(position: number): string {
  return position === 1 ? 'the userId argument' : `userId argument ${position}`;
}

/**
 * Reads one owner id of a variadic `<userId...>` argument (commander's
 * `argParser`, which passes the ids read so far): kept as given, not trimmed
 * (an id is compared exactly), but not empty, not blank, and at most
 * {@link MAX_KEY_BYTES} bytes in UTF-8.
 * @returns the ids so far with `value` appended
 * @throws {UsageError} naming the argument (by its position after the first) and what is wrong with it
 */
export function parseOwnerIds(value: string, previous: readonly string[] = []): string[] {
  const name = argumentName(previous.length + 1);
  // Blank before the length: a blank id over the limit is named for what it is.
  if (value !== '' && value.trim() === '') {
    throw new UsageError(`${name} ${JSON.stringify(value)} is only whitespace: an owner id is never blank`);
  }
  requireKeyArgument(name, value);
  return [...previous, value];
}
