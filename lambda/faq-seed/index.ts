/**
 * Custom resource that fills the serverless lab's FAQ table at deploy time, so `GET /faq` answers from
 * the first request with no console step.
 *
 * Create and Update write every item of `Items` (BatchWriteItem, 25 at a time, unprocessed items retried);
 * Update also deletes the items that an earlier deploy wrote and the new list no longer has. Items a
 * student added are never touched. Delete does nothing: the table goes with the stack.
 *
 * It speaks the CloudFormation custom resource protocol directly (a PUT of the result to the pre-signed
 * `ResponseURL`), like `lambda/expiry`, so it needs no framework function of its own.
 */
import { BatchWriteItemCommand, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { putResponse } from '../shared/cloudformation-response';

/** One seeded question; `Topic` and `Question` are the table's key. */
export interface FaqItem {
  readonly Topic: string;
  readonly Question: string;
  readonly Answer: string;
}

/** The fields of a CloudFormation custom resource event that this handler reads. */
export interface SeedEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly TableName?: unknown; readonly Items?: unknown };
  readonly OldResourceProperties?: { readonly TableName?: unknown; readonly Items?: unknown };
}

/** BatchWriteItem's limit per call. */
export const BATCH_SIZE = 25;
/** Calls per batch before unprocessed items count as a failure (DynamoDB throttling an on-demand table briefly). */
export const MAX_BATCH_ATTEMPTS = 6;

export interface SeedDeps {
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  /** PUTs the response to CloudFormation. */
  readonly put: (url: string, body: string) => Promise<void>;
  /** Waits between retries. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The `Items` property, checked: a list of objects with a text Topic, Question and Answer. */
export function parseItems(raw: unknown): FaqItem[] {
  if (!Array.isArray(raw)) throw new Error(`Items must be a list of {Topic, Question, Answer}, got ${typeof raw}`);
  return raw.map((item, i) => {
    for (const key of ['Topic', 'Question', 'Answer']) {
      if (typeof item?.[key] !== 'string' || item[key] === '') throw new Error(`Items[${i}].${key} must be a non-empty string`);
    }
    return { Topic: item.Topic, Question: item.Question, Answer: item.Answer };
  });
}

const keyOf = (item: Pick<FaqItem, 'Topic' | 'Question'>) => JSON.stringify([item.Topic, item.Question]);

/** The writes that bring the table from the `old` seed to `items`: puts for all, deletes for the dropped. */
export function seedRequests(items: FaqItem[], old: FaqItem[] = []): WriteRequest[] {
  const kept = new Set(items.map(keyOf));
  const puts = items.map((i) => ({
    PutRequest: { Item: { Topic: { S: i.Topic }, Question: { S: i.Question }, Answer: { S: i.Answer } } },
  }));
  const deletes = old
    .filter((i) => !kept.has(keyOf(i)))
    .map((i) => ({ DeleteRequest: { Key: { Topic: { S: i.Topic }, Question: { S: i.Question } } } }));
  return [...puts, ...deletes];
}

/** Writes every request, 25 per call, retrying what DynamoDB leaves unprocessed. */
export async function writeAll(deps: SeedDeps, tableName: string, requests: WriteRequest[]): Promise<void> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let start = 0; start < requests.length; start += BATCH_SIZE) {
    let pending = requests.slice(start, start + BATCH_SIZE);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_BATCH_ATTEMPTS) throw new Error(`${pending.length} FAQ items still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`);
      if (attempt > 1) await sleep(100 * 2 ** attempt);
      const out = await deps.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = out.UnprocessedItems?.[tableName] ?? [];
    }
  }
}

export function makeHandler(deps: SeedDeps) {
  return async (event: SeedEvent): Promise<void> => {
    const tableName = String(event.ResourceProperties.TableName ?? '');
    const base = {
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      PhysicalResourceId: event.PhysicalResourceId ?? `faq-seed-${tableName}`,
    };
    let response: Record<string, unknown>;
    try {
      if (event.RequestType !== 'Delete') {
        if (!tableName) throw new Error('TableName is missing');
        const items = parseItems(event.ResourceProperties.Items);
        // Only items this resource wrote into this same table are candidates for deletion.
        const sameTable = event.RequestType === 'Update' && event.OldResourceProperties?.TableName === tableName;
        const old = sameTable ? parseItems(event.OldResourceProperties?.Items ?? []) : [];
        const requests = seedRequests(items, old);
        await writeAll(deps, tableName, requests);
        console.log(JSON.stringify({ message: 'FAQ seeded', tableName, written: items.length, deleted: requests.length - items.length }));
      }
      response = { ...base, Status: 'SUCCESS' };
    } catch (err) {
      // A FAILED response rolls the deploy back with this reason instead of waiting an hour for an answer.
      response = { ...base, Status: 'FAILED', Reason: err instanceof Error ? err.message : String(err) };
    }
    console.log(JSON.stringify({ requestType: event.RequestType, status: response.Status, reason: response.Reason }));
    await deps.put(event.ResponseURL, JSON.stringify(response));
  };
}

let deployed: ReturnType<typeof makeHandler> | undefined;

export async function handler(event: SeedEvent): Promise<void> {
  deployed ??= makeHandler({ dynamodb: new DynamoDBClient({}), put: putResponse });
  return deployed(event);
}
