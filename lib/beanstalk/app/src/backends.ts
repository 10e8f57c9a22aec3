/**
 * Where a sign-up goes: the DynamoDB table (a conditional put, so an address signs up once) and the SNS
 * topic (one message per sign-up, which the topic emails to its subscribers). Both clients come from the
 * AWS SDK v3, bundled into the app by esbuild at synth (the Beanstalk platform installs nothing).
 */
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Signup } from './signup';

/** The table's partition key (the stack defines the table with the same name). */
export const SIGNUP_TABLE_KEY = 'email';

/** Stores sign-ups; `false` when the address has signed up before. */
export interface SignupStore {
  add(signup: Signup, at: Date): Promise<boolean>;
}

/** Tells the world about a sign-up. */
export interface SignupNotifier {
  notify(signup: Signup, at: Date): Promise<void>;
}

export class DynamoSignupStore implements SignupStore {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  public async add(signup: Signup, at: Date): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [SIGNUP_TABLE_KEY]: { S: signup.email },
            name: { S: signup.name },
            previewAccess: { BOOL: signup.previewAccess },
            signedUpAt: { S: at.toISOString() },
          },
          // The put fails, rather than overwrite, when an item with this key exists.
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': SIGNUP_TABLE_KEY },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as { name?: string })?.name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }
}

export class SnsSignupNotifier implements SignupNotifier {
  constructor(private readonly client: SNSClient, private readonly topicArn: string) {}

  public async notify(signup: Signup, at: Date): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // SNS subjects are at most 100 characters, with no line breaks (parseSignup refuses control characters).
        Subject: `New sign-up: ${signup.email}`.slice(0, 100),
        Message: [
          `${signup.name} <${signup.email}> signed up at ${at.toISOString()}.`,
          `Preview access: ${signup.previewAccess ? 'yes' : 'no'}.`,
          '',
          'Sent by the course lab BeanstalkLabStack (course-labs).',
        ].join('\n'),
      }),
    );
  }
}
