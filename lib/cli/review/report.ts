/**
 * What a change does to the infrastructure, stack by stack, as one Markdown report: resources added,
 * changed, replaced and destroyed (anything that holds data first), IAM and security-group changes, the
 * hourly cost before and after, and the cdk-nag and cfn-lint findings the change introduces.
 *
 * It compares two sets of synthesized templates (`lib/cli/assembly.ts`) with `@aws-cdk/cloudformation-diff`,
 * the library behind `cdk diff`.
 */
import { ResourceDifference, ResourceImpact, TemplateDiff, fullDiff } from '@aws-cdk/cloudformation-diff';
import { SynthesizedStack } from '../assembly';
import { StackEstimate, estimateStack } from '../cost/estimate';
import { formatUsdPerHour } from '../pricing';
import { LintFinding, Linter } from './lint';
import { NagFinding, nagFindings } from './nag';
import { reviewMermaid } from '../diagram/review';
import { CfnResource } from '../cost/resolve';
import { pairGenerations } from './generations';
import { describeChanges, ValueChange, valueChanges } from './values';

/** Resource types whose replacement or deletion loses what they store. */
export const DATA_HOLDING_TYPES: ReadonlySet<string> = new Set([
  'AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable', 'AWS::RDS::DBInstance', 'AWS::RDS::DBCluster',
  'AWS::EC2::Volume', 'AWS::EFS::FileSystem', 'AWS::Cognito::UserPool', 'AWS::ECR::Repository', 'AWS::SecretsManager::Secret',
  'AWS::KMS::Key', 'AWS::Kinesis::Stream', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup', 'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::CacheCluster', 'AWS::OpenSearchService::Domain', 'AWS::DocDB::DBCluster', 'AWS::Neptune::DBCluster',
  'AWS::Redshift::Cluster', 'AWS::EMR::Cluster', 'AWS::SSM::Parameter', 'AWS::Timestream::Table',
]);

export interface ResourceChangeRow {
  readonly logicalId: string;
  readonly type: string;
  /** Changed properties (for changes and replacements), with the ones that force replacement marked. */
  readonly properties: readonly string[];
  /** Each changed property's old and new values, leaf by leaf. */
  readonly values?: readonly { readonly property: string; readonly replaces: boolean; readonly changes: readonly ValueChange[] }[];
  /**
   * For replacements: what forces it, as `@aws-cdk/cloudformation-diff` knows from CloudFormation's resource
   * specification (the properties whose update requires replacement), or a new type or logical id.
   */
  readonly forcedBy?: readonly string[];
  /** For a resource replaced through a new logical id (a generation in its construct path): its old logical id. */
  readonly previousId?: string;
  readonly holdsData: boolean;
  /** For replacements: true when CloudFormation may, rather than will, replace. */
  readonly mayReplace?: boolean;
  /** For removals: the resource is removed from the stack but kept (DeletionPolicy Retain). */
  readonly orphaned?: boolean;
}

export interface StatementRow {
  readonly change: '+' | '-';
  /** An added Allow statement whose actions or resources contain `*`: flagged on its own line. */
  readonly wildcard?: boolean;
  readonly effect: string;
  readonly action: string;
  readonly resource: string;
  readonly principal: string;
  readonly condition: string;
}

export interface SecurityGroupRow {
  readonly change: '+' | '-';
  readonly group: string;
  readonly direction: 'In' | 'Out';
  readonly protocol: string;
  readonly peer: string;
  /** An ingress rule added from 0.0.0.0/0 or ::/0. */
  readonly opensToWorld: boolean;
}

