import * as path from 'path';
import { CustomResource, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LabFunction } from '../shared/lab-function';
import { markAsPlumbing } from '../shared/plumbing';

/**
 * Bump to make the next deploy pick the newest platform again (the custom resource runs only when its
 * properties change; the lab guide, "Platform", says when to).
 */
export const PLATFORM_REVISION = 1;

/**
 * The Elastic Beanstalk platform of the lab's environment, chosen at deploy time: the newest
 * "64bit Amazon Linux 2023 vX.Y.Z running Node.js N" solution stack the region lists
 * (`lambda/beanstalk-platform`, which cites why and how).
 */
export class NodePlatform extends Construct {
  /** The solution stack name, e.g. `64bit Amazon Linux 2023 v6.6.4 running Node.js 22` (a deploy-time token). */
  public readonly solutionStackName: string;
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const resolver = new LabFunction(this, 'Resolver', {
      entry: path.join(__dirname, '..', '..', 'lambda', 'beanstalk-platform', 'index.ts'),
      description: 'Picks the newest Node.js on Amazon Linux 2023 platform Elastic Beanstalk offers, for the course lab environment.',
      timeout: Duration.seconds(60),
    });
    // ListAvailableSolutionStacks takes no resource: the service authorization reference lists no
    // resource type for it (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticbeanstalk.html).
    resolver.role.addToPolicy(new iam.PolicyStatement({ actions: ['elasticbeanstalk:ListAvailableSolutionStacks'], resources: ['*'] }));
    Validations.of(resolver.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'elasticbeanstalk:ListAvailableSolutionStacks (read-only, the only action granted) supports no resource-level permission.',
    });
    this.resource = new CustomResource(this, 'Platform', {
      serviceToken: resolver.function.functionArn,
      resourceType: 'Custom::BeanstalkNodePlatform',
      properties: { Platform: 'Node.js on Amazon Linux 2023', Revision: PLATFORM_REVISION },
      serviceTimeout: Duration.minutes(2),
    });
    markAsPlumbing(this.resource, 'Chooses the newest Node.js on Amazon Linux 2023 platform at deploy time.');
    this.solutionStackName = this.resource.getAttString('SolutionStackName');
  }
}
