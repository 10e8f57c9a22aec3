/**
 * The Mysfits service (lib/mythical-mysfits/app, Python and Flask as in the workshop, served by waitress as
 * in its image) over real HTTP on 127.0.0.1, against dynalite (a real DynamoDB API, in memory) holding a
 * table with the stack's key and indexes, filled by the lab's own seed handler (lambda/mysfits-seed) from
 * the repository's mysfits: every route, bad input (400), unknown mysfits (404), wrong methods (405), and a
 * table failure (500 with no details).
 */
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { makeHandler as makeSeedHandler, SeedEvent } from '../../lambda/mysfits-seed';
import { MYSFITS, MYSFITS_INDEXES } from '../../lib/mythical-mysfits/mysfits-table';
import { LocalDynamo, startDynalite } from '../helpers/dynalite';

import { PythonService, startPythonService } from './python-service';

const TABLE = 'Mysfits';
const ORIGIN = 'https://d111111abcdef8.cloudfront.net';
const EVANGELINE = '4e53920c-505a-4a90-a694-b9300791f0ae';
jest.setTimeout(30_000);

let dynamo: LocalDynamo;
let service: PythonService;
let base: string;
const responses: string[] = [];

const seedEvent = (type: 'Create' | 'Update'): SeedEvent => ({
  RequestType: type,
  ResponseURL: 'https://cloudformation-custom-resource-response.example/',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/MythicalMysfitsLabStack/1',
  RequestId: `request-${type}`,
  LogicalResourceId: 'MysfitsTableSeedResource',
  PhysicalResourceId: type === 'Update' ? `mysfits-seed-${TABLE}` : undefined,
  ResourceProperties: { TableName: TABLE, Mysfits: JSON.stringify(MYSFITS) },
});

async function call(method: string, urlPath: string): Promise<{ status: number; headers: Record<string, string>; json: any }> {
  const res = await fetch(`${base}${urlPath}`, { method });
  return { status: res.status, headers: Object.fromEntries(res.headers), json: await res.json() };
}

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined); // the seed handler's log lines
  dynamo = await startDynalite();
  // The table as the stack defines it: key MysfitId, and each filter's index (attribute, MysfitId).
  await dynamo.client.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'MysfitId', AttributeType: 'S' },
        ...Object.keys(MYSFITS_INDEXES).map((a) => ({ AttributeName: a, AttributeType: 'S' as const })),
      ],
      KeySchema: [{ AttributeName: 'MysfitId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: Object.entries(MYSFITS_INDEXES).map(([attribute, IndexName]) => ({
        IndexName,
        KeySchema: [
          { AttributeName: attribute, KeyType: 'HASH' as const },
          { AttributeName: 'MysfitId', KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      })),
    }),
  );
  await makeSeedHandler({ dynamodb: dynamo.client, put: async (_url, body) => void responses.push(body) })(seedEvent('Create'));
  service = await startPythonService({ tableName: TABLE, dynamodbEndpoint: dynamo.endpoint, allowedOrigin: ORIGIN });
  base = service.url;
});

afterAll(async () => {
  await service?.stop();
  await dynamo?.stop();
});

test('the seed custom resource answered SUCCESS to CloudFormation', () => {
  expect(JSON.parse(responses[0])).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `mysfits-seed-${TABLE}`, RequestId: 'request-Create' });
});

test('GET / is the health check', async () => {
  expect(await call('GET', '/')).toMatchObject({ status: 200, json: { status: 'ok' } });
});

test("GET /mysfits lists every mysfit of the workshop's data, by name, with no likes and none adopted; CORS for the site", async () => {
  const { status, json, headers } = await call('GET', '/mysfits');
  expect(status).toBe(200);
  expect(headers['access-control-allow-origin']).toBe(ORIGIN);
  expect(json.mysfits.map((m: any) => m.name)).toEqual(MYSFITS.map((m) => m.Name).sort((a, b) => a.localeCompare(b)));
  expect(json.mysfits.find((m: any) => m.mysfitId === EVANGELINE)).toEqual({
    mysfitId: EVANGELINE,
    name: 'Evangeline',
    species: 'Chimera',
    description: MYSFITS[0].Description,
    age: 43,
    goodevil: 'Evil',
    lawchaos: 'Lawful',
    thumbImageUri: 'https://www.mythicalmysfits.com/images/chimera_thumb.png',
    profileImageUri: 'https://www.mythicalmysfits.com/images/chimera_hover.png',
    likes: 0,
    adopted: false,
  });
});

test.each([
  ['GoodEvil', 'Evil'],
  ['GoodEvil', 'Good'],
  ['LawChaos', 'Lawful'],
  ['LawChaos', 'Neutral'],
] as const)('GET /mysfits?filter=%s&value=%s answers exactly those mysfits (from the index)', async (filter, value) => {
  const { status, json } = await call('GET', `/mysfits?filter=${filter}&value=${value}`);
  expect(status).toBe(200);
  const expected = MYSFITS.filter((m) => m[filter] === value).map((m) => m.Name).sort((a, b) => a.localeCompare(b));
  expect(expected.length).toBeGreaterThan(0);
  expect(json.mysfits.map((m: any) => m.name)).toEqual(expected);
});