export interface StackReview {
  readonly name: string;
  /** `added`: new in the change; `removed`: no longer in the app (cdk deploy does not delete it). */
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly added: readonly ResourceChangeRow[];
  readonly changed: readonly ResourceChangeRow[];
  readonly replaced: readonly ResourceChangeRow[];
  readonly destroyed: readonly ResourceChangeRow[];
  /** Outputs, parameters, conditions, mappings that changed, e.g. "output SiteUrl changed". */
  readonly other: readonly string[];
  readonly iamStatements: readonly StatementRow[];
  readonly managedPolicies: readonly { change: '+' | '-'; identity: string; policy: string }[];
  readonly permissionsBroadened: boolean;
  readonly securityGroups: readonly SecurityGroupRow[];
  readonly costBefore?: StackEstimate;
  readonly costAfter?: StackEstimate;
  readonly newNagFindings: readonly NagFinding[];
  /** Undefined when cfn-lint did not run. */
  readonly newLintFindings?: readonly LintFinding[];
  /** The stack's architecture as Mermaid, with what the change adds, changes, replaces and removes marked. */
  readonly diagram?: string;
}

export interface Review {
  readonly baseRef: string;
  readonly stacks: readonly StackReview[];
  /**
   * Only these stacks were reviewed (`labs review <stack...>`): a report of no change says so, rather than
   * claiming every stack synthesizes to the same template.
   * @default - every stack of the app
   */
  readonly only?: readonly string[];
  /** Why cfn-lint findings are missing, when they are. */
  readonly lintSkipped?: string;
}

/** The CDK bookkeeping resource: its changes say nothing about the infrastructure. */
const IGNORED_RESOURCE_TYPES = new Set(['AWS::CDK::Metadata']);

function propertyNames(diff: ResourceDifference): string[] {
  const names: string[] = [];
  for (const [name, change] of Object.entries(diff.propertyUpdates)) {
    const replaces = change.changeImpact === ResourceImpact.WILL_REPLACE || change.changeImpact === ResourceImpact.MAY_REPLACE;
    names.push(replaces ? `${name} (replaces)` : name);
  }
  for (const name of Object.keys(diff.otherChanges)) {
    if (name !== 'Metadata' && name !== 'Type') names.push(name);
  }
  return names;
}

const replacing = (impact: ResourceImpact | undefined) => impact === ResourceImpact.WILL_REPLACE || impact === ResourceImpact.MAY_REPLACE;

/** Each changed property's old and new values (Metadata and the other attributes are not properties). */
function propertyValues(diff: ResourceDifference): NonNullable<ResourceChangeRow['values']> {
  return Object.entries(diff.propertyUpdates).map(([name, change]) => ({
    property: name,
    replaces: replacing(change.changeImpact),
    changes: valueChanges(name, change.oldValue, change.newValue),
  }));
}

/** The properties whose change forces the replacement. */
function replacementCauses(diff: ResourceDifference): string[] {
  return Object.entries(diff.propertyUpdates)
    .filter(([, change]) => replacing(change.changeImpact))
    .map(([name]) => name);
}

/**
 * A resource destroyed under one logical id and added under another (its generation changed): compared as one
 * resource under one id, so cloudformation-diff says which of its differing properties would force a
 * replacement by themselves.
 */
function generationRow(before: string, after: string, base: Record<string, CfnResource>, head: Record<string, CfnResource>): ResourceChangeRow {
  const diff = fullDiff({ Resources: { R: base[before] } }, { Resources: { R: head[after] } });
  const change = diff.resources.get('R');
  const causes = change ? replacementCauses(change) : [];
  return {
    logicalId: after,
    previousId: before,
    type: head[after].Type,
    properties: change ? propertyNames(change) : [],
    values: change ? propertyValues(change) : [],
    forcedBy: ['new logical id', ...causes],
    holdsData: DATA_HOLDING_TYPES.has(head[after].Type),
  };
}

/** Whether a resource difference is only CDK metadata (construct paths, asset paths). */
function onlyMetadata(diff: ResourceDifference): boolean {
  return diff.isUpdate && !diff.resourceTypeChanged && !Object.keys(diff.propertyUpdates).length && Object.keys(diff.otherChanges).every((k) => k === 'Metadata');
}

