/**
 * The clickstream's record processor (the workshop's module 5): Amazon Data Firehose hands it a batch of
 * click records, each `{"userId": ..., "mysfitId": ...}` as the site sent it to `POST /clicks`; it adds
 * the mysfit's name, species and alignment from the mysfits table and returns each record as one JSON
 * line, which Firehose writes to the clickstream bucket.
 *
 * The event and result formats are Firehose's data transformation contract: every record comes back with
 * its `recordId`, a `result` (`Ok`, `Dropped`, `ProcessingFailed`) and base64 `data`.
 * https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html
 * https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-status-model.html
 *
 * A record that is not a click (bad JSON, no mysfit id) is `ProcessingFailed`, so Firehose writes it under
 * `processing-failed/` in the same bucket where a student can look at it; a click on a mysfit the table
 * does not have is delivered without the extra attributes (`"mysfit": null`). A table error fails the
 * whole batch, and Firehose retries it.
 */
import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FirehoseTransformationEvent, FirehoseTransformationResult, FirehoseTransformationResultRecord } from 'aws-lambda';

/** What the processor adds to a click. */
export interface MysfitSummary {
  readonly name: string;
  readonly species: string;
  readonly goodevil: string;
  readonly lawchaos: string;
}

export interface ProcessorDeps {
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  readonly tableName: string;
  readonly log?: (line: string) => void;
}

/** BatchGetItem's limit per call. */
const BATCH_GET_LIMIT = 100;

interface Click {
  readonly userId: string;
  readonly mysfitId: string;
}

/** The click in one record, or why it is not one. */
export function parseClick(data: string): Click | string {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return 'not JSON';
  }
  const b = body as Record<string, unknown> | null;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return 'not a JSON object';
  if (typeof b.mysfitId !== 'string' || b.mysfitId === '') return 'no mysfitId';
  return { mysfitId: b.mysfitId, userId: typeof b.userId === 'string' && b.userId !== '' ? b.userId : 'anonymous' };
}

/** The mysfits of these ids that the table has, by id. */
export async function lookUp(deps: ProcessorDeps, ids: readonly string[]): Promise<Map<string, MysfitSummary>> {
  const found = new Map<string, MysfitSummary>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
    let keys: Record<string, { S: string }>[] | undefined = unique.slice(i, i + BATCH_GET_LIMIT).map((id) => ({ MysfitId: { S: id } }));
    for (let attempt = 0; keys && keys.length > 0; attempt++) {
      if (attempt >= 5) throw new Error(`${keys.length} mysfits still unprocessed by BatchGetItem after 5 attempts`);
      const out = await deps.dynamodb.send(
        new BatchGetItemCommand({
          RequestItems: {
            [deps.tableName]: {
              Keys: keys,
              ProjectionExpression: 'MysfitId, #n, Species, GoodEvil, LawChaos',
              ExpressionAttributeNames: { '#n': 'Name' },
            },
          },
        }),
      );
      for (const item of out.Responses?.[deps.tableName] ?? []) {
        found.set(item.MysfitId.S!, { name: item.Name?.S ?? '', species: item.Species?.S ?? '', goodevil: item.GoodEvil?.S ?? '', lawchaos: item.LawChaos?.S ?? '' });
      }
      keys = out.UnprocessedKeys?.[deps.tableName]?.Keys as typeof keys;
    }
  }
  return found;
}

export function makeHandler(deps: ProcessorDeps) {
  const log = deps.log ?? ((line: string) => console.log(line));
  return async (event: FirehoseTransformationEvent): Promise<FirehoseTransformationResult> => {
    const clicks = event.records.map((r) => parseClick(r.data));
    const mysfits = await lookUp(deps, clicks.filter((c): c is Click => typeof c !== 'string').map((c) => c.mysfitId));
    let failed = 0;
    const records: FirehoseTransformationResultRecord[] = event.records.map((record, i) => {
      const click = clicks[i];
      if (typeof click === 'string') {
        failed++;
        log(JSON.stringify({ level: 'warn', recordId: record.recordId, problem: click }));
        return { recordId: record.recordId, result: 'ProcessingFailed', data: record.data };
      }
      const enriched = {
        userId: click.userId,
        mysfitId: click.mysfitId,
        clickedAt: new Date(record.approximateArrivalTimestamp).toISOString(),
        mysfit: mysfits.get(click.mysfitId) ?? null,
      };
      // One JSON object per line, so the objects in S3 read as JSON Lines (Athena, jq).
      return { recordId: record.recordId, result: 'Ok', data: Buffer.from(`${JSON.stringify(enriched)}\n`).toString('base64') };
    });
    log(JSON.stringify({ message: 'clicks processed', records: records.length, failed }));
    return { records };
  };
}

let deployed: ReturnType<typeof makeHandler> | undefined;

export async function handler(event: FirehoseTransformationEvent): Promise<FirehoseTransformationResult> {
  deployed ??= makeHandler({ dynamodb: new DynamoDBClient({}), tableName: process.env.MYSFITS_TABLE_NAME ?? '' });
  return deployed(event);
}
