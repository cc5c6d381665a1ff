/**
 * Two workers in one app, in stacks of different regions, synthesize: the
 * shared dead-letter queue's validation (it refuses any other sender, walking
 * the app) looks only at resources that could name the queue — in its own
 * account and region — and never resolves the queue from another environment
 * (`CannotUseCrossEnvironment`).
 */
import { App, Stack, Stage } from 'aws-cdk-lib';
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

describe('two workers built with the same id in two stacks of one app', () => {
  const twoWorkers = (app: App, env?: { account: string; region: string }) => {
    new CredentialHygiene(new Stack(app, 'A', env && { env }), 'Hygiene', { serviceName: 'hygiene-a' });
    new CredentialHygiene(new Stack(app, 'B', env && { env }), 'Hygiene', { serviceName: 'hygiene-b' });
  };

  it.each([
    ['environment-agnostic', undefined],
    ['in one account and region', { account: '123456789012', region: 'eu-west-1' }],
  ])('synthesize %s: neither takes the other’s schedules for senders to its dead-letter queue', (_, env) => {
    const app = new App({ context: SKIP_BUNDLING });
    twoWorkers(app, env);
    expect(
      app
        .synth()
        .stacks.map((s) => s.stackName)
        .sort(),
    ).toEqual(['A', 'B']);
  });

  it('synthesize in two Stages', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stages = ['Test', 'Prod'].map((name) => new Stage(app, name));
    for (const stage of stages)
      new CredentialHygiene(new Stack(stage, 'Worker'), 'Hygiene', {
        serviceName: `hygiene-${stage.node.id}`,
      });
    for (const stage of stages) expect(stage.synth().stacks).toHaveLength(1);
  });
});
