/**
 * The run manifests as reserved items of the credentials table
 * (docs/data-model.md, "Run manifests"): page items of up to
 * `MANIFEST_PAGE_SIZE` deletions, a page closed earlier when its entries
 * would pass `MANIFEST_PAGE_BYTES` (`__hygiene__#run#<runId>#<page>`), a header
 * item (`__hygiene__#run#<runId>`), and the run index (`__hygiene__#run-index`)
 * that `runs list` reads.
 *
 * Only `UpdateItem`, like the checkpoint store: of the sweep function's
 * actions on the table (`SWEEP_TABLE_ACTIONS`, lib/hygiene-grants.ts) the one
 * write that can create an item (a PartiQL `UPDATE` never does). The index is appended with
 * `list_append` and trimmed to `RUN_INDEX_LIMIT` by a second write,
 * conditional on the length the first returned, only when it grew past it.
 * The append is not idempotent: one the SDK retries after a lost response
 * lists the run twice, and `runs list` lists it once (cli/commands/runs.ts;
 * cheaper than a condition on every append, and it reads an index already
 * holding such a copy right too).
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RUN_INDEX_ID, RUN_MANIFEST_ATTR, runHeaderId, runPageId } from '../hygiene/data-contract';
import type { RunManifestWriter } from '../hygiene/ports';
import {
  type ManifestEntry,
  RUN_INDEX_LIMIT,
  type RunIndexEntry,
  type RunManifestHeader,
} from '../hygiene/run-manifest';
import { TABLE_DEFINITION } from './credential-table-definition';
import { sendUnlessConditionFails } from './dynamodb-client';
import { UpdateExpressionBuilder } from './update-expression';

const key = (id: string) => ({ [TABLE_DEFINITION.partitionKey.name]: id });

/** {@link RunManifestWriter} over the credentials table. */
export class DynamoDbRunManifestWriter implements RunManifestWriter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async writePage(runId: string, page: number, entries: readonly ManifestEntry[]): Promise<void> {
    const update = new UpdateExpressionBuilder()
      .set(RUN_MANIFEST_ATTR.runId, runId)
      .set(RUN_MANIFEST_ATTR.entries, entries);
    await this.client.send(
      new UpdateCommand({ TableName: this.tableName, Key: key(runPageId(runId, page)), ...update.build() }),
    );
  }

  async writeHeader(header: RunManifestHeader): Promise<void> {
    const update = new UpdateExpressionBuilder().set(RUN_MANIFEST_ATTR.header, header);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(runHeaderId(header.runId)),
        ...update.build(),
      }),
    );
    await this.appendToIndex({
      runId: header.runId,
      now: header.now,
      status: header.status,
      deleted: header.deleted.total,
      ...(header.deleted.unconfirmed !== undefined && { unconfirmed: header.deleted.unconfirmed }),
    });
  }

  /** Appends the run to the index, then drops the oldest entries past {@link RUN_INDEX_LIMIT}. */
  private async appendToIndex(entry: RunIndexEntry): Promise<void> {
    const append = new UpdateExpressionBuilder();
    const runs = append.name(RUN_MANIFEST_ATTR.runs);
    append.setExpression(
      runs,
      `list_append(if_not_exists(${runs}, ${append.value([])}), ${append.value([entry])})`,
    );
    const out = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(RUN_INDEX_ID),
        ...append.build(),
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const length = (out.Attributes?.[RUN_MANIFEST_ATTR.runs] as unknown[] | undefined)?.length ?? 0;
    if (length <= RUN_INDEX_LIMIT) return;
    const trim = new UpdateExpressionBuilder();
    const list = trim.name(RUN_MANIFEST_ATTR.runs);
    for (let i = 0; i < length - RUN_INDEX_LIMIT; i++) trim.removePath(`${list}[${i}]`);
    trim.condition(`size(${list}) = ${trim.value(length)}`);
    // A failed condition: another run appended meanwhile, and it trims (the index is over the limit by a few at most).
    await sendUnlessConditionFails(
      this.client,
      new UpdateCommand({ TableName: this.tableName, Key: key(RUN_INDEX_ID), ...trim.build() }),
    );
  }
}
