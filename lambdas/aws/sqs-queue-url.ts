/**
 * An SQS queue's URL from its ARN: what a call on a received message (`ChangeMessageVisibility`) names the queue by,
 * while an SQS event record carries only the ARN (`eventSourceARN`). The URL is SQS's own form,
 * `https://sqs.<region>.<partition's domain>/<account>/<name>` (Amazon SQS Developer Guide, "Amazon SQS queue and
 * message identifiers"), so the relay function needs no setting for it. Only the partitions whose SQS domain is
 * known here are taken; another ARN is refused, naming it.
 */

/** The domain of SQS's endpoints in each partition the relay can be deployed to. */
const SQS_DOMAINS: ReadonlyMap<string, string> = new Map([
  ['aws', 'amazonaws.com'],
  ['aws-us-gov', 'amazonaws.com'],
  ['aws-cn', 'amazonaws.com.cn'],
]);

/** An ARN that is not an SQS queue's of a known partition. */
export class UnknownQueueArnError extends Error {
  override readonly name = 'UnknownQueueArnError';
}

/** `arn:<partition>:sqs:<region>:<12-digit account>:<queue name>`. */
const QUEUE_ARN = /^arn:([a-z-]+):sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;

/**
 * The URL of the queue `queueArn` names.
 * @throws {UnknownQueueArnError} when it is not an SQS queue ARN, or of a partition whose SQS domain is not known here
 */
export function queueUrlOfArn(queueArn: string): string {
  const match = QUEUE_ARN.exec(queueArn);
  if (match === null) throw new UnknownQueueArnError(`not an SQS queue ARN: ${JSON.stringify(queueArn)}`);
  const [, partition = '', region, account, name] = match;
  const domain = SQS_DOMAINS.get(partition);
  if (domain === undefined)
    throw new UnknownQueueArnError(
      `no SQS domain known for partition ${JSON.stringify(partition)} (${JSON.stringify(queueArn)}): known are ${[...SQS_DOMAINS.keys()].join(', ')}`,
    );
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}
