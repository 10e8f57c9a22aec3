'use strict';
/**
 * The Mysfits service's routes: the workshop's API (module 2 to 4 of "Build a Modern Application"),
 * answered from the mysfits table. Pure request -> answer code, with the DynamoDB client passed in, so the
 * tests run it over real HTTP against dynalite (test/mythical-mysfits/service.test.ts).
 *
 *   GET    /                              health check (the load balancer's target group)
 *   GET    /mysfits                       every mysfit
 *   GET    /mysfits?filter=F&value=V      mysfits whose attribute F (GoodEvil or LawChaos) is V, from the
 *                                         table's index on F (a Query, not a Scan)
 *   GET    /mysfits/{mysfitId}            one mysfit
 *   POST   /mysfits/{mysfitId}/like       one more like
 *   DELETE /mysfits/{mysfitId}/like       one like fewer (never below 0): how `labs check` undoes its like
 *   POST   /mysfits/{mysfitId}/adopt      marks the mysfit adopted
 *
 * Who may like and adopt is decided in front of the service: API Gateway's Cognito authorizer on those
 * methods (lib/mythical-mysfits/mysfits-api.ts). The service is reachable only through the load balancer.
 */

const { GetItemCommand, QueryCommand, ScanCommand, UpdateItemCommand } = require('@aws-sdk/client-dynamodb');
const { unmarshall } = require('@aws-sdk/util-dynamodb');

/** The attributes a list can be filtered by, each with its index and allowed values (the workshop's). */
const FILTERS = {
  GoodEvil: { index: 'GoodEvilIndex', values: ['Good', 'Neutral', 'Evil'] },
  LawChaos: { index: 'LawChaosIndex', values: ['Lawful', 'Neutral', 'Chaotic'] },
};

/**
 * The API's stage. API Gateway's documentation says that for private integrations it "includes the stage
 * portion of the API endpoint in the request to backend resources" (`prod/mysfits`); its examples are VPC
 * links V2, while this lab's integration URIs (VPC link V1) name the path in full. The service answers both
 * forms, so either reading works.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/private-integration.html
 */
const STAGE = 'prod';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A table item as the workshop's API returned it (camelCase keys, numbers as numbers). */
function toMysfit(item) {
  const m = unmarshall(item);
  return {
    mysfitId: m.MysfitId,
    name: m.Name,
    species: m.Species,
    description: m.Description,
    age: m.Age,
    goodevil: m.GoodEvil,
    lawchaos: m.LawChaos,
    thumbImageUri: m.ThumbImageUri,
    profileImageUri: m.ProfileImageUri,
    likes: m.Likes ?? 0,
    adopted: m.Adopted === true,
  };
}

const ok = (body, status = 200) => ({ status, body });
const fail = (status, error, field) => ({ status, body: field ? { error, field } : { error } });

/** Every page of a Scan or Query. */
async function all(dynamodb, makeCommand) {
  const items = [];
  let start;
  do {
    const out = await dynamodb.send(makeCommand(start));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

async function list(deps, query) {
  const filter = query.get('filter');
  const value = query.get('value');
  if (filter === null && value === null) {
    const items = await all(deps.dynamodb, (start) => new ScanCommand({ TableName: deps.tableName, ExclusiveStartKey: start }));
    return ok({ mysfits: items.map(toMysfit).sort((a, b) => a.name.localeCompare(b.name)) });
  }
  const spec = FILTERS[filter];
  if (!spec) return fail(400, `filter must be one of ${Object.keys(FILTERS).join(', ')}, got ${JSON.stringify(filter)}`, 'filter');
  if (!spec.values.includes(value)) {
    return fail(400, `value for filter ${filter} must be one of ${spec.values.join(', ')}, got ${JSON.stringify(value)}`, 'value');
  }
  const items = await all(
    deps.dynamodb,
    (start) =>
      new QueryCommand({
        TableName: deps.tableName,
        IndexName: spec.index,
        KeyConditionExpression: '#f = :v',
        ExpressionAttributeNames: { '#f': filter },
        ExpressionAttributeValues: { ':v': { S: value } },
        ExclusiveStartKey: start,
      }),
  );
  return ok({ mysfits: items.map(toMysfit).sort((a, b) => a.name.localeCompare(b.name)) });
}

async function getOne(deps, id) {
  const out = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: { MysfitId: { S: id } } }));
  return out.Item ? ok(toMysfit(out.Item)) : fail(404, `no mysfit ${id}`, 'mysfitId');
}

