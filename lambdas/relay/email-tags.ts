/**
 * The SES message tag that ties a bounce or complaint back to its owner: the
 * relay tags every email with the owner's `userId`, SES copies the tags into
 * the configuration set's bounce and complaint events, and the SES events
 * handler marks that owner's address bouncing (docs/notifications.md, "Email
 * relay"). SES tag values allow only `[A-Za-z0-9_-]`, at most 256 characters,
 * so the id travels base64url-encoded. Pure.
 */

/** Name of the tag carrying the owner's `userId` (base64url). */
export const OWNER_TAG = 'pc-hygiene-user';

/** SES's limit on a tag value. */
const TAG_VALUE_MAX_CHARS = 256;

/**
 * The tags of an owner's email: {@link OWNER_TAG} when the encoded id fits a
 * tag value (ids up to 192 bytes); none otherwise (such an owner's bounces
 * cannot be attributed, and the handler counts them as unattributed).
 */
export function ownerTags(userId: string): Record<string, string> {
  const value = Buffer.from(userId, 'utf8').toString('base64url');
  return value.length <= TAG_VALUE_MAX_CHARS ? { [OWNER_TAG]: value } : {};
}

/** The `userId` a tag value carries, or `undefined` when it is not one. */
export function userIdFromTag(value: string | undefined): string | undefined {
  if (value === undefined || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  const userId = Buffer.from(value, 'base64url').toString('utf8');
  return userId === '' || Buffer.from(userId, 'utf8').toString('base64url') !== value ? undefined : userId;
}
