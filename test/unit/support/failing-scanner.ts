/**
 * A scanner that fails part-way, as a Scan page still throttled after the
 * SDK's retries does: for the sweep's "the scan fails" tests, on the memory
 * ports and on DynamoDB Local alike.
 */
import type { CredentialScanner, ScanCheckpoint } from '../../../lambdas/hygiene/ports';

/** What {@link failingAfter} throws. */
export class ScanFailedError extends Error {
  override readonly name = 'ScanFailedError';
}

/** Yields `pages` pages of `inner`, then throws {@link ScanFailedError}. */
export function failingAfter(inner: CredentialScanner, pages: number): CredentialScanner {
  return {
    async *scan(options: { segments: number; resumeFrom?: ScanCheckpoint }) {
      let yielded = 0;
      for await (const page of inner.scan(options)) {
        if (yielded++ === pages) throw new ScanFailedError('Scan page throttled after every retry');
        yield page;
      }
    },
  };
}
