/**
 * The email relay Lambda (docs/notifications.md, "Email relay"): an SQS
 * batch of owner digests (SNS notifications, raw message delivery off) →
 * one SES email per reachable owner's digest part, once. Thin: build the
 * adapters once per cold start, call `relayBatch`, turn its outcomes into
 * metrics and log lines, return the partial batch response (the event source
 * mapping has `ReportBatchItemFailures`, so SQS retries only the failed records).
 * The batch's time budget is Lambda's remaining time less a safety margin, so a
 * slow SES fails the records it holds up, not the whole invocation. A record
 * failed on its queue's last delivery (`ApproximateReceiveCount` at or over
 * `RELAY_MAX_RECEIVE_COUNT`, the queue's `maxReceiveCount`) is counted as given up
 * (`EmailRelayGaveUp`, and named in the log line: `gaveUpRecords`): SQS moves it to the DLQ. A record SES refused
 * because the account's 24-hour sending quota is spent, on an earlier delivery, is also held back for hours
 * (`quota-deferral.ts`: its message hidden with `ChangeMessageVisibility`, named in the log line: `quotaDeferred`),
 * so SQS's deliveries span a day instead of half an hour; a hold that fails is logged, and the record fails as any other.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { traceWithAddressesMasked } from '../aws/address-masked-tracing';
import { DynamoRelayLedger } from '../aws/relay-ledger-store';
import { isDailyQuotaSesError, SesEmailSender } from '../aws/ses-email-sender';
import { createSesClient } from '../aws/sesv2-client';
import { createSqsClient } from '../aws/sqs-client';
import { SqsMessageVisibility } from '../aws/sqs-message-visibility';
import { errorText, withTextsMasked } from '../hygiene/errors';
import type { MessageVisibility } from '../relay/ports';
import { type QuotaDeferral, quotaDeferrals } from '../relay/quota-deferral';
import {
  failedOnLastDelivery,
  type RelayBatchResult,
  type RelayDeps,
  type RelayRecord,
  relayBatch,
  tallyOutcomes,
} from '../relay/relay';
import { createHandlerClients } from './aws-clients';
import {
  configFromEnvironment,
  HANDLER_ENV,
  isMaxReceiveCount,
  MAX_RECEIVE_COUNT_RANGE,
  MissingEnvironmentError,
  requireEnv,
} from './environment';
import { RELAY_METRIC } from './metric-names';
import { createObservability, type Observability, withObservability } from './observability';
import { ownerDirectoryOf } from './owner-directory-env';
import { remainingBudget } from './remaining-budget';
import { RELAY_SAFETY_MARGIN_MS } from './safety-margins';

/** Shortest claim lease, whatever the remaining time says. */
const MIN_LEASE_MS = 60_000;

/** What one invocation needs, built once per cold start. */
export interface RelayHandlerDeps extends Observability {
  readonly relay: Omit<RelayDeps, 'leaseMs' | 'remainingMs'>;
  /** The relay queue's `maxReceiveCount` (`RELAY_MAX_RECEIVE_COUNT`): a record failed on that delivery goes to the DLQ. */
  readonly maxReceiveCount: number;
  /** Holds back the messages of records SES refused for its spent daily quota (`quota-deferral.ts`). */
  readonly visibility: MessageVisibility;
}

/** `RELAY_MAX_RECEIVE_COUNT` is not an integer SQS accepts as a `maxReceiveCount`. */
export class InvalidMaxReceiveCountError extends Error {
  override readonly name = 'InvalidMaxReceiveCountError';
}

/**
 * The relay queue's `maxReceiveCount`, from `RELAY_MAX_RECEIVE_COUNT` (set by the construct with the redrive policy).
 * @throws {MissingEnvironmentError} when the variable is missing or blank
 * @throws {InvalidMaxReceiveCountError} when it is not an integer from 1 to 1,000
 */
export function maxReceiveCountOf(env: Readonly<Record<string, string | undefined>>): number {
  const text = requireEnv(env, HANDLER_ENV.relayMaxReceiveCount);
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (isMaxReceiveCount(value)) return value;
  const { min, max } = MAX_RECEIVE_COUNT_RANGE;
  throw new InvalidMaxReceiveCountError(
    `${HANDLER_ENV.relayMaxReceiveCount} must be the relay queue's maxReceiveCount, an integer from ${min} to ${max}: ${JSON.stringify(text)}`,
  );
}

/** SQS's `ApproximateReceiveCount` of a record, when it says one. */
function receiveCountOf(record: SQSRecord): number | undefined {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isSafeInteger(count) && count > 0 ? count : undefined;
}

/** The handler's records in the relay's shape: id, body and, when SQS says it, the delivery's receive count. */
function relayRecordsOf(event: SQSEvent): RelayRecord[] {
  return event.Records.map((r) => {
    const receiveCount = receiveCountOf(r);
    return { messageId: r.messageId, body: r.body, ...(receiveCount !== undefined && { receiveCount }) };
  });
}

/** What happened to the holds of the batch's records refused for SES's daily quota. */
interface QuotaHolds {
  /** The records held back, each with its hold in seconds. */
  readonly held: readonly QuotaDeferral[];
  /** The holds SQS refused (or that could not be asked): the record is delivered again after the visibility timeout. */
  readonly failed: readonly { readonly messageId: string; readonly error: string }[];
}

