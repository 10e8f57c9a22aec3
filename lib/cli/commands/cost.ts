import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { readTemplates, selectStacks, synthesize } from '../assembly';
import { StackEstimate, estimateStack } from '../cost/estimate';
import { formatEstimates } from '../cost/format';
import { toJson } from '../format';
import { PRICE_TABLE } from '../pricing';
import { refuseContextWithTemplates, withContext } from './common';

/** The project checkout the `labs` command runs from (two folders above lib/cli/commands). */
export const PROJECT_DIR = path.resolve(__dirname, '..', '..', '..');

export interface CostOptions {
  readonly templates?: string;
  readonly context?: readonly string[];
  readonly json?: boolean;
}

/** Estimates the named stacks (all when none): from `--templates`, or from a fresh synth into a temporary folder. */
export function estimateStacks(names: readonly string[], options: CostOptions, projectDir = PROJECT_DIR): StackEstimate[] {
  let dir = options.templates;
  let temporary: string | undefined;
  if (dir) refuseContextWithTemplates(options.context, '--templates');
  if (!dir) {
    temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'labs-cost-'));
    dir = temporary;
    synthesize(projectDir, dir, options.context ?? []);
  }
  try {
    return selectStacks(readTemplates(dir), names).map((s) => estimateStack(s.name, s.template));
  } finally {
    if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
  }
}

export function costReport(estimates: readonly StackEstimate[], json: boolean): string {
  if (!json) return formatEstimates(estimates);
  return toJson({ region: PRICE_TABLE.region, currency: PRICE_TABLE.currency, stacks: estimates });
}

export function registerCost(program: Command): void {
  withContext(
    program
      .command('cost')
      .description('Estimated cost per hour of each lab stack while it sits deployed and idle, from its synthesized template (no AWS credentials).')
      .argument('[stack...]', 'stack names (default: every stack of the app)')
      .option('--templates <dir>', 'read templates from this folder (cdk synth --output <dir>) instead of synthesizing'),
    'a setting for the synth (e.g. -c staticSiteHosting=website)',
  )
    .option('--json', 'print JSON for scripts')
    .addHelpText(
      'after',
      '\nPrices: us-east-1 on-demand, from lib/cli/pricing/prices.json. Usage-priced resources (requests, GB stored)\n' +
        'are listed apart; what cannot be priced is shown as unpriced and left out of the total, never counted as $0.',
    )
    .action((stacks: string[], options: CostOptions) => {
      console.log(costReport(estimateStacks(stacks, options), !!options.json));
    });
}
