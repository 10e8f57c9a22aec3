import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { publicLabVpc } from '../../lib/shared/public-lab-vpc';

const REASON = 'A lab VPC that lives a few hours: the exercise watches something else.';

function synth(maxAzs?: number) {
  const app = new App();
  const stack = new Stack(app, 'VpcTest');
  publicLabVpc(stack, 'Vpc', { cidr: '10.60.0.0/16', maxAzs, noFlowLogsReason: REASON });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  return { template: Template.fromStack(stack), messages: assembly.getStackByName('VpcTest').messages };
}

test('public subnets only, one per zone, no NAT gateway, no default-security-group custom resource', () => {
  const { template } = synth();
  template.resourceCountIs('AWS::EC2::NatGateway', 0);
  template.resourceCountIs('AWS::EC2::EIP', 0);
  template.resourceCountIs('AWS::Lambda::Function', 0);
  template.resourceCountIs('AWS::EC2::Subnet', 2);
  template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true });
  template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.60.0.0/16' });
  // An environment-agnostic stack sees two zones, so fewer is what maxAzs can change here.
  synth(1).template.resourceCountIs('AWS::EC2::Subnet', 1);
});

test("cdk-nag's AwsSolutions checks find nothing: VPC7 (no flow logs) is acknowledged with the lab's own reason", () => {
  // Synthesis throws on any finding cdk-nag reports that is not acknowledged.
  expect(() => synth()).not.toThrow();
  const app = new App();
  const vpc = publicLabVpc(new Stack(app, 'VpcTest'), 'Vpc', { cidr: '10.60.0.0/16', noFlowLogsReason: REASON });
  expect(JSON.stringify(vpc.node.metadata)).toContain(REASON);
});

test('refuses an empty reason', () => {
  const stack = new Stack(new App(), 'VpcTest');
  expect(() => publicLabVpc(stack, 'Vpc', { cidr: '10.60.0.0/16', noFlowLogsReason: ' ' })).toThrow(
    'VpcTest/Vpc: noFlowLogsReason must say why the lab keeps no flow logs',
  );
});
