/**
 * The one way a conditional write whose failed condition is an answer is sent (`sendUnlessConditionFails`,
 * lambdas/aws/dynamodb-client.ts), against a client-boundary mock of the document client: an applied write gives
 * back the command's output and sends the request as given; a failed condition gives back the very exception, whose
 * item reads through `failedConditionItem` as every item read does; any other error, and a thrown non-error,
 * propagate unchanged, so a caller never mistakes them for a refusal.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { failedConditionItem, sendUnlessConditionFails } from '../../../lambdas/aws/dynamodb-client';

const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const ddb = mockClient(DynamoDBDocumentClient);

/** A conditional update of item `a`, as the adapters send them. */
const update = () =>
  new UpdateCommand({
    TableName: 't',
    Key: { id: 'a' },
    UpdateExpression: 'SET #s = :new',
    ConditionExpression: '#s = :old',
    ExpressionAttributeNames: { '#s': 'state' },
    ExpressionAttributeValues: { ':new': 'sent', ':old': 'sending' },
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });

describe('sendUnlessConditionFails', () => {
  afterEach(() => ddb.reset());

  it('gives back the output of an applied write, the request sent once as given', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { id: 'a', state: 'sent' } });
    const command = update();

    const sent = await sendUnlessConditionFails(client, command);

    expect(sent).toEqual({ applied: true, output: { Attributes: { id: 'a', state: 'sent' } } });
    expect(ddb.commandCalls(UpdateCommand).map((call) => call.args[0])).toEqual([command]);
  });

  it('gives back the exception of a failed condition, its item read as every item read is', async () => {
    const failed = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: { httpStatusCode: 400, attempts: 2 },
      Item: { id: { S: 'a' }, state: { S: 'sending' }, lease: { N: '12' } },
    });
    ddb.on(PutCommand).rejects(failed);

    const sent = await sendUnlessConditionFails(
      client,
      new PutCommand({ TableName: 't', Item: { id: 'a' } }),
    );

    expect(sent.applied).toBe(false);
    if (sent.applied) return;
    expect(sent.failed).toBe(failed);
    expect(failedConditionItem(sent.failed)).toEqual({ id: 'a', state: 'sending', lease: 12 });
  });

  it('throws any other error unchanged (the same object)', async () => {
    const throttled = new ProvisionedThroughputExceededException({
      message: 'slow down',
      $metadata: { httpStatusCode: 400, attempts: 4 },
    });
    ddb.on(UpdateCommand).rejects(throttled);

    await expect(sendUnlessConditionFails(client, update())).rejects.toBe(throttled);
  });

  it('throws a non-error rejection unchanged', async () => {
    const notAnError = { reason: 'not an Error' };
    ddb.on(DeleteCommand).callsFake(() => Promise.reject(notAnError));

    await expect(
      sendUnlessConditionFails(client, new DeleteCommand({ TableName: 't', Key: { id: 'a' } })),
    ).rejects.toBe(notAnError);
  });
});
