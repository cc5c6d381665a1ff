/**
 * In-memory fakes of the relay's ports that behave like the adapters: a
 * ledger with the DynamoDB store's claim/lease/release rules (for sending and
 * for bounce reports), a sender that records what it sent (and can fail on
 * cue), and a directory map.
 */
import type { OutboxEvent } from '../../../lambdas/hygiene/events';
import type { OwnerDirectory, OwnerRecord } from '../../../lambdas/hygiene/owner-directory';
import type {
  BounceReportClaim,
  BounceReportLedger,
  EmailSender,
  LedgerClaim,
  LedgerPartState,
  OutgoingEmail,
  RelayLedger,
  StoredDigestPart,
} from '../../../lambdas/relay/ports';

/** A bounce report's claim on an entry, as the store keeps it. */
interface ReportState {
  state: 'reporting' | 'reported';
  token: string;
  leaseUntil: number;
}

/** A ledger entry, as the store keeps it (a `bounce#` entry has no send state). */
interface Entry {
  state?: 'sending' | 'sent';
  token?: string;
  leaseUntil?: number;
  messageId?: string;
  events?: readonly OutboxEvent[];
  /** The digest's `generatedAt`, kept with the events. */
  generatedAt?: string;
  report?: ReportState;
}

/** {@link RelayLedger} and {@link BounceReportLedger} over a Map, with the store's rules. */
export class MemoryRelayLedger implements RelayLedger, BounceReportLedger {
  readonly entries = new Map<string, Entry>();
  private tokens = 0;

  async claim(
    key: string,
    now: number,
    leaseMs: number,
    events?: readonly OutboxEvent[],
    generatedAt?: string,
  ): Promise<LedgerClaim> {
    // Checked and set in one step, as the store's conditional put does.
    const state = this.stateAt(key, now);
    if (state.status !== 'free') return state;
    const token = `token-${++this.tokens}`;
    const kept = events && { events, ...(generatedAt !== undefined && { generatedAt }) };
    this.entries.set(key, { state: 'sending', token, leaseUntil: now + leaseMs, ...kept });
    return { status: 'claimed', token };
  }

  async partState(key: string, now: number): Promise<LedgerPartState> {
    return this.stateAt(key, now);
  }

  /** What a claim of `key` meets at `now`, by the store's rule. */
  private stateAt(key: string, now: number): LedgerPartState {
    const entry = this.entries.get(key);
    if (entry?.state === 'sent' || entry?.report !== undefined) return { status: 'sent' };
    if (entry !== undefined && (entry.leaseUntil ?? 0) >= now) return { status: 'in-progress' };
    return { status: 'free' };
  }

  async markSent(key: string, token: string, messageId: string): Promise<void> {
    const entry = this.entries.get(key);
    this.entries.set(key, { ...entry, state: 'sent', token, leaseUntil: 0, messageId });
  }

  async readDigest(key: string): Promise<StoredDigestPart> {
    const entry = this.entries.get(key);
    if (entry === undefined) return { status: 'absent' };
    if (entry.events === undefined)
      return { status: 'unreadable', problem: 'the ledger entry holds no events' };
    const { generatedAt } = entry;
    return { status: 'found', events: entry.events, ...(generatedAt !== undefined && { generatedAt }) };
  }

  async claimReport(
    key: string,
    now: number,
    leaseMs: number,
    mustExist: boolean,
  ): Promise<BounceReportClaim> {
    const entry = this.entries.get(key);
    if (entry === undefined && mustExist) return { status: 'absent' };
    if (entry?.report?.state === 'reported') return { status: 'reported' };
    if (entry?.report !== undefined && entry.report.leaseUntil >= now) return { status: 'in-progress' };
    const token = `report-${++this.tokens}`;
    this.entries.set(key, { ...entry, report: { state: 'reporting', token, leaseUntil: now + leaseMs } });
    return { status: 'claimed', token };
  }

  async markReported(key: string, token: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry !== undefined) entry.report = { state: 'reported', token, leaseUntil: 0 };
  }

  async releaseReport(key: string, token: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry?.report?.state === 'reporting' && entry.report.token === token) delete entry.report;
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