/** An update of an existing mysfit; 404 when there is none (the condition fails). */
async function update(deps, id, expression, values, condition = '') {
  try {
    const out = await deps.dynamodb.send(
      new UpdateItemCommand({
        TableName: deps.tableName,
        Key: { MysfitId: { S: id } },
        UpdateExpression: expression,
        ConditionExpression: `attribute_exists(MysfitId)${condition}`,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return ok(toMysfit(out.Attributes));
  } catch (err) {
    if (err && err.name === 'ConditionalCheckFailedException') return null;
    throw err;
  }
}

async function like(deps, id) {
  return (await update(deps, id, 'SET Likes = if_not_exists(Likes, :zero) + :one', { ':zero': { N: '0' }, ':one': { N: '1' } })) ??
    fail(404, `no mysfit ${id}`, 'mysfitId');
}

async function unlike(deps, id) {
  const done = await update(deps, id, 'SET Likes = Likes - :one', { ':one': { N: '1' }, ':zero': { N: '0' } }, ' AND Likes > :zero');
  if (done) return done;
  const current = await getOne(deps, id); // no such mysfit (404), or no like to take back
  return current.status === 200 ? ok(current.body) : current;
}

async function adopt(deps, id) {
  return (await update(deps, id, 'SET Adopted = :yes', { ':yes': { BOOL: true } })) ?? fail(404, `no mysfit ${id}`, 'mysfitId');
}

/**
 * The answer to one request: `{ status, body }`, body a JSON-serializable object.
 *
 * @param {{ dynamodb: { send(command: unknown): Promise<any> }, tableName: string }} deps
 * @param {string} method
 * @param {string} url the request target, path and query (`/mysfits?filter=GoodEvil&value=Evil`)
 */
async function route(deps, method, url) {
  const parsed = new URL(url, 'http://service');
  const parts = parsed.pathname.split('/').filter((p) => p !== '');
  if (parts[0] === STAGE) parts.shift();
  if (parts.length === 0) return method === 'GET' || method === 'HEAD' ? ok({ status: 'ok', service: 'mysfits' }) : notAllowed('GET');
  if (parts[0] !== 'mysfits' || parts.length > 3) return fail(404, `no route ${parsed.pathname}: the API is under /mysfits`, 'path');
  if (parts.length === 1) return method === 'GET' ? list(deps, parsed.searchParams) : notAllowed('GET');

  const id = decodeURIComponent(parts[1]).toLowerCase();
  if (!UUID.test(id)) return fail(400, `mysfitId must be a UUID such as 4e53920c-505a-4a90-a694-b9300791f0ae, got ${JSON.stringify(parts[1])}`, 'mysfitId');
  if (parts.length === 2) return method === 'GET' ? getOne(deps, id) : notAllowed('GET');
  if (parts[2] === 'like') {
    if (method === 'POST') return like(deps, id);
    if (method === 'DELETE') return unlike(deps, id);
    return notAllowed('POST, DELETE');
  }
  if (parts[2] === 'adopt') return method === 'POST' ? adopt(deps, id) : notAllowed('POST');
  return fail(404, `no route ${parsed.pathname}: a mysfit has /like and /adopt`, 'path');
}

function notAllowed(allow) {
  return { status: 405, body: { error: `method not allowed here; allowed: ${allow}` }, headers: { Allow: allow } };
}

module.exports = { route, toMysfit, FILTERS };
