/**
 * Wild Rydes' `POST /ride`: records a ride request for the signed-in rider and answers with the unicorn
 * sent to pick them up.
 *
 * The contract is the original workshop's, so its console test event and web client work unchanged:
 * - request body `{"PickupLocation":{"Latitude":47.6,"Longitude":-122.3}}`;
 * - the rider is the `cognito:username` claim that API Gateway's Cognito authorizer puts in
 *   `requestContext.authorizer.claims`;
 * - the answer is 201 with `RideId`, `Unicorn` (`Name`, `Color`, `Gender`), `UnicornName`, `Eta`, `Rider`.
 *
 * Bad input is a 400 whose JSON names the field; a request without claims (not through the authorizer)
 * is a 401. Only a failure of DynamoDB itself is a 500.
 *
 * Every ride gets a fresh random id and is written with `attribute_not_exists(RideId)`, so a retried or
 * concurrent request can never overwrite another ride: on the (astronomically unlikely) collision the
 * write is refused and retried with a new id.
 */
import { randomBytes } from 'crypto';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { errorResponse, jsonResponse, RequestError, requiredEnv } from '../serverless-api/http';

/** A unicorn of the fleet. */
export interface Unicorn {
  readonly Name: string;
  readonly Color: string;
  readonly Gender: string;
}

/** The workshop's fleet. */
export const FLEET: readonly Unicorn[] = [
  { Name: 'Bucephalus', Color: 'Golden', Gender: 'Male' },
  { Name: 'Shadowfax', Color: 'White', Gender: 'Male' },
  { Name: 'Rocinante', Color: 'Yellow', Gender: 'Female' },
];

/** Where the rider waits. */
export interface PickupLocation {
  readonly Latitude: number;
  readonly Longitude: number;
}

/** The 201 body. */
export interface RideResponse {
  readonly RideId: string;
  readonly Unicorn: Unicorn;
  readonly UnicornName: string;
  readonly Eta: string;
  readonly Rider: string;
}

/** A ride request is a few dozen bytes; anything much larger is a mistake or abuse. */
export const MAX_BODY_BYTES = 1024;

/** How many fresh ids to try before giving up (each refusal means the id was already taken). */
export const MAX_ID_ATTEMPTS = 3;

/** What a handler needs; injected so tests can use a local DynamoDB and fixed choices. */
export interface RideDeps {
  /** Anything with the DynamoDB client's `send`. */
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  /** The `Rides` table's name. */
  readonly tableName: string;
  /** The site's origin (`https://<id>.cloudfront.net`), the only origin CORS allows. */
  readonly allowedOrigin: string;
  /** A new ride id. @default 16 random bytes, base64url (as the workshop did) */
  readonly newRideId?: () => string;
  /** Which unicorn answers. @default a random one of `FLEET` */
  readonly pickUnicorn?: (pickup: PickupLocation) => Unicorn;
  /** The clock. @default the system clock */
  readonly now?: () => Date;
}

/** The body's pickup location, or a `RequestError` naming what is wrong with it. */
export function parseRideRequest(body: string | null | undefined, isBase64Encoded = false): PickupLocation {
  const example = '{"PickupLocation":{"Latitude":47.6,"Longitude":-122.3}}';
  if (body === null || body === undefined || body === '') {
    throw new RequestError('body', `The request has no body. Send JSON such as ${example}.`);
  }
  const size = Buffer.byteLength(body, isBase64Encoded ? 'base64' : 'utf8');
  if (size > MAX_BODY_BYTES) {
    throw new RequestError('body', `The request body is ${size} bytes; at most ${MAX_BODY_BYTES} are allowed.`);
  }
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new RequestError('body', `The request body is not valid JSON (${(err as Error).message}). Send JSON such as ${example}.`);
  }
  if (!isObject(parsed)) {
    throw new RequestError('body', `The request body must be a JSON object such as ${example}, got ${describe(parsed)}.`);
  }
  const pickup = parsed.PickupLocation;
  if (pickup === undefined) throw new RequestError('PickupLocation', `PickupLocation is missing. Send JSON such as ${example}.`);
  if (!isObject(pickup)) {
    throw new RequestError('PickupLocation', `PickupLocation must be an object with Latitude and Longitude, got ${describe(pickup)}.`);
  }
  return {
    Latitude: coordinate(pickup, 'Latitude', 90),
    Longitude: coordinate(pickup, 'Longitude', 180),
  };
}

