/**
 * The props of the `CredentialHygiene` construct and their one validation at
 * the top of its constructor: every problem collected into one readable error.
 *
 * Here: the public names, re-exported from their parts in `credential-hygiene-props/` so their importers need not
 * know them: the props interface alone (`props.ts`), the defaults of what is left out (`defaults.ts`), what the
 * validation takes and gives (`results.ts`), the entry {@link validateProps} and its error (`validate.ts`), and the
 * checks it runs: the resources brought or created (`resources.ts`), the `config` prop, the relay's sender and the
 * expiry notice lookahead (`hygiene-config.ts`), the schedules and heartbeats (`heartbeats.ts`), who the props name
 * (`addresses.ts`): admin emails and the removed `ownerEmails` (`emails.ts`) and principal ARNs (`principals.ts`),
 * the numeric ranges (`ranges.ts`) with the shape of a duration (`durations.ts`) and the function timeouts
 * (`timeouts.ts`), and the metric names (`metrics.ts`).
 */
export { PROP_DEFAULTS } from './credential-hygiene-props/defaults';
export { adminMailboxOf, emailProblems, OWNER_EMAILS_REMOVED } from './credential-hygiene-props/emails';
export { relaySenderProblems } from './credential-hygiene-props/hygiene-config';
export { metricNamesOf } from './credential-hygiene-props/metrics';
export { principalArnProblems } from './credential-hygiene-props/principals';
export type { CredentialHygieneProps } from './credential-hygiene-props/props';
export type { AlarmWindows, PropsSurroundings, ValidatedProps } from './credential-hygiene-props/results';
export { MIN_WORKING_SECONDS } from './credential-hygiene-props/timeouts';
export { CredentialHygienePropsError, validateProps } from './credential-hygiene-props/validate';
