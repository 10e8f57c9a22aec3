import * as fs from 'fs';
import * as path from 'path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { FLEET, handler, makeHandler, MAX_BODY_BYTES, MAX_ID_ATTEMPTS, parseRideRequest, RideDeps } from '../../lambda/request-unicorn';

const ORIGIN = 'https://d111111abcdef8.cloudfront.net';
/** The original workshop's Lambda test event, as the lab guide gives it to students. */
const WORKSHOP_EVENT: APIGatewayProxyEvent = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'serverless', 'events', 'request-unicorn.json'), 'utf8'),
);

const event = (body: string | null, over: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent =>
  ({
    ...WORKSHOP_EVENT,
    body,
    requestContext: { requestId: 'req-1', authorizer: { claims: { 'cognito:username': 'alice-at-example.com' } } },
    ...over,
  }) as APIGatewayProxyEvent;

/** A DynamoDB stand-in that records every command and answers with `answer`. */
function fakeDynamo(answer: (command: PutItemCommand) => Promise<unknown> = async () => ({})) {
  const sent: PutItemCommand[] = [];
  return { sent, dynamodb: { send: async (command: PutItemCommand) => (sent.push(command), answer(command)) } as RideDeps['dynamodb'] };
}

function handlerWith(dynamodb: RideDeps['dynamodb'], over: Partial<RideDeps> = {}) {
  return makeHandler({
    dynamodb,
    tableName: 'ServerlessLabStack-Rides-ABC',
    allowedOrigin: ORIGIN,
    pickUnicorn: () => FLEET[1],
    newRideId: () => 'ride-1',
    now: () => new Date('2026-11-22T08:00:00Z'),
    ...over,
  });
}

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('POST /ride', () => {
  test("the workshop's own test event gets a 201 with the workshop's fields, and the ride is stored with a conditional put", async () => {
    const { sent, dynamodb } = fakeDynamo();
    const res = await handlerWith(dynamodb)(WORKSHOP_EVENT);
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body)).toEqual({
      RideId: 'ride-1',
      Unicorn: { Name: 'Shadowfax', Color: 'White', Gender: 'Male' },
      UnicornName: 'Shadowfax',
      Eta: '30 seconds',
      Rider: 'the_username',
    });
    expect(res.headers).toEqual({ 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': ORIGIN, Vary: 'Origin' });
    expect(sent).toHaveLength(1);
    expect(sent[0].input).toEqual({
      TableName: 'ServerlessLabStack-Rides-ABC',
      ConditionExpression: 'attribute_not_exists(RideId)',
      Item: {
        RideId: { S: 'ride-1' },
        User: { S: 'the_username' },
        Unicorn: { M: { Name: { S: 'Shadowfax' }, Color: { S: 'White' }, Gender: { S: 'Male' } } },
        UnicornName: { S: 'Shadowfax' },
        PickupLocation: { M: { Latitude: { N: '47.6174755835663' }, Longitude: { N: '-122.28837066650185' } } },
        RequestTime: { S: '2026-11-22T08:00:00.000Z' },
      },
    });
  });

  test('by default each ride gets a fresh 128-bit base64url id and a unicorn of the fleet', async () => {
    const { sent, dynamodb } = fakeDynamo();
    const handler = makeHandler({ dynamodb, tableName: 't', allowedOrigin: ORIGIN });
    const bodies = await Promise.all([1, 2, 3].map(() => handler(event(WORKSHOP_EVENT.body)).then((r) => JSON.parse(r.body))));
    const ids = bodies.map((b) => b.RideId);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    for (const b of bodies) expect(FLEET).toContainEqual(b.Unicorn);
    expect(sent.map((c) => c.input.Item!.RideId.S)).toEqual(ids);
  });

  test('an id already taken is never overwritten: the put is refused and the ride gets a new id', async () => {
    const ids = ['taken', 'fresh'];
    const { sent, dynamodb } = fakeDynamo(async (command) => {
      if (command.input.Item!.RideId.S === 'taken') throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
      return {};
    });
    const res = await handlerWith(dynamodb, { newRideId: () => ids.shift()! })(event(WORKSHOP_EVENT.body));
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body).RideId).toBe('fresh');
    expect(sent.map((c) => [c.input.Item!.RideId.S, c.input.ConditionExpression])).toEqual([
      ['taken', 'attribute_not_exists(RideId)'],
      ['fresh', 'attribute_not_exists(RideId)'],
    ]);
  });

  test(`after ${MAX_ID_ATTEMPTS} taken ids it gives up with a 500, having overwritten nothing`, async () => {
    const { sent, dynamodb } = fakeDynamo(async () => {
      throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
    });
    const res = await handlerWith(dynamodb)(event(WORKSHOP_EVENT.body));
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ Error: 'The ride could not be recorded; try again.', Reference: 'req-1' });
    expect(sent).toHaveLength(MAX_ID_ATTEMPTS);
  });

  test('a DynamoDB failure is a 500 with the request id to quote, and CORS headers so the site can show it', async () => {
    const { dynamodb } = fakeDynamo(async () => {
      throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
    });
    const res = await handlerWith(dynamodb)(event(WORKSHOP_EVENT.body));
    expect(res.statusCode).toBe(500);
    expect(res.headers!['Access-Control-Allow-Origin']).toBe(ORIGIN);
    expect(JSON.parse(res.body).Reference).toBe('req-1');
  });

  test('a request without Cognito claims (not through the authorizer) is a 401 naming the Authorization header', async () => {
    const { sent, dynamodb } = fakeDynamo();
    for (const requestContext of [{}, { authorizer: {} }, { authorizer: { claims: { 'cognito:username': '' } } }]) {
      const res = await handlerWith(dynamodb)(event(WORKSHOP_EVENT.body, { requestContext } as Partial<APIGatewayProxyEvent>));
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ Field: 'Authorization', Error: expect.stringContaining('ID token') });
    }
    expect(sent).toHaveLength(0);
  });

  test.each([
    ['no body', null, 'body', /no body/],
    ['an empty body', '', 'body', /no body/],
    ['malformed JSON', '{"PickupLocation":', 'body', /not valid JSON/],
    ['a JSON array', '[1,2]', 'body', /must be a JSON object.*an array/],
    ['a JSON string', '"hello"', 'body', /must be a JSON object.*a string/],
    ['no PickupLocation', '{"Pickup":{}}', 'PickupLocation', /missing/],
    ['PickupLocation null', '{"PickupLocation":null}', 'PickupLocation', /must be an object.*null/],
    ['PickupLocation a string', '{"PickupLocation":"Seattle"}', 'PickupLocation', /must be an object.*a string \("Seattle"\)/],
    ['no Latitude', '{"PickupLocation":{"Longitude":1}}', 'PickupLocation.Latitude', /missing/],
    ['Latitude a string', '{"PickupLocation":{"Latitude":"47.6","Longitude":1}}', 'PickupLocation.Latitude', /must be a number.*a string/],
    ['Latitude out of range', '{"PickupLocation":{"Latitude":91,"Longitude":1}}', 'PickupLocation.Latitude', /from -90 to 90, got 91/],
    ['no Longitude', '{"PickupLocation":{"Latitude":1}}', 'PickupLocation.Longitude', /missing/],
    ['Longitude a boolean', '{"PickupLocation":{"Latitude":1,"Longitude":true}}', 'PickupLocation.Longitude', /must be a number.*a boolean/],
    ['Longitude out of range', '{"PickupLocation":{"Latitude":1,"Longitude":-180.5}}', 'PickupLocation.Longitude', /from -180 to 180/],
    ['an oversized body', JSON.stringify({ PickupLocation: { Latitude: 1, Longitude: 2 }, pad: 'x'.repeat(MAX_BODY_BYTES) }), 'body', /at most 1024/],
  ])('%s is a 400 naming the field, and nothing is stored', async (_case, body, field, message) => {
    const { sent, dynamodb } = fakeDynamo();
    const res = await handlerWith(dynamodb)(event(body));
    expect(res.statusCode).toBe(400);
    expect(res.headers!['Access-Control-Allow-Origin']).toBe(ORIGIN);
    const error = JSON.parse(res.body);
    expect(error).toEqual({ Error: expect.stringMatching(message), Field: field, Reference: 'req-1' });
    expect(sent).toHaveLength(0);
  });

  test('a base64-encoded body (binary media types) is decoded; its size counts decoded bytes', () => {
    const json = '{"PickupLocation":{"Latitude":-33.9,"Longitude":151.2}}';
    expect(parseRideRequest(Buffer.from(json).toString('base64'), true)).toEqual({ Latitude: -33.9, Longitude: 151.2 });
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 'a').toString('base64');
    expect(() => parseRideRequest(big, true)).toThrow(`${MAX_BODY_BYTES + 1} bytes`);
  });

  test('the edges of the map are allowed', () => {
    expect(parseRideRequest('{"PickupLocation":{"Latitude":-90,"Longitude":180}}')).toEqual({ Latitude: -90, Longitude: 180 });
  });
});

describe('the deployed handler', () => {
  test('refuses to run without its table name, with a message naming the variable (a 500: the stack sets it)', async () => {
    delete process.env.RIDES_TABLE_NAME;
    await expect(handler(WORKSHOP_EVENT)).rejects.toThrow('RIDES_TABLE_NAME is not set');
  });
});
