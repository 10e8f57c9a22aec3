import { toDot } from './render';
import { Diagram } from './graph';

/**
 * Renders a diagram to SVG with Graphviz compiled to WebAssembly (`@viz-js/viz`), so no system binary is
 * needed on a user's machine or in CI. The output depends only on the diagram and the package version.
 */
export async function toSvg(diagram: Diagram): Promise<string> {
  // Loaded on demand: the WebAssembly module is large and only this command needs it.
  const viz = await (await import('@viz-js/viz')).instance();
  return viz.renderString(toDot(diagram), { format: 'svg', engine: 'dot' });
}
