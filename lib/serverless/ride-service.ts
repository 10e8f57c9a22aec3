import * as path from 'path';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LabFunction } from '../shared/lab-function';
import { LabTable } from './lab-table';
import { RIDES_TABLE_KEY } from './table-keys';

/** Properties of a `RideService`. */
export interface RideServiceProps {
  /** The site's origin (`https://<id>.cloudfront.net`): the only origin whose pages may read the answers. */
  readonly allowedOrigin: string;
}

/** The handler of `POST /ride`. */
export const REQUEST_UNICORN_ENTRY = path.join(__dirname, '..', '..', 'lambda', 'request-unicorn', 'index.ts');

/**
 * Wild Rydes' back end: the `Rides` table (partition key `RideId`, a string, as in the workshop) and the
 * `RequestUnicorn` function that records a ride for the signed-in rider (`lambda/request-unicorn`).
 *
 * The function may put items into this one table and do nothing else with it: no reads, no updates,
 * no deletes. Its conditional put is what keeps one ride from overwriting another.
 */
export class RideService extends Construct {
  public readonly table: dynamodb.Table;
  public readonly function: lambda.Function;
  public readonly requestUnicorn: LabFunction;

  constructor(scope: Construct, id: string, props: RideServiceProps) {
    super(scope, id);
    this.table = new LabTable(this, 'Rides', {
      key: RIDES_TABLE_KEY,
      logicalId: 'Rides',
    }).table;

    this.requestUnicorn = new LabFunction(this, 'RequestUnicorn', {
      entry: REQUEST_UNICORN_ENTRY,
      description: 'Wild Rydes: records a ride request for the signed-in rider and answers with the unicorn on its way.',
      environment: { RIDES_TABLE_NAME: this.table.tableName, ALLOWED_ORIGIN: props.allowedOrigin },
    });
    this.function = this.requestUnicorn.function;
    this.table.grant(this.requestUnicorn.role, 'dynamodb:PutItem');
  }
}
