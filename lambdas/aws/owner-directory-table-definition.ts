/**
 * The owner directory table, defined once: the CDK construct
 * (`lib/owner-directory-table.ts`), the CLI (`owners import --create-table`,
 * `local`; `cli/aws/create-owner-directory-table.ts`) and the tests all build
 * it from {@link OWNER_DIRECTORY_TABLE}, so the deployed table and the local
 * ones cannot drift (docs/deploy.md, "Owner directory"). Plain data.
 *
 * One item per owner, keyed by `userId`, plus one reserved freshness item
 * (docs/data-model.md, "Owner directory"). No index: the sweep reads the
 * departed owners with one filtered scan per run (a directory is small next
 * to the credentials table), the notifier and the relay read owners by key.
 */
import { OWNER_ATTR } from '../hygiene/data-contract';

/** The table's shape and its protection knobs (the same ones the credentials table has). */
export interface OwnerDirectoryTableDefinition {
  readonly partitionKey: { readonly name: string; readonly type: 'S' };
  readonly billing: 'PAY_PER_REQUEST';
  /** Point-in-time recovery: an import gone wrong can be rolled back. */
  readonly pointInTimeRecovery: true;
  /** Encrypted with the AWS-managed key by default (a customer-managed key: bring your own table). */
  readonly encryption: 'AWS_MANAGED';
  /** Refuse `DeleteTable`, even from administrators, until switched off. */
  readonly deletionProtection: true;
}

/** Partition key `userId` (the credentials' owner id); on-demand; PITR; AWS-managed encryption. */
export const OWNER_DIRECTORY_TABLE: OwnerDirectoryTableDefinition = {
  partitionKey: { name: OWNER_ATTR.userId, type: 'S' },
  billing: 'PAY_PER_REQUEST',
  pointInTimeRecovery: true,
  encryption: 'AWS_MANAGED',
  deletionProtection: true,
};

/** Default directory table name for the CLI and local mode (`--directory-table`, `PC_HYGIENE_DIRECTORY_TABLE`). */
export const DEFAULT_DIRECTORY_TABLE_NAME = 'PersonalClientOwners';
