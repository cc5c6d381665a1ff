/**
 * The relay's ledger table: which digest parts it claimed, sent and reported (lambdas/aws/relay-ledger-table-definition.ts).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { RELAY_LEDGER_TABLE } from '../../lambdas/aws/relay-ledger-table-definition';

/** `relay#<drainId>#<part>#<userId>` entries, removed by TTL (lambdas/aws/relay-ledger-table-definition.ts). */
export function addLedgerTable(scope: Construct): dynamodb.Table {
  return new dynamodb.Table(scope, 'LedgerTable', {
    partitionKey: { name: RELAY_LEDGER_TABLE.partitionKey.name, type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: RELAY_LEDGER_TABLE.timeToLiveAttribute,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    // Delivery bookkeeping that expires by itself (RELAY_LEDGER_RETENTION_DAYS): nothing to keep.
    removalPolicy: RemovalPolicy.DESTROY,
  });
}
