/**
 * The relay's time budget (docs/notifications.md, "The relay's guarantees"):
 * with SES hanging or slow, the SES sender starts no attempt and no backoff
 * sleep that could not finish within the budget, and the relay starts no
 * record without time for one attempt (nothing claimed), so the batch ends
 * within its budget: the emails sent are marked and acknowledged, the rest
 * fail alone (`NoTimeLeftError`, counted apart) for SQS to deliver again,
 * instead of the invocation timing out with all of them. Simulated time: a
 * fake clock (`Date`, `setTimeout`) and an absolute deadline; SES mocked at
 * the client boundary (aws-sdk-client-mock), answering only after a while.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SesEmailSender } from '../../lambdas/aws/ses-email-sender';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { NoTimeLeftError } from '../../lambdas/relay/ports';
import { relayBatch, tallyOutcomes } from '../../lambdas/relay/relay';
import { digestRecord, SAMPLE_NOW } from '../support/sample-digest';
import { MemoryRelayLedger, memoryDirectory, RecordingSender } from './support/relay-fakes';

const ses = mockClient(SESv2Client);

/** The longest one SES attempt may take: the deployed client's request timeout. */
const ATTEMPT_MS = 10_000;
const START = SAMPLE_NOW + 5_000;

const EMAIL = {
  raw: Buffer.from('From: a@b\r\n\r\nhi'),
  from: 'Hygiene <hygiene@corp.example>',
  to: 'ada@example.com',
  tags: {},
  digest: { userId: 'ada', drainId: 'd', part: 1 },
};

const OWNERS: OwnerRecord[] = Array.from({ length: 10 }, (_, i) => ({
  userId: `u${i}`,
  email: `u${i}@example.com`,
  status: 'active',
}));

beforeEach(() => {
  vi.useFakeTimers({ now: START, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});

afterEach(() => {
  vi.useRealTimers();
  ses.reset();
});

/** What SES does with a request: answer after `ms` (simulated), or hang until the client's request timeout. */
function sesAnswers(ms: number, outcome: 'accepted' | 'timeout') {
  let seq = 0;
  ses.on(SendEmailCommand).callsFake(
    () =>
      new Promise((resolve, reject) => {
        setTimeout(() => {
          if (outcome === 'accepted') resolve({ MessageId: `ses-${++seq}` });
          else
            reject(
              Object.assign(new Error('a request has exceeded the requestTimeout'), { name: 'TimeoutError' }),
            );
        }, ms);
      }),
  );
}

/** The deployed sender's settings; the backoff jitter fixed at half its cap, sleeping on the fake clock. */
function sesSender(): SesEmailSender {
  return new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), { random: () => 0.5 });
}

/** A time budget ending at `deadline` on the fake clock. */
function budgetUntil(deadline: number) {
  return { remainingMs: () => deadline - Date.now() };
}

/** Runs `work` to its end on the fake clock, a little simulated time at a time (real I/O may run between). */
async function onFakeClock<T>(work: Promise<T>): Promise<T> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  done.catch(() => undefined);
  while (!settled) {
    await vi.advanceTimersByTimeAsync(20);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return work;
}

