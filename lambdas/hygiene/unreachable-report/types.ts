/**
 * The owner-unreachable report's contract (docs/notifications.md, "Owner reach", "The report message"): the
 * machine document's schema and shape, the reasons a report may give, what a report is rendered from, what one of
 * its messages carries, and its one error. Apart from the rendering so that every module of the report (and
 * `../unreachable-report.ts`, which re-exports all of this) imports it without a cycle. Types and constants only.
 */
import type { OutboxEvent } from '../events';
import type { DrainDocumentEnvelope, MessageBudget, NumberedMessagePart } from '../message';
import { type OwnerDeliveryRoute, UNREACHABLE_REASONS, type UnreachableReason } from '../owner-directory';

/** The machine document's schema name. */
export const UNREACHABLE_REPORT_SCHEMA = 'personal-client-hygiene/owner-unreachable';
/** The machine document's version: bumped on any incompatible change. */
export const UNREACHABLE_REPORT_SCHEMA_VERSION = 1;

/**
 * `eventTypes` of the report: `owner-unreachable` when a part lists owners,
 * `event-owner-mismatch` when it lists events whose owner does not match their credential.
 */
export const UNREACHABLE_EVENT_TYPES = ['owner-unreachable', 'event-owner-mismatch'] as const;
export type UnreachableEventType = (typeof UNREACHABLE_EVENT_TYPES)[number];

/**
 * The reasons only a report gives, never a judgement of an owner: not in `UNREACHABLE_REASONS`, so never in a drain's
 * or sweep's counts by reason, the posture report or `owners list --unreachable`. `email-undelivered`: the relay's
 * report of one email SES gave up on (a transient or undetermined bounce, or a reject) while the owner was not marked
 * bouncing (docs/notifications.md, "Email relay"). A new reason keeps the schema's version (docs/notifications.md,
 * "The report message").
 */
export const REPORT_ONLY_REASONS = ['email-undelivered'] as const;

/** Why a report lists an owner: a drain's judgement ({@link UnreachableReason}) or a report-only reason. */
export type ReportedReason = UnreachableReason | (typeof REPORT_ONLY_REASONS)[number];

/** Every reason a report may give, in the order its advice is printed (`reasonAdviceLines`, ./reasons.ts). */
export const REPORTED_REASONS: readonly ReportedReason[] = [...UNREACHABLE_REASONS, ...REPORT_ONLY_REASONS];

/** One unreachable owner and the events their digest carried. */
export interface UnreachableOwner {
  readonly userId: string;
  /** The owner's name when the directory knows it. */
  readonly name?: string;
  /**
   * The owner's email address when the directory holds one (whatever the reason: the address to correct, or to look
   * up on SES's suppression list). Untrusted text: flattened in the email text, as every stored value.
   */
  readonly email?: string;
  /** Why the owner is listed: the drain's judgement, or (the relay's bounce report) a report-only reason. */
  readonly reason: ReportedReason;
  /** The same event objects as the owner's digest (stored outbox events). */
  readonly events: readonly OutboxEvent[];
}

/**
 * An outbox event that does not belong to the item it is stored on: its
 * `userId` is not the credential's owner (`owner-mismatch`), or its
 * `credentialId` is not the item's (`credential-mismatch`). Never sent to any digest.
 */
export interface MismatchedOwnerEvent {
  /** The item the event is stored on. */
  readonly credentialId: string;
  /** The credential item's `userId` (who owns it now). */
  readonly itemUserId: string;
  readonly problem: 'owner-mismatch' | 'credential-mismatch';
  /** The event as stored; its `userId` is the one that does not match. */
  readonly event: OutboxEvent;
}

/** The versioned JSON document admin machine subscribers receive. */
export interface UnreachableReportDocument extends DrainDocumentEnvelope {
  readonly schema: typeof UNREACHABLE_REPORT_SCHEMA;
  readonly version: typeof UNREACHABLE_REPORT_SCHEMA_VERSION;
  readonly audience: 'admin';
  readonly eventTypes: readonly UnreachableEventType[];
  /** The owner delivery route reachability was judged for. */
  readonly route: OwnerDeliveryRoute;
  /** The owners in this part (an owner with many events may continue in the next part). */
  readonly owners: readonly UnreachableOwner[];
  readonly invalidEvents: readonly MismatchedOwnerEvent[];
}

/** What a report is rendered from. */
export interface UnreachableReportInput {
  readonly drainId: string;
  /** The drain's clock (epoch ms). */
  readonly now: number;
  readonly route: OwnerDeliveryRoute;
  readonly owners: readonly UnreachableOwner[];
  readonly invalidEvents: readonly MismatchedOwnerEvent[];
  /** The size limit of one message and how it is measured (the publisher's: `NotificationPublisher.limits`). */
  readonly budget: MessageBudget;
  /**
   * The flags aiming the report's restore commands where the deleted credentials are, as shell words, the way the
   * admin report aims its commands: a deployment's `--stack NAME --region REGION` (`deploymentTargetFlags`,
   * lambdas/render/admin-report.ts), or a CLI drain's own target (the deployment's, or `--endpoint URL --table
   * NAME`); empty for none (the local demo, whose table is gone when it ends). Absent when the caller does not know
   * the deployment: each command then says, apart from it, to add its `--stack NAME` (`aimedCommand`,
   * ../pasted-command.ts), rather than reading as aimed at the default stack. The owners' `pc-hygiene owners …`
   * commands take the same flags, unless {@link directoryTargetFlags} aims them.
   */
  readonly targetFlags?: string;
  /**
   * The flags aiming the report's owner directory commands (`pc-hygiene owners …`: the owners' `What to do` and the
   * reasons' advice) when they are not {@link targetFlags}: a CLI drain of a table named directly aims them at the
   * directory it read (`--endpoint URL --directory-table NAME`, or `--directory-table NAME --region REGION`), as
   * those commands take no `--table`. Absent: {@link targetFlags} (a deployment's `--stack NAME --region REGION`,
   * which every command takes; none; or not known).
   */
  readonly directoryTargetFlags?: string;
  /**
   * The flags naming the notification topic, which the report's owner commands that need one (`pc-hygiene owners
   * sync-subscriptions`, and its `--dry-run`) carry after their other flags: a CLI drain of a table named directly
   * that named a topic gives it (`--topic-arn ARN`, and its `--sns-endpoint URL` when it gave one), as the owner
   * directory flags name none ({@link directoryTargetFlags}). Absent: with {@link directoryTargetFlags}, which name
   * no topic, each such command says after it to add the topic's `--topic-arn ARN` (the CLI refuses it without), as a
   * deployment not known says to add its `--stack NAME`; without, nothing is added (a deployment's `--stack NAME`
   * names its topic).
   */
  readonly topicTargetFlags?: string;
  /**
   * For the relay's bounce report: when the drain handed the digest to the relay (its `generatedAt`, epoch ms), when
   * it also released the purge of the deletions in it; a deletion read past its `restorableUntil` then says the hold
   * ended then, not at this report (`describeEvent`'s `relayedAt`, lambdas/hygiene/digest.ts). Absent: a drain's
   * report, published as the drain releases the purge.
   */
  readonly relayedAt?: number;
}

/** One message of the report: the neutral message, and what it carries. */
export interface UnreachableReportPart extends NumberedMessagePart {
  readonly owners: readonly UnreachableOwner[];
  readonly invalidEvents: readonly MismatchedOwnerEvent[];
}

/** One event cannot fit a report message on its own. */
export class UnreachableReportTooLargeError extends Error {
  override readonly name = 'UnreachableReportTooLargeError';
}
