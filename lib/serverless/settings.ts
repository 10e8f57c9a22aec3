import { booleanSetting, SettingsDefinition, wholeNumberSetting } from '../shared/settings';

/** The settings only `ServerlessLabStack` reads (the settings every lab reads are in `lib/shared/settings.ts`). */
export const SERVERLESS_SETTINGS = {
  serverlessRequestsPerSecond: wholeNumberSetting({
    description:
      "Requests per second the API's `prod` stage accepts, with bursts up to twice that; beyond it API Gateway answers 429. Caps what a runaway script can cost.",
    defaultValue: 10,
    min: 1,
    max: 1000,
  }),
  serverlessAccessLogs: booleanSetting({
    description:
      "`true`: API Gateway writes an access log line per request to a log group the stack owns; it needs the account's API Gateway CloudWatch Logs role, set once per account and region (see the lab guide). `false`: no API access logs, for an account that cannot have that role.",
    defaultValue: true,
  }),
} satisfies SettingsDefinition;
