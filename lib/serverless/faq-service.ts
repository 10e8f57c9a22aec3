import * as path from 'path';
import { CustomResource, Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LabFunction } from '../shared/lab-function';
import { FaqSeedItem } from './faq';
import { LabTable } from './lab-table';
import { FAQ_TABLE_KEY } from './table-keys';

/** Properties of a `FaqService`. */
export interface FaqServiceProps {
  /** The questions written into the table at deploy time; at least one. */
  readonly items: readonly FaqSeedItem[];
  /** The site's origin, the only origin whose pages may read the answers. */
  readonly allowedOrigin: string;
}

const LAMBDA_DIR = path.join(__dirname, '..', '..', 'lambda');

/** How long CloudFormation waits for the FAQ seeder to answer (the expiry's custom resource waits as long). */
export const FAQ_SEED_SERVICE_TIMEOUT = Duration.minutes(5);

/**
 * The course's FAQ micro-service: the `Faq` table (partition key `Topic`, sort key `Question`), seeded at
 * deploy time by a custom resource (`lambda/faq-seed`), and the function behind `GET /faq`
 * (`lambda/faq`) that answers a random question.
 *
 * The function may only read the table (Scan for any question, Query for one topic); the seeder may only
 * write and delete items in it.
 */
export class FaqService extends Construct {
  public readonly table: dynamodb.Table;
  public readonly function: lambda.Function;
  public readonly answer: LabFunction;

  constructor(scope: Construct, id: string, props: FaqServiceProps) {
    super(scope, id);
    if (props.items.length === 0) throw new Error(`${this.node.path}: items must hold at least one question`);
    const keys = props.items.map((i) => `${i.Topic}/${i.Question}`);
    const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
    if (duplicate) throw new Error(`${this.node.path}: question "${duplicate}" appears twice; Topic and Question are the table's key`);

    this.table = new LabTable(this, 'Faq', {
      key: FAQ_TABLE_KEY,
      logicalId: 'Faq',
    }).table;

    const seeder = new LabFunction(this, 'Seed', {
      entry: path.join(LAMBDA_DIR, 'faq-seed', 'index.ts'),
      description: 'Writes the FAQ questions into the FAQ table at deploy time.',
    });
    this.table.grant(seeder.role, 'dynamodb:BatchWriteItem');
    const seed = new CustomResource(this, 'SeedResource', {
      serviceToken: seeder.function.functionArn,
      resourceType: 'Custom::FaqSeed',
      properties: { TableName: this.table.tableName, Items: props.items },
      // CloudFormation waits at most this long for the seeder's answer instead of its default hour, so a
      // broken seeder fails the deploy (or a cdk destroy) quickly, as the expiry's custom resource does.
      serviceTimeout: FAQ_SEED_SERVICE_TIMEOUT,
    });
    // The grant must exist before the seeder runs (and outlive it on delete).
    seed.node.addDependency(seeder.role);

    this.answer = new LabFunction(this, 'Answer', {
      entry: path.join(LAMBDA_DIR, 'faq', 'index.ts'),
      description: 'The FAQ micro-service: answers GET /faq with a random question and answer from the FAQ table.',
      environment: { FAQ_TABLE_NAME: this.table.tableName, ALLOWED_ORIGIN: props.allowedOrigin },
    });
    this.function = this.answer.function;
    this.table.grant(this.answer.role, 'dynamodb:Scan', 'dynamodb:Query');
  }
}
