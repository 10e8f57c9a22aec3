import { Command } from 'commander';
import { describeAction, executePausePlan, planPause, planResume, PausePlan } from '../actions/pause';
import { describeResource } from '../actions/sweep';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { formatUsd, plural } from '../format';
import { loadInventory, ownedBy } from '../inventory';
import { getLabStack, LabStack } from '../inventory/stacks';
import { io } from '../io';
import { priceItem } from '../pricing';
import { dryRunLine, RegionOption, withRegion, withSession } from './common';

type Options = RegionOption & { yes?: boolean };

/** A stack mid-change would fight the pause (CloudFormation could set counts back), so only settled stacks pause. */
function checkSettled(stack: LabStack, mode: PausePlan['mode']): void {
  if (stack.status.endsWith('_IN_PROGRESS') || stack.status.startsWith('DELETE_')) {
    throw new CliError(`${stack.name} is ${stack.status}: wait until CloudFormation has finished before labs ${mode}.`, EXIT.incomplete);
  }
}

async function pauseOrResume(mode: PausePlan['mode'], stackName: string, options: Options): Promise<void> {
  await withSession(options, async (session) => {
    const stack = await getLabStack(session, stackName);
    checkSettled(stack, mode);
    const inventory = await loadInventory(session);
    const owned = ownedBy(inventory, stack.name);
    const plan = mode === 'pause' ? planPause(owned) : planResume(owned);
    io.out(`Account ${inventory.account}, region ${inventory.region}. labs ${mode} ${stack.name} (lab ${stack.lab}):`);
    if (plan.blockers.length) {
      for (const b of plan.blockers) io.out(`  cannot ${mode}: ${b}`);
      throw new CliError(`${stack.name} cannot ${mode}; nothing was changed.`, EXIT.incomplete);
    }
    if (!plan.actions.length) {
      io.out(mode === 'pause' ? `  Nothing in ${stack.name} is running that pause stops.` : `  Nothing in ${stack.name} was paused by labs pause.`);
      return;
    }
    for (const a of plan.actions) io.out(`  ${describeAction(a)}`);
    if (plan.stillBilling.length) {
      io.out(`While paused, ${plural(plan.stillBilling.length, 'resource')} still bill${plan.stillBilling.length === 1 ? 's' : ''}:`);
      for (const r of plan.stillBilling) {
        const usd = r.billable.map((i) => priceItem(i)).reduce((t, p) => t + (p.priced ? p.usdPerHour : 0), 0);
        io.out(`  ${describeResource(r)} ${formatUsd(usd)}/h`);
      }
    }
    if (!options.yes) {
      io.out(dryRunLine(`${mode} ${stack.name}`));
      return;
    }
    const outcomes = await executePausePlan(session, plan, (o) => io.out(`  ${o.ok ? 'done' : 'FAILED'}: ${describeAction(o.action)}${o.ok ? '' : ` (${o.message})`}`));
    const failed = outcomes.filter((o) => !o.ok).length;
    if (failed) throw new CliError(`${plural(failed, 'action')} of labs ${mode} ${stack.name} failed (listed above); run it again to retry.`, EXIT.incomplete);
    io.out(mode === 'pause' ? `${stack.name} is paused. Resume it with: labs resume ${stack.name} --yes` : `${stack.name} is resumed.`);
  });
}

/** `labs pause <stack>`: stop a lab's instances and scale its services and groups to 0, losing no data. */
export function registerPause(program: Command): void {
  withRegion(
    program
      .command('pause')
      .summary('Stop what a lab runs, keeping its data (not EMR)')
      .description(
        "Stop a lab's EC2 instances and scale its ECS services and Auto Scaling groups to 0, keeping all data, so it costs less until labs resume. " +
          'EMR clusters cannot pause (they can only be terminated). Prints the plan; changes nothing without --yes.',
      )
      .argument('<stack>', 'the lab stack')
      .option('--yes', 'do it (without it, only the plan is printed)'),
  ).action((stackName: string, options: Options) => pauseOrResume('pause', stackName, options));
}

/** `labs resume <stack>`: start exactly what `labs pause` stopped. */
export function registerResume(program: Command): void {
  withRegion(
    program
      .command('resume')
      .summary('Start again what labs pause stopped')
      .description('Start again exactly what labs pause stopped in a lab (found by the tags pause left). Prints the plan; changes nothing without --yes.')
      .argument('<stack>', 'the lab stack')
      .option('--yes', 'do it (without it, only the plan is printed)'),
  ).action((stackName: string, options: Options) => pauseOrResume('resume', stackName, options));
}
