/**
 * The address problem of one SES event, for the tests that ask only that (`readSesEvent`,
 * lambdas/relay/ses-event-reading.ts, is what the relay calls): a bounce (permanent, a suppressed send, or one SES
 * gave up on, a `Reject` included) or a complaint, or `undefined` for anything else (a `Transient`/`General` bounce
 * without a DSN failure and a feedback report that is not a stop included).
 */
import { type AddressProblem, readSesEvent } from '../../lambdas/relay/ses-event-reading';

/**
 * {@link readSesEvent}'s problem, or `undefined` when the event is none.
 * @throws {SyntaxError} when `message` is not JSON
 */
export function addressProblemOf(message: string, now: number): AddressProblem | undefined {
  const reading = readSesEvent(message, now);
  return reading.kind === 'problem' ? reading.problem : undefined;
}
