/**
 * The security team's subscriptions of `CredentialHygiene` (lib/credential-hygiene.ts): each admin address
 * subscribed once (by its mailbox) to the admin audience of the notification topic and, when the construct created
 * it, to the alarm topic; and the synth warning when no admin is subscribed to a topic the construct created.
 */
import { createHash } from 'node:crypto';
import { Annotations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import {
  adminMailboxOf,
  type CredentialHygieneProps,
  CredentialHygienePropsError,
  emailProblems,
} from '../credential-hygiene-props';
import type { HygieneParts } from './parts';
import { NO_ADMIN_SUBSCRIBER_WARNING } from './warnings';

function shortHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 10);
}

/**
 * Subscribes a security-team address to the admin audience (run summaries, guard trips) and, when this construct
 * created the alarm topic, to the alarms; records it in `adminAddresses` (`CredentialHygiene.subscribeAdmin`).
 * @throws {CredentialHygienePropsError} for what is not an email address, or an address whose mailbox is
 * subscribed already (whatever its letter case: `adminMailboxOf`)
 */
export function subscribeAdminAddress(
  hygiene: Construct & Pick<HygieneParts, 'topic' | 'alarmTopic'>,
  adminAddresses: Map<string, string>,
  email: string,
): sns.Subscription {
  const problems = emailProblems('admin', email);
  if (problems.length > 0) throw new CredentialHygienePropsError(problems);
  const earlier = adminAddresses.get(adminMailboxOf(email));
  if (earlier !== undefined) {
    const as =
      earlier === email
        ? ''
        : ` as ${JSON.stringify(earlier)} (addresses are compared case-insensitively, a domain in Unicode or Punycode alike)`;
    throw new CredentialHygienePropsError([
      `admin email ${JSON.stringify(email)} is already subscribed${as}`,
    ]);
  }
  const subscription = subscribe(hygiene, `Admin${shortHash(email)}`, hygiene.topic, email, {
    audience: sns.SubscriptionFilter.stringFilter({ allowlist: ['admin'] }),
  });
  if (hygiene.alarmTopic !== undefined && hygiene.alarmTopic.node.scope === hygiene) {
    subscribe(hygiene, `AdminAlarms${shortHash(email)}`, hygiene.alarmTopic, email);
  }
  adminAddresses.set(adminMailboxOf(email), email);
  return subscription;
}

/**
 * Warns (`cdk synth` prints it; `Annotations.acknowledgeWarning` with
 * {@link NO_ADMIN_SUBSCRIBER_WARNING} silences it) when no admin is
 * subscribed to a topic the construct created: SNS accepts and drops a
 * message no subscription matches, so on the notification topic the admin
 * run summaries, guard trips and owner-unreachable reports — the route of
 * every owner notice that reaches no owner — and on the alarm topic every
 * alarm would reach no one unless someone subscribes outside the stack. A
 * topic the app brings (`topic`, `alarmTopic`) is its own to subscribe. A
 * warning, not an error: a security team may subscribe its own queue or endpoint.
 * @returns no validation errors
 */
export function warnWithoutAdminSubscriber(
  hygiene: Construct & Pick<HygieneParts, 'alarmTopic'>,
  adminAddresses: ReadonlyMap<string, string>,
  props: CredentialHygieneProps,
  knownDeploymentRole: string | undefined,
): string[] {
  if (adminAddresses.size > 0) return [];
  const createdTopic = props.topic === undefined;
  const createdAlarmTopic = hygiene.alarmTopic !== undefined && hygiene.alarmTopic.node.scope === hygiene;
  const unheard = [
    ...(createdTopic
      ? ['the admins’ run summaries, guard trips and owner-unreachable reports (notification topic)']
      : []),
    ...(createdAlarmTopic ? ['every alarm (the alarm topic this construct creates)'] : []),
  ];
  if (unheard.length === 0) return [];
  // Who may subscribe such an endpoint: the topics' Subscribe Denies (lib/notification-topics.ts).
  const ownEndpoints = [
    ...(createdTopic
      ? [
          'to the notification topic with the filter {"audience": ["admin"]} as one of `operatorPrincipalArns`',
        ]
      : []),
    ...(createdAlarmTopic ? [alarmTopicEndpointHint(knownDeploymentRole)] : []),
  ];
  Annotations.of(hygiene).addWarningV2(
    NO_ADMIN_SUBSCRIBER_WARNING,
    `no admin subscriber: ${unheard.join(', and ')} reach no one until someone subscribes: give \`adminEmails\` ` +
      '("adminEmails": "security@example.com" in the context of cdk.json, kept there for every deploy) or call ' +
      '`subscribeAdmin(email)`, or subscribe your own endpoint ' +
      `(${ownEndpoints.join('; ')}) ` +
      'and acknowledge this warning (docs/deploy.md, "Subscribing owners and the security team")',
  );
  return [];
}

/**
 * Who may subscribe an endpoint to the alarm topic this construct creates: with a known deployment role only the
 * operators and the alarm subscribers (its Subscribe Deny); without one, whoever IAM lets.
 */
function alarmTopicEndpointHint(knownDeploymentRole: string | undefined): string {
  const where = 'to the alarm topic, output AlarmTopicArn,';
  if (knownDeploymentRole === undefined) return `${where} as IAM allows`;
  return (
    `${where} as one of \`operatorPrincipalArns\` or \`alarmSubscriberPrincipalArns\` ` +
    '(e.g. AWS Chatbot’s service-linked role, for a chat channel): no one else may subscribe there'
  );
}

/** An email subscription of the construct to `topic`, filtered when a filter policy is given. */
function subscribe(
  hygiene: Construct,
  id: string,
  topic: sns.ITopic,
  email: string,
  filterPolicy?: Record<string, sns.SubscriptionFilter>,
): sns.Subscription {
  return new sns.Subscription(hygiene, id, {
    topic,
    protocol: sns.SubscriptionProtocol.EMAIL,
    endpoint: email,
    ...(filterPolicy !== undefined && { filterPolicy }),
  });
}
