/**
 * The notifier Lambda judges owner reach on `relay` with the relay sender's
 * own rule of what SES can be asked to send to (`isSesSendable`): an owner
 * whose address SES cannot take (`bob@example.123`, a domain with no Punycode
 * form) goes to the admins' report as `unsendable-address`, instead of a
 * digest the relay would fail into its DLQ.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { InMemoryOutbox, outboxEvent, RecordingPublisher } from '../unit/outbox-fakes';
import { InMemoryOwnerDirectory, reachableOwner } from '../unit/owner-directory-fake';
import { fakeTools, importNotifierHandler } from './handler-tools';

type HandlerModule = typeof import('../../lambdas/handlers/notifier');
let handlerModule: HandlerModule;

beforeAll(async () => {
  handlerModule = await importNotifierHandler();
});

describe('the notifier handler on relay', () => {
  it('reports an owner SES cannot email as unsendable-address', async () => {
    const outbox = new InMemoryOutbox();
    for (const userId of ['ada', 'bob'])
      outbox.append(`${userId}-pc`, [outboxEvent({ credentialId: `${userId}-pc`, userId })]);
    const handler = handlerModule.createNotifierHandler({
      ...fakeTools().tools,
      outbox,
      publisher: new RecordingPublisher(),
      clock: () => Date.parse('2026-11-26T03:15:00Z'),
      directory: new InMemoryOwnerDirectory([
        reachableOwner('ada'),
        { ...reachableOwner('bob'), email: 'bob@example.123' },
      ]),
      ownerDelivery: 'relay',
    });

    const summary = await handler({}, { getRemainingTimeInMillis: () => 300_000 });

    expect(summary).toMatchObject({ reach: 'verified', unreachableOwners: 1, reportParts: 1 });
    expect(summary.unreachableReasons['unsendable-address']).toBe(1);
  });
});