test.each([
  ['/mysfits?filter=Species&value=Dragon', 'filter', 'filter must be one of GoodEvil, LawChaos, got "Species"'],
  ['/mysfits?filter=GoodEvil&value=Chaotic', 'value', 'value for filter GoodEvil must be one of Good, Neutral, Evil, got "Chaotic"'],
  ['/mysfits?filter=GoodEvil', 'value', 'value for filter GoodEvil must be one of Good, Neutral, Evil, got null'],
  ['/mysfits?value=Evil', 'filter', 'filter must be one of GoodEvil, LawChaos, got null'],
  ['/mysfits/not-a-uuid', 'mysfitId', 'mysfitId must be a UUID such as 4e53920c-505a-4a90-a694-b9300791f0ae, got "not-a-uuid"'],
  ['/mysfits/%27%3B--/like', 'mysfitId', 'mysfitId must be a UUID such as 4e53920c-505a-4a90-a694-b9300791f0ae, got "\';--"'],
])('GET %s is a 400 naming %s', async (urlPath, field, error) => {
  expect(await call('GET', urlPath)).toMatchObject({ status: 400, json: { field, error } });
});

test('GET /mysfits/{id} answers the mysfit; an unknown id is a 404; an unknown path a 404', async () => {
  expect(await call('GET', `/mysfits/${EVANGELINE}`)).toMatchObject({ status: 200, json: { name: 'Evangeline', species: 'Chimera' } });
  expect(await call('GET', '/mysfits/00000000-0000-4000-8000-000000000000')).toMatchObject({ status: 404, json: { field: 'mysfitId' } });
  expect(await call('GET', '/unicorns')).toMatchObject({ status: 404, json: { field: 'path' } });
  expect(await call('GET', `/mysfits/${EVANGELINE}/feed`)).toMatchObject({ status: 404, json: { field: 'path' } });
});

test('POST like counts up, DELETE like counts down but never below 0; liking an unknown mysfit is a 404 and creates nothing', async () => {
  const pauly = '2b473002-36f8-4b87-954e-9a377e0ccbec';
  expect((await call('POST', `/mysfits/${pauly}/like`)).json.likes).toBe(1);
  expect((await call('POST', `/mysfits/${pauly}/like`)).json.likes).toBe(2);
  expect((await call('DELETE', `/mysfits/${pauly}/like`)).json.likes).toBe(1);
  expect((await call('DELETE', `/mysfits/${pauly}/like`)).json.likes).toBe(0);
  expect(await call('DELETE', `/mysfits/${pauly}/like`)).toMatchObject({ status: 200, json: { likes: 0 } });
  const ghost = '00000000-0000-4000-8000-000000000001';
  expect(await call('POST', `/mysfits/${ghost}/like`)).toMatchObject({ status: 404 });
  expect(await call('DELETE', `/mysfits/${ghost}/like`)).toMatchObject({ status: 404 });
  expect((await dynamo.client.send(new GetItemCommand({ TableName: TABLE, Key: { MysfitId: { S: ghost } } }))).Item).toBeUndefined();
});

test('POST adopt marks the mysfit adopted; a redeploy (seed Update) keeps likes and adoptions', async () => {
  const coco = '0e37d916-f960-4772-a25a-01b762b5c1bd';
  await call('POST', `/mysfits/${coco}/like`);
  expect(await call('POST', `/mysfits/${coco}/adopt`)).toMatchObject({ status: 200, json: { adopted: true, likes: 1 } });
  await makeSeedHandler({ dynamodb: dynamo.client, put: async (_url, body) => void responses.push(body) })(seedEvent('Update'));
  expect(JSON.parse(responses.at(-1)!)).toMatchObject({ Status: 'SUCCESS' });
  expect(await call('GET', `/mysfits/${coco}`)).toMatchObject({ json: { adopted: true, likes: 1, name: 'CoCo' } });
});

test('a path with the stage in front (as API Gateway may send it through a private integration) is the same route', async () => {
  expect(await call('GET', `/prod/mysfits/${EVANGELINE}`)).toMatchObject({ status: 200, json: { name: 'Evangeline' } });
  expect((await call('GET', '/prod/mysfits?filter=GoodEvil&value=Evil')).json.mysfits.length).toBe(MYSFITS.filter((m) => m.GoodEvil === 'Evil').length);
});

test('a method a route does not have is a 405 with Allow', async () => {
  const res = await call('PUT', '/mysfits');
  expect(res).toMatchObject({ status: 405, headers: { allow: 'GET' } });
  expect(await call('GET', `/mysfits/${EVANGELINE}/adopt`)).toMatchObject({ status: 405, headers: { allow: 'POST' } });
});

test('a table failure is a 500 that says where to look, without the error itself; the log has it', async () => {
  const broken = await startPythonService({ tableName: 'NoSuchTable', dynamodbEndpoint: dynamo.endpoint });
  try {
    const res = await fetch(`${broken.url}/mysfits`);
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(text).not.toMatch(/ResourceNotFound|NoSuchTable/);
    expect(JSON.parse(text).error).toMatch(/service log/);
    expect(broken.log.join('\n')).toContain('ResourceNotFoundException');
  } finally {
    await broken.stop();
  }
});

test('every request but the health check is logged as one JSON line', () => {
  const lines = service.log.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  expect(lines).toContainEqual({ method: 'GET', path: '/mysfits', status: 200 });
  expect(lines.some((l) => l.path === '/')).toBe(false);
});

test('the seed handler answers FAILED, naming the field, for a bad mysfit list', async () => {
  const bodies: string[] = [];
  const bad = { ...seedEvent('Create'), ResourceProperties: { TableName: TABLE, Mysfits: JSON.stringify([{ ...MYSFITS[0], Age: 'old' }]) } };
  await makeSeedHandler({ dynamodb: dynamo.client, put: async (_u, b) => void bodies.push(b) })(bad);
  expect(JSON.parse(bodies[0])).toMatchObject({ Status: 'FAILED', Reason: 'Mysfits[0].Age must be a whole number, got "old"' });
});
