/**
 * Sets or clears `hygieneExempt` on one credential (`pc-hygiene exempt` /
 * `unexempt`), recording who, why and when as an entry in its history
 * (docs/data-model.md, "History"). One conditional write: on the exemption
 * and the history length that were read, so a concurrent change is never
 * overwritten unnoticed.
 *
 * A CLI-only adapter.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_DEFINITION } from '../../lambdas/aws/credential-table-definition';
import { appendHistory } from '../../lambdas/aws/history-update';
import { UpdateExpressionBuilder } from '../../lambdas/aws/update-expression';
import { HISTORY_ATTR, HYGIENE_ATTR, isReservedId } from '../../lambdas/hygiene/data-contract';
import { historyLength, operatorFields } from '../../lambdas/hygiene/history';
import type { OperatorIdentity } from '../../lambdas/hygiene/operator-identity';
import { formatInstant } from '../../lambdas/hygiene/time';
import { CredentialNotFoundError } from './restore';

/** Exempt or unexempt one credential, by whom (`by`, and the caller ARN when known) and why. */
export interface ExemptRequest extends OperatorIdentity {
  readonly id: string;
  /** `true`: exempt (set `hygieneExempt`); `false`: unexempt (remove it). */
  readonly exempt: boolean;
  readonly reason: string;
  /** The instant recorded in the history entry (epoch ms). */
  readonly now: number;
}

/** What happened, and who did it (as recorded in the history entry). */
export interface ExemptResult extends OperatorIdentity {
  readonly id: string;
  readonly exempt: boolean;
  /** False when the credential already was in the requested state (nothing written). */
  readonly changed: boolean;
  readonly at: string;
  readonly reason: string;
}

/** The credential changed between the read and the write. */
export class ExemptConflictError extends Error {
  override readonly name = 'ExemptConflictError';
}

/**
 * Sets or clears the exemption.
 * @throws {CredentialNotFoundError} unknown id, or a reserved id (the worker's own items)
 * @throws {ExemptConflictError} changed between read and write (run it again)
 */
export async function setExempt(
  client: DynamoDBDocumentClient,
  tableName: string,
  request: ExemptRequest,
): Promise<ExemptResult> {
  const { id, exempt, reason } = request;
  const who = operatorFields(request);
  const at = formatInstant(request.now);
  const key = TABLE_DEFINITION.partitionKey.name;
  if (isReservedId(id)) {
    throw new CredentialNotFoundError(`${id} is a reserved id (the worker's own item), not a credential`);
  }
  const { Item: item } = await client.send(
    new GetCommand({ TableName: tableName, Key: { [key]: id }, ConsistentRead: true }),
  );
  if (!item) throw new CredentialNotFoundError(`no credential with id ${id} in ${tableName}`);
  const current = item[HYGIENE_ATTR.exempt];
  const result = { id, exempt, at, ...who, reason };
  if ((current === true) === exempt) return { ...result, changed: false };

  const update = new UpdateExpressionBuilder();
  const name = update.name(HYGIENE_ATTR.exempt);
  if (exempt) update.set(HYGIENE_ATTR.exempt, true);
  else update.remove(HYGIENE_ATTR.exempt);
  update.condition(`attribute_exists(${update.name(key)})`);
  update.condition(
    current === undefined ? `attribute_not_exists(${name})` : `${name} = ${update.value(current)}`,
  );
  appendHistory(update, historyLength(item[HISTORY_ATTR]), [
    { at, action: exempt ? 'exempt' : 'unexempt', ...who, reason },
  ]);
  try {
    await client.send(new UpdateCommand({ TableName: tableName, Key: { [key]: id }, ...update.build() }));
  } catch (error: unknown) {
    if (error instanceof ConditionalCheckFailedException) {
      throw new ExemptConflictError(
        `credential ${id} changed while writing its exemption: check it and run again`,
      );
    }
    throw error;
  }
  return { ...result, changed: true };
}
