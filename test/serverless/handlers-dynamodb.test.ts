/**
 * The serverless lab's handlers against a real DynamoDB API (dynalite on 127.0.0.1), with the tables the
 * stack defines: conditional writes, concurrency, seeding and queries as DynamoDB really answers them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GetItemCommand, PutItemCommand, ScanCommand, ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as faq from '../../lambda/faq';
import * as seed from '../../lambda/faq-seed';
import * as rides from '../../lambda/request-unicorn';
import { FAQ_ITEMS } from '../../lib/serverless/faq';
import { FAQ_TABLE_KEY, RIDES_TABLE_KEY } from '../../lib/serverless/table-keys';
import { LOCAL_AWS, LocalDynamo, startDynalite } from '../helpers/dynalite';

const ORIGIN = 'https://d111111abcdef8.cloudfront.net';
const RIDES = 'ServerlessLabStack-Rides-LOCAL';
const FAQ = 'ServerlessLabStack-Faq-LOCAL';
const WORKSHOP_EVENT: APIGatewayProxyEvent = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'serverless', 'events', 'request-unicorn.json'), 'utf8'),
);

const rideRequest = (rider: string, latitude = 47.6): APIGatewayProxyEvent =>
  ({
    ...WORKSHOP_EVENT,
    body: JSON.stringify({ PickupLocation: { Latitude: latitude, Longitude: -122.3 } }),
    requestContext: { requestId: `req-${rider}`, authorizer: { claims: { 'cognito:username': rider } } },
  }) as unknown as APIGatewayProxyEvent;

let db: LocalDynamo;

beforeAll(async () => {
  db = await startDynalite();
  await db.createTable(RIDES, RIDES_TABLE_KEY);
  await db.createTable(FAQ, FAQ_TABLE_KEY);
});
afterAll(() => db?.stop());
beforeEach(() => {
  for (const level of ['log', 'warn', 'error'] as const) jest.spyOn(console, level).mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

async function scanAll(table: string): Promise<Array<Record<string, any>>> {
  const items: Array<Record<string, any>> = [];
  let start: ScanCommandOutput['LastEvaluatedKey'];
  do {
    const page = await db.client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const rideHandler = (over: Partial<rides.RideDeps> = {}) =>
  rides.makeHandler({ dynamodb: db.client, tableName: RIDES, allowedOrigin: ORIGIN, ...over });

describe('POST /ride against DynamoDB', () => {
  test('the deployed handler finds DynamoDB through the SDK\'s AWS_ENDPOINT_URL_DYNAMODB and stores the ride', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      RIDES_TABLE_NAME: RIDES,
      ALLOWED_ORIGIN: ORIGIN,
    });
    try {
      const res = await rides.handler(WORKSHOP_EVENT);
      expect(res.statusCode).toBe(201);
      const { RideId, UnicornName } = JSON.parse(res.body);
      const { Item } = await db.client.send(new GetItemCommand({ TableName: RIDES, Key: { RideId: { S: RideId } } }));
      expect(Item).toMatchObject({ User: { S: 'the_username' }, UnicornName: { S: UnicornName } });
    } finally {
      process.env = saved;
    }
  });

  test('100 concurrent requests store 100 rides, each as its response says', async () => {
    const before = (await scanAll(RIDES)).length;
    const handler = rideHandler();
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => handler(rideRequest(`rider-${i}`, i / 10))));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(100).fill(201));
    const answers = responses.map((r) => JSON.parse(r.body));
    expect(new Set(answers.map((a) => a.RideId)).size).toBe(100);

    const stored = await scanAll(RIDES);
    expect(stored).toHaveLength(before + 100);
    const byId = new Map(stored.map((item) => [item.RideId.S, item]));
    for (const [i, answer] of answers.entries()) {
      expect(byId.get(answer.RideId)).toMatchObject({
        User: { S: `rider-${i}` },
        UnicornName: { S: answer.Unicorn.Name },
        Unicorn: { M: { Name: { S: answer.Unicorn.Name }, Color: { S: answer.Unicorn.Color }, Gender: { S: answer.Unicorn.Gender } } },
        PickupLocation: { M: { Latitude: { N: String(i / 10) }, Longitude: { N: '-122.3' } } },
      });
    }
  });

  test('a retried request never overwrites another ride: a colliding id is refused by DynamoDB and a new one used', async () => {
    await rideHandler({ newRideId: () => 'ride-X' })(rideRequest('alice'));
    const ids = ['ride-X', 'ride-Y'];
    const res = await rideHandler({ newRideId: () => ids.shift()! })(rideRequest('bob'));
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ RideId: 'ride-Y', Rider: 'bob' });

    const get = async (id: string) => (await db.client.send(new GetItemCommand({ TableName: RIDES, Key: { RideId: { S: id } } }))).Item;
    expect((await get('ride-X'))?.User).toEqual({ S: 'alice' });
    expect((await get('ride-Y'))?.User).toEqual({ S: 'bob' });
  });

  test('the same request sent twice (a client retry) is two rides: neither replaces the other', async () => {
    const handler = rideHandler();
    const first = JSON.parse((await handler(rideRequest('carol'))).body).RideId;
    const second = JSON.parse((await handler(rideRequest('carol'))).body).RideId;
    expect(first).not.toBe(second);
    const carols = (await scanAll(RIDES)).filter((item) => item.User.S === 'carol').map((item) => item.RideId.S);
    expect(carols.sort()).toEqual([first, second].sort());
  });

  test('bad input stores nothing', async () => {
    const before = (await scanAll(RIDES)).length;
    const res = await rideHandler()({ ...rideRequest('dave'), body: '{"PickupLocation":{"Latitude":"north"}}' });
    expect(res.statusCode).toBe(400);
    expect(await scanAll(RIDES)).toHaveLength(before);
  });
});

describe('the FAQ table: seeded at deploy, read by GET /faq', () => {
  const put = async () => undefined;
  const seedEvent = (over: Partial<seed.SeedEvent>): seed.SeedEvent => ({
    RequestType: 'Create',
    ResponseURL: 'https://example.invalid/r',
    StackId: 'stack',
    RequestId: 'r1',
    LogicalResourceId: 'Seed',
    ResourceProperties: { TableName: FAQ, Items: FAQ_ITEMS },
    ...over,
  });
  const faqHandler = () => faq.makeHandler({ dynamodb: db.client, tableName: FAQ, allowedOrigin: ORIGIN });
  const get = (topic?: string) =>
    ({ queryStringParameters: topic === undefined ? null : { topic }, requestContext: { requestId: 'r' } }) as unknown as APIGatewayProxyEvent;

  test("Create writes the lab's questions", async () => {
    await seed.makeHandler({ dynamodb: db.client, put })(seedEvent({}));
    const items = await scanAll(FAQ);
    expect(items.map((i) => [i.Topic.S, i.Question.S, i.Answer.S]).sort()).toEqual(
      FAQ_ITEMS.map((i) => [i.Topic, i.Question, i.Answer]).sort(),
    );
  });

  test("the FAQ function's own test event (lib/serverless/events/faq.json, which the guide invokes) gets a unicorns question", async () => {
    const event = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'serverless', 'events', 'faq.json'), 'utf8'));
    const res = await faqHandler()(event);
    expect(res.statusCode).toBe(200);
    const answer = JSON.parse(res.body);
    expect(answer.Topic).toBe('unicorns');
    expect(FAQ_ITEMS).toContainEqual(answer);
  });

  test('GET /faq answers one of them; ?topic= answers only that topic, by Query', async () => {
    const handler = faqHandler();
    const any = JSON.parse((await handler(get())).body);
    expect(FAQ_ITEMS).toContainEqual(any);
    for (let i = 0; i < 10; i++) expect(JSON.parse((await handler(get('unicorns'))).body).Topic).toBe('unicorns');
    expect((await handler(get('dragons'))).statusCode).toBe(404);
  });

  test("a student's put-item comes back from GET /faq, and a redeploy that drops a question leaves the student's alone", async () => {
    await db.client.send(
      new PutItemCommand({
        TableName: FAQ,
        Item: { Topic: { S: 'students' }, Question: { S: 'Who wrote this question?' }, Answer: { S: 'I did.' } },
      }),
    );
    expect(JSON.parse((await faqHandler()(get('students'))).body)).toEqual({
      Topic: 'students',
      Question: 'Who wrote this question?',
      Answer: 'I did.',
    });

    const [dropped, ...kept] = FAQ_ITEMS;
    await seed.makeHandler({ dynamodb: db.client, put })(
      seedEvent({
        RequestType: 'Update',
        PhysicalResourceId: `faq-seed-${FAQ}`,
        ResourceProperties: { TableName: FAQ, Items: kept },
        OldResourceProperties: { TableName: FAQ, Items: FAQ_ITEMS },
      }),
    );
    const questions = (await scanAll(FAQ)).map((i) => i.Question.S);
    expect(questions).not.toContain(dropped.Question);
    expect(questions).toContain('Who wrote this question?');
    expect(questions).toHaveLength(kept.length + 1);
  });
});
