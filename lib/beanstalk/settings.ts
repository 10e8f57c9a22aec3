import { choiceSetting, optionalTextSetting, SettingsDefinition } from '../shared/settings';
import { normalizeEmail } from './app/src/signup';

/** The two shapes of the lab's Elastic Beanstalk environment. */
export const BEANSTALK_ENVIRONMENTS = ['single-instance', 'high-availability'] as const;
export type BeanstalkEnvironmentKind = (typeof BEANSTALK_ENVIRONMENTS)[number];

/** The settings only `BeanstalkLabStack` reads (the settings every lab reads are in `lib/shared/settings.ts`). */
export const BEANSTALK_SETTINGS = {
  beanstalkEnvironment: choiceSetting<BeanstalkEnvironmentKind>({
    description:
      '`single-instance`: one t4g.micro instance with its own public address and no load balancer, the cheapest environment. `high-availability`: an Application Load Balancer in front of two t4g.micro instances in two Availability Zones, for the course\'s exercise (stop one instance; the app still answers and Elastic Beanstalk replaces it).',
    defaultValue: 'single-instance',
    choices: BEANSTALK_ENVIRONMENTS,
  }),
  notificationEmail: optionalTextSetting({
    description:
      "Subscribes this address to the sign-up topic: AWS emails it a confirmation link first, and each sign-up after you confirm. Without it the topic has no subscriber (the lab guide shows how to add one).",
    allowed: 'one email address such as ana@example.com (a dot-atom local part, a domain of at least two labels)',
    check: normalizeEmail,
  }),
} satisfies SettingsDefinition;
