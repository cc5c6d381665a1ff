/**
 * An EventBridge Scheduler Lambda target whose role may invoke exactly the
 * function's unqualified ARN.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';

/**
 * `LambdaInvoke` grants `lambda:InvokeFunction` on the function and on
 * `<function ARN>:*` (every version and alias), a wildcard cdk-nag rightly
 * flags. A schedule invokes the unqualified ARN only, so this target grants
 * just that; retry policy, dead-letter queue and input work as in `LambdaInvoke`.
 */
export class ExactLambdaInvoke extends schedulerTargets.LambdaInvoke {
  private readonly invoked: lambda.IFunction;

  constructor(fn: lambda.IFunction, props: schedulerTargets.ScheduleTargetBaseProps = {}) {
    super(fn, props);
    this.invoked = fn;
  }

  protected override addTargetActionToRole(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.invoked.functionArn] }),
    );
  }
}
