/**
 * The fingerprint of an owner export's content, recorded with the directory's
 * freshness (`contentDigest`, docs/data-model.md, "Owner directory"), so that
 * two different exports claiming the same `--as-of` are told apart: at most
 * one of them is the source as of that instant (docs/deploy.md, "Owner
 * directory").
 *
 * Why of the owners as parsed, not of the file's bytes: the same export as CSV
 * or JSON Lines, its rows in another order, quoted or not, with or without a
 * BOM or CRLF line ends, says the same thing and must have one digest. The
 * canonical form ({@link canonicalOwnerExport}): the owners sorted by `userId`
 * (UTF-16 code unit order, locale-independent), each as the JSON array
 * `[userId, email, name, status]` with an absent `email` or `name` as `null`
 * (an empty CSV field and a JSON `null` or `""` all parse to absent), the
 * whole list as one JSON array text, no whitespace. The digest: SHA-256 of its
 * UTF-8 bytes, lowercase hex. Pure (no I/O; `node:crypto` only).
 */
import { createHash } from 'node:crypto';
import type { ImportedOwner } from './owner-import-rows';

/** Hex characters of a digest a message shows. */
const SHORT_DIGEST_LENGTH = 12;

/** The canonical JSON text of an export's owners (see the file header). */
export function canonicalOwnerExport(owners: readonly ImportedOwner[]): string {
  const sorted = [...owners].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return JSON.stringify(sorted.map((o) => [o.userId, o.email ?? null, o.name ?? null, o.status]));
}

/**
 * The SHA-256 (lowercase hex) of {@link canonicalOwnerExport}: one value for
 * one set of owners, whatever the file's format or row order.
 */
export function ownerExportDigest(owners: readonly ImportedOwner[]): string {
  return createHash('sha256').update(canonicalOwnerExport(owners), 'utf8').digest('hex');
}

/** A digest as a message shows it: its first {@link SHORT_DIGEST_LENGTH} hex characters. */
export function shortDigest(digest: string): string {
  return digest.slice(0, SHORT_DIGEST_LENGTH);
}
