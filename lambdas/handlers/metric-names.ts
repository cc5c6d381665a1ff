/**
 * Names of the EMF metrics the handlers emit. The CDK construct builds its
 * alarms and dashboard from the same constants, so a renamed metric cannot
 * leave an alarm watching nothing. Plain data: no AWS imports.
 */
import { ACTION_TYPES, type ActionType } from '../hygiene/policy';

/** Default CloudWatch namespace of the run metrics. */
export const DEFAULT_METRICS_NAMESPACE = 'PersonalClientHygiene';

/** Metrics of one sweep run. */
export const SWEEP_METRIC = {
  /** Items read from the table (reserved items excluded). */
  scanned: 'RecordsScanned',
  /**
   * Records that failed validation: never acted on. A run that resumed a checkpoint counts its pass so far, the
   * earlier runs' included (summary `pass.soFar`; docs/sweep.md, "Time budget and checkpoint").
   */
  invalid: 'InvalidRecords',
  /**
   * 1 when the blast-radius guard held back this run's deletions, else 0: a run whose tripped guard an operator's
   * approval overrode made its deletions and emits 0 (its admin run summary says the approval was used).
   */
  guardTripped: 'GuardTripped',
  /** Deletions the run planned (before the guard). */
  plannedDeletes: 'PlannedDeletes',
  /** Conditional writes skipped because the credential changed since it was read. */
  skippedChanged: 'SkippedChanged',
  /**
   * Writes that failed with an error (not a failed condition): the next run
   * decides them again, except one that may have taken effect and did (a
   * deletion that applied is not retried): `runs show` marks such deletions
   * unconfirmed, and the item says which (docs/sweep.md, "Write failures").
   */
  writeFailures: 'WriteFailures',
  /** Transitions written in a request of their own after their batch could not settle them (one request more each). */
  writtenAlone: 'TransitionsWrittenAlone',
  /**
   * Transitions DynamoDB refused because they would take the credential past its 400 KB item limit (summary
   * `tooLarge`): refused alike every run until someone shrinks the item; not among `WriteFailures` and never
   * toward `maxWriteFailures` (docs/data-model.md, "Item size"). Alarm at 1 or more (`TransitionsTooLarge`:
   * docs/deploy.md, "Runbook: Transitions too large"). A run that resumed a checkpoint counts its pass so far, as
   * `invalid` does.
   */
  tooLarge: 'TransitionsTooLarge',
  /**
   * 1 when the run stopped at its deadline and left a checkpoint, else 0 (an aborted run is not: `aborted`; an audit
   * run stopped by its budget keeps none and counts 0: its `completed` 0 shows it).
   */
  incomplete: 'RunIncomplete',
  /**
   * 1 when the run was aborted by more than `maxWriteFailures` failed writes, or
   * by an error of its own after it wrote (summary status `aborted`, its
   * `abortReason` says which; no checkpoint saved), else 0. The scheduled
   * sweep's invocation also fails (its errors alarm); an operator's CLI run
   * reports it only here and in `WriteFailures`.
   */
  aborted: 'RunAborted',
  /** Owner events queued in the outbox by this run. */
  eventsQueued: 'EventsQueued',
  /** Run time in milliseconds. */
  duration: 'SweepDuration',
  /** 1 when the admin run summary could not be published (it is still in the log), else 0. */
  adminSummaryFailed: 'AdminSummaryPublishFailed',
  /**
   * Confirmed subscriptions of the alarm topic, listed after the run (`ALARM_TOPIC_ARN`); emitted only when the
   * listing succeeded. For the dashboard only: an alarm on it would publish to the very topic it finds unheard, so
   * the admin run summary says it instead (docs/deploy.md, "Runbook: Alarm delivery").
   */
  alarmTopicSubscriptions: 'AlarmTopicSubscriptions',
  /** 1 when the run finished its pass over the table (not incomplete, not aborted), else 0: the heartbeat alarm's metric. */
  completed: 'SweepCompleted',
  /** 1 when the invocation was refused because its scheduled time was too far from the wall clock. */
  scheduledTimeRejected: 'ScheduledTimeRejected',
  /**
   * Owners with events this run whom the owner directory says cannot be
   * reached (0 when reach is unverified): the run summary's forecast
   * (docs/sweep.md, "Owner reach"). Not the notifier's `UnreachableOwners`
   * (owners whose events a drain reported to the admins): both share the
   * namespace and the `service` dimension, and one owner counted by the run
   * that queued the events and again by each drain must not add up in one
   * metric, so the sweep's has its own name.
   */
  unreachableOwners: 'SweepUnreachableOwners',
  /**
   * 1 when an owner directory is configured but this run could not use it
   * (missing or never imported, empty, stale, ahead of the run's now,
   * unreadable), else 0: alarm at 1 (nothing is orphaned until it is
   * usable again: re-imported, or, ahead, the `--now` or the importer's
   * clock fixed; reach goes unchecked too while it is unreadable, or never
   * imported except on `relay`: docs/deploy.md, "Runbook: Owner directory
   * unusable").
   */
  directoryUnusable: 'DirectoryUnusable',
} as const;

