/**
 * The clickstream processor (lambda/mysfits-click-processor) on Firehose's data transformation event, in
 * the documented format (https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html; the
 * records' data is what the API's PutRecord template sends: the click's JSON, base64), reading the mysfits
 * from dynalite seeded with the repository's mysfits.
 */
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { makeHandler } from '../../lambda/mysfits-click-processor';
import { MYSFITS } from '../../lib/mythical-mysfits/mysfits-table';
import { LocalDynamo, startDynalite } from '../helpers/dynalite';

const TABLE = 'Mysfits';
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable(TABLE, { partitionKey: 'MysfitId' });
  await dynamo.client.send(
    new BatchWriteItemCommand({
      RequestItems: {
        [TABLE]: MYSFITS.map((m) => ({
          PutRequest: {
            Item: {
              MysfitId: { S: m.MysfitId },
              Name: { S: m.Name },
              Species: { S: m.Species },
              GoodEvil: { S: m.GoodEvil },
              LawChaos: { S: m.LawChaos },
              Age: { N: String(m.Age) },
            },
          },
        })),
      },
    }),
  );
});
afterAll(() => dynamo.stop());

const b64 = (s: string) => Buffer.from(s).toString('base64');
const record = (recordId: string, data: string) => ({ recordId, approximateArrivalTimestamp: 1764892800123, data: b64(data) });

test('enriches each click with its mysfit, keeps every recordId, and fails what is not a click', async () => {
  const event: FirehoseTransformationEvent = {
    invocationId: 'invocationIdExample',
    deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/MythicalMysfitsLabStack-Clickstream',
    region: 'us-east-1',
    records: [
      record('49546986683135544286507457936321625675700192471156785154', '{"mysfitId":"0e37d916-f960-4772-a25a-01b762b5c1bd","userId":"3f1c2e4a-user"}'),
      record('49546986683135544286507457936321625675700192471156785155', '{"mysfitId":"4e53920c-505a-4a90-a694-b9300791f0ae"}'),
      record('49546986683135544286507457936321625675700192471156785156', '{"mysfitId":"00000000-0000-4000-8000-000000000000"}'),
      record('49546986683135544286507457936321625675700192471156785157', 'not json'),
      record('49546986683135544286507457936321625675700192471156785158', '{"userId":"someone"}'),
    ],
  };
  const log: string[] = [];
  const result = await makeHandler({ dynamodb: dynamo.client, tableName: TABLE, log: (l) => log.push(l) })(event);
  expect(result.records.map((r) => [r.recordId, r.result])).toEqual([
    ['49546986683135544286507457936321625675700192471156785154', 'Ok'],
    ['49546986683135544286507457936321625675700192471156785155', 'Ok'],
    ['49546986683135544286507457936321625675700192471156785156', 'Ok'],
    ['49546986683135544286507457936321625675700192471156785157', 'ProcessingFailed'],
    ['49546986683135544286507457936321625675700192471156785158', 'ProcessingFailed'],
  ]);
  const lines = result.records.slice(0, 3).map((r) => Buffer.from(r.data!, 'base64').toString('utf8'));
  for (const line of lines) expect(line.endsWith('\n') && line.indexOf('\n') === line.length - 1).toBe(true);
  expect(JSON.parse(lines[0])).toEqual({
    userId: '3f1c2e4a-user',
    mysfitId: '0e37d916-f960-4772-a25a-01b762b5c1bd',
    clickedAt: '2025-12-05T00:00:00.123Z',
    mysfit: { name: 'CoCo', species: 'Dragon', goodevil: 'Good', lawchaos: 'Chaotic' },
  });
  expect(JSON.parse(lines[1])).toMatchObject({ userId: 'anonymous', mysfit: { name: 'Evangeline', species: 'Chimera' } });
  expect(JSON.parse(lines[2])).toMatchObject({ mysfit: null });
  // A failed record goes back unchanged, so Firehose writes the original under processing-failed/.
  expect(result.records[3].data).toBe(event.records[3].data);
  expect(log.filter((l) => l.includes('"warn"'))).toHaveLength(2);
});

test('a table error fails the whole batch (Firehose retries it) rather than delivering unenriched clicks', async () => {
  const handler = makeHandler({ dynamodb: { send: async () => Promise.reject(new Error('ProvisionedThroughputExceededException')) }, tableName: TABLE, log: () => undefined });
  await expect(handler({ invocationId: 'i', deliveryStreamArn: 'arn', region: 'us-east-1', records: [record('1', '{"mysfitId":"x"}')] })).rejects.toThrow(
    'ProvisionedThroughputExceededException',
  );
});
