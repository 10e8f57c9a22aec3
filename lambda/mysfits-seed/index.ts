/**
 * Custom resource that fills the Mythical Mysfits lab's table at deploy time with the workshop's mysfits
 * (`lib/mythical-mysfits/data/mysfits.json`), so the site lists them from the first request (the workshop's
 * module 3 did this by hand with `aws dynamodb batch-write-item`).
 *
 * Create and Update write each mysfit with one UpdateItem: the descriptive attributes are set, while
 * `Likes` and `Adopted` are set only where missing (`if_not_exists`), so a redeploy keeps the students'
 * likes and adoptions. Delete does nothing: the table goes with the stack.
 *
 * The mysfits travel as one JSON string (`Mysfits`): CloudFormation passes every custom resource property
 * as a string, so numbers and booleans inside would not survive as such.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes.html
 *
 * It speaks the custom resource protocol directly (a PUT of the result to the pre-signed `ResponseURL`),
 * like `lambda/faq-seed`.
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { putResponse } from '../shared/cloudformation-response';

/** One mysfit as the repository holds it. */
export interface SeedMysfit {
  readonly MysfitId: string;
  readonly Name: string;
  readonly Species: string;
  readonly Description: string;
  readonly Age: number;
  readonly GoodEvil: string;
  readonly LawChaos: string;
  readonly ThumbImageUri: string;
  readonly ProfileImageUri: string;
}

export interface SeedEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly TableName?: unknown; readonly Mysfits?: unknown };
}

export interface SeedDeps {
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  readonly put: (url: string, body: string) => Promise<void>;
}

const TEXT_FIELDS = ['MysfitId', 'Name', 'Species', 'Description', 'GoodEvil', 'LawChaos', 'ThumbImageUri', 'ProfileImageUri'] as const;

/** The `Mysfits` property, checked: a JSON list of mysfits with every field. */
export function parseMysfits(raw: unknown): SeedMysfit[] {
  if (typeof raw !== 'string') throw new Error(`Mysfits must be a JSON string, got ${typeof raw}`);
  const list: unknown = JSON.parse(raw);
  if (!Array.isArray(list) || list.length === 0) throw new Error('Mysfits must be a non-empty JSON list');
  return list.map((m, i) => {
    for (const key of TEXT_FIELDS) {
      if (typeof m?.[key] !== 'string' || m[key] === '') throw new Error(`Mysfits[${i}].${key} must be a non-empty string`);
    }
    if (!Number.isInteger(m.Age) || m.Age < 0) throw new Error(`Mysfits[${i}].Age must be a whole number, got ${JSON.stringify(m.Age)}`);
    return m as SeedMysfit;
  });
}

/** The UpdateItem that writes one mysfit without touching its likes or adoption. */
export function seedCommand(tableName: string, m: SeedMysfit): UpdateItemCommand {
  const names: Record<string, string> = {};
  const values: Record<string, { S: string } | { N: string } | { BOOL: boolean }> = {
    ':zero': { N: '0' },
    ':no': { BOOL: false },
    ':Age': { N: String(m.Age) },
  };
  const sets = ['#Age = :Age', 'Likes = if_not_exists(Likes, :zero)', 'Adopted = if_not_exists(Adopted, :no)'];
  names['#Age'] = 'Age';
  for (const key of TEXT_FIELDS.filter((k) => k !== 'MysfitId')) {
    names[`#${key}`] = key;
    values[`:${key}`] = { S: m[key] };
    sets.push(`#${key} = :${key}`);
  }
  return new UpdateItemCommand({
    TableName: tableName,
    Key: { MysfitId: { S: m.MysfitId } },
    UpdateExpression: `SET ${sets.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

export function makeHandler(deps: SeedDeps) {
  return async (event: SeedEvent): Promise<void> => {
    const tableName = String(event.ResourceProperties.TableName ?? '');
    const base = {
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      PhysicalResourceId: event.PhysicalResourceId ?? `mysfits-seed-${tableName}`,
    };
    let response: Record<string, unknown>;
    try {
      if (event.RequestType !== 'Delete') {
        if (!tableName) throw new Error('TableName is missing');
        const mysfits = parseMysfits(event.ResourceProperties.Mysfits);
        for (const m of mysfits) await deps.dynamodb.send(seedCommand(tableName, m));
        console.log(JSON.stringify({ message: 'mysfits seeded', tableName, written: mysfits.length }));
      }
      response = { ...base, Status: 'SUCCESS' };
    } catch (err) {
      // A FAILED response rolls the deploy back with this reason instead of waiting for a timeout.
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
