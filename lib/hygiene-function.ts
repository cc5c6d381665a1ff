/**
 * The one way this project builds a Lambda function, so runtime, architecture,
 * bundling, tracing and logging are decided in one place.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: bundling resolves entries, tsconfig and the lockfile from here. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The newest Node.js runtime aws-cdk-lib 2.276 offers (`NODEJS_LATEST` is not
 * used: it moves with the library and would change the deployed runtime on an upgrade).
 */
const HYGIENE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Defaults of {@link HygieneFunctionProps}. */
const HYGIENE_FUNCTION_DEFAULTS = {
  memorySize: 512,
  timeout: Duration.minutes(1),
  logRetention: logs.RetentionDays.ONE_YEAR,
} as const;

/** Options for {@link HygieneFunction}. */
export interface HygieneFunctionProps {
  /** The handler module, relative to the repository root (e.g. `lambdas/handlers/sweep.ts`); it exports `handler`. */
  readonly entry: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** Powertools service name: the `service` key of every log line and the `service` metric dimension. */
  readonly serviceName: string;
  /** CloudWatch namespace of the function's EMF metrics. */
  readonly metricsNamespace: string;
  /**
   * Environment variables, added to the ones this construct sets
   * (`NODE_OPTIONS`, `POWERTOOLS_*`).
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Memory in MB (Lambda gives CPU in proportion).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Maximum run time of one invocation.
   * @default Duration.minutes(1)
   */
  readonly timeout?: Duration;
  /**
   * How long the function's log group keeps its logs (run summaries are part of the audit trail).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Concurrent executions reserved (and capped) for the function.
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A `NodejsFunction` with the house defaults: Node.js 24 on ARM64, bundled by
 * the local esbuild (never Docker) into one minified ES module with source
 * maps (`NODE_OPTIONS=--enable-source-maps` so stack traces point at the
 * TypeScript), the AWS SDK bundled too (the version we test is the version we
 * run), X-Ray active tracing (its grant in a policy of its own), an explicit
 * log group with retention, and its own role that may only write to that log
 * group until callers grant more.
 */
export class HygieneFunction extends Construct {
  readonly function: NodejsFunction;
  /** The function's execution role: grant it exactly what the handler calls. */
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HygieneFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? HYGIENE_FUNCTION_DEFAULTS.logRetention,
      // Logs are evidence ("why was this deleted?"): keep them when the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Our own role instead of the default one: the default attaches the managed
    // AWSLambdaBasicExecutionRole (logs on every log group in the account).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of: ${props.description}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const xray = this.addXRayPolicy();

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: HYGIENE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? HYGIENE_FUNCTION_DEFAULTS.memorySize,
      timeout: props.timeout ?? HYGIENE_FUNCTION_DEFAULTS.timeout,
      logGroup: this.logGroup,
      role: this.role,
      ...(props.reservedConcurrentExecutions !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      }),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        // Source maps without embedded sources: smaller bundle, same stack traces.
        sourcesContent: false,
        bundleAwsSDK: true,
        externalModules: [],
        mainFields: ['module', 'main'],
        // Bundled CommonJS dependencies call require() for Node built-ins; an ES module has none.
        banner: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
      },
    });
    // Active tracing set on the resource, not through `tracing`: that prop would put the X-Ray
    // statement into the role's default policy, where its Resource "*" needs an acknowledgement that
    // would also hide any later wildcard grant. Lambda checks the role can trace: depend on the policy.
    (this.function.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
    this.function.node.addDependency(xray);
  }

  /**
   * X-Ray in a policy of its own, the only one whose `Resource: "*"` cdk-nag is
   * told to accept: PutTraceSegments/PutTelemetryRecords support no resource-level permissions.
   */
  private addXRayPolicy(): iam.Policy {
    const policy = new iam.Policy(this, 'XRayPolicy', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords) supports no resource-level permissions; this policy holds nothing else.',
    });
    return policy;
  }
}
