import { CfnTemplate, Diagram, templateToDiagram } from './graph';
import { ChangeMark, toMermaid } from './render';

/** The logical ids a review found added, changed, replaced and destroyed in one stack. */
export interface ResourceChanges {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly replaced: readonly string[];
  readonly destroyed: readonly string[];
}

/**
 * The diagram of a changed stack for `labs review`: the change's diagram, plus what the base had and the
 * change removes, with every node marked by what happens to it. A change to a folded resource (an API's
 * method, a bucket's policy) marks the node it belongs to as changed.
 */
export function reviewDiagram(stack: string, base: CfnTemplate | undefined, head: CfnTemplate, changes: ResourceChanges): { diagram: Diagram; marks: Record<string, ChangeMark> } {
  const after = templateToDiagram(stack, head);
  const before = base ? templateToDiagram(stack, base) : undefined;
  const marks: Record<string, ChangeMark> = {};
  const nodeIds = new Set(after.nodes.map((n) => n.id));
  const mark = (id: string, how: ChangeMark, diagram: Diagram) => {
    const node = nodeIds.has(id) || diagram !== after ? id : after.foldedInto[id];
    if (node && !marks[node]) marks[node] = how;
  };
  for (const id of changes.replaced) mark(id, 'replaced', after);
  for (const id of changes.added) mark(id, nodeIds.has(id) ? 'added' : 'changed', after);
  for (const id of changes.changed) mark(id, 'changed', after);
  for (const id of changes.destroyed) if (!nodeIds.has(id) && after.foldedInto[id]) mark(id, 'changed', after);

  // Nodes only the base has are drawn too, marked removed, with their edges as they were.
  const removed = (before?.nodes ?? []).filter((n) => !nodeIds.has(n.id) && changes.destroyed.includes(n.id));
  for (const n of removed) marks[n.id] = 'removed';
  const removedIds = new Set(removed.map((n) => n.id));
  const keptEnds = new Set([...nodeIds, ...removedIds]);
  const diagram: Diagram = {
    ...after,
    nodes: [...after.nodes, ...removed].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    edges: [
      ...after.edges,
      ...(before?.edges ?? []).filter((e) => (removedIds.has(e.from) || removedIds.has(e.to)) && keptEnds.has(e.from) && keptEnds.has(e.to)),
    ],
  };
  return { diagram, marks };
}

/** The Mermaid text of `reviewDiagram`. */
export function reviewMermaid(stack: string, base: CfnTemplate | undefined, head: CfnTemplate, changes: ResourceChanges): string {
  const { diagram, marks } = reviewDiagram(stack, base, head, changes);
  return toMermaid(diagram, marks);
}
