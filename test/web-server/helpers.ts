import { SynthesizedLab, synthLab } from '../helpers/synth';

export interface SynthesizedWebServer extends SynthesizedLab {
  /** Resources of one type, by logical id. */
  of(type: string): Record<string, any>;
  /** The one resource of `type`: its logical id and body. */
  only(type: string): [string, any];
  /** A template value as text, each deploy-time value shown as ⟨Ref X⟩, ⟨X.Attr⟩ or ⟨Sub ...⟩. */
  render(value: unknown): string;
  /** The server's user data as text, rendered as `render` does. */
  userData(): string;
  /** Every ingress rule of the server's security group, as "tcp 80 from 0.0.0.0/0". */
  ingress(): string[];
}

/** Synthesizes `WebServerLabStack` alone through the app (settings as `-c` would give them). */
export function synthWebServer(context: Record<string, unknown> = {}): SynthesizedWebServer {
  const lab = synthLab('WebServerLabStack', context);
  const json = lab.json as any;
  const of = (type: string) => Object.fromEntries(Object.entries(json.Resources).filter(([, r]: [string, any]) => r.Type === type));
  const only = (type: string): [string, any] => {
    const entries = Object.entries(of(type));
    if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
    return entries[0];
  };
  return {
    ...lab,
    of,
    only,
    render: renderJoin,
    userData: () => renderJoin(only('AWS::EC2::Instance')[1].Properties.UserData['Fn::Base64']),
    ingress: () => {
      const [, group] = only('AWS::EC2::SecurityGroup');
      const inline = (group.Properties.SecurityGroupIngress ?? []) as any[];
      const separate = Object.values(of('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties);
      return [...inline, ...separate].map((r) => `${r.IpProtocol} ${r.FromPort}-${r.ToPort} from ${r.CidrIp ?? r.CidrIpv6 ?? JSON.stringify(r.SourceSecurityGroupId)}`).sort();
    },
  };
}

export function renderJoin(value: any): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Join']) return value['Fn::Join'][1].map(renderJoin).join(value['Fn::Join'][0]);
  if (value.Ref) return `⟨Ref ${value.Ref}⟩`;
  if (value['Fn::GetAtt']) return `⟨${value['Fn::GetAtt'].join('.')}⟩`;
  if (value['Fn::Sub']) return `⟨Sub ${value['Fn::Sub']}⟩`;
  return `⟨${JSON.stringify(value)}⟩`;
}
