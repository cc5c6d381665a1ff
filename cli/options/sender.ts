/**
 * The sender an email is written from, checked as synth checks `senderIdentity`: by `sesAddress`
 * (lambdas/relay/ses-address.ts), so `pc-hygiene relay` and `pc-hygiene local` never write `.eml` files from a
 * sender the deployed relay could not send from (docs/notifications.md, "What the relay would send").
 */
import { sesAddress, UnsendableAddressError } from '../../lambdas/relay/ses-address';
import { UsageError } from '../usage-error';

/**
 * `sender` when Amazon SES can send from it, checked as synth checks `senderIdentity`: by `sesAddress`
 * (lambdas/relay/ses-address.ts), the function the relay's SES sender and the stack's `ses:FromAddress`
 * condition use, so a sender the deployed relay could never send from is not written into `.eml` files.
 * @param option the option or setting named in the error: `--from`, `senderIdentity`
 * @param origin where the setting was read, named too (`config file PATH`)
 * @throws {UsageError} naming the option, the value (and its origin) and why SES cannot send from it (a non-ASCII
 *   local part, a domain with no Punycode form, an IP address, a Punycode label that does not decode, …)
 */
export function sesSendableSender(sender: string, option: string, origin?: string): string {
  try {
    sesAddress(sender);
    return sender;
  } catch (error: unknown) {
    if (!(error instanceof UnsendableAddressError)) throw error;
    const from = origin === undefined ? '' : ` (${origin})`;
    throw new UsageError(`${option} ${JSON.stringify(sender)}${from} cannot be the sender: ${error.message}`);
  }
}