/** Metrics of one notifier drain. */
export const NOTIFIER_METRIC = {
  /**
   * Events whose message SNS accepted (`eventsPublished`), whether or not their mark then succeeded (one that
   * failed is counted in `NotifierStoreErrors`, and the event is sent again by a later drain).
   */
  eventsPublished: 'EventsPublished',
  /** Events whose publish failed: left pending for the next drain. */
  eventsFailed: 'EventsFailed',
  /** Digests (one per owner) published. */
  digests: 'DigestsPublished',
  /**
   * Items left to another drain (`claimConflicts`): every listed item when another drain held the drain lease,
   * else items a drain of the previous protocol still claimed.
   */
  claimConflicts: 'ClaimConflicts',
  /** Age of the oldest pending event at the start of the drain (0 when none): grows while delivery fails. */
  oldestPendingAge: 'OldestPendingNoticeAgeSeconds',
  /** Drain time in milliseconds. */
  duration: 'NotifierDuration',
  /**
   * Distinct owners with events this drain whom the owner directory says
   * cannot be reached, found whether or not the drain's owner-unreachable
   * report reached the admins (`unreportedEvents` says what it did not
   * carry; a later drain reports those, counting the owners again): alarm
   * when above 0.
   */
  unreachableOwners: 'UnreachableOwners',
  /** Events of unreachable owners this drain (reported to the admins besides the published digest). */
  unreachableEvents: 'UnreachableEvents',
  /** Outbox events addressed to someone other than their credential's owner: sent to no owner, reported to the admins. */
  mismatchedEvents: 'MismatchedOwnerEvents',
  /** 1 when reach was not verified (no owner directory, or never imported), else 0. */
  reachUnverified: 'OwnerReachUnverified',
  /**
   * Lease, read or mark calls that failed with an error, per item (`storeErrors`). The drain still completes:
   * the events stay pending, or — a mark that failed after the publish — are sent again by a later drain. Alarm on it.
   */
  storeErrors: 'NotifierStoreErrors',
  /** Published events another drain had already removed (`eventsAlreadyMarked`): each was sent twice. */
  duplicatesSent: 'DuplicateEventsSent',
  /** Stored outbox entries that are not valid events (`malformedEvents`): never sent, left for an operator. */
  malformedEvents: 'MalformedOutboxEvents',
  /**
   * Pending owner events the credential had outgrown when the drain read it (`supersededEvents`: renewed past an
   * expiry warning, a stale or orphan flag cleared or set anew, a deletion undone or made anew): never sent,
   * removed like sent ones.
   */
  supersededEvents: 'SupersededOutboxEvents',
} as const;

