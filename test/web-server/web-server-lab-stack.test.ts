/** WebServerLabStack at its defaults (webServerSetup=lamp, no HTTPS, no SSH, t4g.micro): one synth for the file. */
import * as fs from 'fs';
import * as path from 'path';
import { estimateStack } from '../../lib/cli/cost/estimate';
import { formatUsdPerHour } from '../../lib/cli/pricing';
import { USER_DATA_LIMIT_BYTES } from '../../lib/shared/user-data-script';
import { SESSION_MANAGER_AGENT_ACTIONS } from '../../lib/shared/session-manager';
import { LAMP_PACKAGES, PHP_PAGE, WEB_SERVER_TIMEOUTS } from '../../lib/web-server/web-server-config';
import { normalizedTemplate } from '../helpers/synth';
import { synthWebServer } from './helpers';

const lab = synthWebServer();
const [serverId, server] = lab.only('AWS::EC2::Instance');

test('matches the snapshot (asset hashes normalised)', () => {
  expect(normalizedTemplate(lab.json)).toMatchSnapshot();
});

describe('security group', () => {
  test('opens HTTP to anyone and nothing else: no SSH, no HTTPS without their settings', () => {
    expect(lab.ingress()).toEqual(['tcp 80-80 from 0.0.0.0/0']);
  });

  test('the server is in it, in the public subnet, with a public address', () => {
    const [groupId] = lab.only('AWS::EC2::SecurityGroup');
    expect(server.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [groupId, 'GroupId'] }]);
    const [subnetId, subnet] = lab.only('AWS::EC2::Subnet');
    expect(server.Properties.SubnetId).toEqual({ Ref: subnetId });
    expect(subnet.Properties.MapPublicIpOnLaunch).toBe(true);
    expect(Object.keys(lab.of('AWS::EC2::NatGateway'))).toEqual([]);
  });
});

describe('instance', () => {
  test('t4g.micro on the current Amazon Linux 2023 arm64 image, resolved from the public SSM parameter at deploy time', () => {
    expect(server.Properties.InstanceType).toBe('t4g.micro');
    const parameter = (lab.json as any).Parameters[server.Properties.ImageId.Ref];
    expect(parameter).toMatchObject({
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
    });
  });

  test('requires IMDSv2 with a hop limit of 1, and has one encrypted 8 GiB gp3 root volume deleted with it', () => {
    expect(server.Properties.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(server.Properties.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 8, DeleteOnTermination: true } },
    ]);
  });

  test('boots only once its subnet routes to the internet (its bootstrap downloads at once)', () => {
    const [routeId] = lab.only('AWS::EC2::Route');
    expect(server.DependsOn).toEqual(expect.arrayContaining([routeId]));
  });

  test('user data: the LAMP bootstrap with every placeholder rendered, under EC2 16 KB limit', () => {
    const script = lab.userData();
    expect(script).not.toMatch(/__[A-Z][A-Z0-9_]*__/);
    expect(Buffer.byteLength(script)).toBeLessThan(USER_DATA_LIMIT_BYTES);
    expect(script).toContain("SETUP='lamp'");
    expect(script).toContain("HTTPS='false'");
    expect(script).toContain("LAMP_PACKAGES='httpd php php-fpm php-mysqli mariadb105-server'");
  });

  test('no resource is retained on delete', () => {
    for (const [id, r] of Object.entries(lab.json.Resources)) {
      expect({ id, policy: r.DeletionPolicy ?? 'Delete' }).toEqual({ id, policy: 'Delete' });
    }
  });
});

describe('the deploy returns when the server answers', () => {
  const [waitId, wait] = lab.only('AWS::CloudFormation::WaitCondition');
  const [handleId] = lab.only('AWS::CloudFormation::WaitConditionHandle');

  test("waits for one signal through the handle whose URL is in the server's user data", () => {
    expect(wait.Properties).toEqual({ Handle: { Ref: handleId }, Count: 1, Timeout: String(WEB_SERVER_TIMEOUTS.readySeconds) });
    expect(lab.userData()).toContain(`READY_SIGNAL_URL='⟨Ref ${handleId}⟩'`);
  });

  test('starts its timeout once the server exists', () => {
    expect(wait.DependsOn).toEqual(expect.arrayContaining([serverId]));
    expect(waitId).toMatch(/^ServerReadyWaitCondition[0-9a-f]{8}/);
  });
});

