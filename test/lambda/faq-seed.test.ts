import { BatchWriteItemCommand, WriteRequest } from '@aws-sdk/client-dynamodb';
import { BATCH_SIZE, makeHandler, MAX_BATCH_ATTEMPTS, parseItems, SeedDeps, SeedEvent, seedRequests } from '../../lambda/faq-seed';

const q = (Topic: string, Question: string, Answer = `answer to ${Question}`) => ({ Topic, Question, Answer });

const event = (over: Partial<SeedEvent> = {}): SeedEvent => ({
  RequestType: 'Create',
  ResponseURL: 'https://example.invalid/response',
  StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/ServerlessLabStack/guid',
  RequestId: 'req-1',
  LogicalResourceId: 'FaqServiceSeedResource',
  ResourceProperties: { TableName: 'Faq-1', Items: [q('unicorns', 'Which?')] },
  ...over,
});

/** Runs the handler; `answer` plays DynamoDB. Returns what was written and what CloudFormation was told. */
async function run(e: SeedEvent, answer: (c: BatchWriteItemCommand) => Promise<unknown> = async () => ({})) {
  const batches: WriteRequest[][] = [];
  const puts: any[] = [];
  const deps: SeedDeps = {
    dynamodb: {
      send: async (c: BatchWriteItemCommand) => {
        batches.push(c.input.RequestItems![String(e.ResourceProperties.TableName)]);
        return answer(c);
      },
    } as SeedDeps['dynamodb'],
    put: async (url, body) => void puts.push({ url, body: JSON.parse(body) }),
    sleep: async () => undefined,
  };
  await makeHandler(deps)(e);
  expect(puts).toHaveLength(1);
  return { batches, response: puts[0].body, url: puts[0].url };
}

beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

test('Create writes every question and answers SUCCESS to the response URL', async () => {
  const { batches, response, url } = await run(event());
  expect(url).toBe('https://example.invalid/response');
  expect(batches).toEqual([
    [{ PutRequest: { Item: { Topic: { S: 'unicorns' }, Question: { S: 'Which?' }, Answer: { S: 'answer to Which?' } } } }],
  ]);
  expect(response).toEqual({
    Status: 'SUCCESS',
    StackId: event().StackId,
    RequestId: 'req-1',
    LogicalResourceId: 'FaqServiceSeedResource',
    PhysicalResourceId: 'faq-seed-Faq-1',
  });
});

test(`writes in batches of ${BATCH_SIZE}, the most BatchWriteItem takes`, async () => {
  const items = Array.from({ length: 60 }, (_, i) => q('bulk', `Q${i}?`));
  const { batches } = await run(event({ ResourceProperties: { TableName: 'Faq-1', Items: items } }));
  expect(batches.map((b) => b.length)).toEqual([25, 25, 10]);
});

test('unprocessed items are retried until written', async () => {
  let calls = 0;
  const { batches, response } = await run(event({ ResourceProperties: { TableName: 'Faq-1', Items: [q('a', '1'), q('a', '2')] } }), async (c) => {
    calls++;
    const requests = c.input.RequestItems!['Faq-1'];
    return calls === 1 ? { UnprocessedItems: { 'Faq-1': requests.slice(1) } } : {};
  });
  expect(batches.map((b) => b.map((r) => r.PutRequest!.Item!.Question.S))).toEqual([['1', '2'], ['2']]);
  expect(response.Status).toBe('SUCCESS');
});

test(`items still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts fail the deploy with a reason`, async () => {
  const { batches, response } = await run(event(), async (c) => ({ UnprocessedItems: c.input.RequestItems }));
  expect(batches).toHaveLength(MAX_BATCH_ATTEMPTS);
  expect(response).toMatchObject({ Status: 'FAILED', Reason: `1 FAQ items still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts` });
});

test('Update deletes the questions the old list had and the new one drops, and keeps the physical id', async () => {
  const { batches, response } = await run(
    event({
      RequestType: 'Update',
      PhysicalResourceId: 'faq-seed-Faq-1',
      ResourceProperties: { TableName: 'Faq-1', Items: [q('a', 'kept', 'new answer')] },
      OldResourceProperties: { TableName: 'Faq-1', Items: [q('a', 'kept'), q('b', 'dropped')] },
    }),
  );
  expect(batches).toEqual([
    [
      { PutRequest: { Item: { Topic: { S: 'a' }, Question: { S: 'kept' }, Answer: { S: 'new answer' } } } },
      { DeleteRequest: { Key: { Topic: { S: 'b' }, Question: { S: 'dropped' } } } },
    ],
  ]);
  expect(response.PhysicalResourceId).toBe('faq-seed-Faq-1');
});

test('Update into another table deletes nothing: the old items were in the old table', async () => {
  expect(seedRequests([q('a', '1')], [])).toHaveLength(1);
  const { batches } = await run(
    event({
      RequestType: 'Update',
      ResourceProperties: { TableName: 'Faq-2', Items: [q('a', '1')] },
      OldResourceProperties: { TableName: 'Faq-1', Items: [q('b', 'gone')] },
    }),
  );
  expect(batches.flat().filter((r) => r.DeleteRequest)).toEqual([]);
});

test('Delete writes nothing and succeeds: the table goes with the stack', async () => {
  const { batches, response } = await run(event({ RequestType: 'Delete', PhysicalResourceId: 'faq-seed-Faq-1' }));
  expect(batches).toEqual([]);
  expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'faq-seed-Faq-1' });
});

test.each([
  [{ TableName: 'Faq-1', Items: 'not a list' }, 'Items must be a list'],
  [{ TableName: 'Faq-1', Items: [{ Topic: 'a', Question: 'q' }] }, 'Items[0].Answer must be a non-empty string'],
  [{ TableName: 'Faq-1', Items: [{ Topic: '', Question: 'q', Answer: 'a' }] }, 'Items[0].Topic must be a non-empty string'],
  [{ Items: [] }, 'TableName is missing'],
])('bad properties %j fail the deploy with a reason, writing nothing', async (props, reason) => {
  const { batches, response } = await run(event({ ResourceProperties: props }));
  expect(batches).toEqual([]);
  expect(response).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining(reason) });
});

test('parseItems keeps only the three fields', () => {
  expect(parseItems([{ ...q('a', 'b'), Extra: 1 }])).toEqual([q('a', 'b')]);
});