function classify(diff: TemplateDiff, base: Record<string, CfnResource> = {}, head: Record<string, CfnResource> = {}) {
  const added: ResourceChangeRow[] = [];
  const changed: ResourceChangeRow[] = [];
  const replaced: ResourceChangeRow[] = [];
  const destroyed: ResourceChangeRow[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const type = change.newResourceType ?? change.oldResourceType ?? 'unknown';
    if (IGNORED_RESOURCE_TYPES.has(type) || onlyMetadata(change)) return;
    const holdsData = DATA_HOLDING_TYPES.has(change.oldResourceType ?? type);
    const row = { logicalId, type, properties: propertyNames(change), holdsData, values: propertyValues(change) };
    if (change.resourceTypeChanged) {
      replaced.push({ ...row, type: `${change.oldResourceType} -> ${change.newResourceType}`, properties: ['Type (replaces)'], values: [], forcedBy: ['Type'] });
      return;
    }
    switch (change.changeImpact) {
      case ResourceImpact.WILL_CREATE:
      case ResourceImpact.WILL_IMPORT:
        added.push({ ...row, properties: [], values: [] });
        break;
      case ResourceImpact.WILL_DESTROY:
        destroyed.push({ ...row, properties: [], values: [] });
        break;
      case ResourceImpact.WILL_ORPHAN:
        destroyed.push({ ...row, properties: [], values: [], orphaned: true });
        break;
      case ResourceImpact.WILL_REPLACE:
        replaced.push({ ...row, forcedBy: replacementCauses(change) });
        break;
      case ResourceImpact.MAY_REPLACE:
        replaced.push({ ...row, mayReplace: true, forcedBy: replacementCauses(change) });
        break;
      default:
        changed.push(row);
    }
  });
  // A resource destroyed and one added that differ only by the generation in their construct path are one
  // resource replaced.
  const pairs = pairGenerations(
    destroyed.filter((r) => !r.orphaned).map((r) => r.logicalId),
    added.map((r) => r.logicalId),
    base,
    head,
  );
  for (const pair of pairs) replaced.push(generationRow(pair.before, pair.after, base, head));
  const paired = new Set(pairs.flatMap((p) => [p.before, p.after]));
  const unpaired = (rows: ResourceChangeRow[]) => rows.filter((r) => !paired.has(r.logicalId));
  // Anything that holds data first.
  const dataFirst = (a: ResourceChangeRow, b: ResourceChangeRow) => Number(b.holdsData) - Number(a.holdsData);
  return { added: unpaired(added), changed, replaced: replaced.sort(dataFirst), destroyed: unpaired(destroyed).sort(dataFirst) };
}

function otherChanges(diff: TemplateDiff): string[] {
  const out: string[] = [];
  const collect = (what: string, collection: { forEachDifference(cb: (id: string, d: { isAddition: boolean; isRemoval: boolean }) => void): void }) =>
    collection.forEachDifference((id, d) => out.push(`${what} ${id} ${d.isAddition ? 'added' : d.isRemoval ? 'removed' : 'changed'}`));
  collect('output', diff.outputs);
  collect('parameter', diff.parameters);
  collect('condition', diff.conditions);
  collect('mapping', diff.mappings);
  return out;
}

const isWorld = (ip: string) => ip === '0.0.0.0/0' || ip === '::/0';

function securityGroupRows(diff: TemplateDiff): SecurityGroupRow[] {
  const sg = diff.securityGroupChanges;
  const rows: SecurityGroupRow[] = [];
  const add = (change: '+' | '-', direction: 'In' | 'Out', rules: typeof sg.ingress.additions) => {
    for (const rule of rules) {
      const world = rule.peer?.kind === 'cidr-ip' && isWorld(rule.peer.ip);
      rows.push({
        change,
        group: rule.groupId,
        direction,
        protocol: rule.describeProtocol(),
        peer: rule.describePeer(),
        opensToWorld: change === '+' && direction === 'In' && world,
      });
    }
  };
  add('+', 'In', sg.ingress.additions);
  add('+', 'Out', sg.egress.additions);
  add('-', 'In', sg.ingress.removals);
  add('-', 'Out', sg.egress.removals);
  return rows;
}

