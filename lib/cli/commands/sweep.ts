import { Command } from 'commander';
import { beanstalkStorageNote } from '../actions/beanstalk-storage';
import { describeResource, executeSweep, SweepOutcome } from '../actions/sweep';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { formatUsd, plural, table } from '../format';
import { loadInventory } from '../inventory';
import { describeKept, planSweep, stackTagOf } from '../inventory/ownership';
import { KIND_LABEL } from '../inventory/resources';
import { io } from '../io';
import { priceItem } from '../pricing';
import { dryRunLine, RegionOption, withRegion, withSession } from './common';

/** Prints one sweep outcome as it happens. */
export function printSweepOutcome(o: SweepOutcome): void {
  io.out(`  ${o.deleted ? 'deleted' : 'FAILED '}  ${describeResource(o.resource)}: ${o.message}`);
}

/** `labs sweep`: delete what carries the labs' tags but belongs to no live stack. */
export function registerSweep(program: Command): void {
  withRegion(
    program
      .command('sweep')
      .summary('Delete the leftovers of deleted lab stacks')
      .description(
        "Find the leftovers of deleted lab stacks (instances, volumes, snapshots, EMR clusters, buckets with all object versions, log groups, security groups, ...): " +
          'resources with the project tag whose non-empty stack tag names a lab stack that no longer exists, and that no live stack owns; and delete them. ' +
          'The project tag alone is never enough, and a resource whose tags name a live stack is never swept. Prints the plan; changes nothing without --yes.',
      )
      .option('--yes', 'do it (without it, only the plan is printed)'),
  ).action(async (options: RegionOption & { yes?: boolean }) => {
    await withSession(options, async (session) => {
      const inventory = await loadInventory(session);
      const plan = planSweep(inventory.resources, inventory.live);
      io.out(`Account ${inventory.account}, region ${inventory.region}.`);
      // What Elastic Beanstalk keeps outside every stack, said rather than swept (see the module).
      for (const line of await beanstalkStorageNote(session, inventory.region, inventory.account)) io.out(line);
      const kept = plan.kept.length;
      const stay = kept ? `${plural(kept, 'tagged resource')} ${kept === 1 ? 'stays' : 'stay'}: ${describeKept(plan.kept)}` : '';
      if (!plan.sweep.length) {
        io.out(`Nothing to sweep: ${kept ? stay : 'no resource carries the labs\' tags'}.`);
        return;
      }
      io.out(`Sweep ${plural(plan.sweep.length, 'resource')} that no live stack owns${kept ? ` (${plural(kept, 'other')} ${kept === 1 ? 'stays' : 'stay'}: ${describeKept(plan.kept)})` : ''}:`);
      io.out(
        table(
          ['RESOURCE', 'ID', 'STATE', 'DETAIL', 'STACK TAG', { header: '$/HOUR', align: 'right' }],
          plan.sweep.map((r) => [
            KIND_LABEL[r.kind],
            r.id,
            r.state === 'exists' ? '' : r.state,
            r.detail,
            stackTagOf(r) ?? '-', // the stack the sweep found gone: ours, or CloudFormation's tag when ours is empty
            r.billable.length ? formatUsd(r.billable.map((i) => priceItem(i)).reduce((t, p) => t + (p.priced ? p.usdPerHour : 0), 0)) : '-',
          ]),
        ),
      );
      if (!options.yes) {
        io.out(dryRunLine('sweep'));
        return;
      }
      const failed = (await executeSweep(session, plan.sweep, printSweepOutcome)).filter((o) => !o.deleted).length;
      if (failed) throw new CliError(`${plural(failed, 'resource')} could not be deleted (listed above); run labs sweep again to retry.`, EXIT.incomplete);
    });
  });
}
