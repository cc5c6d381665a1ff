/**
 * How the worker's functions are started: EventBridge Scheduler schedules with
 * a retry policy, Lambda's asynchronous retries with an on-failure destination,
 * and one shared dead-letter queue for both. A new scheduled function
 * (a reconciler, say) is one more {@link addHygieneSchedule} call.
 */
import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { addDeadLetterQueue } from './dead-letter-queue';
import { ExactLambdaInvoke } from './exact-lambda-invoke';
import type { HygieneFunction } from './hygiene-function';

/** The job name a schedule puts into its input (the handlers log it). */
export type ScheduledJob = 'sweep' | 'notify' | (string & {});

/** Retry settings shared by every schedule. */
export interface ScheduleRetry {
  readonly deadLetterQueue: sqs.IQueue;
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
}

/** One schedule of {@link addHygieneSchedule}. */
export interface HygieneScheduleOptions {
  readonly description: string;
  readonly schedule: scheduler.ScheduleExpression;
  readonly target: HygieneFunction;
  readonly job: ScheduledJob;
  readonly retry: ScheduleRetry;
  /**
   * How long Lambda keeps an asynchronous invocation it could not run
   * (throttled, or failing and retried) before it goes to the dead-letter queue.
   * @default - Lambda's default, 6 hours
   */
  readonly maxEventAge?: Duration;
}

/** Lambda's retries of a failed asynchronous invocation before the on-failure destination. */
const ASYNC_RETRY_ATTEMPTS = 2;

/**
 * Gives an asynchronously invoked function (a schedule's target, the SES
 * events function behind SNS) the dead-letter queue as its on-failure
 * destination: an invocation that still fails after Lambda's retries is kept
 * there, with its event, instead of being dropped.
 */
export function keepFailedInvocations(
  fn: lambda.IFunction,
  deadLetterQueue: sqs.IQueue,
  maxEventAge?: Duration,
): void {
  fn.configureAsyncInvoke({
    onFailure: new SendOnlyQueueDestination(deadLetterQueue),
    retryAttempts: ASYNC_RETRY_ATTEMPTS,
    ...(maxEventAge !== undefined && { maxEventAge }),
  });
}

/** The queue that keeps invocations EventBridge Scheduler could not deliver after its retries. */
export function addScheduleDeadLetterQueue(scope: Construct): sqs.Queue {
  return addDeadLetterQueue(
    scope,
    'ScheduleDeadLetterQueue',
    'the EventBridge Scheduler schedules and the functions’ on-failure destination',
  );
}

/**
 * A schedule that invokes exactly the function's unqualified ARN with the
 * scheduled time as input. EventBridge Scheduler invokes asynchronously, so
 * the function also gets an on-failure destination: a run that still fails
 * after Lambda's retries leaves its invocation record in the dead-letter queue.
 */
export function addHygieneSchedule(
  scope: Construct,
  id: string,
  options: HygieneScheduleOptions,
): scheduler.Schedule {
  keepFailedInvocations(options.target.function, options.retry.deadLetterQueue, options.maxEventAge);
  return new scheduler.Schedule(scope, id, {
    description: options.description,
    schedule: options.schedule,
    target: new ExactLambdaInvoke(options.target.function, {
      ...options.retry,
      input: scheduledInput(options.job),
    }),
  });
}

/** The schedule's input: the job and the scheduled time, substituted by EventBridge Scheduler on each delivery. */
function scheduledInput(job: ScheduledJob): scheduler.ScheduleTargetInput {
  return scheduler.ScheduleTargetInput.fromObject({
    source: 'personal-client-hygiene',
    job,
    scheduledTime: scheduler.ContextAttribute.scheduledTime,
    executionId: scheduler.ContextAttribute.executionId,
  });
}

/**
 * An SQS on-failure destination that grants the function's role only
 * `sqs:SendMessage` on the queue (the stock `SqsDestination` grants
 * `GetQueueAttributes` and `GetQueueUrl` too, which Lambda does not call).
 */
class SendOnlyQueueDestination implements lambda.IDestination {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }),
    );
    return { destination: this.queue.queueArn };
  }
}
