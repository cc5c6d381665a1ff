/**
 * What the email relay would send, as `.eml` files (`pc-hygiene relay`,
 * docs/notifications.md, "Email relay"): the owner digests a `notify --sink
 * jsonl:…` run wrote go through the relay's own use case (`relayDigests`:
 * the same directory lookup, reachability rule, rendering and MIME as the
 * Lambda), with a sender that writes each email to a file instead of SES and
 * a ledger that lives for this run (a digest part listed twice is written once,
 * as the relay would send it once).
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OwnerDirectory } from '../../lambdas/hygiene/owner-directory';
import { digestFromPublishEntry, InvalidDigestMessageError } from '../../lambdas/relay/digest-message';
import { ownerEmail } from '../../lambdas/relay/owner-email';
import type {
  EmailSender,
  LedgerClaim,
  LedgerPartState,
  OutgoingEmail,
  RelayLedger,
} from '../../lambdas/relay/ports';
import { type RelayItem, relayDigests, tallyOutcomes } from '../../lambdas/relay/relay';
import { sesAddress } from '../../lambdas/relay/ses-address';
import { readJsonLines } from '../jsonl';
import { createOutputDirectory, OWNER_ONLY_FILE_MODE } from '../output-file';
import { UsageError } from '../usage-error';

/**
 * The sender used when neither `--from` nor the config's `senderIdentity`
 * names one: `.invalid` is reserved (RFC 2606), so it can never be a real mailbox.
 */
const PLACEHOLDER_SENDER = 'PersonalClient Hygiene <hygiene@example.invalid>';

/** A ledger for one CLI run: every part is ours once, a repeat is "already sent". */
class RunLedger implements RelayLedger {
  private readonly keys = new Set<string>();

  async claim(key: string): Promise<LedgerClaim> {
    if (this.keys.has(key)) return { status: 'sent' };
    this.keys.add(key);
    return { status: 'claimed', token: key };
  }

  async markSent(): Promise<void> {}

  async release(key: string): Promise<void> {
    this.keys.delete(key);
  }

  async partState(key: string): Promise<LedgerPartState> {
    return this.keys.has(key) ? { status: 'sent' } : { status: 'free' };
  }
}

/** `ada` → `ada`; anything outside `[A-Za-z0-9._-]` becomes `_` (a file name, never a path). */
function fileSafe(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);
  return safe === '' || safe.startsWith('.') ? `_${safe}` : safe;
}

/** One `.eml` file written, and which digest part it holds. */
export interface WrittenEmail {
  readonly path: string;
  readonly userId: string;
  /** The recipient as the directory holds it. */
  readonly to: string;
  /**
   * The address SES would be asked to send to (`sesAddress`), when it is not
   * `to` as written: a Unicode domain in Punycode. It tells a look-alike
   * domain (`bob@соrp.example`, a Cyrillic `о`) from the one it imitates.
   */
  readonly sesTo?: string;
  readonly drainId: string;
  readonly part: number;
}

/**
 * Writes `data` to `path` readable by the user only: the mode a new file is created with, and set again on one that
 * was there (a run into the same `--out` overwrites `<userId>.part-<n>.eml` files an earlier run, or an earlier
 * version at `0644`, left).
 */
async function writeOwnerOnlyFile(path: string, data: string | Uint8Array): Promise<void> {
  await writeFile(path, data, { mode: OWNER_ONLY_FILE_MODE });
  await chmod(path, OWNER_ONLY_FILE_MODE);
}

/**
 * Writes each email to `<dir>/<userId>.part-<n>.eml`, with the drain id (then
 * a counter) added when a name repeats within the run; readable by the user
 * only ({@link OWNER_ONLY_FILE_MODE}).
 */
class EmlFileSender implements EmailSender {
  readonly written: WrittenEmail[] = [];
  private readonly names = new Set<string>();

  constructor(private readonly dir: string) {}

  async send(email: OutgoingEmail): Promise<{ readonly messageId: string }> {
    const { userId, part, drainId } = email.digest;
    const base = `${fileSafe(userId)}.part-${part}`;
    let name = `${base}.eml`;
    // Another drain's part, or another id with the same file-safe form: never overwrite this run's files.
    if (this.names.has(name)) name = `${base}.${fileSafe(drainId).slice(0, 36)}.eml`;
    for (let n = 2; this.names.has(name); n++) name = `${base}.${n}.eml`;
    this.names.add(name);
    const path = join(this.dir, name);
    await writeOwnerOnlyFile(path, email.raw);
    const sesTo = sesAddress(email.to);
    this.written.push({ path, userId, to: email.to, ...(sesTo !== email.to && { sesTo }), drainId, part });
    return { messageId: path };
  }
}

/** What a relay-to-files run did. */
export interface RelayFilesSummary {
  /** Owner digest parts read from the input. */
  readonly digests: number;
  /** Entries the relay's subscription would not receive (admin messages). */
  readonly ignored: number;
  readonly written: readonly WrittenEmail[];
  /** Digest parts listed more than once (written once). */
  readonly duplicates: number;
  readonly skipped: readonly { readonly userId: string; readonly reason: string }[];
  readonly failures: readonly { readonly userId?: string; readonly error: string }[];
  readonly from: string;
  readonly placeholderSender: boolean;
}

