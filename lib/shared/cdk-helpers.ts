import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';

/**
 * cdk-nag acknowledgments for CDK's own helper constructs, written once so that every lab that uses a
 * helper gives the same reviewed reasons. Each is scoped to the helper's own role or function, never to a
 * lab's stack.
 */

/**
 * Acknowledges what cdk-nag finds in the function and role that `BucketDeployment` creates to copy a
 * lab's files into `destination`.
 */
export function acknowledgeBucketDeployment(deployment: s3deploy.BucketDeployment, destination: s3.IBucket): void {
  const role = deployment.handlerRole;
  const helperFunction = role.node.scope!; // the singleton function that owns the role
  const bucketArn = `<${Stack.of(destination).getLogicalId(destination.node.defaultChild as CfnResource)}.Arn>`;
  const asset = 'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*';

  Validations.of(role).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's BucketDeployment helper role. cdk-nag reads the role construct's list, which names AWSLambdaBasicExecutionRole (logs on every log group); the template does not carry it: the stack's OwnedLogGroups aspect (lib/shared/removal.ts) removes it and lets the role write only the helper's own log group.",
    },
    ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `CDK's BucketDeployment grant (${action}) to read the staged site from the CDK asset bucket and write it to the lab bucket; limited to those two buckets.`,
    })),
    {
      id: `AwsSolutions-IAM5[Resource::${asset}]`,
      reason: 'Objects of the CDK bootstrap asset bucket: the helper reads the zipped site from there.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/*]`,
      reason: "Objects of this lab's own bucket: the helper writes the site's files there.",
    },
  );
  Validations.of(helperFunction).acknowledge({
    id: 'AwsSolutions-L1',
    reason: "BucketDeployment's runtime (Python with the AWS CLI layer) is chosen by aws-cdk-lib and moves with it.",
  });
}

/**
 * Acknowledges what cdk-nag finds in the helper function that aws-cdk-lib adds, once per stack, to put a
 * bucket's event notification configuration (`bucket.addEventNotification`). Its permissions are already
 * narrow (s3:PutBucketNotification on each bucket that has notifications); only its managed logging policy
 * is found. Call it after adding the first notification.
 */
export function acknowledgeBucketNotificationsHandler(scope: IConstruct): void {
  const stack = Stack.of(scope);
  const handler = stack.node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
  if (!handler) {
    throw new Error(`${scope.node.path}: no ${BUCKET_NOTIFICATIONS_HANDLER_ID} in ${stack.node.path}; add a notification first, or aws-cdk-lib renamed its helper`);
  }
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      "aws-cdk-lib's bucket notifications helper role. cdk-nag reads the role construct's list, which names AWSLambdaBasicExecutionRole (logs on every log group); the template does not carry it: the stack's OwnedLogGroups aspect (lib/shared/removal.ts) removes it and lets the role write only the helper's own log group.",
  });
}

/** The construct id aws-cdk-lib gives its bucket notifications helper (a singleton per stack). */
const BUCKET_NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/**
 * A value as cdk-nag writes it in the id of a finding, so that an acknowledgment can name exactly one
 * resource even when the value holds deploy-time tokens: `Ref`s become `<AWS::Region>` or
 * `<LogicalId>`, `Fn::GetAtt`s `<LogicalId.Attribute>`, joined as `Fn::Join` joins them.
 * (`Stack.resolve` gives the CloudFormation form; this is cdk-nag's rendering of it.)
 */
export function nagValue(scope: IConstruct, value: string): string {
  const render = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const o = v as Record<string, any>;
    if (o?.Ref) return `<${o.Ref}>`;
    if (o?.['Fn::GetAtt']) return `<${o['Fn::GetAtt'].join('.')}>`;
    if (o?.['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(render).join(o['Fn::Join'][0]);
    throw new Error(`nagValue: cannot render ${JSON.stringify(v)}`);
  };
  return render(Stack.of(scope).resolve(value));
}
