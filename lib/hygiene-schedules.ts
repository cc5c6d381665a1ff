/**
 * How the worker's functions are started: EventBridge Scheduler schedules with
 * a retry policy and one shared dead-letter queue. A new scheduled function
 * (a reconciler, say) is one more {@link addHygieneSchedule} call.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
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
}

/** The queue that keeps invocations EventBridge Scheduler could not deliver after its retries. */
export function addScheduleDeadLetterQueue(scope: Construct): sqs.Queue {
  const queue = new sqs.Queue(scope, 'ScheduleDeadLetterQueue', {
    // SQS-managed SSE: encrypted at rest without a key policy for the scheduler role to need.
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of the EventBridge Scheduler schedules.',
  });
  return queue;
}

/** A schedule that invokes exactly the function's unqualified ARN with the scheduled time as input. */
export function addHygieneSchedule(
  scope: Construct,
  id: string,
  options: HygieneScheduleOptions,
): scheduler.Schedule {
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
