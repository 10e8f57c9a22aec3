/**
 * The key of each of the lab's tables (every key attribute is a string). The stack builds its tables from
 * these, and the integration tests create the same tables in a local DynamoDB, so the two cannot drift.
 * No CDK import here: the tests load this without aws-cdk-lib.
 */
export interface TableKey {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

/** The workshop's `Rides` table: one item per ride. */
export const RIDES_TABLE_KEY: TableKey = { partitionKey: 'RideId' };

/** The FAQ table: a topic's questions share a partition, so one topic can be queried. */
export const FAQ_TABLE_KEY: TableKey = { partitionKey: 'Topic', sortKey: 'Question' };