/** An Allow statement with `*` in an action (`s3:*`, `s3:Get*`, `*`) or as a resource. */
function hasWildcard(s: { effect: string; actions: { values: string[]; not: boolean }; resources: { values: string[]; not: boolean } }): boolean {
  if (s.effect !== 'Allow') return false;
  // NotAction/NotResource grant everything but what they name: as wide as a wildcard.
  return s.actions.not || s.resources.not || s.actions.values.some((a) => a.includes('*')) || s.resources.values.includes('*');
}

function iamRows(diff: TemplateDiff): Pick<StackReview, 'iamStatements' | 'managedPolicies' | 'permissionsBroadened'> {
  const iam = diff.iamChanges;
  const statement = (change: '+' | '-') => (s: (typeof iam.statements.additions)[number]): StatementRow => ({
    change,
    ...(change === '+' && hasWildcard(s) ? { wildcard: true } : {}),
    ...s.render(),
  });
  return {
    iamStatements: [...iam.statements.additions.map(statement('+')), ...iam.statements.removals.map(statement('-'))],
    managedPolicies: [
      ...iam.managedPolicies.additions.map((p) => ({ change: '+' as const, identity: p.identityArn, policy: p.managedPolicyArn })),
      ...iam.managedPolicies.removals.map((p) => ({ change: '-' as const, identity: p.identityArn, policy: p.managedPolicyArn })),
    ],
    permissionsBroadened: diff.permissionsBroadened,
  };
}

const findingKey = (f: { readonly key: string }) => f.key;

/** Findings in `after` that `before` does not have. */
function introduced<T extends { readonly key: string }>(before: readonly T[], after: readonly T[]): T[] {
  const seen = new Set(before.map(findingKey));
  return after.filter((f) => !seen.has(f.key));
}

/** Compares the base's stacks with the change's, stack by stack. */
export function reviewStacks(
  baseRef: string,
  base: readonly SynthesizedStack[],
  head: readonly SynthesizedStack[],
  linter?: Linter,
  only?: readonly string[],
): Review {
  const names = [...new Set([...base.map((s) => s.name), ...head.map((s) => s.name)])].sort();
  let lintSkipped: string | undefined = linter ? undefined : 'cfn-lint was not run';
  const lint = (stack: SynthesizedStack | undefined): LintFinding[] | undefined => {
    if (!stack || !linter || lintSkipped) return stack ? undefined : [];
    const result = linter(stack.templateFile);
    if ('skipped' in result) {
      lintSkipped = result.skipped;
      return undefined;
    }
    return result.findings;
  };
  const stacks = names.map((name): StackReview => {
    const before = base.find((s) => s.name === name);
    const after = head.find((s) => s.name === name);
    const diff = fullDiff(before?.template ?? {}, after?.template ?? {});
    const classified = before && !after ? { added: [], changed: [], replaced: [], destroyed: [] } : classify(diff, before?.template.Resources, after?.template.Resources);
    const other = before && after ? otherChanges(diff) : [];
    const someChange = Object.values(classified).some((rows) => rows.length) || other.length > 0;
    const lintBefore = after ? lint(before) : [];
    const lintAfter = after ? lint(after) : [];
    return {
      name,
      status: !before ? 'added' : !after ? 'removed' : someChange ? 'changed' : 'unchanged',
      ...classified,
      other,
      ...(after ? iamRows(diff) : { iamStatements: [], managedPolicies: [], permissionsBroadened: false }),
      securityGroups: after ? securityGroupRows(diff) : [],
      costBefore: before && estimateStack(name, before.template),
      costAfter: after && estimateStack(name, after.template),
      newNagFindings: after ? introduced(before ? nagFindings(before) : [], nagFindings(after)) : [],
      newLintFindings: lintBefore && lintAfter ? introduced(lintBefore, lintAfter) : undefined,
      diagram:
        after && drawsSomething(classified)
          ? reviewMermaid(name, before?.template, after.template, {
              added: classified.added.map((r) => r.logicalId),
              changed: classified.changed.map((r) => r.logicalId),
              replaced: classified.replaced.map((r) => r.logicalId),
              destroyed: classified.destroyed.map((r) => r.logicalId),
            })
          : undefined,
    };
  });
  return { baseRef, stacks, lintSkipped, ...(only?.length ? { only } : {}) };
}

