/**
 * The dependency graph of a synthesized template, written independently of lib/ so that tests of the
 * expiry's and the log groups' dependencies do not check the code with itself.
 */

type Resources = Record<string, { DependsOn?: string | string[]; Properties?: unknown }>;

/** For each resource, the resources it needs first: `DependsOn`, `Ref`, `Fn::GetAtt` and `${X}` in `Fn::Sub`. */
export function dependencyGraph(resources: Resources): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(resources)) {
    const needs = new Set<string>([resource.DependsOn ?? []].flat());
    const text = JSON.stringify(resource.Properties ?? {});
    for (const [, ref] of text.matchAll(/"Ref":"([^"]+)"/g)) needs.add(ref);
    for (const [, att] of text.matchAll(/"Fn::GetAtt":\["([^"]+)"/g)) needs.add(att);
    for (const [, sub] of text.matchAll(/\$\{([^!}.][^}.]*)[^}]*\}/g)) needs.add(sub);
    graph.set(id, new Set([...needs].filter((n) => n in resources)));
  }
  return graph;
}

/** A dependency cycle in the template, as the logical ids around it, or `undefined` if there is none. */
export function findCycle(resources: Resources): string[] | undefined {
  const graph = dependencyGraph(resources);
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...trail.slice(trail.indexOf(id)), id];
    state.set(id, 'visiting');
    trail.push(id);
    for (const next of graph.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    trail.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of graph.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}
