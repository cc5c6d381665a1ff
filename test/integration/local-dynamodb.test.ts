/**
 * Starting and stopping a real DynamoDB Local (cli/local/local-dynamodb.ts; docs/data-model.md, "DynamoDB Local"):
 * exactly one java process on the chosen port, answering ListTables; `stop()` leaves it gone and may be called
 * twice. Without java on the PATH the error is `JavaNotFoundError`, naming the `apt-get install` that fixes it.
 */
import { execFileSync } from 'node:child_process';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { JavaNotFoundError, startDynamoDbLocal } from '../../cli/local/local-dynamodb';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function javaPidsListeningOn(port: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(`-port ${port}`))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

describe('startDynamoDbLocal', () => {
  it('starts a server that answers, and stop() leaves no java process behind', async () => {
    const local = await startDynamoDbLocal();
    const port = Number(new URL(local.endpoint).port);
    const pids = javaPidsListeningOn(port);
    expect(pids).toHaveLength(1);
    const client = createDocumentClient({ endpoint: local.endpoint });
    const tables = await client.send(new ListTablesCommand({}));
    expect(tables.TableNames).toEqual(expect.any(Array));
    client.destroy();
    await local.stop();
    expect(isRunning(pids[0]!)).toBe(false);
    await local.stop(); // idempotent
  });

  it('explains how to install Java when java is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startDynamoDbLocal()).rejects.toThrow(JavaNotFoundError);
      await expect(startDynamoDbLocal()).rejects.toThrow(/apt-get install -y default-jre-headless/);
    } finally {
      process.env.PATH = path;
    }
  });
});
