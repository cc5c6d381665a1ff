/**
 * The sweep run the domain's event tests derive events in, and the fields
 * every event of the default test credential (raw-credential.ts) carries in it,
 * so each test states only what its event type adds.
 */
import { at, T0 } from './raw-credential';

/** The run: `run-42`, deciding at {@link T0}. */
export const RUN = { runId: 'run-42', now: T0 };

/** The fields every event of the default credential (`pc-1` of `user-1`) carries in {@link RUN}. */
export const EVENT_BASE = {
  credentialId: 'pc-1',
  userId: 'user-1',
  displayName: 'terraform',
  clientId: 'brave-otter-12345@acme.conductor.one/pcc',
  runId: 'run-42',
  occurredAt: at(0),
};