/** Metrics of one subscription reconciliation (owner subscriptions: `sns-email`; the reconciler runs on `relay` too). */
export const RECONCILER_METRIC = {
  /** 1 when the run stopped because the owners need more filter policies than the topic's quota, else 0: alarm on it. */
  quotaExceeded: 'SubscriptionQuotaExceeded',
  /** Filter policies the topic holds after the run (planned): watch it approach the quota. */
  filterPolicies: 'SubscriptionFilterPolicies',
  /** Owner email subscriptions created (each pending until the owner confirms). */
  created: 'SubscriptionsCreated',
  /** Owner subscriptions whose filter policy was repaired. */
  repaired: 'SubscriptionsRepaired',
  /** Owner subscriptions removed (departed or removed owners, changed addresses, duplicates). */
  removed: 'SubscriptionsRemoved',
  /**
   * Subscriptions the run created, then withdrew because the owner opted out, left or moved while it ran
   * (`withdrawnAfterCreate`: removed, or left pending when SNS cannot delete it unconfirmed): each sent a
   * confirmation email the person did not want.
   */
  withdrawn: 'SubscriptionsWithdrawn',
  /**
   * Subscribe/SetSubscriptionAttributes/Unsubscribe calls SNS refused, and directory re-reads that failed
   * after a subscription was created: retried by the next run.
   */
  failed: 'SubscriptionOperationsFailed',
  /** Owners whose subscription awaits confirmation. */
  pendingOwners: 'OwnerSubscriptionsPending',
  /**
   * Owners in state `unsubscribed`: opted out (the unsubscribe link of an SNS email, a complaint about a relay
   * email, or recorded by an operator with `pc-hygiene owners unsubscribe`); not subscribed again, unreachable
   * (reason `unsubscribed`).
   */
  unsubscribedOwners: 'OwnerSubscriptionsUnsubscribed',
  /**
   * Owners the run did not subscribe again because the `MAX_CONFIRMATION_EMAILS` confirmation emails sent to their
   * address went unanswered (summary `confirmationsExhausted`, lambdas/hygiene/subscription-confirmations.ts): no
   * subscription, no link pending, and no more links sent; unreachable (reason `subscription-unconfirmed`) until the
   * address changes or `pc-hygiene owners resubscribe` (docs/notifications.md, "Pending subscriptions"). 0 on `relay`
   * (no owner subscriptions). No alarm of its own: an owner of these with notices is in the drain's owner-unreachable
   * report and `UnreachableOwners` fires for them (docs/deploy.md, "Runbook: Unreachable owners").
   */
  confirmationExhaustedOwners: 'ConfirmationExhaustedOwners',
  /** Active owners whose address already has a non-owner email subscription (not subscribed). */
  conflicts: 'SubscriptionConflicts',
  /**
   * Owners whose opt-out the mass-unsubscribe guard held back this run (recorded `none`, not `unsubscribed`; the
   * next run subscribes them again): 0 unless it tripped, with no override (docs/notifications.md, "Subscription
   * reconciler"). Alarm on it: was the topic deleted and re-created?
   */
  optOutsHeldBack: 'OptOutsHeldBack',
  /**
   * Subscriptions of the topic that deliver every admin message (summary `adminSubscriptions`; on both routes):
   * alarm below 1 (`NoAdminSubscription`, on the alarm topic): SNS drops every admin notice (docs/deploy.md,
   * "Runbook: No admin subscription").
   */
  adminSubscriptions: 'AdminSubscriptions',
  /**
   * Email subscriptions of the topic left out of `AdminSubscriptions` although they admit every admin message,
   * because they also receive owner digests (summary `emailSubscriptionsWithOwnerDigests`, 0 when absent; on both
   * routes): SNS suspends an email endpoint sent more than 10 messages a second. Alarm at 1 or more
   * (`WideAdminEmailSubscription`, on the alarm topic; docs/deploy.md, "Runbook: Wide admin email subscription").
   */
  emailSubscriptionsWithOwnerDigests: 'EmailSubscriptionsWithOwnerDigests',
  /**
   * 1 when the run stopped at its time budget: with operations left for the next run (summary `deferred`), or while
   * it still read the topic's subscriptions (`TopicListingStoppedError`: nothing planned or changed; only this metric
   * and `ReconcilerCompleted = 0` are emitted); the Lambda only: the CLI has no budget; else 0 (emitted with the other
   * figures, a quota stop's included). With operations left, its states and the check of what it created still ran;
   * the next hourly run continues from the topic's listing. Runs that stop so
   * every time never complete: `ReconcilerHeartbeat` (docs/deploy.md, "Runbook: Reconciler heartbeat").
   */
  incomplete: 'ReconcilerIncomplete',
  /**
   * 1 when the run finished (its plan applied; operations SNS refused are `SubscriptionOperationsFailed`'s), 0 when
   * the filter-policy quota stopped it (only the creations that fit made) or its time budget did
   * (`ReconcilerIncomplete`); none when it failed otherwise (an empty directory refused on `sns-email` because the topic holds owner subscriptions it would
   * remove, a listing or a directory write that failed): the `ReconcilerHeartbeat` alarm's metric (docs/deploy.md,
   * "Runbook: Reconciler heartbeat").
   */
  completed: 'ReconcilerCompleted',
} as const;

