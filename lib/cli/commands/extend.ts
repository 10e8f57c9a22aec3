import { Command } from 'commander';
import { ExpiryScheduleMissing, extendedTime, extendExpiry, findExpirySchedule } from '../actions/expiry';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { formatDuration, formatUtc } from '../format';
import { getLabStack } from '../inventory/stacks';
import { io } from '../io';
import { dryRunLine, parseHours, RegionOption, withRegion, withSession } from './common';

/** `labs extend <stack> --hours N`: moves the lab's expiry schedule to N hours from now, in place. */
export function registerExtend(program: Command): void {
  withRegion(
    program
      .command('extend')
      .summary("Move a lab's expiry to N hours from now")
      .description(
        "Move a lab's expiry to N hours from now: its expiry schedule is updated in place (the stack's ExpiresAt output keeps the deploy's time; labs status shows the new one). " +
          'A time earlier than the current one deletes the lab sooner: the plan is printed and nothing changes without --yes.',
      )
      .argument('<stack>', 'the lab stack, e.g. StaticSiteLabStack')
      .requiredOption('--hours <hours>', 'hours from now, a whole number from 1 to 168', parseHours)
      .option('--yes', 'also when the new time is earlier than the current one (the lab is deleted sooner)'),
  ).action(async (stackName: string, options: RegionOption & { hours: number; yes?: boolean }) => {
    await withSession(options, async (session) => {
      const stack = await getLabStack(session, stackName);
      if (stack.status.startsWith('DELETE_')) {
        throw new CliError(`${stack.name} is being deleted or failed to delete (${stack.status}): there is nothing to extend. labs destroy ${stack.name} finishes it.`, EXIT.notFound);
      }
      let schedule;
      try {
        schedule = await findExpirySchedule(session, stack);
      } catch (err) {
        if (!(err instanceof ExpiryScheduleMissing)) throw err;
        throw new CliError(
          `${stack.name}'s expiry schedule (${err.names.join(', ')}) is gone or no longer deletes this stack: it has already fired. ` +
            `Redeploy with -c ttlHours=<hours> to set a new expiry, or delete the lab with labs destroy ${stack.name}.`,
          EXIT.notFound,
        );
      }
      if (!schedule) {
        throw new CliError(`${stack.name} never expires (it was deployed with ttlHours=0), so there is no expiry to move. Redeploy with -c ttlHours=<hours> to give it one.`, EXIT.notFound);
      }
      const now = new Date();
      // Extending never shortens silently: an earlier time deletes the lab (and its data) sooner, so it is a
      // destructive change, planned first like the others.
      const to = extendedTime(options.hours, now);
      if (schedule.at && to.getTime() < schedule.at.getTime() && !options.yes) {
        io.out(
          `${stack.name} deletes itself at ${formatUtc(schedule.at)} (in ${formatDuration(schedule.at.getTime() - now.getTime())}). ` +
            `--hours ${options.hours} moves that EARLIER, to ${formatUtc(to)}: ${formatDuration(schedule.at.getTime() - to.getTime())} sooner.`,
        );
        io.out(`To keep the lab longer, pass more hours; to delete it now, run: labs destroy ${stack.name}`);
        io.out(dryRunLine(`extend ${stack.name} --hours ${options.hours}`));
        return;
      }
      const result = await extendExpiry(session, schedule, options.hours, now).catch((err: unknown) => {
        if (err instanceof Error && /has an end date/.test(err.message)) throw new CliError(`Cannot extend ${stack.name}: ${err.message}.`, EXIT.incomplete);
        throw err;
      });
      io.out(
        `${stack.name} now deletes itself at ${formatUtc(result.to)} (in ${formatDuration(result.to.getTime() - now.getTime())})` +
          `${result.from ? `; it was ${formatUtc(result.from)}` : ''}. Schedule ${schedule.group}/${schedule.name} updated` +
          `${schedule.retries?.length ? `, and its retry ${schedule.retries.map((r) => `${r.group}/${r.name}`).join(', ')} moved with it` : ''}.`,
      );
      io.out(
        `The stack's ExpiresAt output still shows the deploy's time; labs status shows the new one. ` +
          'A redeploy that changes ttlHours replaces it with a time counted from that deploy.',
      );
      if (schedule.schedule.State === 'DISABLED') io.out('Note: the schedule is disabled, so it will not fire until it is enabled again.');
    });
  });
}
