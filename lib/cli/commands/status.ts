import { Command } from 'commander';
import { ExpiryInfo, buildStatus, renderStatus } from '../status';
import { ExpiryScheduleMissing, findExpirySchedule } from '../actions/expiry';
import { loadInventory } from '../inventory';
import { toJson } from '../format';
import { io } from '../io';
import { RegionOption, withRegion, withSession } from './common';

/** `labs status`: every lab stack in the region, its age and expiry, and what in it bills now. */
export function registerStatus(program: Command): void {
  withRegion(
    program
      .command('status')
      .summary('Every lab stack: age, expiry, what bills now and $/hour')
      .description(
        'List every lab stack in the region: its age, when it expires, what in it bills now and an estimated cost per hour; ' +
          'flag stacks past their expiry, and list what deleted stacks left behind.',
      )
      .option('--json', 'print the report as JSON, for scripts'),
  ).action(async (options: RegionOption & { json?: boolean }) => {
    await withSession(options, async (session) => {
      const inventory = await loadInventory(session);
      const expiries = new Map<string, ExpiryInfo>();
      for (const stack of inventory.labStacks) {
        try {
          const schedule = await findExpirySchedule(session, stack, inventory.stackResources.get(stack.name));
          expiries.set(stack.name, schedule ? { kind: 'scheduled', at: schedule.at, retryAt: schedule.retries?.[0]?.at } : { kind: 'never' });
        } catch (err) {
          if (!(err instanceof ExpiryScheduleMissing)) throw err;
          expiries.set(stack.name, { kind: 'missing' });
        }
      }
      const report = buildStatus(inventory, expiries, new Date());
      io.out(options.json ? toJson(report) : renderStatus(report));
    });
  });
}
