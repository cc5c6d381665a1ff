/**
 * The sweep's delivery windows fit inside its schedule skew (lib/sweep-delivery.ts), and the
 * structural check that a template keeps that promise catches a template that does not.
 */
import { describe, expect, it } from 'vitest';
import {
  LAMBDA_MAX_EVENT_AGE_SECONDS,
  MIN_SCHEDULE_SKEW_SECONDS,
  SWEEP_START_MARGIN_SECONDS,
  sweepDeliveryWindows,
} from '../../lib/sweep-delivery';
import { type CfnResource, type CfnTemplate, sweepDeliveryCheck } from './structural-checks';
import { synthApp } from './synth';

const HOUR = 3600;
const DAY = 24 * HOUR;

describe('sweepDeliveryWindows', () => {
  it('gives Scheduler a quarter of the default hour and Lambda the rest less the start margin', () => {
    expect(sweepDeliveryWindows(HOUR, HOUR)).toEqual({ schedulerSeconds: 900, queuedSeconds: 2640 });
  });

  it('keeps Scheduler within a shorter scheduleMaxEventAge', () => {
    expect(sweepDeliveryWindows(HOUR, 600)).toEqual({ schedulerSeconds: 600, queuedSeconds: 2940 });
  });

  it('caps Lambda’s window at its 6 hours', () => {
    expect(sweepDeliveryWindows(DAY, DAY)).toEqual({
      schedulerSeconds: 6 * HOUR,
      queuedSeconds: LAMBDA_MAX_EVENT_AGE_SECONDS,
    });
  });

  it('never lets the two windows and the start margin exceed the skew, nor a window fall below a minute', () => {
    for (let skew = MIN_SCHEDULE_SKEW_SECONDS; skew <= DAY; skew += 37) {
      for (const retry of [60, 61, 900, HOUR, DAY]) {
        const { schedulerSeconds, queuedSeconds } = sweepDeliveryWindows(skew, retry);
        expect(schedulerSeconds + queuedSeconds + SWEEP_START_MARGIN_SECONDS).toBeLessThanOrEqual(skew);
        expect(schedulerSeconds).toBeGreaterThanOrEqual(60);
        expect(schedulerSeconds).toBeLessThanOrEqual(retry);
        expect(queuedSeconds).toBeGreaterThanOrEqual(60);
        expect(Number.isInteger(schedulerSeconds) && Number.isInteger(queuedSeconds)).toBe(true);
      }
    }
  });

  it('refuses a skew the windows cannot fit in', () => {
    expect(MIN_SCHEDULE_SKEW_SECONDS).toBe(180);
    expect(() => sweepDeliveryWindows(179, HOUR)).toThrow(RangeError);
  });
});

describe('sweepDeliveryCheck', () => {
  const json = () => synthApp({}).template.toJSON() as CfnTemplate;
  const ofType = (template: CfnTemplate, type: string) =>
    Object.values(template.Resources).filter((r) => r.Type === type);
  const sweepSchedule = (template: CfnTemplate): CfnResource => {
    const [schedule] = ofType(template, 'AWS::Scheduler::Schedule').filter((r) =>
      String((r.Properties?.Target as { Input?: unknown } | undefined)?.Input).includes('"job":"sweep"'),
    );
    if (schedule === undefined) throw new Error('no sweep schedule');
    return schedule;
  };

  it('passes the default deployment', () => {
    expect(sweepDeliveryCheck(json())).toEqual({ checked: 1, problems: [] });
  });

  it('names a sweep schedule whose retries and queue add up to more than the skew', () => {
    const template = json();
    const target = sweepSchedule(template).Properties?.Target as {
      RetryPolicy: { MaximumEventAgeInSeconds: number };
    };
    target.RetryPolicy.MaximumEventAgeInSeconds = HOUR;
    const { checked, problems } = sweepDeliveryCheck(template);
    expect(checked).toBe(1);
    expect(problems).toEqual([
      expect.stringMatching(
        /retried 3600 s \+ queued 2640 s \+ start 60 s = 6300 s, more than the 3600 s skew/,
      ),
    ]);
  });

  it('counts a window left to its service default as that default', () => {
    const template = json();
    for (const config of ofType(template, 'AWS::Lambda::EventInvokeConfig')) {
      delete config.Properties?.MaximumEventAgeInSeconds;
    }
    expect(sweepDeliveryCheck(template).problems).toEqual([
      expect.stringMatching(/queued 21600 s .* more than the 3600 s skew/),
    ]);
  });
});
