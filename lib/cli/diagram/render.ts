import { Diagram, DiagramNode, NodeKind } from './graph';

/**
 * Renders a diagram as Mermaid (which GitHub draws inside Markdown) and as Graphviz DOT (which
 * `svg.ts` turns into an SVG offline). Both are deterministic: the same diagram gives the same bytes.
 */

/** How a node compares with the base of a review. */
export type ChangeMark = 'added' | 'replaced' | 'removed' | 'changed';

const MERMAID_SHAPES: Record<NodeKind, [string, string]> = {
  external: ['((', '))'],
  entry: ['([', '])'],
  compute: ['[', ']'],
  data: ['[(', ')]'],
  deploy: ['[/', '/]'],
  plumbing: ['{{', '}}'],
};

const MARK_STYLES: Record<ChangeMark, string> = {
  added: 'fill:#d4f7d4,stroke:#1a7f37,stroke-width:2px',
  changed: 'fill:#fff3c4,stroke:#9a6700,stroke-width:2px',
  replaced: 'fill:#ffe0c2,stroke:#bc4c00,stroke-width:3px',
  removed: 'fill:#ffd7d5,stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 3',
};

/** Mermaid ids must be plain words. */
function mermaidId(id: string): string {
  return `n_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Text inside a Mermaid label, with the characters Mermaid would read as syntax escaped. */
function mermaidText(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;');
}

function nodeLabel(node: DiagramNode, mark?: ChangeMark): string {
  const suffix = mark ? ` (${mark})` : '';
  return `${node.what}${suffix}<br/>${node.name}`;
}

/**
 * A Mermaid flowchart of the diagram. `marks` colours nodes added, changed, replaced or removed in a
 * review; a legend explains the colours when any are used.
 */
export function toMermaid(diagram: Diagram, marks: Readonly<Record<string, ChangeMark>> = {}): string {
  const lines = ['flowchart LR'];
  const line = (indent: number, text: string) => lines.push(`${'  '.repeat(indent)}${text}`);
  const drawNode = (indent: number, node: DiagramNode) => {
    const [open, close] = MERMAID_SHAPES[node.kind];
    line(indent, `${mermaidId(node.id)}${open}"${mermaidText(nodeLabel(node, marks[node.id])).replace(/#lt;br\/#gt;/g, '<br/>')}"${close}`);
  };
  for (const group of diagram.groups) {
    line(1, `subgraph ${mermaidId(group.id)}["${mermaidText(group.label)}"]`);
    for (const node of diagram.nodes.filter((n) => n.group === group.id)) drawNode(2, node);
    line(1, 'end');
  }
  for (const node of diagram.nodes.filter((n) => !n.group)) drawNode(1, node);
  for (const edge of diagram.edges) {
    const arrow = edge.label ? `-->|"${mermaidText(edge.label)}"|` : '-->';
    line(1, `${mermaidId(edge.from)} ${arrow} ${mermaidId(edge.to)}`);
  }
  const used = [...new Set(Object.values(marks))].sort();
  for (const mark of used) {
    line(1, `classDef ${mark} ${MARK_STYLES[mark]}`);
    const ids = Object.entries(marks)
      .filter(([id, m]) => m === mark && diagram.nodes.some((n) => n.id === id))
      .map(([id]) => mermaidId(id))
      .sort();
    if (ids.length) line(1, `class ${ids.join(',')} ${mark}`);
  }
  return `${lines.join('\n')}\n`;
}

const DOT_SHAPES: Record<NodeKind, string> = {
  external: 'shape=ellipse, style="filled", fillcolor="#eeeeee"',
  entry: 'shape=box, style="rounded,filled", fillcolor="#dbeafe"',
  compute: 'shape=box, style="filled", fillcolor="#fde68a"',
  data: 'shape=cylinder, style="filled", fillcolor="#bbf7d0"',
  deploy: 'shape=note, style="filled", fillcolor="#e9d5ff"',
  plumbing: 'shape=hexagon, style="filled", fillcolor="#f3f4f6"',
};

function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A Graphviz DOT digraph of the diagram, for the SVG. */
export function toDot(diagram: Diagram): string {
  const lines = [
    `digraph ${dotString(diagram.stack)} {`,
    '  rankdir=LR;',
    `  label=${dotString(`${diagram.stack} (generated from its template by labs diagram)`)}; labelloc=t; fontname="Helvetica";`,
    '  node [fontname="Helvetica", fontsize=11]; edge [fontname="Helvetica", fontsize=9];',
  ];
  const drawNode = (indent: string, node: DiagramNode) =>
    lines.push(`${indent}${dotString(node.id)} [label=${dotString(`${node.what}\n${node.name}`)}, ${DOT_SHAPES[node.kind]}];`);
  for (const group of diagram.groups) {
    lines.push(`  subgraph ${dotString(`cluster_${group.id}`)} {`, `    label=${dotString(group.label)}; style=dashed;`);
    for (const node of diagram.nodes.filter((n) => n.group === group.id)) drawNode('    ', node);
    lines.push('  }');
  }
  for (const node of diagram.nodes.filter((n) => !n.group)) drawNode('  ', node);
  for (const edge of diagram.edges) {
    lines.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)}${edge.label ? ` [label=${dotString(edge.label)}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
