import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  ContainerClusterLabStack,
  ContainerClusterLabStackProps,
} from '../../lib/container-cluster/container-cluster-lab-stack';
import { CDK_JSON_CONTEXT } from '../helpers/synth';

export interface SynthesizedCluster {
  readonly stack: ContainerClusterLabStack;
  readonly template: Template;
  readonly json: { Resources: Record<string, any>; Outputs: Record<string, any>; Parameters: Record<string, any> };
  /** Resources of one type, by logical id. */
  of(type: string): Record<string, any>;
  /** The user data of an instance as text, each deploy-time value shown as ⟨Ref X⟩, ⟨X.Attr⟩ or ⟨Sub ...⟩. */
  userData(instanceLogicalId: string): string;
  /** A template value (an output's, say) as text, with deploy-time values shown as in `userData`. */
  render(value: unknown): string;
  /** The logical id of the control plane, or of worker `n` (1-based). */
  nodeId(name: 'ControlPlane' | `Worker${number}`): string;
}

/**
 * Synthesizes the lab's stack alone (cdk.json's feature flags, props as the settings would give them).
 * The settings path from context to props, cdk-nag and the shared rules run over the whole app in
 * test/all-labs.test.ts and the settings tests.
 */
export function synthCluster(props: ContainerClusterLabStackProps = {}): SynthesizedCluster {
  const app = new App({ context: CDK_JSON_CONTEXT });
  const stack = new ContainerClusterLabStack(app, 'ContainerClusterLabStack', props);
  const template = Template.fromStack(stack);
  const json = template.toJSON() as SynthesizedCluster['json'];
  const of = (type: string) => Object.fromEntries(Object.entries(json.Resources).filter(([, r]) => r.Type === type));
  return {
    stack,
    template,
    json,
    of,
    userData: (id) => renderJoin(json.Resources[id].Properties.UserData['Fn::Base64']),
    render: renderJoin,
    nodeId: (name) => {
      const ids = Object.keys(of('AWS::EC2::Instance')).filter((id) => id.startsWith(`${name}Instance`));
      if (ids.length !== 1) throw new Error(`expected one instance ${name}, found ${ids.join(', ')}`);
      return ids[0];
    },
  };
}

function renderJoin(value: any): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Join']) return value['Fn::Join'][1].map(renderJoin).join(value['Fn::Join'][0]);
  if (value.Ref) return `⟨Ref ${value.Ref}⟩`;
  if (value['Fn::GetAtt']) return `⟨${value['Fn::GetAtt'].join('.')}⟩`;
  if (value['Fn::Sub']) return `⟨Sub ${value['Fn::Sub']}⟩`;
  return `⟨${JSON.stringify(value)}⟩`;
}