/** Metrics of one email relay batch (route `relay`; docs/notifications.md, "Email relay"). */
export const RELAY_METRIC = {
  /** Owner emails SES accepted. */
  sent: 'EmailsSent',
  /** Redelivered digest parts that had already been emailed (not sent again). */
  duplicates: 'EmailDuplicatesSkipped',
  /**
   * Digests not emailed because the owner is unreachable on `relay`, for any reason of `UNREACHABLE_REASONS`
   * (`lambdas/hygiene/owner-directory.ts`) that applies there, and that the drain reported to the admins.
   */
  unreachable: 'UnreachableOwnersSkipped',
  /** Records that failed (retried by SQS, then moved to the DLQ). */
  failed: 'EmailRelayFailures',
  /**
   * Of those, digests whose owner cannot be emailed and was not reported to the admins by the drain
   * (`UnreportedUnreachableOwnerError`): until a directory fix or the DLQ, these notices reach nobody.
   */
  unreportedUnreachable: 'UnreportedUnreachableOwners',
  /**
   * Of those, records not sent for lack of time (`NoTimeLeftError`): SES so slow or throttled that the
   * invocation's time budget had no room to start them or to try again; SQS delivers them again.
   */
  outOfTime: 'EmailRelayOutOfTime',
  /**
   * Of those, records failed on their queue's last delivery (SQS's `ApproximateReceiveCount` at or over the queue's
   * `maxReceiveCount`): SQS moves each to the relay DLQ instead of delivering it again, so the relay gave up on it.
   * Alarm on any: the DLQ's depth alarm says only that something waits there, and stays in alarm while the first
   * digest does (docs/deploy.md, "Runbook: Relay gave up").
   */
  gaveUp: 'EmailRelayGaveUp',
} as const;

