import { booleanSetting, SettingsDefinition, wholeNumberSetting } from '../shared/settings';

/** The settings only `ServerlessLabStack` reads (the settings every lab reads are in `lib/shared/settings.ts`). */
export const SERVERLESS_SETTINGS = {
  serverlessRequestsPerSecond: wholeNumberSetting({
    description:
      "Requests per second that each method of the API's `prod` stage accepts (POST /ride, GET /faq and the three CORS preflights, each on its own), with bursts up to twice that; beyond it API Gateway answers 429. So the API as a whole takes up to 5 times this (50 per second at the default). Caps what a runaway script can cost.",
    defaultValue: 10,
    min: 1,
    max: 1000,
  }),
  serverlessAccessLogs: booleanSetting({
    description:
      "`false`: no API Gateway access logs; the functions' own logs cover the lab's steps, and the first deploy works in any account. `true`: API Gateway writes an access log line per request to a log group the stack owns; the deploy then needs the account's API Gateway CloudWatch Logs role, set once per account and region, which stays after the lab (see the lab guide).",
    defaultValue: false,
  }),
} satisfies SettingsDefinition;
