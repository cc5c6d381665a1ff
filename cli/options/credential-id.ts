/**
 * The credential id argument of `exempt`, `unexempt` and `restore`, checked
 * before anything touches a table: an empty id, or one longer than DynamoDB's
 * partition key limit, would otherwise reach DynamoDB and come back as its raw
 * validation error (exit 1) instead of a usage error naming the argument.
 */
import { MAX_KEY_BYTES } from '../../lambdas/hygiene/credential';
import { UsageError } from '../usage-error';

/**
 * Reads a credential id argument (commander's `argParser`): kept as given,
 * not trimmed (an id is compared exactly), but non-empty and at most
 * {@link MAX_KEY_BYTES} bytes in UTF-8.
 * @throws {UsageError} naming the argument and what is wrong with it
 */
export function parseCredentialId(value: string): string {
  requireKeyArgument('the credential id argument', value);
  return value;
}

/**
 * The check every key argument gets (a credential id here, an owner id in ./owner-id.ts): not empty, and at most
 * {@link MAX_KEY_BYTES} bytes in UTF-8, DynamoDB's partition key limit.
 * @param name how the message names the argument (`the credential id argument`)
 * @throws {UsageError} naming the argument and what is wrong with it
 */
export function requireKeyArgument(name: string, value: string): void {
  if (value === '') throw new UsageError(`${name} must not be empty`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw new UsageError(
      `${name} is ${bytes.toLocaleString('en-US')} bytes in UTF-8; ` +
        `DynamoDB keys hold at most ${MAX_KEY_BYTES.toLocaleString('en-US')}`,
    );
  }
}
