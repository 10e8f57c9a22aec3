import { choiceSetting, SettingsDefinition, wholeNumberSetting } from '../shared/settings';
import { BOARD_PHASES, BoardPhase, TASK_COUNT } from './phases';

const taskCount = (what: string, phases: string) =>
  wholeNumberSetting({
    description: `How many tasks (containers) of ${what} run, in the ${phases}. Change it and redeploy to scale; ignored in the other phases.`,
    defaultValue: TASK_COUNT.default,
    min: TASK_COUNT.min,
    max: TASK_COUNT.max,
  });

/** The settings only `MicroservicesLabStack` reads (the settings every lab reads are in `lib/shared/settings.ts`). */
export const MICROSERVICES_SETTINGS = {
  phase: choiceSetting<BoardPhase>({
    description:
      '`monolith`: one container serves the whole message board. `split`: the users, threads and posts services run beside it and the load balancer sends their paths to them. `microservices`: the monolith is gone. Moving between phases is a plain redeploy with no failed requests.',
    defaultValue: 'monolith',
    choices: BOARD_PHASES,
  }),
  monolithTaskCount: taskCount('the monolith', '`monolith` and `split` phases'),
  usersTaskCount: taskCount('the users service', '`split` and `microservices` phases'),
  threadsTaskCount: taskCount('the threads service', '`split` and `microservices` phases'),
  postsTaskCount: taskCount('the posts service', '`split` and `microservices` phases'),
} satisfies SettingsDefinition;