/** Properties that only describe a resource: a change to them alone changes nothing a diagram draws. */
const DESCRIPTIVE_PROPERTIES: ReadonlySet<string> = new Set(['Description']);

/** Whether the change is worth a diagram: something added, replaced or destroyed, or a property that is not only descriptive. */
function drawsSomething(c: { added: readonly ResourceChangeRow[]; changed: readonly ResourceChangeRow[]; replaced: readonly ResourceChangeRow[]; destroyed: readonly ResourceChangeRow[] }): boolean {
  if (c.added.length || c.replaced.length || c.destroyed.length) return true;
  return c.changed.some((r) => r.properties.some((p) => !DESCRIPTIVE_PROPERTIES.has(p)));
}

/** Whether the change destroys or replaces anything (what `--fail-on-destroy` fails on). */
export function destructiveCount(review: Review): number {
  return review.stacks.reduce((n, s) => n + s.destroyed.filter((r) => !r.orphaned).length + s.replaced.length, 0);
}

// --- Markdown ---------------------------------------------------------------------------------------------------

/**
 * Escapes a value for a Markdown table cell: pipes, newlines, and outside code spans `<` and `>` (cdk-nag
 * rule ids such as `IAM5[Resource::<Bucket.Arn>/*]` would otherwise be read as HTML tags and vanish).
 */
const cell = (s: string) => {
  const escaped = s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  return (/^\*{0,2}`/.test(escaped) ? escaped : escaped.replace(/</g, '&lt;').replace(/>/g, '&gt;')) || ' ';
};
const code = (s: string) => (s ? `\`${s.replace(/`/g, "'")}\`` : ' ');

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function costText(e: StackEstimate | undefined): string {
  if (!e) return '-';
  return `${formatUsdPerHour(e.usdPerHour)}${e.unpriced ? ` + ${e.unpriced} unpriced` : ''}`;
}

function costDelta(s: StackReview): string {
  const before = s.costBefore?.usdPerHour ?? 0;
  const after = s.costAfter?.usdPerHour ?? 0;
  const delta = after - before;
  if (Math.abs(delta) < 0.00005) return 'no change';
  return `${delta > 0 ? '+' : '-'}${formatUsdPerHour(Math.abs(delta))}`;
}

/** Per-resource hourly cost that differs between the two estimates. */
function costChanges(s: StackReview): string[][] {
  const perResource = (e: StackEstimate | undefined) => {
    const m = new Map<string, { usd: number; unpriced: number; type: string }>();
    for (const r of e?.resources ?? []) {
      const usd = r.lines.reduce((sum, l) => sum + (l.usdPerHour ?? 0), 0);
      const unpriced = r.lines.filter((l) => l.usdPerHour === undefined).length;
      if (r.lines.length) m.set(r.logicalId, { usd, unpriced, type: r.type });
    }
    return m;
  };
  const before = perResource(s.costBefore);
  const after = perResource(s.costAfter);
  // A resource replaced through a new logical id (a generation) is one row, its old cost beside its new one.
  const renamed = new Map(s.replaced.filter((r) => r.previousId).map((r) => [r.previousId as string, r]));
  for (const [previousId] of renamed) {
    const b = before.get(previousId);
    if (b) before.set(renamed.get(previousId)!.logicalId, b);
    before.delete(previousId);
  }
  const label = new Map([...renamed.values()].map((r) => [r.logicalId, resourceId(r)]));
  const rows: string[][] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])]) {
    const b = before.get(id);
    const a = after.get(id);
    if (b && a && Math.abs(a.usd - b.usd) < 1e-9 && a.unpriced === b.unpriced) continue;
    const show = (x?: { usd: number; unpriced: number }) => (x ? `${formatUsdPerHour(x.usd)}${x.unpriced ? ` + ${x.unpriced} unpriced` : ''}` : '-');
    rows.push([label.get(id) ?? code(id), (a ?? b)!.type, show(b), show(a)]);
  }
  return rows;
}