/** Metrics of the SES bounce and complaint handler. */
export const SES_EVENTS_METRIC = {
  /**
   * Permanent bounces and complaints reported by SES, suppressed sends included (a bounce or a suppressed send
   * makes an address bouncing, a complaint records the owner unsubscribed there): alarm on it.
   */
  bounces: 'EmailBounces',
  /**
   * Of those, complaints: a person marked the email as spam. Not a suppressed send SES reports as a complaint
   * (`complaintSubType` `OnAccountSuppressionList`): that one is counted in `EmailsSuppressed`.
   */
  complaints: 'EmailComplaints',
  /**
   * Of `EmailBounces`, suppressed sends: SES did not send the email because the address is on the account's
   * suppression list, and reported a bounce or a complaint with subtype `OnAccountSuppressionList`, read as a
   * permanent bounce (the owner marked bouncing, the digest reported to the admins).
   */
  suppressed: 'EmailsSuppressed',
  /** Owners newly or again marked bouncing in the directory by a permanent bounce or a suppressed send. */
  marked: 'OwnersMarkedBouncing',
  /**
   * Complaints (the person marked the notice as spam) the directory kept as the owner's opt-out: recorded
   * `unsubscribed` at the address the relay sent to, or, when an import has moved the owner away from it since
   * the send, that address remembered in their `optedOutAddresses` (summary `optedOut` + `optOutsRemembered`).
   */
  optedOut: 'OwnersOptedOutByComplaint',
  /**
   * Bounces and complaints that name no owner in the directory (untagged, or absent), bounces for an address
   * the owner no longer holds, and complaints naming no address: nothing recorded.
   */
  unattributed: 'UnattributedEmailBounces',
  /**
   * Bounces whose digest part was reported to the admins (an `owner-unreachable` report, reason `bouncing`, or
   * `email-undelivered` for a bounce that marked no one): the
   * notices the bounced email carried, which reached no one. Permanent bounces (suppressed sends included), and the
   * transient or undetermined ones SES gave up on and the rejects (of `TransientEmailBounces`, all but the
   * `Transient`/`General` ones without a DSN failure: lambdas/relay/ses-events.ts). A redelivered bounce is not
   * counted.
   */
  digestsReported: 'BouncedDigestsReported',
  /**
   * Of those, reported without the events: they could not be read back (an email without the tags, a ledger entry
   * expired or written before the events were kept). The admins' notice says so.
   */
  digestsUnreadable: 'BouncedDigestsUnreadable',
  /**
   * `not-spam` feedback reports (a person rescued the notice from spam, RFC 5965): recorded as nothing, and not
   * among the complaints; counted so a dashboard shows them.
   */
  notSpam: 'NotSpamReports',
  /**
   * Feedback reports a mailbox provider sent about a relay email on its own finding, not the person's stop (summary
   * `authOrVirusReports`; recorded as nothing, not among the complaints): `auth-failure` (RFC 6591: the email failed
   * SPF, DKIM or DMARC authentication at the provider, so owners' digests go to spam or are refused) and `virus` (the
   * provider found one in a digest, which carries no attachment). Which of the two is in the handler's logged
   * summary (`authOrVirusTypes`), not a dimension. Alarm at 1 or more in an hour (`EmailAuthOrVirusReports`:
   * docs/deploy.md, "Runbook: Email authentication or virus reports").
   */
  authOrVirusReports: 'EmailAuthOrVirusReports',
  /**
   * Bounces SES did not report as permanent (`Transient` of any subtype, `Undetermined`) and rejects (SES found a
   * virus: `Undetermined`/`Reject`); not in `EmailBounces`, no owner marked bouncing. A `Transient`/`General` one
   * without a DSN failure (an automatic reply) changes nothing; the others (SES gave up on the email or rejected it:
   * `MailboxFull`, `MessageTooLarge`, `ContentRejected`, `AttachmentRejected`, `Undetermined`, `General` with a DSN
   * failure, `Reject`) have their digest part reported to the admins (`BouncedDigestsReported`). The subtypes are in
   * the handler's logged summary (`transientTypes`), not a dimension.
   */
  transient: 'TransientEmailBounces',
  /**
   * SNS messages of the SES events topic that were not JSON (`unreadable`): skipped, nothing recorded (SNS would
   * only deliver the same text again), and the handler's summary is logged as a warning. None is expected: a
   * bounce or complaint among them went unrecorded.
   */
  unreadable: 'UnreadableSesEvents',
} as const;

function pascal(type: ActionType): string {
  return type
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** Per action type: the metric counting planned (`Planned…`) or applied (`Applied…`) transitions. */
function actionMetricName(stage: 'planned' | 'applied', type: ActionType): string {
  return `${stage === 'planned' ? 'Planned' : 'Applied'}${pascal(type)}`;
}

/** Every per-action metric name, in {@link ACTION_TYPES} order. */
export const ACTION_METRICS: readonly {
  readonly type: ActionType;
  readonly planned: string;
  readonly applied: string;
}[] = ACTION_TYPES.map((type) => ({
  type,
  planned: actionMetricName('planned', type),
  applied: actionMetricName('applied', type),
}));
