/**
 * The owner directory store a handler reads, from `DIRECTORY_TABLE_NAME`
 * (docs/deploy.md, "Owner directory"): built one way in every handler, so
 * the variable is read and checked the same everywhere.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoOwnerDirectory } from '../aws/owner-directory-store';
import { HANDLER_ENV, requireEnv } from './environment';

/** A handler's environment. */
type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The directory of `DIRECTORY_TABLE_NAME`, for the handlers that cannot work
 * without one (subscription reconciler, email relay, SES events).
 * @throws {MissingEnvironmentError} when the variable is missing or blank
 */
export function ownerDirectoryOf(
  env: Environment,
  documentClient: DynamoDBDocumentClient,
): DynamoOwnerDirectory {
  return new DynamoOwnerDirectory(documentClient, requireEnv(env, HANDLER_ENV.directoryTableName));
}

/**
 * `{ directory }` when `DIRECTORY_TABLE_NAME` is set, else nothing: the sweep
 * and the notifier also run without an owner directory.
 * @throws {MissingEnvironmentError} when the variable is set but blank
 */
export function optionalOwnerDirectory(
  env: Environment,
  documentClient: DynamoDBDocumentClient,
): { readonly directory?: DynamoOwnerDirectory } {
  return env[HANDLER_ENV.directoryTableName] === undefined
    ? {}
    : { directory: ownerDirectoryOf(env, documentClient) };
}