/**
 * Reads the owner digests of a `notify` JSONL file, all of it, before anything
 * is written; admin entries are counted, not read.
 * @throws {UsageError} naming the line of the first entry that is not JSON, not
 *   an entry `notify --sink jsonl:` writes (owner or admin), or not a readable digest
 */
export async function readDigestEntries(path: string): Promise<{ items: RelayItem[]; ignored: number }> {
  const items: RelayItem[] = [];
  let ignored = 0;
  for await (const line of readJsonLines(path)) {
    if (!line.ok) throw new UsageError(`${path}: ${line.error}`);
    try {
      const digest = digestFromPublishEntry(line.value, `line ${line.lineNumber}`);
      if (digest === undefined) ignored++;
      else items.push({ id: `line ${line.lineNumber}`, digest });
    } catch (error: unknown) {
      if (error instanceof InvalidDigestMessageError) throw new UsageError(`${path}: ${error.message}`);
      throw error;
    }
  }
  return { items, ignored };
}

/**
 * Relays the digests to `.eml` files in `outDir`, created with its parents when missing: a
 * directory named for many files, not an output file (cli/output-file.ts).
 * @throws {UsageError} when something other than a directory is in the way of `outDir`
 */
export async function relayToFiles(
  items: readonly RelayItem[],
  directory: Pick<OwnerDirectory, 'getMany'>,
  options: {
    readonly outDir: string;
    readonly from?: string;
    readonly ownerContact?: string;
    readonly now: () => number;
  },
): Promise<Omit<RelayFilesSummary, 'ignored'>> {
  await createOutputDirectory(options.outDir);
  const sender = new EmlFileSender(options.outDir);
  const from = options.from ?? PLACEHOLDER_SENDER;
  const result = await relayDigests(
    // One at a time: files are written in input order.
    {
      directory,
      ledger: new RunLedger(),
      sender,
      clock: options.now,
      from,
      ...(options.ownerContact !== undefined && { ownerContact: options.ownerContact }),
      concurrency: 1,
    },
    items,
  );
  const tally = tallyOutcomes(result.outcomes);
  return {
    digests: items.length,
    written: sender.written,
    duplicates: tally.duplicates,
    skipped: tally.skipped,
    failures: tally.failures,
    from,
    placeholderSender: options.from === undefined,
  };
}

/**
 * The HTML part of one written email, as its own `.html` file next to it (for
 * a browser: `npm start` shows where), rendered by the same code from the same
 * digest and directory record.
 * @returns the file's path, or `undefined` when the email is not among `items` or its owner is gone
 */
export async function writeEmailHtml(
  email: WrittenEmail,
  items: readonly RelayItem[],
  directory: Pick<OwnerDirectory, 'getMany'>,
  options: { readonly from: string; readonly ownerContact?: string; readonly now: number },
): Promise<string | undefined> {
  const digest = items.find(
    (i) =>
      i.digest?.userId === email.userId &&
      i.digest.document.drainId === email.drainId &&
      i.digest.document.part === email.part,
  )?.digest;
  const owner = (await directory.getMany([email.userId])).get(email.userId);
  if (digest === undefined || owner?.email === undefined) return undefined;
  const rendered = ownerEmail(
    digest.document,
    { email: owner.email, ...(owner.name !== undefined && { name: owner.name }) },
    options.from,
    new Date(options.now),
    options.ownerContact,
  );
  const path = email.path.replace(/\.eml$/, '.html');
  await writeOwnerOnlyFile(path, rendered.html);
  return path;
}

/** {@link relayToFiles} over a `notify` JSONL file, plus the HTML of the first email written. */
export interface RelayEntriesResult extends RelayFilesSummary {
  readonly outDir: string;
  /** The first email's HTML part as its own file, when any email was written. */
  readonly htmlPath?: string;
}

/**
 * Reads a `notify` JSONL file and writes the emails the relay would send to
 * `outDir`, and the first one's HTML next to it: what `npm start` shows.
 * @throws {UsageError} when a line of the file is not a readable entry
 */
export async function relayEntriesFile(
  entriesPath: string,
  directory: Pick<OwnerDirectory, 'getMany'>,
  options: {
    readonly outDir: string;
    readonly from?: string;
    readonly ownerContact?: string;
    readonly now: number;
  },
): Promise<RelayEntriesResult> {
  const { items, ignored } = await readDigestEntries(entriesPath);
  const summary = await relayToFiles(items, directory, {
    outDir: options.outDir,
    ...(options.from !== undefined && { from: options.from }),
    ...(options.ownerContact !== undefined && { ownerContact: options.ownerContact }),
    now: () => options.now,
  });
  const first = summary.written[0];
  const htmlPath =
    first === undefined
      ? undefined
      : await writeEmailHtml(first, items, directory, {
          from: summary.from,
          ...(options.ownerContact !== undefined && { ownerContact: options.ownerContact }),
          now: options.now,
        });
  return { ...summary, ignored, outDir: options.outDir, ...(htmlPath !== undefined && { htmlPath }) };
}
