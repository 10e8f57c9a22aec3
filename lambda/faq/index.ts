/**
 * The course's "FAQ micro-service": `GET /faq` answers a random question and its answer as JSON, from
 * the FAQ table that the stack seeds at deploy time. `GET /faq?topic=unicorns` picks among one topic's
 * questions (a DynamoDB Query on the partition key); without a topic it picks among all (a Scan).
 *
 * Students add, change and delete questions with the AWS CLI (the lab guide's DynamoDB exercise) and see
 * their items come back here. An item without a text `Question` and `Answer` is skipped, not a 500.
 */
import { AttributeValue, DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { errorResponse, jsonResponse, RequestError, requiredEnv } from '../serverless-api/http';

/** One question of the FAQ, as `GET /faq` returns it. */
export interface FaqEntry {
  readonly Topic: string;
  readonly Question: string;
  readonly Answer: string;
}

/** What a topic may look like: the seeded topics are lower-case words; this also keeps the Query key sane. */
export const TOPIC_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 _-]{0,39}$/;

/** What the handler needs; injected so tests can use a local DynamoDB and a fixed choice. */
export interface FaqDeps {
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  /** The FAQ table's name. */
  readonly tableName: string;
  /** The site's origin, the only origin CORS allows. */
  readonly allowedOrigin: string;
  /** Picks an index below `n`. @default uniformly at random */
  readonly pickIndex?: (n: number) => number;
}

/** The `topic` query parameter, if given, or a `RequestError` naming it. */
export function parseTopic(event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>): string | undefined {
  const topic = event.queryStringParameters?.topic;
  if (topic === undefined || topic === null) return undefined;
  if (!TOPIC_PATTERN.test(topic)) {
    throw new RequestError(
      'topic',
      `The topic query parameter must be 1 to 40 letters, digits, spaces, hyphens or underscores, got ${JSON.stringify(topic.slice(0, 60))}.`,
    );
  }
  return topic;
}

/** An item as an FAQ entry, or `undefined` if a student's edit left it without a text question or answer. */
export function toEntry(item: Record<string, AttributeValue>): FaqEntry | undefined {
  const [topic, question, answer] = [item.Topic?.S, item.Question?.S, item.Answer?.S];
  return topic && question && answer ? { Topic: topic, Question: question, Answer: answer } : undefined;
}

export function makeHandler(deps: FaqDeps) {
  const pickIndex = deps.pickIndex ?? ((n: number) => Math.floor(Math.random() * n));

  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const reference = event.requestContext?.requestId ?? 'none';
    try {
      const topic = parseTopic(event);
      // One page (up to 1 MB) is plenty for a course FAQ; reading every page would let a student's bulk
      // load make each call slow and costly.
      const { Items = [] } = await deps.dynamodb.send(
        topic === undefined
          ? new ScanCommand({ TableName: deps.tableName })
          : new QueryCommand({
              TableName: deps.tableName,
              KeyConditionExpression: 'Topic = :topic',
              ExpressionAttributeValues: { ':topic': { S: topic } },
            }),
      );
      const entries = Items.map(toEntry).filter((e): e is FaqEntry => e !== undefined);
      if (entries.length === 0) {
        const where = topic === undefined ? 'The FAQ table has no questions' : `The FAQ table has no questions on topic "${topic}"`;
        throw new RequestError(topic === undefined ? 'table' : 'topic', `${where}: add one with put-item (see the lab guide).`, 404);
      }
      return jsonResponse(200, entries[pickIndex(entries.length)], deps.allowedOrigin);
    } catch (err) {
      if (err instanceof RequestError) return errorResponse(err, reference, deps.allowedOrigin);
      console.error(JSON.stringify({ message: 'FAQ not read', error: String(err), reference }));
      return jsonResponse(500, { Error: 'The FAQ could not be read; try again.', Reference: reference }, deps.allowedOrigin);
    }
  };
}

let deployed: ReturnType<typeof makeHandler> | undefined;

/** The deployed handler: `FAQ_TABLE_NAME` and `ALLOWED_ORIGIN` come from the stack. */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  deployed ??= makeHandler({
    dynamodb: new DynamoDBClient({}),
    tableName: requiredEnv('FAQ_TABLE_NAME'),
    allowedOrigin: requiredEnv('ALLOWED_ORIGIN'),
  });
  return deployed(event);
}
