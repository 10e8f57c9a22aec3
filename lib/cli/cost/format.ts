import { PRICE_TABLE, formatUsdPerHour } from '../pricing';
import { CostLine, StackEstimate } from './estimate';

/** The stack's one-line summary: `StackName  $0.0123/h`, then what the figure leaves out. */
export function stackSummary(estimate: StackEstimate): string {
  const extras: string[] = [];
  if (estimate.unpriced) extras.push(`+ ${estimate.unpriced} unpriced item${estimate.unpriced === 1 ? '' : 's'}`);
  if (!estimate.resources.some((r) => r.lines.length)) extras.push('nothing bills by the hour');
  if (estimate.usage.length) extras.push(`${estimate.usage.length} usage-priced resource${estimate.usage.length === 1 ? '' : 's'}`);
  return `${estimate.stackName}  ${formatUsdPerHour(estimate.usdPerHour)}${extras.length ? `  (${extras.join('; ')})` : ''}`;
}

function lineCost(line: CostLine): string {
  if (line.usdPerHour !== undefined) return formatUsdPerHour(line.usdPerHour);
  return `unpriced: ${line.price.priced ? '' : line.price.reason}`;
}

/** Every stack's summary line, then its resources, their billable items and the usage-priced resources. */
export function formatEstimates(estimates: readonly StackEstimate[]): string {
  const out: string[] = [];
  for (const estimate of estimates) {
    out.push(stackSummary(estimate));
    const rows: [string, string][] = [];
    for (const resource of estimate.resources) {
      rows.push([`  ${resource.logicalId} (${resource.type})`, '']);
      for (const line of resource.lines) rows.push([`    ${line.count} x ${line.description}`, lineCost(line)]);
      for (const note of resource.notes) rows.push([`    note: ${note}`, '']);
      for (const line of resource.lines) {
        if (line.price.priced && line.price.note) rows.push([`    note: ${line.description}: ${line.price.note}`, '']);
      }
    }
    const width = Math.max(0, ...rows.filter(([, cost]) => cost).map(([label]) => label.length));
    for (const [label, cost] of rows) out.push(cost ? `${label.padEnd(width)}  ${cost}` : label);
    if (estimate.usage.length) {
      out.push('  usage-priced (billed per request or GB, not by the hour):');
      for (const u of estimate.usage) out.push(`    ${u.logicalId} (${u.type}): ${u.charges}`);
    }
  }
  out.push(`Prices: ${PRICE_TABLE.region} on-demand ${PRICE_TABLE.currency}, from lib/cli/pricing/prices.json. Unpriced items are left out of the totals.`);
  return out.join('\n');
}
