/**
 * In-memory fakes of the relay's ports that behave like the adapters: a
 * ledger with the DynamoDB store's claim/lease/release rules, a sender that
 * records what it sent (and can fail on cue), and a directory map.
 */
import type { OwnerDirectory, OwnerRecord } from '../../../lambdas/hygiene/owner-directory';
import type { EmailSender, LedgerClaim, OutgoingEmail, RelayLedger } from '../../../lambdas/relay/ports';

/** A ledger entry, as the store keeps it. */
interface Entry {
  state: 'sending' | 'sent';
  token: string;
  leaseUntil: number;
  messageId?: string;
}

/** {@link RelayLedger} over a Map, with the store's rules. */
export class MemoryRelayLedger implements RelayLedger {
  readonly entries = new Map<string, Entry>();
  private tokens = 0;

  async claim(key: string, now: number, leaseMs: number): Promise<LedgerClaim> {
    const entry = this.entries.get(key);
    if (entry?.state === 'sent') return { status: 'sent' };
    if (entry !== undefined && entry.leaseUntil >= now) return { status: 'in-progress' };
    const token = `token-${++this.tokens}`;
    this.entries.set(key, { state: 'sending', token, leaseUntil: now + leaseMs });
    return { status: 'claimed', token };
  }

  async markSent(key: string, token: string, messageId: string): Promise<void> {
    this.entries.set(key, { state: 'sent', token, leaseUntil: 0, messageId });
  }

  async release(key: string, token: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry?.state === 'sending' && entry.token === token) this.entries.delete(key);
  }
}

/** Records sent emails; `failures` are thrown, in order, before succeeding. */
export class RecordingSender implements EmailSender {
  readonly sent: OutgoingEmail[] = [];
  readonly failures: unknown[] = [];
  /** Recipients whose sends always fail with this error. */
  readonly failFor = new Map<string, unknown>();

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const always = this.failFor.get(email.to);
    if (always !== undefined) throw always;
    const next = this.failures.shift();
    if (next !== undefined) throw next;
    this.sent.push(email);
    return { messageId: `ses-${this.sent.length}` };
  }
}

/** A directory over a fixed list of owners. */
export function memoryDirectory(owners: readonly OwnerRecord[]): Pick<OwnerDirectory, 'getMany'> & {
  calls: string[][];
} {
  const byId = new Map(owners.map((o) => [o.userId, o]));
  const calls: string[][] = [];
  return {
    calls,
    async getMany(userIds) {
      calls.push([...userIds]);
      return new Map(userIds.flatMap((id) => (byId.has(id) ? [[id, byId.get(id) as OwnerRecord]] : [])));
    },
  };
}