/** A resource's id in tables; a resource replaced through a new logical id shows both. */
const resourceId = (r: ResourceChangeRow) => (r.previousId ? `${code(r.previousId)} → ${code(r.logicalId)}` : code(r.logicalId));

function resourceSection(title: string, rows: readonly ResourceChangeRow[], columns: 'id' | 'properties' | 'replacement', losesData: boolean): string[] {
  if (!rows.length) return [];
  const header = columns === 'id' ? ['Resource', 'Type'] : columns === 'properties' ? ['Resource', 'Type', 'Properties'] : ['Resource', 'Type', 'Forced by', 'Properties'];
  const body = rows.map((r) => {
    const data = losesData && r.holdsData && !r.orphaned;
    const id = `${data ? '**' : ''}${resourceId(r)}${data ? '** (holds data)' : ''}${r.mayReplace ? ' (may be replaced)' : ''}${r.orphaned ? ' (removed from the stack, kept in the account)' : ''}`;
    if (columns === 'id') return [id, r.type];
    if (columns === 'properties') return [id, r.type, r.properties.join(', ')];
    return [id, r.type, r.forcedBy?.length ? r.forcedBy.join(', ') : 'not known (no property of it is known to force a replacement)', r.properties.join(', ')];
  });
  return [`**${title}**`, '', ...table(header, body), ''];
}

/** Old and new values of what changed in replaced and changed resources, one list item per resource. */
function valuesSection(rows: readonly ResourceChangeRow[]): string[] {
  const items: string[] = [];
  for (const r of rows) {
    const lines = (r.values ?? []).flatMap((v) => describeChanges(v.changes).map((line) => `${line}${v.replaces ? ' (forces replacement)' : ''}`));
    if (!lines.length) continue;
    items.push(`- ${resourceId(r)} (${r.type})`, ...lines.map((l) => `  - ${l}`));
  }
  return items.length ? ['**Old → new values**', '', ...items, ''] : [];
}

