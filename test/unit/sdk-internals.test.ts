/**
 * The SDK parts the project imports directly (`@smithy/core`,
 * `@smithy/node-http-handler`, for the DynamoDB client's request handler in
 * lambdas/aws/dynamodb-client.ts) are the very copies the DynamoDB client
 * itself loads: a pin left behind by an SDK upgrade (README, "Pinned SDK
 * internals") would put a second copy of each into every Lambda bundle.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const fromProject = createRequire(import.meta.url);
const fromDynamoDbClient = createRequire(fromProject.resolve('@aws-sdk/client-dynamodb'));

describe('the SDK internals the project pins', () => {
  it.each(['@smithy/core/client', '@smithy/core/config', '@smithy/node-http-handler'])(
    '%s resolves to the copy @aws-sdk/client-dynamodb uses',
    (specifier) => {
      expect(fromProject.resolve(specifier)).toBe(fromDynamoDbClient.resolve(specifier));
    },
  );
});
