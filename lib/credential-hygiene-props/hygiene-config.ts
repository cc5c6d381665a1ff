/**
 * The `config` prop through the schema the functions use at cold start (lambdas/hygiene/config.ts), the relay's
 * sender rule it shares with the app's CDK context, and the expiry notice lookahead derived from the sweep schedule.
 */
import { ConfigError, type HygieneConfig, parseConfig } from '../../lambdas/hygiene/config';
import { deploymentLookahead, type LookaheadFinding } from '../expiry-notice-lookahead';
import { PROP_DEFAULTS } from './defaults';
import type { CredentialHygieneProps } from './props';

/**
 * Route `relay` emails owners from `senderIdentity`: without one it has no
 * sender. One rule for the construct's `config` prop and the app's CDK
 * context (lib/config.ts, which says it first, as a context problem); `key`
 * names the setting as its user gave it (`config.senderIdentity`, or the
 * context key `senderIdentity`).
 */
export function relaySenderProblems(config: HygieneConfig, key: string): string[] {
  if (config.ownerDelivery !== 'relay' || config.senderIdentity !== undefined) return [];
  return [
    `${key}: ownerDelivery "relay" needs a sender, a verified SES identity (context key senderIdentity, e.g. -c senderIdentity=hygiene@example.com)`,
  ];
}

/**
 * The config with its expiry notice lookahead given or derived from the sweep schedule
 * (lib/expiry-notice-lookahead.ts); none without a config.
 */
export function lookaheadOf(
  config: HygieneConfig | undefined,
  props: CredentialHygieneProps,
): LookaheadFinding | undefined {
  if (config === undefined) return undefined;
  return deploymentLookahead(config, props.sweepSchedule ?? PROP_DEFAULTS.sweepSchedule);
}

/** The config through the shared schema; its problems are prefixed `config.`. */
export function configOf(props: CredentialHygieneProps, problems: string[]): HygieneConfig | undefined {
  try {
    const config = parseConfig(props.config ?? {}, 'config');
    problems.push(...relaySenderProblems(config, 'config.senderIdentity'));
    return config;
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems.map((p) => `config.${p}`));
    return undefined;
  }
}
