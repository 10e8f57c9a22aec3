/**
 * The questions the stack writes into the FAQ table at deploy time (`lambda/faq-seed`). Edit them and
 * redeploy: new ones are added, changed answers overwritten, removed ones deleted. Questions a student
 * added with the CLI are left alone.
 *
 * `Topic` is the table's partition key and `Question` its sort key, so the DynamoDB exercise can query one
 * topic (`GET /faq?topic=unicorns` does the same Query).
 */
export interface FaqSeedItem {
  readonly Topic: string;
  readonly Question: string;
  readonly Answer: string;
}

export const FAQ_ITEMS: readonly FaqSeedItem[] = [
  {
    Topic: 'unicorns',
    Question: 'Which unicorns are in the fleet?',
    Answer: 'Bucephalus (golden), Shadowfax (white) and Rocinante (yellow). The ride function picks one at random.',
  },
  {
    Topic: 'unicorns',
    Question: 'Can I choose my unicorn?',
    Answer: 'Not yet: the first unicorn free answers. Change FLEET in lambda/request-unicorn and redeploy to grow the fleet.',
  },
  {
    Topic: 'unicorns',
    Question: 'How fast do unicorns arrive?',
    Answer: 'Every ride quotes an ETA of 30 seconds. Unicorns are punctual.',
  },
  {
    Topic: 'rides',
    Question: 'Where is my ride stored?',
    Answer: 'In the Rides table, one item per ride, keyed by RideId. The lab guide shows how to read it with the AWS CLI.',
  },
  {
    Topic: 'rides',
    Question: 'Why do I need to sign in to request a ride?',
    Answer: 'POST /ride has a Cognito authorizer: API Gateway checks your ID token and passes your username to the function.',
  },
  {
    Topic: 'rides',
    Question: 'Can two requests overwrite each other?',
    Answer: 'No. Each ride gets a random id and is written only if that id is unused (a conditional put).',
  },
  {
    Topic: 'account',
    Question: 'Why must I verify my email?',
    Answer: 'The user pool confirms that an address is yours before it lets you sign in: Cognito emails a code.',
  },
  {
    Topic: 'account',
    Question: 'What happens to my account when the lab ends?',
    Answer: 'cdk destroy deletes the user pool with every account in it, and the tables with every ride.',
  },
  {
    Topic: 'serverless',
    Question: 'What does this FAQ cost while nobody asks?',
    Answer: 'Nothing: Lambda, API Gateway and on-demand DynamoDB bill per request, not per hour.',
  },
  {
    Topic: 'serverless',
    Question: 'Where do the logs go?',
    Answer:
      'Each function writes to its own CloudWatch log group; with serverlessAccessLogs=true, API Gateway also writes one access log line per request. The stack owns and deletes them all.',
  },
];
