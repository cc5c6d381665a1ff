/**
 * The outputs the stack-aware CLI reads (`--stack`, cli/aws/deployment-lookup.ts)
 * exist under the names it looks for, and the sweep function's environment
 * carries the deployed config it reads back (docs/deploy.md, "Operating a
 * deployment").
 */
import { describe, expect, it } from 'vitest';
import { STACK_OUTPUT } from '../../cli/aws/deployment-lookup';
import { configFromEnvironment } from '../../lambdas/handlers/environment';
import { synthApp } from './synth';

describe('stack outputs for pc-hygiene --stack', () => {
  const { template, stack } = synthApp({ mode: 'enforce', staleAfterDays: '60' });

  it('declares every output the CLI reads', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs).toEqual(expect.arrayContaining(Object.values(STACK_OUTPUT)));
  });

  it("the sweep function's environment reads back as the deployed config", () => {
    const fn = stack.hygiene.sweepFunction.function;
    const resource = template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)] as {
      Properties: { Environment: { Variables: Record<string, string> } };
    };
    const config = configFromEnvironment(resource.Properties.Environment.Variables);
    expect(config).toMatchObject({ mode: 'enforce', staleAfterDays: 60 });
  });
});
