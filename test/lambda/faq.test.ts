import * as fs from 'fs';
import * as path from 'path';
import { QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { FaqDeps, makeHandler, parseTopic, toEntry } from '../../lambda/faq';

const ORIGIN = 'https://d111111abcdef8.cloudfront.net';
const TEST_EVENT: APIGatewayProxyEvent = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'serverless', 'events', 'faq.json'), 'utf8'),
);
const get = (queryStringParameters: Record<string, string> | null) =>
  ({ ...TEST_EVENT, queryStringParameters, requestContext: { requestId: 'req-9' } }) as unknown as APIGatewayProxyEvent;

const item = (Topic: string, Question: string, Answer: string) => ({ Topic: { S: Topic }, Question: { S: Question }, Answer: { S: Answer } });
const ITEMS = [item('unicorns', 'Q1?', 'A1.'), item('rides', 'Q2?', 'A2.'), item('unicorns', 'Q3?', 'A3.')];

function handlerWith(items: unknown[], over: Partial<FaqDeps> = {}) {
  const sent: Array<ScanCommand | QueryCommand> = [];
  const dynamodb = { send: async (c: ScanCommand | QueryCommand) => (sent.push(c), { Items: items }) } as FaqDeps['dynamodb'];
  return { sent, handler: makeHandler({ dynamodb, tableName: 'ServerlessLabStack-Faq-XYZ', allowedOrigin: ORIGIN, ...over }) };
}

beforeEach(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

describe('GET /faq', () => {
  test('without a topic: a Scan, and the question at the picked index, with CORS for the site only', async () => {
    const { sent, handler } = handlerWith(ITEMS, { pickIndex: (n) => n - 1 });
    const res = await handler(get(null));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ Topic: 'unicorns', Question: 'Q3?', Answer: 'A3.' });
    expect(res.headers).toMatchObject({ 'Access-Control-Allow-Origin': ORIGIN, 'Content-Type': 'application/json' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(ScanCommand);
    expect(sent[0].input).toEqual({ TableName: 'ServerlessLabStack-Faq-XYZ' });
  });

  test('with ?topic=: a Query on the partition key', async () => {
    const { sent, handler } = handlerWith([ITEMS[0], ITEMS[2]], { pickIndex: () => 0 });
    const res = await handler(TEST_EVENT); // the lab guide's test event asks for topic "unicorns"
    expect(JSON.parse(res.body)).toEqual({ Topic: 'unicorns', Question: 'Q1?', Answer: 'A1.' });
    expect(sent[0]).toBeInstanceOf(QueryCommand);
    expect(sent[0].input).toEqual({
      TableName: 'ServerlessLabStack-Faq-XYZ',
      KeyConditionExpression: 'Topic = :topic',
      ExpressionAttributeValues: { ':topic': { S: 'unicorns' } },
    });
  });

  test('the default pick is uniform enough that every question comes up', async () => {
    const { handler } = handlerWith(ITEMS);
    const seen = new Set<string>();
    for (let i = 0; i < 200 && seen.size < 3; i++) seen.add(JSON.parse((await handler(get(null))).body).Question);
    expect(seen).toEqual(new Set(['Q1?', 'Q2?', 'Q3?']));
  });

  test("items a student's edits left without a text question or answer are skipped, not a 500", async () => {
    const broken = [{ Topic: { S: 'x' }, Question: { S: 'no answer?' } }, { Topic: { S: 'x' }, Question: { N: '1' }, Answer: { S: 'a' } }];
    const { handler } = handlerWith([...broken, ITEMS[1]], { pickIndex: () => 0 });
    expect(JSON.parse((await handler(get(null))).body).Question).toBe('Q2?');
    expect(toEntry(broken[0] as any)).toBeUndefined();
  });

  test('an empty table, or a topic without questions, is a 404 that says how to add one', async () => {
    const { handler } = handlerWith([]);
    const all = await handler(get(null));
    expect(all.statusCode).toBe(404);
    expect(JSON.parse(all.body)).toEqual({ Error: expect.stringContaining('put-item'), Field: 'table', Reference: 'req-9' });
    const one = await handler(get({ topic: 'dragons' }));
    expect(one.statusCode).toBe(404);
    expect(JSON.parse(one.body)).toMatchObject({ Error: expect.stringContaining('"dragons"'), Field: 'topic' });
  });

  test.each(['', 'x'.repeat(41), 'a;DROP', '../etc', ' leading'])('topic %p is a 400 naming the parameter, and nothing is read', async (topic) => {
    const { sent, handler } = handlerWith(ITEMS);
    const res = await handler(get({ topic }));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ Field: 'topic', Error: expect.stringContaining('1 to 40 letters') });
    expect(sent).toHaveLength(0);
  });

  test('a DynamoDB failure is a 500 with the request id, never the error itself', async () => {
    const dynamodb = { send: async () => Promise.reject(new Error('AccessDeniedException: secret details')) } as unknown as FaqDeps['dynamodb'];
    const res = await makeHandler({ dynamodb, tableName: 't', allowedOrigin: ORIGIN })(get(null));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret details');
    expect(JSON.parse(res.body).Reference).toBe('req-9');
  });

  test('parseTopic accepts the seeded topics and words with spaces', () => {
    expect(parseTopic({ queryStringParameters: { topic: 'serverless' } })).toBe('serverless');
    expect(parseTopic({ queryStringParameters: { topic: 'my topic_2' } })).toBe('my topic_2');
    expect(parseTopic({ queryStringParameters: null })).toBeUndefined();
  });
});