function coordinate(pickup: Record<string, unknown>, name: 'Latitude' | 'Longitude', limit: number): number {
  const field = `PickupLocation.${name}`;
  const value = pickup[name];
  if (value === undefined) throw new RequestError(field, `${field} is missing: a number of degrees from -${limit} to ${limit}.`);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RequestError(field, `${field} must be a number of degrees from -${limit} to ${limit}, got ${describe(value)}.`);
  }
  if (Math.abs(value) > limit) throw new RequestError(field, `${field} must be from -${limit} to ${limit}, got ${value}.`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const type = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  const shown = JSON.stringify(value);
  return shown !== undefined && shown.length <= 40 ? `${type} (${shown})` : type;
}

/** The rider, from the Cognito authorizer's claims; a 401 when the request did not come through it. */
export function riderOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): string {
  const username = event.requestContext?.authorizer?.claims?.['cognito:username'];
  if (typeof username !== 'string' || username === '') {
    throw new RequestError(
      'Authorization',
      "No signed-in rider: the request has no Cognito claims. Call the API with an Authorization header holding the ID token (API Gateway's Cognito authorizer adds the claims).",
      401,
    );
  }
  return username;
}

/** Builds the handler around its dependencies. */
export function makeHandler(deps: RideDeps) {
  const newRideId = deps.newRideId ?? (() => randomBytes(16).toString('base64url'));
  const pickUnicorn = deps.pickUnicorn ?? (() => FLEET[Math.floor(Math.random() * FLEET.length)]);
  const now = deps.now ?? (() => new Date());

  /** Stores the ride under a fresh id, never over an existing one; returns the id used. */
  async function recordRide(rider: string, unicorn: Unicorn, pickup: PickupLocation): Promise<string> {
    for (let attempt = 1; attempt <= MAX_ID_ATTEMPTS; attempt++) {
      const rideId = newRideId();
      try {
        await deps.dynamodb.send(
          new PutItemCommand({
            TableName: deps.tableName,
            Item: {
              RideId: { S: rideId },
              User: { S: rider },
              Unicorn: { M: { Name: { S: unicorn.Name }, Color: { S: unicorn.Color }, Gender: { S: unicorn.Gender } } },
              UnicornName: { S: unicorn.Name },
              PickupLocation: { M: { Latitude: { N: String(pickup.Latitude) }, Longitude: { N: String(pickup.Longitude) } } },
              RequestTime: { S: now().toISOString() },
            },
            ConditionExpression: 'attribute_not_exists(RideId)',
          }),
        );
        return rideId;
      } catch (err) {
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
        console.warn(JSON.stringify({ message: 'ride id already taken; trying a new one', rideId, attempt }));
      }
    }
    throw new Error(`no unused ride id after ${MAX_ID_ATTEMPTS} attempts`);
  }

  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const reference = event.requestContext?.requestId ?? 'none';
    try {
      const rider = riderOf(event);
      const pickup = parseRideRequest(event.body, event.isBase64Encoded);
      const unicorn = pickUnicorn(pickup);
      const rideId = await recordRide(rider, unicorn, pickup);
      const ride: RideResponse = { RideId: rideId, Unicorn: unicorn, UnicornName: unicorn.Name, Eta: '30 seconds', Rider: rider };
      console.log(JSON.stringify({ message: 'ride recorded', ...ride, PickupLocation: pickup }));
      return jsonResponse(201, ride, deps.allowedOrigin);
    } catch (err) {
      if (err instanceof RequestError) {
        console.log(JSON.stringify({ message: 'request refused', status: err.statusCode, field: err.field, error: err.message }));
        return errorResponse(err, reference, deps.allowedOrigin);
      }
      console.error(JSON.stringify({ message: 'ride not recorded', error: String(err), reference }));
      return jsonResponse(500, { Error: 'The ride could not be recorded; try again.', Reference: reference }, deps.allowedOrigin);
    }
  };
}

let deployed: ReturnType<typeof makeHandler> | undefined;

/**
 * The deployed handler, configured from its environment: `RIDES_TABLE_NAME` and `ALLOWED_ORIGIN` (set
 * by the stack). The DynamoDB client honours the SDK's standard `AWS_ENDPOINT_URL_DYNAMODB`, which the
 * tests point at a local DynamoDB.
 */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  deployed ??= makeHandler({
    dynamodb: new DynamoDBClient({}),
    tableName: requiredEnv('RIDES_TABLE_NAME'),
    allowedOrigin: requiredEnv('ALLOWED_ORIGIN'),
  });
  return deployed(event);
}