/**
 * Hides the messages of the records SES refused for its spent daily quota ({@link quotaDeferrals}) for their hold,
 * all at once. A hold that fails loses nothing: the record is in the partial batch response whatever happens here,
 * so SQS delivers it again, only sooner.
 */
async function holdQuotaRefusals(
  deps: RelayHandlerDeps,
  event: SQSEvent,
  records: readonly RelayRecord[],
  result: RelayBatchResult,
): Promise<QuotaHolds> {
  const { visibility } = deps;
  const deferrals = quotaDeferrals(records, result, deps.maxReceiveCount, isDailyQuotaSesError);
  const received = new Map(event.Records.map((r) => [r.messageId, r]));
  const holds = await Promise.all(
    deferrals.map(async (deferral) => {
      try {
        const record = received.get(deferral.messageId);
        if (record === undefined) throw new Error(`no record ${deferral.messageId} in the batch`);
        const message = { queueArn: record.eventSourceARN, receiptHandle: record.receiptHandle };
        await visibility.hideFor(message, deferral.seconds);
        return { deferral };
      } catch (error: unknown) {
        return { deferral, error: errorText(error) };
      }
    }),
  );
  return {
    held: holds.flatMap((h) => (h.error === undefined ? [h.deferral] : [])),
    failed: holds.flatMap((h) =>
      h.error === undefined ? [] : [{ messageId: h.deferral.messageId, error: h.error }],
    ),
  };
}

/** The raw handler over explicit dependencies (tests pass fakes or local adapters). */
export function createRelayHandler(deps: RelayHandlerDeps) {
  return async (
    event: SQSEvent,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<SQSBatchResponse> => {
    const records = relayRecordsOf(event);
    // A claim must outlive this invocation: a crashed invocation's claims lapse after it.
    const leaseMs = Math.max(MIN_LEASE_MS, context.getRemainingTimeInMillis());
    const remainingMs = remainingBudget(context, RELAY_SAFETY_MARGIN_MS);
    const result = await relayBatch({ ...deps.relay, leaseMs, remainingMs }, records);
    const holds = await holdQuotaRefusals(deps, event, records, result);
    const tally = tallyOutcomes(result.outcomes);
    deps.metrics.addMetric(RELAY_METRIC.sent, MetricUnit.Count, tally.sent);
    deps.metrics.addMetric(RELAY_METRIC.duplicates, MetricUnit.Count, tally.duplicates);
    deps.metrics.addMetric(RELAY_METRIC.unreachable, MetricUnit.Count, tally.skippedUnreachable);
    deps.metrics.addMetric(RELAY_METRIC.failed, MetricUnit.Count, tally.failed);
    deps.metrics.addMetric(RELAY_METRIC.unreportedUnreachable, MetricUnit.Count, tally.unreportedUnreachable);
    deps.metrics.addMetric(RELAY_METRIC.outOfTime, MetricUnit.Count, tally.outOfTime);
    const gaveUpRecords = failedOnLastDelivery(records, result, deps.maxReceiveCount);
    deps.metrics.addMetric(RELAY_METRIC.gaveUp, MetricUnit.Count, gaveUpRecords.length);
    // SES's refusal texts may name the address: the log names the owner by userId only.
    const failures = tally.failures.map((f) => withTextsMasked(f, ['error']));
    const fields = {
      records: records.length,
      ...tally,
      failures,
      gaveUp: gaveUpRecords.length,
      gaveUpRecords,
      quotaDeferred: holds.held,
      ...(holds.failed.length > 0 && { quotaDeferralFailures: holds.failed }),
    };
    if (tally.failed > 0) deps.logger.warn('relay batch', fields);
    else deps.logger.info('relay batch', fields);
    return { batchItemFailures: [...result.batchItemFailures] };
  };
}

// Cold start: a bad environment fails here, before any invocation, naming the variable.
const env = process.env;
// Sender and configuration set are hygiene config keys (HYGIENE_senderIdentity, HYGIENE_sesConfigurationSet).
const config = configFromEnvironment(env);
if (config.senderIdentity === undefined) throw new MissingEnvironmentError('HYGIENE_senderIdentity');
const tools = createObservability();
const { documentClient } = createHandlerClients(env, tools.tracer);
const sesEndpoint = env[HANDLER_ENV.sesEndpoint];
const sesClient = createSesClient({ ...(sesEndpoint && { endpoint: sesEndpoint }) });
traceWithAddressesMasked(tools.tracer, sesClient); // SES's refusals may name the address: masked in the trace
const sqsClient = createSqsClient();
traceWithAddressesMasked(tools.tracer, sqsClient);
const configurationSetName = config.sesConfigurationSet;
const maxReceiveCount = maxReceiveCountOf(env);

/** The raw handler with the deployed dependencies (no middlewares): for tests of the bundle. */
export const relayHandler = createRelayHandler({
  ...tools,
  relay: {
    directory: ownerDirectoryOf(env, documentClient),
    ledger: new DynamoRelayLedger(documentClient, requireEnv(env, HANDLER_ENV.relayLedgerTableName)),
    sender: new SesEmailSender(sesClient, { ...(configurationSetName && { configurationSetName }) }),
    clock: Date.now,
    from: config.senderIdentity,
    ...(config.ownerContact !== undefined && { ownerContact: config.ownerContact }),
  },
  maxReceiveCount,
  visibility: new SqsMessageVisibility(sqsClient),
});

/** The Lambda entry point. */
export const handler = withObservability(relayHandler, tools);
