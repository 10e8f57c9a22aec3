/**
 * cdk-nag findings of a synthesized stack, as CDK records them: unacknowledged findings are warnings or
 * errors in the stack's metadata (errors also stop the synth), acknowledged ones are `acknowledged-rules`
 * entries with their reason, and suppressions added with cdk-nag's own `NagSuppressions` sit in the
 * resource's template metadata. A review lists the ones a change adds, so a reviewer reads every new
 * acknowledgment and its reason.
 */
import { SynthesizedStack } from '../assembly';

export interface NagFinding {
  /** Identifies the finding across two synths: path and rule. */
  readonly key: string;
  readonly rule: string;
  /** The construct path, or the logical id for template-level suppressions. */
  readonly path: string;
  readonly level: 'warning' | 'error' | 'acknowledged';
  readonly acknowledged: boolean;
  readonly reason?: string;
}

const NAG_RULE = /\b(?:AwsSolutions|HIPAA\.Security|NIST\.800\.53\.R[45]|PCI\.DSS\.321|Serverless)-[A-Za-z0-9]+(?:\[[^\]]*\])?/;

export function nagFindings(stack: SynthesizedStack): NagFinding[] {
  const findings = new Map<string, NagFinding>();
  const add = (f: Omit<NagFinding, 'key'>) => {
    const key = `${f.path}|${f.rule}|${f.acknowledged}`;
    findings.set(key, { key, ...f });
  };
  for (const [path, entries] of Object.entries(stack.metadata)) {
    for (const entry of entries) {
      if (entry.type === 'aws:cdk:acknowledged-rules' && entry.data && typeof entry.data === 'object') {
        for (const [rule, reason] of Object.entries(entry.data as Record<string, unknown>)) {
          add({ rule: rule.replace(/^Annotation::/, ''), path, level: 'acknowledged', acknowledged: true, reason: String(reason) });
        }
      } else if ((entry.type === 'aws:cdk:warning' || entry.type === 'aws:cdk:error') && typeof entry.data === 'string') {
        const rule = NAG_RULE.exec(entry.data)?.[0];
        if (rule) add({ rule, path, level: entry.type === 'aws:cdk:error' ? 'error' : 'warning', acknowledged: false });
      }
    }
  }
  for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
    const suppressions = (resource.Metadata?.cdk_nag as { rules_to_suppress?: { id?: string; reason?: string }[] } | undefined)?.rules_to_suppress;
    for (const s of suppressions ?? []) {
      if (s.id) add({ rule: s.id, path: logicalId, level: 'acknowledged', acknowledged: true, reason: s.reason });
    }
  }
  return [...findings.values()];
}
