/**
 * The safety margins of the scheduled handlers and the relay: how long before its Lambda timeout each stops its
 * work, so what follows the work (its last writes, the admin report, the metrics flush, the log line) still fits.
 * Defined once, here, for two readers: the handlers, which end their use case's time budget this much before the
 * timeout (`remaining-budget.ts`), and the construct, which refuses at synth a timeout that leaves too little
 * working time after its margin (lib/credential-hygiene-props.ts; docs/configuration.md). Its own module, apart
 * from the handlers: `lib/` reads it at synth, and the handlers load the AWS SDK and Powertools. Plain data: no
 * imports.
 */

/**
 * The sweep's margin: time kept back from Lambda's timeout for what follows the run: the alarm topic check (at most
 * `ALARM_TOPIC_CHECK_MAX_MS` of it, `alarm-topic-check.ts`), the admin summary publish, the metrics flush and the
 * summary log. The sweep keeps its own reserve on top (checkpoint save, deletions in flight).
 */
export const SWEEP_SAFETY_MARGIN_MS = 20_000;

/**
 * The notifier's margin: the drain's time budget (`remainingMs`) ends this much before Lambda's timeout. It is for
 * what runs after the budget: the admin report and its marks when they started just before it was spent (they are
 * not cut, but for a part whose pacing wait would end past the budget, which is held back: docs/notifications.md,
 * "At-least-once, and the duplicate window"), the lease release, then the metrics flush and the summary log. The
 * pacing waits need none of it: each report part is its own `PublishBatch`, the admins' parts 200 ms apart, and
 * every wait ends within the budget, so what runs on past it is the calls already started (at most four at a time;
 * at normal latency, ~25 ms a call, one) and the marks, one `BatchExecuteStatement` (~9 ms) per 25 waiting items,
 * four at a time (BENCHMARKS.md's model). At normal latency 15 s covers them many times over, the SDK's retries
 * included. It also covers one of them hanging on every attempt: each request of a deployed function has a 3 s
 * deadline, so a hung DynamoDB request fails after at most ~12.2 s (4 attempts), a hung SNS one after ~9.2 s
 * (docs/configuration.md, "Request deadlines of the deployed functions").
 */
export const NOTIFIER_SAFETY_MARGIN_MS = 15_000;

/**
 * The subscription reconciler's margin: the run's time budget (`remainingMs`) ends this much before Lambda's
 * timeout, and no SNS call starts past it. It is for what runs after the last call started: the calls in flight (at
 * most 4; each SNS request of a deployed function has a 3 s deadline, so one hung on every attempt fails after
 * ~9.2 s: docs/configuration.md, "Request deadlines of the deployed functions"), the state writes (16 in flight, one
 * conditional `UpdateItem` per owner whose state changed: about a second per thousand at normal latency), the
 * re-read of the owners it subscribed (one `BatchGetItem` per 100) and the few withdrawals it finds, then the
 * metrics flush and the summary log.
 */
export const RECONCILER_SAFETY_MARGIN_MS = 30_000;

/**
 * The email relay's margin: the batch's time budget (`remainingMs`) ends this much before Lambda's timeout. It is
 * for what runs after the last SES attempt (each started only with time to finish in the budget): marking the
 * emails sent, releasing the claims of failed ones, the metrics flush and the log line — a DynamoDB write (~10 ms, a
 * few with the SDK's retries) per record in flight. It also covers one such write hanging on every attempt: each
 * DynamoDB request of a deployed function has a 3 s deadline, so it fails after at most ~12.2 s (4 attempts;
 * docs/configuration.md, "Request deadlines of the deployed functions").
 */
export const RELAY_SAFETY_MARGIN_MS = 15_000;
