/**
 * The posture report's "Owner reach" section (`pc-hygiene report
 * --directory-table`, docs/notifications.md, "Owner reach"): whether the
 * owners of the active credentials, and of every credential with notices
 * pending (soft-deleted ones too: the drain will judge them), can be reached
 * on the configured route, judged with `reachabilityOf` (the notifier's
 * rule), counts per reason, the listed owners' names and verdicts, and how
 * fresh the directory is. The directory's freshness is the one the report
 * loaded before its scan (`loadDirectoryState`: the report's `directory`),
 * not read again. Pure
 * apart from the {@link OwnerDirectory} port: owners are looked up a page of
 * `OWNER_LOOKUP_PAGE` at a time; only counts and the listed owners' verdicts are kept.
 * The section's shape ({@link PostureReach}) is in `posture.ts`, with the report's.
 */
import type { HygieneConfig } from './config';
import {
  type DirectoryState,
  directoryJudgesReach,
  judgeOwnerPages,
  type OwnerDeliveryRoute,
  type OwnerDirectory,
  type SendableAddress,
  snapshotIsStale,
  type UnreachableReason,
} from './owner-directory';
import type { OwnerReach, PostureReach, PostureReport } from './posture';
import { emptyReasonCounts } from './run-summary';
import { parseInstant } from './time';

/** True when a snapshot taken at `asOf` is unknown or older than `maxAgeDays` at `now`. */
function isStale(asOf: string | undefined, maxAgeDays: number, now: number): boolean {
  const parsed = asOf === undefined ? undefined : parseInstant(asOf);
  return snapshotIsStale(parsed?.ok ? parsed.ms : undefined, maxAgeDays, now);
}

/** What the lookups found: reachable count, unreachable per reason, and the listed owners' verdicts. */
interface Judged {
  readonly reachable: number;
  readonly byReason: Record<UnreachableReason, number>;
  readonly listed: ReadonlyMap<string, { readonly name?: string; readonly reach: OwnerReach }>;
}

/**
 * Looks `owners` up with `judgeOwnerPages` (pages of 100) and judges
 * each on `route`, keeping the name and verdict of the `listed` ones only.
 */
async function judgeOwners(
  owners: readonly string[],
  listedIds: ReadonlySet<string>,
  directory: Pick<OwnerDirectory, 'getMany'>,
  route: OwnerDeliveryRoute,
  sendable: SendableAddress | undefined,
): Promise<Judged> {
  const byReason = emptyReasonCounts();
  const listed = new Map<string, { name?: string; reach: OwnerReach }>();
  let reachable = 0;
  for await (const page of judgeOwnerPages(directory, owners, route, sendable)) {
    for (const { userId, record, verdict } of page) {
      if (verdict.reachable) reachable++;
      else byReason[verdict.reason]++;
      if (!listedIds.has(userId)) continue;
      const name = record?.name;
      listed.set(userId, {
        ...(name !== undefined && name !== '' && { name }),
        reach: verdict.reachable ? 'reachable' : verdict.reason,
      });
    }
  }
  return { reachable, byReason, listed };
}

/**
 * Adds the owner reach section to `report`: looks up `owners` (the owners of
 * active credentials and of pending notices: `PostureAccumulator.reachOwners`)
 * in `directory`, judges each on `config.ownerDelivery`, and gives each listed
 * owner its name and verdict. A directory that was never imported (or whose
 * table is missing; judged anyway on `relay`), or could not be read, leaves
 * reach `unverified` (the report's `directory` says which).
 * @param state the directory as the report loaded it before its scan (`loadDirectoryState`)
 * @param now the report's instant, epoch ms (judges the directory's freshness)
 * @param sendable whether SES can send to an address (`relay`), as the drain judges it (`reachabilityOf`'s)
 * @throws whatever the directory's `getMany` throws
 */
export async function withOwnerReach(
  report: PostureReport,
  owners: readonly string[],
  directory: Pick<OwnerDirectory, 'getMany'>,
  state: DirectoryState,
  config: Pick<HygieneConfig, 'ownerDelivery' | 'directoryMaxAgeDays'>,
  now: number,
  sendable?: SendableAddress,
): Promise<PostureReport> {
  const route = config.ownerDelivery;
  const { freshness } = state;
  if (state.unusable === 'unreadable' || !directoryJudgesReach(route, freshness !== undefined)) {
    const unverified: PostureReach = {
      status: 'unverified',
      route,
      ownersChecked: 0,
      reachable: 0,
      unreachable: 0,
      byReason: emptyReasonCounts(),
    };
    return { ...report, reach: unverified };
  }
  const listedIds = new Set(report.owners.top.map((o) => o.userId));
  const { reachable, byReason, listed } = await judgeOwners(owners, listedIds, directory, route, sendable);
  const top = report.owners.top.map((o) => ({ ...o, ...listed.get(o.userId) }));
  const reach: PostureReach = {
    status: 'verified',
    route,
    directory: {
      imported: freshness !== undefined,
      ...(freshness?.asOf !== undefined && { asOf: freshness.asOf }),
      owners: freshness?.owners ?? 0,
      maxAgeDays: config.directoryMaxAgeDays,
      stale: isStale(freshness?.asOf, config.directoryMaxAgeDays, now),
    },
    ownersChecked: owners.length,
    reachable,
    unreachable: owners.length - reachable,
    byReason,
  };
  return { ...report, owners: { ...report.owners, top }, reach };
}
