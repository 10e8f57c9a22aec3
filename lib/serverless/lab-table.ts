import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TableKey } from './table-keys';

/** Properties of a `LabTable`. */
export interface LabTableProps {
  /** The key: a partition key and optionally a sort key, both strings. */
  readonly key: TableKey;
  /**
   * The resource's logical id in the template, which CloudFormation puts in the table's generated name
   * (`<stack>-<logicalId>-<random>`), so the console shows a name a student recognises (`Rides`). It must
   * be unique in the stack.
   * @default - CDK's generated id
   */
  readonly logicalId?: string;
}

/**
 * A DynamoDB table as a course lab should have one: on-demand (nothing bills while idle), point-in-time
 * recovery on (a few cents per GB-month, and what a real team would not go without), no deletion
 * protection and deleted with the stack.
 *
 * It takes no name on purpose: a fixed name would collide between two copies of the lab (`stackSuffix`)
 * and leave a student unable to redeploy after a failed delete. Code gets the name from the environment.
 */
export class LabTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: LabTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: props.key.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: props.key.sortKey ? { name: props.key.sortKey, type: dynamodb.AttributeType.STRING } : undefined,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    if (props.logicalId) (this.table.node.defaultChild as dynamodb.CfnTable).overrideLogicalId(props.logicalId);
  }
}
