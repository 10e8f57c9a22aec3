/**
 * A real DynamoDB API on 127.0.0.1, for integration tests: dynalite (an npm package, in-process, in
 * memory) on a free port, with tables created from the lab's own key definitions. `stop()` closes every
 * connection and the server, so nothing outlives the test file.
 */
import { AddressInfo } from 'net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableKey } from '../../lib/serverless/table-keys';
// dynalite ships no types.
const dynalite: (options: Record<string, unknown>) => import('http').Server = require('dynalite');

/** Credentials and region for a local DynamoDB: any value works, none reaches AWS. */
export const LOCAL_AWS = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** A client pointed at it. */
  readonly client: DynamoDBClient;
  /** Creates an on-demand table with the given key (all string attributes). */
  createTable(name: string, key: TableKey): Promise<void>;
  stop(): Promise<void>;
}

export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  return {
    endpoint,
    client,
    async createTable(name, key) {
      const keys = [key.partitionKey, ...(key.sortKey ? [key.sortKey] : [])];
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: keys.map((k) => ({ AttributeName: k, AttributeType: 'S' })),
          KeySchema: keys.map((k, i) => ({ AttributeName: k, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
        }),
      );
    },
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