function stackSection(s: StackReview): string[] {
  const out: string[] = [`## ${s.name}`, ''];
  if (s.status === 'removed') {
    return [...out, 'No longer in the app. `cdk deploy` does not delete a stack: its resources stay, and keep costing ' + costText(s.costBefore) + ', until `npx cdk destroy` is run against the old code.', ''];
  }
  if (s.status === 'added') out.push('New stack.', '');
  if (s.status === 'unchanged') return [...out, 'No change.', ''];

  const atRisk = [...s.destroyed.filter((r) => !r.orphaned), ...s.replaced].filter((r) => r.holdsData);
  if (atRisk.length) {
    out.push(
      `> **Data loss:** ${atRisk.map((r) => `${code(r.logicalId)} (${r.type}) ${s.destroyed.includes(r) ? 'is destroyed' : r.mayReplace ? 'may be replaced' : 'is replaced'}`).join('; ')}. What it holds is lost with it.`,
      '',
    );
  }
  const broadened = s.permissionsBroadened;
  const world = s.securityGroups.filter((r) => r.opensToWorld);
  if (broadened) out.push('> **Permissions broadened:** IAM statements or security-group rules are added; read the tables below.', '');
  for (const r of s.iamStatements.filter((row) => row.wildcard)) {
    const one = (text: string) => text.split(/\n/).map((t) => t.replace(/,$/, '').trim()).filter(Boolean).join(', ');
    out.push(`> **Wildcard permission added:** Allow ${code(one(r.action))} on ${code(one(r.resource))} to ${code(one(r.principal))}${r.condition ? ` when ${code(one(r.condition))}` : ''}.`, '');
  }
  if (world.length) out.push(`> **Open to the world:** ${world.map((r) => `${code(r.group)} ${r.protocol} from ${r.peer}`).join('; ')}.`, '');

  out.push(
    `${plural(s.added.length, 'resource')} to add, ${s.changed.length} to change, ${s.replaced.length} to replace, ${s.destroyed.length} to destroy. ` +
      `Hourly cost: ${costText(s.costBefore)} -> ${costText(s.costAfter)} (${costDelta(s)}).`,
    '',
  );
  out.push(...resourceSection('Destroyed', s.destroyed, 'id', true));
  out.push(...resourceSection('Replaced', s.replaced, 'replacement', true));
  out.push(...resourceSection('Added', s.added, 'id', false));
  out.push(...resourceSection('Changed', s.changed, 'properties', false));
  out.push(...valuesSection([...s.replaced, ...s.changed]));
  if (s.other.length) out.push('**Other changes:** ' + s.other.join('; ') + '.', '');

  if (s.iamStatements.length || s.managedPolicies.length) {
    out.push('**IAM changes**', '');
    if (s.iamStatements.length) {
      out.push(...table(['', 'Effect', 'Action', 'Resource', 'Principal', 'Condition'], s.iamStatements.map((r) => [r.change, r.effect, r.action, r.resource, r.principal, r.condition])), '');
    }
    if (s.managedPolicies.length) out.push(...table(['', 'Identity', 'Managed policy'], s.managedPolicies.map((p) => [p.change, p.identity, p.policy])), '');
  }
  if (s.securityGroups.length) {
    out.push('**Security group changes**', '');
    out.push(...table(['', 'Group', 'Dir', 'Protocol', 'Peer'], s.securityGroups.map((r) => [r.change, r.group, r.direction, r.protocol, r.opensToWorld ? `**${r.peer}**` : r.peer])), '');
  }
  if (s.diagram) {
    out.push(
      '<details><summary><b>Architecture</b>: what this change adds, changes, replaces and removes, marked</summary>',
      '',
      '```mermaid',
      s.diagram.trimEnd(),
      '```',
      '',
      '</details>',
      '',
    );
  }
  const costRows = costChanges(s);
  if (costRows.length) out.push('**Hourly cost by resource**', '', ...table(['Resource', 'Type', 'Before', 'After'], costRows), '');

  if (s.newNagFindings.length) {
    out.push('**cdk-nag findings this change introduces**', '');
    out.push(...table(['Rule', 'Path', 'Status'], s.newNagFindings.map((f) => [code(f.rule), code(f.path), f.acknowledged ? `acknowledged: ${f.reason}` : f.level])), '');
  }
  if (s.newLintFindings?.length) {
    out.push('**cfn-lint findings this change introduces**', '');
    out.push(...table(['Rule', 'Level', 'Where', 'Message'], s.newLintFindings.map((f) => [f.rule, f.level, code(f.where), f.message])), '');
  }
  return out;
}

/** The whole report. With no change anywhere, one line. */
export function renderReview(review: Review): string {
  const changed = review.stacks.filter((s) => s.status !== 'unchanged');
  if (!changed.length) {
    return review.only?.length
      ? `No infrastructure change against ${review.baseRef} in ${review.only.join(', ')} (the only stacks reviewed): each synthesizes to the same template.`
      : `No infrastructure change against ${review.baseRef}: every stack synthesizes to the same template.`;
  }
  const out: string[] = [`# Infrastructure review against \`${review.baseRef}\``, ''];
  out.push(
    ...table(
      ['Stack', 'Add', 'Change', 'Replace', 'Destroy', 'Cost before', 'Cost after'],
      review.stacks.map((s) => [
        s.name + (s.status === 'added' ? ' (new)' : s.status === 'removed' ? ' (no longer in the app)' : ''),
        String(s.added.length),
        String(s.changed.length),
        String(s.replaced.length) + (s.replaced.some((r) => r.holdsData) ? ' (data)' : ''),
        String(s.destroyed.length) + (s.destroyed.some((r) => r.holdsData && !r.orphaned) ? ' (data)' : ''),
        costText(s.costBefore),
        costText(s.costAfter),
      ]),
    ),
    '',
  );
  for (const s of changed) out.push(...stackSection(s));
  out.push('Costs: idle hourly estimate from `labs cost` (us-east-1 on-demand; unpriced items left out). Usage charges are not included.');
  out.push(review.lintSkipped ? `cfn-lint: not checked (${review.lintSkipped}).` : 'cfn-lint: checked; new findings, if any, are listed per stack.');
  return out.join('\n');
}
