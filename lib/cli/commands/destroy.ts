import { Command } from 'commander';
import { destroyStack, DestroyOutcome } from '../actions/destroy';
import { describeResource, executeSweep } from '../actions/sweep';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { plural, table } from '../format';
import { loadInventory } from '../inventory';
import { planSweep, stackTagOf } from '../inventory/ownership';
import { getLabStack, LabStack } from '../inventory/stacks';
import { io } from '../io';
import { progressDisplay } from '../progress';
import { dryRunLine, RegionOption, withRegion, withSession } from './common';
import { printSweepOutcome } from './sweep';

type Options = RegionOption & { all?: boolean; yes?: boolean };

/** `labs destroy <stack>|--all`: delete lab stacks with progress, clear what blocks them, then sweep what they left. */
export function registerDestroy(program: Command): void {
  withRegion(
    program
      .command('destroy')
      .summary('Delete lab stacks with progress, clear blockers, then sweep')
      .description(
        'Delete a lab stack (or every lab stack with --all), showing progress while CloudFormation works. A deletion that fails is explained, ' +
          'what blocked it is cleared (non-empty buckets, security group rules, what the lab made at run time) and it is retried; ' +
          'then what the stack left behind is swept. Prints the plan; changes nothing without --yes.',
      )
      .argument('[stack]', 'the lab stack to delete')
      .option('--all', 'every lab stack in the region')
      .option('--yes', 'do it (without it, only the plan is printed)'),
  ).action(async (stackName: string | undefined, options: Options) => {
    if (!stackName === !options.all) throw new CliError('Name one lab stack, or pass --all for every lab stack (not both).', EXIT.usage);
    await withSession(options, async (session) => {
      const named = stackName ? await getLabStack(session, stackName) : undefined;
      const inventory = await loadInventory(session);
      const stacks: LabStack[] = named ? [named] : [...inventory.labStacks];
      const names = new Set(stacks.map((s) => s.name));
      io.out(`Account ${inventory.account}, region ${inventory.region}.`);
      if (!stacks.length) io.out('There are no lab stacks to delete.');
      for (const stack of stacks) {
        const listed = (inventory.stackResources.get(stack.name) ?? []).filter((r) => r.ResourceStatus !== 'DELETE_COMPLETE');
        io.out(`Delete stack ${stack.name} (lab ${stack.lab}, ${stack.status}) and its ${plural(listed.length, 'resource')}:`);
        if (listed.length) {
          io.out(indent(table(['TYPE', 'LOGICAL ID', 'PHYSICAL ID'], listed.map((r) => [r.ResourceType, r.LogicalResourceId, r.PhysicalResourceId ?? '']))));
        }
        const runtime = inventory.resources.filter((r) => stackTagOf(r) === stack.name && !inventory.live.physicalIds.has(r.id) && !(r.arn && inventory.live.physicalIds.has(r.arn)));
        if (runtime.length) {
          io.out(`  and what the lab made at run time (tagged ${stack.name}, removed if they outlive the stack):`);
          for (const r of runtime) io.out(`    ${describeResource(r)}`);
        }
      }
      // Leftovers that already exist: swept after the deletions (--all sweeps every one).
      const leftovers = planSweep(inventory.resources, inventory.live, options.all ? {} : { stacks: names }).sweep;
      if (leftovers.length) {
        io.out(`Then sweep ${plural(leftovers.length, 'resource')} that deleted stacks left behind:`);
        for (const r of leftovers) io.out(`  ${describeResource(r)}`);
      }
      if (!options.yes) {
        io.out(dryRunLine(`destroy ${stackName ?? '--all'}`));
        return;
      }
      if (!stacks.length && !leftovers.length) return;

      const display = progressDisplay(stacks.map((s) => s.name));
      let outcomes: DestroyOutcome[];
      try {
        outcomes = await Promise.all(stacks.map((s) => destroyStack(session, s, display)));
      } finally {
        display.stop();
      }
      const deleted = outcomes.filter((o) => o.deleted).map((o) => o.stack.name);
      for (const name of deleted) io.out(`Deleted ${name}.`);

      // Sweep what the deleted stacks left (or, with --all, everything no stack owns), from a fresh look.
      const after = await loadInventory(session);
      const sweep = planSweep(after.resources, after.live, options.all ? {} : { stacks: new Set(deleted) }).sweep;
      let sweepFailed = 0;
      if (sweep.length) {
        io.out(`Sweeping ${plural(sweep.length, 'resource')} left behind:`);
        sweepFailed = (await executeSweep(session, sweep, printSweepOutcome)).filter((o) => !o.deleted).length;
      }
      const failed = outcomes.filter((o) => !o.deleted);
      if (failed.length || sweepFailed) {
        const parts = [
          ...failed.map((o) => `${o.stack.name} did not delete (see above; aws cloudformation describe-stack-events --stack-name ${o.stack.name})`),
          ...(sweepFailed ? [`${plural(sweepFailed, 'leftover')} could not be deleted (listed above)`] : []),
        ];
        throw new CliError(`Not everything was deleted: ${parts.join('; ')}.`, EXIT.incomplete);
      }
    });
  });
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
