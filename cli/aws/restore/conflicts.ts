/**
 * What a failed restore write means (docs/data-model.md, "Restore"): the credential changed, a drain holds the drain
 * lease, or another write was in flight on one of its items — each a {@link RestoreConflictError} in an operator's
 * words — or, for any other error, nothing of a restore's own.
 */
import {
  type CancellationReason,
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { unmarshallOptions } from '../../../lambdas/aws/dynamodb-client';
import { OUTBOX_LEASE_ATTR } from '../../../lambdas/hygiene/data-contract';
import type { CheckedRestore } from './check';
import { RestoreConflictError } from './refusals';
import type { RestoreRequest } from './types';

/**
 * The conflict a failed restore write means, or `undefined` for any other
 * error: a failed condition of the update (`UpdateItem`'s, or the
 * transaction's first item) means the credential changed; a failed lease
 * check (the transaction's second item) that a drain holds the lease — said
 * first, as the drain may be what changed the credential; a write cancelled
 * for another write in flight on one of its items (`TransactionConflict` in
 * the transaction's reasons, or `TransactionConflictException` for the
 * `UpdateItem` meeting another's transaction; AWS documents both as such) that
 * nothing was written (a conflict marked `inFlight`).
 */
export function conflictOf(
  error: unknown,
  request: RestoreRequest,
  checked: CheckedRestore,
): RestoreConflictError | undefined {
  const changed = new RestoreConflictError(
    `credential ${request.id} changed while restoring (no longer the deletion at ${String(checked.deletedAt)} ` +
      'read, restored or deleted again meanwhile, or its history grew, or its unsent deletion notice was sent ' +
      'meanwhile): check it and run restore again',
  );
  if (error instanceof ConditionalCheckFailedException) return changed;
  if (error instanceof TransactionConflictException) return inFlight(request);
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  const [restore, lease] = reasons;
  if (lease?.Code === 'ConditionalCheckFailed') return drainRunning(request, lease.Item);
  if (restore?.Code === 'ConditionalCheckFailed') return changed;
  return reasons.some((r) => r.Code === 'TransactionConflict') ? inFlight(request) : undefined;
}

/** The refusal of a write DynamoDB cancelled for another write in flight: nothing written, run it again. */
function inFlight(request: RestoreRequest): RestoreConflictError {
  return new RestoreConflictError(
    `credential ${request.id} was not restored: another write to it or to the outbox drain lease was in flight ` +
      'at the same moment (DynamoDB cancelled the restore: TransactionConflict); nothing was written: run restore again',
    { inFlight: true },
  );
}

/** The refusal while a drain holds the lease: nothing written, and when to run the restore again. */
function drainRunning(request: RestoreRequest, leaseItem: CancellationReason['Item']): RestoreConflictError {
  const lease = leaseItem === undefined ? {} : unmarshall(leaseItem, unmarshallOptions());
  const holder = lease[OUTBOX_LEASE_ATTR.holder];
  const until = lease[OUTBOX_LEASE_ATTR.until];
  const held = [
    typeof holder === 'string' && `by ${holder}`,
    typeof until === 'string' && `until ${until}`,
  ].filter(Boolean);
  return new RestoreConflictError(
    `credential ${request.id} was not restored: a notification drain holds the outbox lease` +
      `${held.length > 0 ? ` (${held.join(' ')})` : ''} and may be sending its unsent deletion notice. ` +
      'Run restore again when the drain ends (at the latest when its lease lapses): if the drain sent the notice, ' +
      'the owner was told and the restore withdraws nothing; if not, the restore withdraws it',
  );
}
