/**
 * The admins' run summary says what the sweep Lambda found of the alarm topic's subscriptions
 * (lambdas/render/alarm-topic-text.ts): none confirmed (none at all, or only pending ones; a `Deleted` listing is
 * not counted by the listing) is a banner first in the text, a tag in the subject and severity at least `warning`;
 * a failed check is a line naming the failure, escaped as other untrusted text; a topic with confirmed subscriptions
 * is one short line with the count. Without a check (the CLI's operator runs, alarms off) nothing is said.
 */
import { describe, expect, it } from 'vitest';
import { snsEntryFields, snsLimits } from '../../lambdas/aws/sns-wire';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import {
  type AdminReportContext,
  type AdminReportDocument,
  renderAdminReport,
} from '../../lambdas/render/admin-report';
import type { AlarmTopicReach } from '../../lambdas/render/alarm-topic-text';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

const ALARM_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:Hygiene-AlarmTopic-1A2B3C';
const RUNBOOK = 'See docs/deploy.md, "Runbook: Alarm delivery".';

async function sweep(
  items: Record<string, unknown>[],
  configInput: Record<string, unknown> = {},
): Promise<RunSummary> {
  const table = new MemoryTable(items);
  return runSweep(
    { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
    {
      config: parseConfig({ maxDeletePercent: 100, ...configInput }),
      now: NOW,
      runId: 'run-1',
      mode: 'enforce',
    },
  );
}

/** A quiet run: one fresh credential, nothing to do (severity `info` on its own). */
const quietRun = () => sweep([credential('fresh', { expiresTime: days(200) })]);

function entryOf(summary: RunSummary, context: AdminReportContext = {}) {
  const entry = snsEntryFields(renderAdminReport(summary, snsLimits(), context));
  return {
    subject: entry.Subject,
    severity: entry.MessageAttributes.severity?.StringValue,
    text: deliveredTo(entry.Message, 'email'),
    document: deliveredDocument<AdminReportDocument>(entry.Message),
  };
}

const checked = (confirmed: number, pending: number): AlarmTopicReach => ({
  status: 'checked',
  topicArn: ALARM_TOPIC,
  confirmed,
  pending,
});

describe('the admin run summary and the alarm topic', () => {
  it('no subscription at all: the banner comes first, the subject is tagged, severity is raised to warning', async () => {
    const summary = await quietRun();
    const plain = entryOf(summary);
    expect(plain.severity).toBe('info');

    const { subject, severity, text, document } = entryOf(summary, { alarmTopic: checked(0, 0) });

    expect(severity).toBe('warning');
    expect(subject).toBe(`[ALARMS REACH NO ONE] ${plain.subject}`);
    expect(text.split('\n').slice(0, 4)).toEqual([
      'ALARMS REACH NO ONE: the alarm topic has no confirmed subscription;',
      `every alarm of this deployment is dropped (topic ${ALARM_TOPIC}).`,
      RUNBOOK,
      '',
    ]);
    // The rest is the run summary as without the check.
    expect(text.endsWith(plain.text)).toBe(true);
    expect(document.alarmTopic).toEqual(checked(0, 0));
  });

  it('only subscriptions awaiting confirmation: still no one, and the banner counts them', async () => {
    const { severity, text } = entryOf(await quietRun(), { alarmTopic: checked(0, 2) });

    expect(severity).toBe('warning');
    expect(text).toMatch(
      /^ALARMS REACH NO ONE: the alarm topic has no confirmed subscription \(2 awaiting confirmation\);\n/,
    );
  });

  it('keeps a guard trip’s higher severity: high stays high', async () => {
    const tripped = await sweep(
      Array.from({ length: 10 }, (_, i) => credential(`x${i}`, { expiresTime: days(-1) })),
      { maxDeletePercent: 10 },
    );
    const { subject, severity } = entryOf(tripped, { alarmTopic: checked(0, 0) });
    expect(severity).toBe('high');
    expect(subject).toMatch(/^\[ALARMS REACH NO ONE\] Hygiene GUARD TRIPPED: /);
  });

  it('a failed check: one line naming the failure, escaped; severity and subject as the run has them', async () => {
    const summary = await quietRun();
    const plain = entryOf(summary);
    const reach: AlarmTopicReach = {
      status: 'unchecked',
      topicArn: ALARM_TOPIC,
      error: 'AuthorizationErrorException: User is not authorized\u001b[2J\nALARMS FINE',
    };

    const { subject, severity, text, document } = entryOf(summary, { alarmTopic: reach });

    expect(severity).toBe('info');
    expect(subject).toBe(plain.subject);
    expect(text).not.toContain('ALARMS REACH NO ONE');
    expect(text).toContain(
      "\n\nThe alarm topic's subscriptions could not be checked " +
        '(AuthorizationErrorException: User is not authorized\\x1b[2J\\x0aALARMS FINE):\n' +
        `whether alarms reach anyone is unknown (topic ${ALARM_TOPIC}; see docs/deploy.md, "Runbook: Alarm delivery").\n`,
    );
    // The error's line break and escape sequence are shown, never acted on: no line of the text starts with them.
    expect(text.split('\n').some((line) => line.startsWith('ALARMS FINE'))).toBe(false);
    expect(document.alarmTopic).toEqual(reach);
  });

  it('all fine: one short line with the count, nothing else changed', async () => {
    const summary = await quietRun();
    const plain = entryOf(summary);

    const one = entryOf(summary, { alarmTopic: checked(1, 0) });
    const more = entryOf(summary, { alarmTopic: checked(3, 1) });

    expect(one.severity).toBe('info');
    expect(one.subject).toBe(plain.subject);
    expect(one.text).toBe(plain.text.replace(/\n$/, '\n\nAlarm topic: 1 confirmed subscription\n'));
    expect(more.text).toContain('\nAlarm topic: 3 confirmed subscriptions (1 awaiting confirmation)\n');
    expect(more.text).not.toContain(ALARM_TOPIC);
  });

  it('without a check says nothing of the alarm topic, in the text or the document', async () => {
    const { text, document } = entryOf(await quietRun());
    expect(text).not.toMatch(/alarm topic/i);
    expect(document).not.toHaveProperty('alarmTopic');
  });
});
