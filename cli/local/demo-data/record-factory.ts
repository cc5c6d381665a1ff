/**
 * One demo record per call, for the situation asked: a healthy baseline credential, then what the situation
 * changes (dates, notice and stale-flag bookkeeping as the worker writes it, a deletion, an invalid field). Every
 * date is relative to `now`, with a margin from each rule boundary (docs/rules.md) so the record lands in its
 * situation.
 */
import { HISTORY_ATTR, HYGIENE_ATTR } from '../../../lambdas/hygiene/data-contract';
import { DAY_MS, formatInstant } from '../../../lambdas/hygiene/time';
import type { Draw } from './draw';
import { ADJECTIVES, ANIMALS, CIDRS, PURPOSES, ROLES } from './name-lists';
import type { Owner } from './people';
import type { DemoScenario, ExpiryScenario, StaleScenario } from './scenarios';

/** Renders an instant with a UTC offset instead of `Z`, as some writers do (`2026-11-20T14:03:07+05:30`). */
function withOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Builds one record per call, with dates relative to `now`. */
export class RecordFactory {
  constructor(
    private readonly draw: Draw,
    private readonly now: number,
    private readonly owners: readonly Owner[],
  ) {}

  /** An instant `days` from now (negative = past), canonical UTC or, sometimes, with an offset. */
  at(days: number): string {
    const ms = this.now + days * DAY_MS;
    return this.draw.chance(0.1) ? withOffset(ms, this.draw.pick([-300, 60, 330, 540])) : formatInstant(ms);
  }

  /** A baseline healthy credential: scoped, source-limited, used recently, expiring in 2–11 months. */
  base(): Record<string, unknown> {
    const d = this.draw;
    const owner = d.pick(this.owners);
    const createdDays = -d.between(70, 400);
    const record: Record<string, unknown> = {
      id: d.ksuid(),
      clientId: `${d.pick(ADJECTIVES)}-${d.pick(ANIMALS)}-${d.int(10000, 99999)}@acme.conductor.one/pcc`,
      userId: owner.userId,
      displayName: `${owner.handle} ${d.pick(PURPOSES)}`,
      createdAt: this.at(createdDays),
      expiresTime: this.at(d.between(60, 330)),
      lastUsedAt: this.at(-d.between(0.01, 20)),
      allowSourceCidr: [...new Set([d.pick(CIDRS), ...(d.chance(0.4) ? [d.pick(CIDRS)] : [])])],
      scopedRoles: [...new Set([d.pick(ROLES), ...(d.chance(0.3) ? [d.pick(ROLES)] : [])])],
    };
    return record;
  }

  /** Unscoped and unrestricted: the risky tier (stale after 30 days by default). */
  risky(record: Record<string, unknown>): Record<string, unknown> {
    delete record.scopedRoles;
    if (this.draw.chance(0.5)) delete record.allowSourceCidr;
    else record.allowSourceCidr = [this.draw.pick(['0.0.0.0/0', '::/0'])];
    return record;
  }

  /** Notice bookkeeping as the worker writes it. */
  noticed(record: Record<string, unknown>, stage: number, expiresTime: string): Record<string, unknown> {
    record[HYGIENE_ATTR.expiryNoticeStage] = stage;
    record[HYGIENE_ATTR.expiryNoticeFor] = expiresTime;
    return record;
  }

  /** Stale-flag bookkeeping as the worker writes it (grace of 14 days, the default). */
  flagged(record: Record<string, unknown>, flaggedDaysAgo: number): Record<string, unknown> {
    const flaggedAt = this.now - flaggedDaysAgo * DAY_MS;
    record[HYGIENE_ATTR.staleFlaggedAt] = formatInstant(flaggedAt);
    record[HYGIENE_ATTR.staleDeleteAfter] = formatInstant(flaggedAt + 14 * DAY_MS);
    return record;
  }

  /** The record for one scenario; `updatedAt` defaults to `createdAt` (never edited). */
  make(scenario: DemoScenario, invalidKind: number): Record<string, unknown> {
    const record = this.build(scenario, invalidKind);
    record.updatedAt ??= record.createdAt;
    return record;
  }

  /** Ranges keep a margin from every rule boundary, so each record lands in its situation. */
  private build(scenario: DemoScenario, invalidKind: number): Record<string, unknown> {
    const d = this.draw;
    const r = this.base();
    switch (scenario) {
      case 'active-scoped':
        return r;
      case 'active-no-expiry':
        delete r.expiresTime;
        return r;
      case 'active-risky':
        return this.risky(r);
      case 'exempt-stale-expiring':
        // Exempt: never flagged or deleted, but still warned before expiry.
        r.createdAt = this.at(-d.between(200, 400));
        delete r.lastUsedAt;
        r.expiresTime = this.at(d.between(2, 6));
        r[HYGIENE_ATTR.exempt] = true;
        return r;
      case 'soft-deleted': {
        r.expiresTime = this.at(-d.between(20, 60));
        const deletedAt = this.now - d.between(1, 19) * DAY_MS;
        r.deletedAt = formatInstant(deletedAt);
        r.updatedAt = r.deletedAt;
        r[HYGIENE_ATTR.deletedReason] = 'expired';
        r[HYGIENE_ATTR.deletedByRun] = `sweep-${formatInstant(deletedAt).slice(0, 10)}`;
        // The history entry a sweep's deletion writes: `restore` undoes only a deletion its run recorded there.
        r[HISTORY_ATTR] = [
          {
            at: r.deletedAt,
            action: 'delete-expired',
            reason: 'expired',
            runId: r[HYGIENE_ATTR.deletedByRun],
          },
        ];
        return r;
      }
      case 'invalid':
        return this.invalid(r, invalidKind);
      case 'expiring-30':
      case 'expiring-7':
      case 'expiring-1':
      case 'noticed-30-waiting':
      case 'noticed-30-now-7':
      case 'noticed-7-now-1':
      case 'renewed-after-notice':
      case 'expired':
      case 'expired-and-stale-flagged':
        return this.expiryScenario(r, scenario);
      default:
        return this.staleScenario(r, scenario);
    }
  }

