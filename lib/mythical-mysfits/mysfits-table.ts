import * as path from 'path';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LabFunction } from '../shared/lab-function';

const LAMBDA_DIR = path.join(__dirname, '..', '..', 'lambda');

/** One mysfit as the repository holds it (`data/mysfits.json`, the workshop's module 3 data). */
export interface Mysfit {
  readonly MysfitId: string;
  readonly Name: string;
  readonly Species: string;
  readonly Description: string;
  readonly Age: number;
  readonly GoodEvil: string;
  readonly LawChaos: string;
  readonly ThumbImageUri: string;
  readonly ProfileImageUri: string;
}

/** The workshop's mysfits. */
export const MYSFITS: readonly Mysfit[] = require('./data/mysfits.json');

/** The table's indexes, one per attribute the list can be filtered by (the workshop's). */
export const MYSFITS_INDEXES = { GoodEvil: 'GoodEvilIndex', LawChaos: 'LawChaosIndex' } as const;

/** Properties of a `MysfitsTable`. */
export interface MysfitsTableProps {
  /**
   * The mysfits written into the table at deploy time.
   * @default MYSFITS
   */
  readonly mysfits?: readonly Mysfit[];
}

/**
 * The mysfits table (partition key `MysfitId`, with the workshop's two indexes `GoodEvilIndex` and
 * `LawChaosIndex` that the service's filters query), on demand, no deletion protection, deleted with the
 * stack; and a custom resource (`lambda/mysfits-seed`) that writes the workshop's mysfits into it at deploy
 * time, keeping likes and adoptions across redeploys.
 */
export class MysfitsTable extends Construct {
  public readonly table: dynamodb.Table;
  public readonly seeder: LabFunction;

  constructor(scope: Construct, id: string, props: MysfitsTableProps = {}) {
    super(scope, id);
    const mysfits = props.mysfits ?? MYSFITS;
    if (mysfits.length === 0) throw new Error(`${this.node.path}: mysfits must hold at least one mysfit`);
    const ids = mysfits.map((m) => m.MysfitId);
    const duplicate = ids.find((k, i) => ids.indexOf(k) !== i);
    if (duplicate) throw new Error(`${this.node.path}: MysfitId ${duplicate} appears twice; it is the table's key`);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'MysfitId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    (this.table.node.defaultChild as dynamodb.CfnTable).overrideLogicalId('Mysfits');
    for (const [attribute, indexName] of Object.entries(MYSFITS_INDEXES)) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: attribute, type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'MysfitId', type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    this.seeder = new LabFunction(this, 'Seed', {
      entry: path.join(LAMBDA_DIR, 'mysfits-seed', 'index.ts'),
      description: "Writes the workshop's mysfits into the mysfits table at deploy time.",
    });
    this.grant(this.seeder.role, ['dynamodb:UpdateItem']);
    const seed = new CustomResource(this, 'SeedResource', {
      serviceToken: this.seeder.function.functionArn,
      resourceType: 'Custom::MysfitsSeed',
      properties: { TableName: this.table.tableName, Mysfits: JSON.stringify(mysfits) },
      // CloudFormation waits this long for the seeder's answer instead of its default hour, so a broken
      // seeder fails the deploy quickly.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html
      serviceTimeout: Duration.minutes(5),
    });
    // The grant must exist before the seeder runs (and outlive it on delete).
    seed.node.addDependency(this.seeder.role);
  }

  /**
   * Allows `actions` on the table and, with `indexes`, on its two indexes by name. (`Table.grant` would
   * allow `<table>/index/*` as soon as the table has an index, a wildcard no role here needs.)
   */
  public grant(grantee: iam.IGrantable, actions: string[], options: { indexes?: boolean } = {}): void {
    const indexArns = options.indexes ? Object.values(MYSFITS_INDEXES).map((name) => `${this.table.tableArn}/index/${name}`) : [];
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [this.table.tableArn, ...indexArns] }));
  }
}
