/**
 * The client settings shared by the DynamoDB and SNS client modules
 * (lambdas/aws/client-location.ts): a local endpoint gets a region and dummy
 * credentials unless real ones are configured; AWS itself is left to the SDK.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clientLocationConfig } from '../../lambdas/aws/client-location';

describe('clientLocationConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('leaves region and credentials to the SDK when no endpoint is given', () => {
    expect(clientLocationConfig({})).toEqual({});
    expect(clientLocationConfig({ region: 'eu-west-1', profile: 'ops' })).toEqual({
      region: 'eu-west-1',
      profile: 'ops',
    });
  });

  it('gives a local endpoint a region and dummy credentials when none are configured', () => {
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    expect(clientLocationConfig({ endpoint: 'http://127.0.0.1:8000' })).toEqual({
      endpoint: 'http://127.0.0.1:8000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  it('uses configured credentials and region with a local endpoint', () => {
    vi.stubEnv('AWS_REGION', 'eu-central-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAEXAMPLE');
    expect(clientLocationConfig({ endpoint: 'http://localhost:4566' })).toEqual({
      endpoint: 'http://localhost:4566',
      region: 'eu-central-1',
    });
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    expect(clientLocationConfig({ endpoint: 'http://localhost:4566', profile: 'local' })).toEqual({
      endpoint: 'http://localhost:4566',
      region: 'eu-central-1',
      profile: 'local',
    });
  });
});
