/**
 * Whether a credential to restore is exempt (docs/rules.md, "Exempt credentials"), and the words said when a
 * `--config` file lists it in `exemptIds` that do not count here: the checks and the result's warnings both ask.
 */
import { HYGIENE_ATTR } from '../../../lambdas/hygiene/data-contract';
import { isExemptBy } from '../../../lambdas/hygiene/policy';
import type { RestoreRequest } from './types';

/** `; why` when a `--config` file lists the credential in `exemptIds` that does not count here, else nothing. */
export function notExemptText(request: RestoreRequest): string {
  const fileOnly = request.fileOnlyExemptIds;
  return fileOnly?.ids.has(request.id) ? `; ${fileOnly.why}` : '';
}

/**
 * Whether the credential is exempt, by the policy's rule (`isExemptBy`):
 * `hygieneExempt` on its item, read as the record parse reads it (only a
 * stored `true`), or its id in the configured `exemptIds` (docs/rules.md,
 * "Exempt credentials"). No sweep flags or deletes it again.
 */
export function isExempt(request: RestoreRequest, item: Record<string, unknown>): boolean {
  return isExemptBy(item[HYGIENE_ATTR.exempt] === true, request.id, request.exemptIds ?? NO_EXEMPT_IDS);
}

/** No configured `exemptIds` (a request without the list). */
const NO_EXEMPT_IDS: ReadonlySet<string> = new Set();
