/**
 * The `lambdas/aws/dynamodb-client` module with every client it builds given
 * to a hook first, for a `vi.mock` factory: a CLI command builds its client
 * inside the command, so a test that injects faults or pauses into that
 * client (as middleware) reaches it here. One wrapper for every such test.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type DynamoDbClientModule = typeof import('../../lambdas/aws/dynamodb-client');

/**
 * `actual` with `createDocumentClient` wrapped: each client it builds is
 * passed to `hook` (which may add middleware) before it is returned.
 * Use it inside the factory: `vi.mock(path, async (importOriginal) => (await
 * import('../support/document-client-hook')).hookDocumentClients(await importOriginal(), hook))`.
 */
export function hookDocumentClients(
  actual: DynamoDbClientModule,
  hook: (client: DynamoDBDocumentClient) => void,
): DynamoDbClientModule {
  return {
    ...actual,
    createDocumentClient: (...args: Parameters<DynamoDbClientModule['createDocumentClient']>) => {
      const client = actual.createDocumentClient(...args);
      hook(client);
      return client;
    },
  };
}