  /** Expiry situations: notice windows, stages already sent, renewed, expired. */
  private expiryScenario(r: Record<string, unknown>, scenario: ExpiryScenario): Record<string, unknown> {
    const d = this.draw;
    switch (scenario) {
      case 'expiring-30':
        r.expiresTime = this.at(d.between(8, 29.5));
        return r;
      case 'expiring-7':
        r.expiresTime = this.at(d.between(1.5, 6.5));
        return r;
      case 'expiring-1':
        r.expiresTime = this.at(d.between(0.05, 0.95));
        return r;
      case 'noticed-30-waiting':
        r.expiresTime = this.at(d.between(8, 25));
        return this.noticed(r, 30, r.expiresTime as string);
      case 'noticed-30-now-7':
        r.expiresTime = this.at(d.between(1.5, 6.5));
        return this.noticed(r, 30, r.expiresTime as string);
      case 'noticed-7-now-1':
        r.expiresTime = this.at(d.between(0.1, 0.9));
        return this.noticed(r, 7, r.expiresTime as string);
      case 'renewed-after-notice':
        // Noticed at 7 days for the old expiry, then renewed to a date within 30 days: stages re-arm.
        this.noticed(r, 7, formatInstant(this.now + d.between(2, 5) * DAY_MS));
        r.expiresTime = this.at(d.between(12, 28));
        r.updatedAt = this.at(-d.between(0.5, 3));
        return r;
      case 'expired':
        r.expiresTime = this.at(-d.between(0.1, 45));
        r.lastUsedAt = this.at(-d.between(1, 50));
        return r;
      case 'expired-and-stale-flagged':
        r.expiresTime = this.at(-d.between(1, 10));
        r.createdAt = this.at(-d.between(200, 400));
        delete r.lastUsedAt;
        return this.flagged(r, d.between(20, 40));
    }
  }

  /** Staleness situations: never or long unused, risky tier, flagged within and past the grace period. */
  private staleScenario(r: Record<string, unknown>, scenario: StaleScenario): Record<string, unknown> {
    const d = this.draw;
    switch (scenario) {
      case 'stale-never-used':
        r.createdAt = this.at(-d.between(100, 380));
        delete r.lastUsedAt;
        if (d.chance(0.5)) delete r.expiresTime;
        return r;
      case 'stale-used':
        r.createdAt = this.at(-d.between(200, 500));
        r.lastUsedAt = this.at(-d.between(95, 190));
        return r;
      case 'stale-risky':
        r.createdAt = this.at(-d.between(100, 400));
        r.lastUsedAt = this.at(-d.between(32, 85));
        return this.risky(r);
      case 'flagged-in-grace':
        r.createdAt = this.at(-d.between(200, 500));
        r.lastUsedAt = this.at(-d.between(100, 150));
        return this.flagged(r, d.between(1, 12));
      case 'flagged-past-grace':
        r.createdAt = this.at(-d.between(300, 500));
        r.lastUsedAt = this.at(-d.between(120, 250));
        return this.flagged(r, d.between(15, 30));
      case 'flagged-used-since': {
        const flaggedDaysAgo = d.between(3, 12);
        r.lastUsedAt = this.at(-d.between(0.1, flaggedDaysAgo - 1));
        return this.flagged(r, flaggedDaysAgo);
      }
    }
  }

  /** Five different ways a record can be wrong (docs/rules.md, "Invalid records"). */
  private invalid(r: Record<string, unknown>, kind: number): Record<string, unknown> {
    switch (kind % 5) {
      case 0:
        delete r.userId;
        return r;
      case 1:
        r.expiresTime = String(r.expiresTime).slice(0, 19); // no time zone
        return r;
      case 2:
        r.allowSourceCidr = ['10.0.0.0/33'];
        return r;
      case 3:
        r.expiresTime = formatInstant(this.now - 400 * DAY_MS); // before createdAt
        r.createdAt = formatInstant(this.now - 30 * DAY_MS);
        return r;
      default:
        r.scopedRoles = 'ReadOnlyAccess'; // a string, not a list
        r.lastUsedAt = '2026-02-30T10:00:00Z'; // no such day
        return r;
    }
  }
}
