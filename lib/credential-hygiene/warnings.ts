/**
 * The ids of the synth warnings `CredentialHygiene` (lib/credential-hygiene.ts) adds, each one an app acknowledges
 * with `Annotations.of(hygiene).acknowledgeWarning(id, reason)` once it has done what the warning asks.
 */

/**
 * The id of the synth warning for a construct-created notification topic with
 * no admin subscriber: `Annotations.of(hygiene).acknowledgeWarning(NO_ADMIN_SUBSCRIBER_WARNING, reason)`
 * once an admin endpoint is subscribed outside the stack.
 */
export const NO_ADMIN_SUBSCRIBER_WARNING = 'pc-hygiene:noAdminSubscriber';

/**
 * The id of the synth warning for a heartbeat whose window could not be checked
 * against its schedule (a `cron` with `L`, `W` or `#`, a time zone, an `at`):
 * acknowledge it once the window is known to cover the longest gap between runs
 * (docs/deploy.md, "Heartbeat windows and schedules").
 */
export const HEARTBEAT_WINDOW_UNCHECKED_WARNING = 'pc-hygiene:heartbeatWindowUnchecked';

/**
 * The id of the synth warning for a heartbeat alarm left out: its schedule can leave more between runs than a
 * CloudWatch alarm can watch (7 days), e.g. a weekly sweep. Acknowledge it once the runs are watched another way
 * (docs/deploy.md, "Heartbeat windows and schedules").
 */
export const HEARTBEAT_LEFT_OUT_WARNING = 'pc-hygiene:heartbeatAlarmLeftOut';

/**
 * The id of the synth warning for a brought `alarmTopic` built in the app but encrypted with a key that is not: the
 * construct cannot add CloudWatch's statement to that key's policy. Acknowledge it once the key policy lets
 * `cloudwatch.amazonaws.com` use the key (docs/deploy.md, "Security choices").
 */
export const ALARM_TOPIC_KEY_NOT_CHECKED_WARNING = 'pc-hygiene:alarmTopicKeyNotChecked';

/**
 * The id of the synth warning for `alarmSubscriberPrincipalArns` given where the role CloudFormation deploys with is
 * not known (a synthesizer naming none, no `deploymentRoleArn`): the alarm topic then has no Subscribe Deny, so the
 * list restricts nothing. Give `deploymentRoleArn`, or acknowledge it once IAM alone is meant to decide who subscribes
 * there (docs/deploy.md, "Security choices").
 */
export const ALARM_SUBSCRIBERS_WITHOUT_EFFECT_WARNING = 'pc-hygiene:alarmSubscribersWithoutEffect';

/**
 * The id of the synth warning for an `expiryNoticeLookaheadHours` not derived: the sweep schedule's longest gap is
 * not worked out at synth (a `cron` with `L`, `W` or `#`, a time zone, an `at`), so it stays 0. Set the key in
 * context (or the `config` prop), or acknowledge it (docs/deploy.md, "Configuration: CDK context keys").
 */
export const EXPIRY_NOTICE_LOOKAHEAD_UNCHECKED_WARNING = 'pc-hygiene:expiryNoticeLookaheadUnchecked';

/** The warning id of each kind of heartbeat warning. */
export const HEARTBEAT_WARNING_IDS = {
  unchecked: HEARTBEAT_WINDOW_UNCHECKED_WARNING,
  'left-out': HEARTBEAT_LEFT_OUT_WARNING,
} as const;
