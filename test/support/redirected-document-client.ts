/**
 * For tests that run a CLI command "against AWS" (no `--endpoint`, STS mocked)
 * while the table is a DynamoDB Local one: every document client the command
 * builds is sent to {@link redirect}'s endpoint. A test file mocks
 * `lambdas/aws/dynamodb-client` with {@link redirectedDocumentClientModule}
 * (`vi.mock` must be written in the test file itself) and sets
 * `redirect.endpoint` while it runs the command.
 */
import type * as DynamoDbClientModule from '../../lambdas/aws/dynamodb-client';

/** Where the document clients go; `undefined`: where the command says. */
export const redirect: { endpoint: string | undefined } = { endpoint: undefined };

/** The `dynamodb-client` module with `createDocumentClient` sending to {@link redirect}'s endpoint when set. */
export async function redirectedDocumentClientModule(
  importOriginal: () => Promise<typeof DynamoDbClientModule>,
): Promise<typeof DynamoDbClientModule> {
  const actual = await importOriginal();
  return {
    ...actual,
    createDocumentClient: (options: Parameters<typeof actual.createDocumentClient>[0] = {}) =>
      actual.createDocumentClient({ ...options, ...(redirect.endpoint && { endpoint: redirect.endpoint }) }),
  };
}
