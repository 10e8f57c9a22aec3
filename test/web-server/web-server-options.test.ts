/**
 * WebServerLabStack with every option that changes its template: HTTPS, SSH from one address, an x86 type,
 * and a stackSuffix (which the comparison command carries to the static-site stack). One synth for the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { estimateStack } from '../../lib/cli/cost/estimate';
import { formatUsdPerHour } from '../../lib/cli/pricing';
import { normalizedTemplate } from '../helpers/synth';
import { synthWebServer } from './helpers';

const lab = synthWebServer({
  webServerHttps: 'true',
  webServerSshCidr: '203.0.113.7/32',
  webServerInstanceType: 't3.micro',
  stackSuffix: 'alice',
});
const [serverId, server] = lab.only('AWS::EC2::Instance');
const outputs = (lab.json as any).Outputs as Record<string, { Value: unknown }>;
const text = (key: string) => lab.render(outputs[key].Value);

test('matches the snapshot (asset hashes normalised)', () => {
  expect(normalizedTemplate(lab.json)).toMatchSnapshot();
});

test('opens HTTPS to anyone and SSH to the webServerSshCidr range only', () => {
  expect(lab.ingress()).toEqual(['tcp 22-22 from 203.0.113.7/32', 'tcp 443-443 from 0.0.0.0/0', 'tcp 80-80 from 0.0.0.0/0']);
});

test('an x86 type runs the x86_64 image', () => {
  expect(server.Properties.InstanceType).toBe('t3.micro');
  expect((lab.json as any).Parameters[server.Properties.ImageId.Ref].Default).toBe(
    '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
  );
});

test('the bootstrap serves HTTPS too', () => {
  expect(lab.userData()).toContain("HTTPS='true'");
  expect(lab.userData()).toContain("TLS_PACKAGES='mod_ssl'");
});

test('outputs: the HTTPS URL, the SSH command, and a comparison with the static site of the same suffix', () => {
  expect(text('HttpsSiteUrl')).toBe(`https://⟨${serverId}.PublicDnsName⟩/`);
  expect(text('ServerSsh')).toBe(
    `aws ec2-instance-connect ssh --instance-id ⟨Ref ${serverId}⟩ --os-user ec2-user --connection-type direct --region ⟨Ref AWS::Region⟩`,
  );
  expect(text('CompareCommand')).toBe('npx labs compare --stacks StaticSiteLabStack-alice WebServerLabStack-alice --region ⟨Ref AWS::Region⟩');
  expect(text('DestroyCommand')).toContain('-c webServerHttps=true -c webServerSshCidr=203.0.113.7/32 -c webServerInstanceType=t3.micro');
});

test('cost: t3.micro $0.0104/h instead of t4g.micro; HTTPS and SSH cost nothing more', () => {
  expect(estimateStack('WebServerLabStack-alice', lab.json as never).usdPerHour).toBeCloseTo(0.0104 + 0.005 + (8 * 0.08) / 730, 6);
});

test("the guide's t3.micro figure is what labs cost prints for it", () => {
  const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'web-server', 'README.md'), 'utf8');
  const figure = formatUsdPerHour(estimateStack('WebServerLabStack-alice', lab.json as never).usdPerHour);
  expect(guide).toContain(`\`-c webServerInstanceType=t3.micro\` costs ${figure}.`);
});

test('the guide names only outputs the stack has (with every option, so every output exists)', () => {
  const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'web-server', 'README.md'), 'utf8');
  const read = [...guide.matchAll(/\$\(out (\w+)/g)].map((m) => m[1]);
  const quoted = [...guide.matchAll(/`([A-Z][A-Za-z]+)` output/g)].map((m) => m[1]);
  expect(read).toEqual(expect.arrayContaining(['SiteUrl', 'PhpPageUrl', 'ServerSession', 'HttpsSiteUrl']));
  expect(quoted).toEqual(expect.arrayContaining(['ServerSsh', 'CompareCommand', 'DestroyCommand']));
  expect([...read, ...quoted].filter((name) => !(name in outputs))).toEqual([]);
});
