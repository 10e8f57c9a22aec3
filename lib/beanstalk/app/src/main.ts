/**
 * The process Elastic Beanstalk runs (`web: node app.js` in the bundle's Procfile): reads its settings
 * from the environment the stack sets (aws:elasticbeanstalk:application:environment), then listens on
 * `PORT`, where the platform's nginx proxies to (8080 unless the platform says otherwise).
 */
import * as os from 'os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoSignupStore, SnsSignupNotifier } from './backends';
import { createSignupServer } from './server';

/** The environment variables the app needs, and what each is. */
export const REQUIRED_ENV = {
  SIGNUP_TABLE: 'the DynamoDB table that holds the sign-ups',
  SIGNUP_TOPIC_ARN: 'the SNS topic each sign-up is published to',
  AWS_REGION: 'the region of the table and the topic',
} as const;

export function start(env: NodeJS.ProcessEnv = process.env): void {
  const missing = Object.entries(REQUIRED_ENV).filter(([key]) => !env[key]);
  if (missing.length > 0) {
    process.stderr.write(`signup app: missing environment ${missing.map(([k, what]) => `${k} (${what})`).join(', ')}; not starting.\n`);
    process.exit(1);
  }
  const port = Number(env.PORT || 8080);
  const server = createSignupServer({
    store: new DynamoSignupStore(new DynamoDBClient({}), env.SIGNUP_TABLE!),
    notifier: new SnsSignupNotifier(new SNSClient({}), env.SIGNUP_TOPIC_ARN!),
    servedBy: os.hostname(),
  });
  server.listen(port, () => {
    const address = server.address();
    process.stdout.write(`signup app listening on ${typeof address === 'object' && address ? address.port : port}\n`);
  });
  // Beanstalk stops the process with SIGTERM on a deployment: finish open requests, then exit.
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

start();