describe('SesEmailSender with a time budget', () => {
  it('stops retrying a hanging SES before the deadline: no attempt or backoff it could not finish', async () => {
    sesAnswers(ATTEMPT_MS, 'timeout');
    const deadline = START + 35_000;

    const error = await onFakeClock(sesSender().send(EMAIL, budgetUntil(deadline))).catch((e: unknown) => e);

    // attempts at 0 s, 10.1 s (after 100 ms), 20.3 s (after 200 ms); the next, after 400 ms, would end at 40.7 s
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
    expect(error).toBeInstanceOf(NoTimeLeftError);
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
    expect((error as Error).message).toMatch(
      /^no time left to send: 4700 ms .* after a 400 ms backoff needs up to 10400 ms/,
    );
    expect(Date.now()).toBe(START + 30_300);
    expect(Date.now()).toBeLessThanOrEqual(deadline);
  });

  it('makes no attempt with less than one attempt’s time left', async () => {
    sesAnswers(100, 'accepted');

    const error = await onFakeClock(sesSender().send(EMAIL, budgetUntil(START + ATTEMPT_MS - 1))).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(NoTimeLeftError);
    expect((error as Error).cause).toBeUndefined();
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('sends as before with time left, and without a budget', async () => {
    sesAnswers(100, 'accepted');
    const sender = sesSender();

    expect(sender.attemptMs).toBe(ATTEMPT_MS);
    await expect(onFakeClock(sender.send(EMAIL, budgetUntil(START + ATTEMPT_MS)))).resolves.toEqual({
      messageId: 'ses-1',
    });
    await expect(onFakeClock(sender.send(EMAIL))).resolves.toEqual({ messageId: 'ses-2' });
  });
});

describe('relayBatch with a time budget', () => {
  function relay(deadline: number, ledger: MemoryRelayLedger, sender = sesSender()) {
    const records = OWNERS.map((o) => digestRecord(o.userId));
    const deps = {
      directory: memoryDirectory(OWNERS),
      ledger,
      sender,
      clock: Date.now,
      from: 'Hygiene <hygiene@corp.example>',
      leaseMs: 60_000,
      remainingMs: () => deadline - Date.now(),
    };
    return onFakeClock(relayBatch(deps, records));
  }

  it('a deadline midway: the emails sent are acknowledged, the rest fail alone, unclaimed and untried', async () => {
    sesAnswers(9_000, 'accepted'); // slow, but answering
    const ledger = new MemoryRelayLedger();
    const claims = vi.spyOn(ledger, 'claim');
    const deadline = START + 25_000;

    const result = await relay(deadline, ledger);

    // four at a time: u0–u3 sent at 9 s, u4–u7 (started with 16 s left) at 18 s; 7 s left is too little for u8, u9
    expect(result.outcomes.map((o) => o.status)).toEqual([...Array(8).fill('sent'), 'failed', 'failed']);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'msg-u8' }, { itemIdentifier: 'msg-u9' }]);
    expect(result.outcomes.slice(8).map((o) => o.status === 'failed' && o.error)).toEqual([
      expect.any(NoTimeLeftError),
      expect.any(NoTimeLeftError),
    ]);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(8);
    // the sent ones marked sent; nothing claimed for the two never tried
    expect([...ledger.entries.values()].map((e) => e.state)).toEqual(Array(8).fill('sent'));
    expect(claims.mock.calls.map(([key]) => /#(u\d)#/.exec(key)?.[1])).toEqual(
      OWNERS.slice(0, 8).map((o) => o.userId),
    );
    expect(Date.now()).toBeLessThanOrEqual(deadline);
    expect(tallyOutcomes(result.outcomes)).toMatchObject({ sent: 8, failed: 2, outOfTime: 2 });
  });

  it('SES hanging: every record fails within the budget, the claims of those tried released', async () => {
    sesAnswers(ATTEMPT_MS, 'timeout');
    const ledger = new MemoryRelayLedger();
    const claims = vi.spyOn(ledger, 'claim');
    const deadline = START + 35_000;

    const result = await relay(deadline, ledger);

    // u0–u3: three attempts each, then no time for a fourth; u4–u9 never started
    expect(result.batchItemFailures).toHaveLength(10);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(4 * 3);
    expect(claims).toHaveBeenCalledTimes(4);
    expect(ledger.entries.size).toBe(0);
    expect(Date.now()).toBeLessThanOrEqual(deadline);
    expect(tallyOutcomes(result.outcomes)).toMatchObject({ sent: 0, failed: 10, outOfTime: 10 });
  });

  it('a record is not started, nor claimed, with less than the sender’s attempt time left', async () => {
    const ledger = new MemoryRelayLedger();
    const claims = vi.spyOn(ledger, 'claim');
    const sender = Object.assign(new RecordingSender(), { attemptMs: ATTEMPT_MS });

    const result = await relay(START + ATTEMPT_MS - 1, ledger, sender as unknown as SesEmailSender);

    expect(result.batchItemFailures).toHaveLength(10);
    expect(sender.sent).toEqual([]);
    expect(claims).not.toHaveBeenCalled();
    const failure = result.outcomes[0];
    expect(failure?.status === 'failed' && failure.error).toBeInstanceOf(NoTimeLeftError);
    expect(failure?.status === 'failed' && String(failure.error)).toMatch(
      /no time left to send relay#.*#u0#.*: 9999 ms .* not started \(nothing claimed\), retried by SQS/,
    );
  });
});
