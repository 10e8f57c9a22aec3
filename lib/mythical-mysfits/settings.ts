import { SettingsDefinition, wholeNumberSetting } from '../shared/settings';

/** The settings only `MythicalMysfitsLabStack` reads (the settings every lab reads are in `lib/shared/settings.ts`). */
export const MYTHICAL_MYSFITS_SETTINGS = {
  mysfitsRequestsPerSecond: wholeNumberSetting({
    description:
      "Requests per second the Mysfits API's `prod` stage accepts, with bursts up to twice that; beyond it API Gateway answers 429. Caps what a runaway script can cost (each click is a Firehose record).",
    defaultValue: 10,
    min: 1,
    max: 1000,
  }),
} satisfies SettingsDefinition;
