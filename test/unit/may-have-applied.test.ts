/**
 * The one rule the transition writers and the outbox's mark judge their own
 * writes by (lambdas/aws/may-have-applied.ts): a write may have applied when
 * the SDK attempted it more than once or it ended in a transient error; a
 * first attempt refused outright, or throttled, applied nothing.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { mayHaveApplied } from '../../lambdas/aws/may-have-applied';

/** A DynamoDB error `name` as the SDK throws it after `attempts` attempts. */
const serviceError = (name: string, attempts: number, $fault: 'client' | 'server' = 'client') =>
  new DynamoDBServiceException({
    name,
    $fault,
    message: name,
    $metadata: { httpStatusCode: $fault === 'client' ? 400 : 500, attempts },
  });

/** A socket error as Node reports it (`code`), with the SDK's attempts. */
const socketError = (code: string, attempts: number) =>
  Object.assign(new Error(`socket error ${code}`), { code, $metadata: { attempts } });

describe('mayHaveApplied', () => {
  it('an output: only when the SDK attempted the call more than once', () => {
    expect(mayHaveApplied({ $metadata: { attempts: 1 } })).toBe(false);
    expect(mayHaveApplied({ $metadata: {} })).toBe(false);
    expect(mayHaveApplied({ $metadata: { attempts: 2 } })).toBe(true);
  });

  it.each([
    ['AccessDeniedException', serviceError('AccessDeniedException', 1)],
    ['ValidationException', serviceError('ValidationException', 1)],
    [
      'a failed condition',
      new ConditionalCheckFailedException({
        message: 'failed',
        $metadata: { httpStatusCode: 400, attempts: 1 },
      }),
    ],
    [
      'throttling (refused before it is processed)',
      new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: { attempts: 1 } }),
    ],
    ['a thrown non-SDK error', new TypeError('bug')],
  ])('an error on the first, never-retried attempt applied nothing: %s', (_, error) => {
    expect(mayHaveApplied(error)).toBe(false);
  });

  it.each([
    ['a socket reset (ECONNRESET)', socketError('ECONNRESET', 1)],
    ['a socket timeout (ETIMEDOUT)', socketError('ETIMEDOUT', 1)],
    [
      'a reset found along the cause chain',
      new Error('fetch failed', { cause: socketError('ECONNRESET', 1) }),
    ],
    ["the SDK's TimeoutError", Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    [
      'a server error',
      new InternalServerError({ message: 'oops', $metadata: { httpStatusCode: 500, attempts: 1 } }),
    ],
    ['a 5xx status', serviceError('ServiceUnavailable', 1, 'server')],
  ])(
    'a transient error may have applied even after one attempt (an exhausted retry quota): %s',
    (_, error) => {
      expect(mayHaveApplied(error)).toBe(true);
    },
  );

  it('any error after more than one attempt may have applied (an earlier attempt’s response was lost)', () => {
    expect(mayHaveApplied(serviceError('AccessDeniedException', 2))).toBe(true);
    expect(
      mayHaveApplied(
        new ConditionalCheckFailedException({
          message: 'failed',
          $metadata: { httpStatusCode: 400, attempts: 3 },
        }),
      ),
    ).toBe(true);
  });
});
