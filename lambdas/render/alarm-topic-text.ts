/**
 * What the admins' run summary says of the alarm topic's reach (docs/deploy.md, "Runbook: Alarm delivery"). Every
 * alarm of the worker publishes to the alarm topic; with no confirmed subscription there (never confirmed, or
 * removed by one click on an alarm email's unsubscribe link) every alarm reaches no one, an alarm about that too. The
 * admin run summary goes out on the notification topic instead, so the sweep Lambda lists the alarm topic's
 * subscriptions after its run (`lambdas/handlers/alarm-topic-check.ts`) and this module turns the result into the
 * summary's lines: a banner when none is confirmed, a line when the listing failed, a short count otherwise. Pure.
 */
import { subjectText } from '../hygiene/message';
import { terminalText } from './sanitize';

/** Where the admins read what to do. */
const RUNBOOK = 'docs/deploy.md, "Runbook: Alarm delivery"';

/**
 * The alarm topic's subscriptions as the sweep Lambda found them: `checked` with the counts the listing gave (a
 * subscription listed as `Deleted`, unsubscribed by its link, is not counted), or `unchecked` with why (the listing
 * failed or ran out of time).
 */
export type AlarmTopicReach =
  | {
      readonly status: 'checked';
      readonly topicArn: string;
      /** Subscriptions listed with an ARN: confirmed, so an alarm reaches them. */
      readonly confirmed: number;
      /** Subscriptions listed as `PendingConfirmation`: they receive nothing until confirmed. */
      readonly pending: number;
    }
  | {
      readonly status: 'unchecked';
      readonly topicArn: string;
      /** The failure, `Name: message` (untrusted: an SDK's or a service's text). */
      readonly error: string;
    };

/** Whether the check found that every alarm reaches no one: listed, and no subscription confirmed. */
export function alarmsReachNoOne(reach: AlarmTopicReach | undefined): boolean {
  return reach?.status === 'checked' && reach.confirmed === 0;
}

/** The subject with the alarm topic's state in front when alarms reach no one; else the subject as it is. */
export function withAlarmSubject(subject: string, reach: AlarmTopicReach | undefined): string {
  return alarmsReachNoOne(reach) ? subjectText(`[ALARMS REACH NO ONE] ${subject}`) : subject;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The summary's lines about the alarm topic: `banner` goes first in the text (alarms reach no one), `footer` after
 * the run summary (the count, or a failed check). None without a check (`reach` undefined: no alarm topic known).
 */
export function alarmTopicLines(reach: AlarmTopicReach | undefined): {
  readonly banner: readonly string[];
  readonly footer: readonly string[];
} {
  if (reach === undefined) return { banner: [], footer: [] };
  const topic = terminalText(reach.topicArn);
  if (reach.status === 'unchecked') {
    return {
      banner: [],
      footer: [
        '',
        `The alarm topic's subscriptions could not be checked (${terminalText(reach.error)}):`,
        `whether alarms reach anyone is unknown (topic ${topic}; see ${RUNBOOK}).`,
      ],
    };
  }
  const pending = reach.pending > 0 ? ` (${reach.pending} awaiting confirmation)` : '';
  if (reach.confirmed === 0) {
    return {
      banner: [
        `ALARMS REACH NO ONE: the alarm topic has no confirmed subscription${pending};`,
        `every alarm of this deployment is dropped (topic ${topic}).`,
        `See ${RUNBOOK}.`,
        '',
      ],
      footer: [],
    };
  }
  return {
    banner: [],
    footer: ['', `Alarm topic: ${plural(reach.confirmed, 'confirmed subscription')}${pending}`],
  };
}