describe('IAM', () => {
  test('the server role: EC2 may assume it, no managed policy (no AmazonSSMManagedInstanceCore)', () => {
    const roles = Object.entries(lab.of('AWS::IAM::Role')).filter(([, r]: [string, any]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('ec2.amazonaws.com'),
    );
    expect(roles).toHaveLength(1);
    const [, serverRole] = roles[0] as [string, any];
    expect(serverRole.Properties.ManagedPolicyArns).toBeUndefined();
    expect(serverRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' } },
    ]);
  });

  test('Session Manager through a narrow inline policy of the role, and read access to the two lab-file objects only', () => {
    const serverRoleId = Object.entries(lab.of('AWS::IAM::Role')).find(([, r]: [string, any]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('ec2.amazonaws.com'),
    )![0];
    const inline = (lab.json.Resources[serverRoleId].Properties!.Policies as any[]) ?? [];
    expect(inline.map((p) => p.PolicyName)).toEqual(['SsmAgent']);
    expect(inline[0].PolicyDocument.Statement).toEqual([{ Sid: 'SessionManager', Effect: 'Allow', Action: [...SESSION_MANAGER_AGENT_ACTIONS], Resource: '*' }]);
    const attached = Object.values(lab.of('AWS::IAM::Policy')).filter((p: any) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: serverRoleId }]));
    const statements = attached.flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    const read = statements.find((s: any) => s.Sid === 'ReadTheLabFiles');
    expect(read.Action).toBe('s3:GetObject');
    expect(read.Resource).toHaveLength(2);
    for (const object of read.Resource) expect(lab.render(object)).toMatch(/^arn:⟨Ref AWS::Partition⟩:s3:::⟨Sub cdk-[a-z0-9]+-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}⟩\/[0-9a-f]{64}\.zip$/);
  });
});

describe('outputs', () => {
  const outputs = (lab.json as any).Outputs as Record<string, { Value: unknown }>;
  const text = (key: string) => lab.render(outputs[key].Value);

  test("the site, the PHP page and the Session Manager command, on the server's public name", () => {
    expect(text('SiteUrl')).toBe(`http://⟨${serverId}.PublicDnsName⟩/`);
    expect(text('PhpPageUrl')).toBe(`http://⟨${serverId}.PublicDnsName⟩/${PHP_PAGE}`);
    expect(text('ServerSession')).toBe(`aws ssm start-session --target ⟨Ref ${serverId}⟩ --region ⟨Ref AWS::Region⟩`);
    expect(text('WebServerSetup')).toBe('lamp');
  });

  test('the comparison command, filled in with both stacks', () => {
    expect(text('CompareCommand')).toBe('npx labs compare --stacks StaticSiteLabStack WebServerLabStack --region ⟨Ref AWS::Region⟩');
  });

  test('no SSH or HTTPS output without their settings', () => {
    expect(outputs.ServerSsh).toBeUndefined();
    expect(outputs.HttpsSiteUrl).toBeUndefined();
  });
});

describe('cost', () => {
  // Hand calculation, us-east-1 on-demand, a month as 730 h: t4g.micro $0.0084/h; its public IPv4 address
  // $0.005/h; 8 GiB of gp3 at $0.08/GB-month.
  test("defaults: $0.0143/h, everything priced, within the issue's $0.015/h target", () => {
    const e = estimateStack('WebServerLabStack', lab.json as never);
    expect(e.unpriced).toBe(0);
    expect(e.usdPerHour).toBeCloseTo(0.0084 + 0.005 + (8 * 0.08) / 730, 6);
    expect(formatUsdPerHour(e.usdPerHour)).toBe('$0.0143/h');
    expect(e.usdPerHour).toBeLessThanOrEqual(0.015);
  });

  test("the README's lab row and the guide's cost section show the figure labs cost prints", () => {
    const figure = formatUsdPerHour(estimateStack('WebServerLabStack', lab.json as never).usdPerHour);
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| `WebServerLabStack` |'))!;
    expect(row.split(' | ')[3].slice(0, figure.length)).toBe(figure);
    const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'web-server', 'README.md'), 'utf8');
    const perHour = figure.replace('/h', ' per hour');
    expect(guide).toContain(`\n${perHour} at defaults (\`npx labs cost WebServerLabStack\`)`);
    expect(guide).toContain(`the\nserver costs ${perHour} whether or not anyone visits`);
  });
});

describe('guide', () => {
  const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'web-server', 'README.md'), 'utf8');

  test('the install command a bare student runs is the one the bootstrap runs', () => {
    expect(guide).toContain(`sudo dnf install -y ${LAMP_PACKAGES.join(' ')}\n`);
  });
});
