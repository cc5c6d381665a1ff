/**
 * For in-process tests of a command against a deployed stack (mocked with
 * aws-sdk-client-mock) whose tables are DynamoDB Local ones. `--endpoint`
 * cannot say so: with a stack it is refused (a local table is never a
 * deployment's, `refuseStackWithEndpoint`). So the "deployed" tables are
 * reached as a deployment's table behind another DynamoDB endpoint is, through
 * the SDK's own `AWS_ENDPOINT_URL_DYNAMODB`: no CLI flag, so the command sees
 * an AWS target, as it would in production. Its topic likewise: `--sns-endpoint`
 * with a stack is refused too, so a local SNS server standing for the
 * deployment's is reached through the SDK's `AWS_ENDPOINT_URL_SNS`
 * ({@link deployedTopicAt}).
 */
import { vi } from 'vitest';

/**
 * Sends every DynamoDB client built without an endpoint to `endpoint`, with a
 * region and dummy credentials; an STS client nobody mocked fails at once
 * (a closed local port) instead of reaching AWS. Undo with `vi.unstubAllEnvs()`.
 */
export function deployedTablesAt(endpoint: string): void {
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_STS', 'http://127.0.0.1:9');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('PC_HYGIENE_ENDPOINT', undefined);
}

/**
 * Sends every SNS client built without an endpoint (the deployment's topic, as
 * `notify` and the `owners` commands build it) to `endpoint`, e.g. a local SNS
 * server (`../fake-sns-server.ts`). Undo with `vi.unstubAllEnvs()`.
 */
export function deployedTopicAt(endpoint: string): void {
  vi.stubEnv('AWS_ENDPOINT_URL_SNS', endpoint);
}
