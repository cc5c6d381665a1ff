/**
 * Two workers in one app, in stacks of different regions, synthesize: the
 * shared dead-letter queue's validation (it refuses any other sender, walking
 * the app) looks only at resources that could name the queue — in its own
 * account and region — and never resolves the queue from another environment
 * (`CannotUseCrossEnvironment`).
 */
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { CredentialHygiene } from '../../lib/credential-hygiene';
import { SKIP_BUNDLING } from './synth';

describe('workers in two regions of one app', () => {
  it('synthesize, each dead-letter queue checked in its own environment', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const env = (region: string) => ({ env: { account: '123456789012', region } });
    new CredentialHygiene(new Stack(app, 'Ireland', env('eu-west-1')), 'Hygiene');
    new CredentialHygiene(new Stack(app, 'Virginia', env('us-east-1')), 'Hygiene', {
      config: { ownerDelivery: 'relay', senderIdentity: 'hygiene@corp.example' },
    });
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['Ireland', 'Virginia']);
  });
});
